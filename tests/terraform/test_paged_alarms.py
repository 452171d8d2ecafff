"""The alarms a team is paged for (issue 21), beside the functions' errors, throttles and
durations: the outbox relay falling behind its tables' streams (IteratorAge), each with its
runbook entry in docs/operations.md."""

from __future__ import annotations

import pytest

from tests.terraform.hcl import MODULES, REPO, blocks

pytestmark = pytest.mark.terraform


def module_call(directory: str, name: str) -> dict[str, object]:
    [call] = [b.body for b in blocks("module", MODULES / directory) if b.name == name]
    return call


def test_the_relay_pages_when_it_falls_behind_its_streams() -> None:
    call = module_call("outbox_relay", "stream_alarms")
    assert call["source"] == "../alarms"
    assert call["namespace"] == "AWS/Lambda"
    alarm = call["alarms"]["iterator-age"]  # type: ignore[index]
    assert alarm["metric_name"] == "IteratorAge"
    assert alarm["statistic"] == "Maximum"
    assert call["alarm_topic_arn"] == "${var.alarm_topic_arn}"


def test_every_paged_alarm_has_a_runbook_entry() -> None:
    operations = (REPO / "docs" / "operations.md").read_text()
    assert "**Alarm `shop-<stage>-outbox-relay-iterator-age`.**" in operations
