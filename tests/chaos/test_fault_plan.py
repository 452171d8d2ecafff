"""shop.local.test_support.chaos on its own: a plan injects only when enabled, at its rates, up to its limits,
logging each fault; the faults look to the code as AWS's own errors do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from shop.local.test_support import chaos

NOWHERE = "http://127.0.0.1:9"  # never reached: the faults answer before any request is sent


def write_plan(path: Path, **plan: Any) -> Path:
    path.write_text(json.dumps({"seed": 1, "log": str(path.with_suffix(".log")), **plan}))
    return path


def test_a_plan_injects_when_enabled_at_its_rates_up_to_its_limits(tmp_path: Path) -> None:
    path = write_plan(
        tmp_path / "plan.json", enabled=True, rates={"consumer_crash": 1.0}, limits={"consumer_crash": 3}
    )
    plan = chaos.Plan(str(path), "here")
    assert [plan.draw("consumer_crash") for _ in range(5)] == [True, True, True, False, False]
    assert not plan.draw("dynamodb_throttle")  # rate 0
    assert chaos.injected(str(path.with_suffix(".log"))) == {"consumer_crash": 3}
    write_plan(path, enabled=False, rates={"dynamodb_throttle": 1.0})
    assert not plan.draw("dynamodb_throttle")


@pytest.fixture
def events_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    rates = {"transaction_conflict": 1.0, "sns_publish_failure": 1.0}
    path = write_plan(tmp_path / "plan.json", enabled=True, rates=rates)
    monkeypatch.setenv(chaos.PLAN_VARIABLE, str(path))
    import botocore.session

    monkeypatch.setattr(botocore.session, "get_session", botocore.session.get_session)  # undone after
    chaos.install("shop.catalog.handlers.events.handler", lambda: lambda event, context: None)
    return path


def test_a_transaction_conflict_is_dynamodb_s_own(events_function: Path) -> None:
    dynamodb = boto3.session.Session().client("dynamodb", region_name="us-east-1", endpoint_url=NOWHERE)
    items = [{"Put": {"TableName": "t", "Item": {"pk": {"S": key}}}} for key in ("a", "b")]
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException) as raised:
        dynamodb.transact_write_items(TransactItems=items)
    reasons = [reason["Code"] for reason in raised.value.response["CancellationReasons"]]
    assert reasons == ["None", "TransactionConflict"]


def test_a_failed_publish_fails_outright_or_entry_by_entry(events_function: Path) -> None:
    sns = boto3.session.Session().client("sns", region_name="us-east-1", endpoint_url=NOWHERE)
    entries = [{"Id": str(n), "Message": "m"} for n in range(2)]
    outcomes = set()
    for _ in range(12):
        try:
            answer = sns.publish_batch(
                TopicArn="arn:aws:sns:us-east-1:123456789012:t", PublishBatchRequestEntries=entries
            )
            assert [entry["Id"] for entry in answer["Failed"]] == ["0", "1"]
            outcomes.add("entries")
        except ClientError as error:
            outcomes.add(error.response["Error"]["Code"])
    assert outcomes == {"entries", "InternalError"}
    assert chaos.injected(str(events_function.with_suffix(".log"))) == {"sns_publish_failure": 12}
