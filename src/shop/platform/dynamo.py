"""DynamoDB helpers: plain-dict items, and a unit of work that commits the writes of one
use case (state, outbox events, idempotency records) in one TransactWriteItems."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from shop.kernel.events import Event
from shop.platform.aws import client
from shop.platform.outbox import outbox_item

MAX_TRANSACTION_ITEMS = 100
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _serializer.serialize(value) for key, value in values.items() if value is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _plain(_deserializer.deserialize(value)) for key, value in item.items()}


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; the domain uses int (money is integral)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, set):
        return {_plain(item) for item in value}
    return value


class TransactionCancelled(Exception):
    """A condition of the transaction failed; `reasons[i]` is the code for operation i
    ("None" when that operation was fine) and `old_items[i]` its current item, if asked."""

    def __init__(self, reasons: list[str], old_items: list[dict[str, Any] | None]) -> None:
        super().__init__(", ".join(reasons))
        self.reasons = reasons
        self.old_items = old_items

    def failed(self, index: int) -> bool:
        return self.reasons[index] == "ConditionalCheckFailed"


class UnitOfWork:
    def __init__(self) -> None:
        self._operations: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self._operations)

    def put(self, table: str, item: Mapping[str, Any], condition: str | None = None, **params: Any) -> int:
        return self._add("Put", {"TableName": table, "Item": to_item(item)}, condition, **params)

    def update(
        self, table: str, key: Mapping[str, Any], expression: str, condition: str | None = None, **params: Any
    ) -> int:
        body = {"TableName": table, "Key": to_item(key), "UpdateExpression": expression}
        return self._add("Update", body, condition, **params)

    def delete(self, table: str, key: Mapping[str, Any], condition: str | None = None, **params: Any) -> int:
        return self._add("Delete", {"TableName": table, "Key": to_item(key)}, condition, **params)

    def publish(self, table: str, event: Event) -> int:
        """Record the event in the outbox of `table`; the relay publishes it after commit."""
        return self.put(table, outbox_item(event), "attribute_not_exists(pk)")

    def commit(self) -> None:
        if not self._operations:
            return
        if len(self._operations) > MAX_TRANSACTION_ITEMS:
            raise ValueError(f"a transaction holds at most {MAX_TRANSACTION_ITEMS} operations")
        dynamodb = client("dynamodb")
        try:
            dynamodb.transact_write_items(TransactItems=self._operations)
        except dynamodb.exceptions.TransactionCanceledException as error:
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
