"""The partial batch loop: every record is attempted, the ones that raised are logged and
named in `batchItemFailures` (an SQS message id or a stream sequence number)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aws_lambda_powertools import Logger

from shop.platform.batch import Record, process_partial_batch

LOG = Logger(service="batch-test")


def sqs_record(message_id: str, body: str) -> Record:
    return {"messageId": message_id, "body": body, "eventSource": "aws:sqs"}


def stream_record(sequence_number: str, body: str) -> Record:
    return {
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "dynamodb": {"SequenceNumber": sequence_number, "NewImage": {"body": {"S": body}}},
    }


def body_of(record: Record) -> str:
    if "body" in record:
        return str(record["body"])
    return str(record["dynamodb"]["NewImage"]["body"]["S"])


class Recorder:
    """Handles every record, and raises on those whose body is "poison"."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, record: Record) -> None:
        body = body_of(record)
        self.seen.append(body)
        if body == "poison":
            raise ValueError("a poison record")


def test_a_failing_record_is_reported_and_the_others_still_run(caplog: pytest.LogCaptureFixture) -> None:
    handle = Recorder()
    event = {"Records": [sqs_record("m-0", "a"), sqs_record("m-1", "poison"), sqs_record("m-2", "b")]}

    assert process_partial_batch(event, handle, LOG) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert handle.seen == ["a", "poison", "b"]
    [logged] = caplog.records
    assert logged.levelno == logging.ERROR
    assert logged.__dict__["item_identifier"] == "m-1"
    assert logged.exc_info is not None
    assert str(logged.exc_info[1]) == "a poison record"


def test_a_stream_record_is_named_by_its_sequence_number() -> None:
    handle = Recorder()
    event = {
        "Records": [stream_record("100", "poison"), stream_record("200", "a"), stream_record("300", "poison")]
    }

    result = process_partial_batch(event, handle, LOG)

    assert result == {"batchItemFailures": [{"itemIdentifier": "100"}, {"itemIdentifier": "300"}]}
    assert handle.seen == ["poison", "a", "poison"]


def test_a_batch_that_all_succeeds_reports_no_failures() -> None:
    handle = Recorder()
    event = {"Records": [sqs_record("m-0", "a"), sqs_record("m-1", "b")]}
    assert process_partial_batch(event, handle, LOG) == {"batchItemFailures": []}
    assert handle.seen == ["a", "b"]


def test_a_batch_whose_every_record_fails_raises_as_a_lambda_error() -> None:
    handle = Recorder()
    event = {"Records": [sqs_record("m-0", "poison"), sqs_record("m-1", "poison")]}

    with pytest.raises(ExceptionGroup) as failed:
        process_partial_batch(event, handle, LOG)

    assert [str(error) for error in failed.value.exceptions] == ["a poison record"] * 2
    assert handle.seen == ["poison", "poison"]


@pytest.mark.parametrize("event", [{}, {"Records": []}])
def test_an_event_without_records_reports_no_failures(event: dict[str, Any]) -> None:
    handle = Recorder()
    assert process_partial_batch(event, handle, LOG) == {"batchItemFailures": []}
    assert handle.seen == []
