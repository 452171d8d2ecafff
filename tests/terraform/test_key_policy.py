"""The system key lets SNS and CloudWatch use it only for the topics and alarms named
`<name_prefix>-*` (modules/kms `source_name_prefix`, aws:SourceArn; its terraform test holds
the policy). A topic or alarm named otherwise would deploy cleanly and then deliver nothing,
so every name they get must come from the prefix modules/shop gives the key."""

from __future__ import annotations

import pytest

from tests.terraform.hcl import MODULES, blocks, resources

pytestmark = pytest.mark.terraform

CALLERS_NAMES = ("${var.name_prefix}", "${var.name}")


def test_the_system_key_serves_the_shops_name_prefix() -> None:
    (kms,) = [b for b in blocks("module", MODULES / "shop") if b.name == "kms"]
    assert kms.body["source_name_prefix"] == "${var.name_prefix}"


def test_every_topic_and_alarm_is_named_under_the_prefix_it_was_given() -> None:
    for topic in resources("aws_sns_topic", MODULES):
        assert topic.body["name"].startswith("${var.name_prefix}-"), topic.where
    (alarm,) = resources("aws_cloudwatch_metric_alarm", MODULES)
    assert alarm.body["alarm_name"].startswith("${var.name_prefix}-"), alarm.where
    # ... and each module hands its callees names that begin with its own.
    for call in blocks("module", MODULES):
        if "examples" in call.path.parts:  # root modules: they choose the prefix
            continue
        for argument in ("name", "name_prefix"):
            if argument in call.body:
                assert call.body[argument].startswith(CALLERS_NAMES), call.where
