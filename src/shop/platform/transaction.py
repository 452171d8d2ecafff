"""One use case's writes to its service's table — state, outbox events, idempotency records —
committed together in one TransactWriteItems: all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from shop.kernel.events import EventData
from shop.platform.dynamo import from_item, to_item
from shop.platform.outbox import envelope, outbox_item

MAX_TRANSACTION_ITEMS = 100

# Turns the current item of a failed operation (if it was asked for) into a domain error.
Failure = Callable[[dict[str, Any] | None], Exception]


# Reasons that mean "busy, try again": the same transaction may well commit next time.
TRANSIENT_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})


class TransactionCancelled(Exception):
    """DynamoDB cancelled the transaction; `reasons[i]` is the code for operation i
    ("None" when that operation was fine) and `old_items[i]` its current item, if asked."""

    def __init__(self, reasons: list[str], old_items: list[dict[str, Any] | None]) -> None:
        super().__init__(", ".join(reasons))
        self.reasons = reasons
        self.old_items = old_items

    def failed(self, index: int) -> bool:
        return index < len(self.reasons) and self.reasons[index] == "ConditionalCheckFailed"

    def old_item(self, index: int) -> dict[str, Any] | None:
        return self.old_items[index] if index < len(self.old_items) else None

    @property
    def transient(self) -> bool:
        """Lost a race with another writer, or was throttled."""
        return not TRANSIENT_REASONS.isdisjoint(self.reasons)


class Transaction:
    """Collects the operations on `table` and commits them through `client`; each
    operation's index names it when a condition fails."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table
        self._operations: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self._operations)

    def put(self, item: Mapping[str, Any], condition: str | None = None, **params: Any) -> int:
        return self._add("Put", {"TableName": self._table, "Item": to_item(item)}, condition, **params)

    def update(
        self, key: Mapping[str, Any], expression: str, condition: str | None = None, **params: Any
    ) -> int:
        body = {"TableName": self._table, "Key": to_item(key), "UpdateExpression": expression}
        return self._add("Update", body, condition, **params)

    def delete(self, key: Mapping[str, Any], condition: str | None = None, **params: Any) -> int:
        return self._add("Delete", {"TableName": self._table, "Key": to_item(key)}, condition, **params)

    def publish(self, events: Iterable[EventData], *, occurred_at: datetime | None = None) -> list[str]:
        """Record the events in the table's outbox; the relay publishes them after commit.
        Returns their event ids, for a store that has to erase a record before its TTL does."""
        recorded = [envelope(data, occurred_at) for data in events]
        for event in recorded:
            self.put(outbox_item(event), "attribute_not_exists(pk)")
        return [event.event_id for event in recorded]

    def commit(
        self,
        failures: Mapping[int, Failure] | None = None,
        *,
        otherwise: Callable[[TransactionCancelled], Exception] | None = None,
    ) -> None:
        """Write everything or nothing. When a condition fails, the first failed operation
        named in `failures` decides the error; `otherwise` (or TransactionCancelled itself)
        stands for any other cause."""
        if not self._operations:
            return
        if len(self._operations) > MAX_TRANSACTION_ITEMS:
            raise ValueError(f"a transaction holds at most {MAX_TRANSACTION_ITEMS} operations")
        try:
            self._write()
        except TransactionCancelled as cancelled:
            for index, failure in sorted((failures or {}).items()):
                if cancelled.failed(index):
                    raise failure(cancelled.old_item(index)) from cancelled
            if otherwise is None:
                raise
            raise otherwise(cancelled) from cancelled

    def _write(self) -> None:
        try:
            self._client.transact_write_items(TransactItems=self._operations)
        except self._client.exceptions.TransactionCanceledException as error:
            reasons = error.response.get("CancellationReasons", [])
            raise TransactionCancelled(
                [reason.get("Code", "None") for reason in reasons],
                [from_item(reason["Item"]) if reason.get("Item") else None for reason in reasons],
            ) from error
        finally:
            self._operations = []

    def _add(
        self,
        kind: str,
        body: dict[str, Any],
        condition: str | None,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        return_old_on_failure: bool = False,
    ) -> int:
        if condition:
            body["ConditionExpression"] = condition
        if names:
            body["ExpressionAttributeNames"] = dict(names)
        if values:
            body["ExpressionAttributeValues"] = to_item(values)
        if return_old_on_failure:
            body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        self._operations.append({kind: body})
        return len(self._operations) - 1
