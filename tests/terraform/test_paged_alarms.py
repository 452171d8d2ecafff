"""The alarms a team is paged for (issue 21), beside the functions' errors, throttles and
durations: the outbox relay falling behind its tables' streams (IteratorAge), each table's
throttled requests and DynamoDB's own errors, and replication latency when the tables have
replicas; the dashboard shows each, and every alarm has its runbook entry in docs/operations.md."""

from __future__ import annotations

import re

import pytest

from tests.terraform.hcl import MODULES, REPO, blocks

pytestmark = pytest.mark.terraform

# How docs/operations.md names the alarms of each call of modules/alarms, which names each
# `<name_prefix>-<key>`; a function is shop-<stage>-<service>-http|events or
# shop-<stage>-outbox-relay (the relay's own function module).
DOCUMENTED_PREFIX = {
    ("function", "alarms"): "<function>",
    ("queue", "alarms"): "shop-<stage>-<service>",
    ("outbox_relay", "alarms"): "shop-<stage>-outbox-relay",
    ("outbox_relay", "stream_alarms"): "shop-<stage>-outbox-relay",
    ("monitoring", "alarms"): "shop-<stage>",
    ("monitoring", "payment_alarms"): "shop-<stage>",
    ("table", "alarms"): "shop-<stage>-<service>-table",
    ("table", "replication_alarms"): "shop-<stage>-<service>-table-<region>",
}
TABLE_QUERY = (
    'SELECT SUM({metric}) FROM SCHEMA("AWS/DynamoDB", Operation, TableName) '
    "WHERE TableName = '${{aws_dynamodb_table.this.name}}'"
)


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


def test_every_table_pages_for_throttles_and_dynamodbs_own_errors() -> None:
    """Both metrics exist only per operation: each alarm sums its table's over the operations."""
    call = module_call("table", "alarms")
    assert call["source"] == "../alarms"
    assert call["name_prefix"] == "${var.name}-table"
    assert call["alarm_topic_arn"] == "${var.alarm_topic_arn}"
    alarms = call["alarms"]
    for key, metric in {"throttles": "ThrottledRequests", "system-errors": "SystemErrors"}.items():
        alarm = alarms[key]  # type: ignore[index]
        assert alarm["query"] == TABLE_QUERY.format(metric=metric), key
        assert (alarm["threshold"], alarm["comparison_operator"]) == (1, "GreaterThanOrEqualToThreshold")


def test_replicated_tables_page_when_a_replica_falls_behind() -> None:
    call = module_call("table", "replication_alarms")
    assert call["for_each"] == "${{for replica in var.replicas : replica.region => replica}}"
    assert call["dimensions"] == {
        "TableName": "${aws_dynamodb_table.this.name}",
        "ReceivingRegion": "${each.key}",
    }
    alarm = call["alarms"]["replication-latency"]  # type: ignore[index]
    assert alarm["metric_name"] == "ReplicationLatency"
    assert alarm["threshold"] == "${var.replication_latency_threshold_ms}"


def test_a_metric_insights_row_is_an_alarm_on_its_query_alone() -> None:
    [alarm] = [b for b in blocks("resource", MODULES / "alarms") if b.type == "aws_cloudwatch_metric_alarm"]
    query = alarm.body["dynamic"][0]["metric_query"]
    assert query["for_each"] == "${each.value.query == null ? [] : [each.value.query]}"
    assert query["content"][0]["expression"] == "${metric_query.value}"
    for argument in ("namespace", "dimensions", "period"):
        assert alarm.body[argument].startswith("${each.value.query == null ? "), argument


def test_the_dashboard_shows_every_paged_metric() -> None:
    """The dashboard's lines: terraform/modules/monitoring/tests; here what the shop feeds it."""
    shop = module_call("shop", "monitoring")
    assert shop["relay_name"] == "${module.outbox_relay.function_name}"
    assert shop["table_names"] == "${[for table in local.table_refs : table.name]}"
    assert shop["replica_region"] == "${var.replica == null ? null : var.replica.region}"
    assert module_call("shop", "table")["alarm_topic_arn"] == "${module.monitoring.alarm_topic_arn}"


def runbook_entries() -> set[str]:
    """The alarm names the Alarms section of docs/operations.md gives an entry (`**Alarm ...**`)."""
    operations = (REPO / "docs" / "operations.md").read_text()
    section = operations.split("\n## Alarms", 1)[1].split("\n## ", 1)[0]
    headings = re.findall(r"^\*\*Alarms? (.+?)\*\*", section, flags=re.MULTILINE)
    return {name for heading in headings for name in re.findall(r"`([^`]+)`", heading)}


def test_every_alarm_has_a_runbook_entry() -> None:
    entries = runbook_entries()
    calls = {
        (b.path.parent.name, b.name): b.body for b in blocks("module") if b.body["source"] == "../alarms"
    }
    assert set(calls) == set(DOCUMENTED_PREFIX)
    names = [f"{DOCUMENTED_PREFIX[call]}-{key}" for call, body in calls.items() for key in body["alarms"]]
    missing = [name for name in names if name not in entries]
    assert not missing, f"no runbook entry in docs/operations.md's Alarms section for {missing}"
