"""Partial batch responses for SQS queues and DynamoDB streams, in place of Powertools'
batch utility: importing `aws_lambda_powertools.utilities.batch` loads every Powertools
event data class (the `data_classes` package imports some 40 modules), 10-20 ms of a
queue consumer's cold start (`make bench`). Records stay the plain dicts Lambda sends.

The semantics are BatchProcessor's for standard queues and streams: every record is
attempted; one whose function raises is logged and reported in `batchItemFailures` (its
`messageId`, or a stream record's `dynamodb.SequenceNumber`); if every record failed, the
invocation raises instead, so it counts as a Lambda error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools import Logger

Record = dict[str, Any]


def process_partial_batch(
    event: Mapping[str, Any], handle: Callable[[Record], None], log: Logger
) -> dict[str, list[dict[str, str]]]:
    """Run `handle` on each record of `event`; the response names the records that raised."""
    records: list[Record] = event.get("Records") or []
    failures: list[dict[str, str]] = []
    errors: list[Exception] = []
    for record in records:
        try:
            handle(record)
        except Exception as error:
            item_identifier = _item_identifier(record)
            log.exception("record failed", extra={"item_identifier": item_identifier})
            failures.append({"itemIdentifier": item_identifier})
            errors.append(error)
    if records and len(errors) == len(records):
        raise ExceptionGroup(f"all {len(records)} records failed", errors)
    return {"batchItemFailures": failures}


def _item_identifier(record: Record) -> str:
    if "messageId" in record:
        return str(record["messageId"])
    return str(record["dynamodb"]["SequenceNumber"])
