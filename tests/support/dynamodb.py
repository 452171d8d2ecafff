"""DynamoDB from a test's side: the requests a handler makes (botocore `before-call`
hooks on the shared client, for the budgets of docs/conventions.md) and what a table holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shop.platform.aws import client
from shop.platform.dynamo import from_item


class DynamoCalls:
    """The operation names of the DynamoDB requests made so far, in order."""

    def __init__(self) -> None:
        self.operations: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    @property
    def count(self) -> int:
        return len(self.operations)

    def reset(self) -> None:
        self.operations.clear()

    def take(self) -> list[str]:
        """The operations so far, and start counting afresh."""
        taken, self.operations = self.operations, []
        return taken


@contextmanager
def dynamodb_calls() -> Iterator[DynamoCalls]:
    """Counts the requests of the shared `aws.client("dynamodb")` while open."""
    calls = DynamoCalls()
    events = client("dynamodb").meta.events
    events.register("before-call.dynamodb", calls)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb", calls)


def table_items(table: str) -> list[dict[str, Any]]:
    """Every item of `table` as plain values."""
    return [from_item(item) for item in client("dynamodb").scan(TableName=table)["Items"]]


def outbox_events(table: str) -> list[dict[str, Any]]:
    """The events of `table`'s outbox records."""
    return [json.loads(item["event"]) for item in table_items(table) if item["pk"].startswith("OUTBOX#")]
