"""The anomaly the payments service counts (a provider notice that matched no payment the shop asked
for) has a CloudWatch alarm on the alarm topic, on the metric and dimension the function emits."""

from __future__ import annotations

import pytest

from shop.payments.handlers.http import UNMATCHED_METRIC
from tests.terraform.hcl import MODULES, blocks

pytestmark = pytest.mark.terraform


def test_unmatched_payment_notices_raise_an_alarm() -> None:
    calls = {block.name: block.body for block in blocks("module", MODULES / "monitoring")}
    payments = calls["payment_alarms"]
    assert payments["source"] == "../alarms"
    assert payments["namespace"] == "Shop"  # POWERTOOLS_METRICS_NAMESPACE of every function
    assert payments["dimensions"] == {"service": "payments"}  # Powertools' service dimension
    assert payments["alarm_topic_arn"] == "${aws_sns_topic.alarms.arn}"
    [alarm] = payments["alarms"].values()
    assert alarm["metric_name"] == UNMATCHED_METRIC
    assert (alarm["threshold"], alarm["comparison_operator"]) == (1, "GreaterThanOrEqualToThreshold")
