"""Orders in DynamoDB: one item per order, outbox records and sharded running totals for
the admin, written together in one transaction per change.

Items: `ORDER#<id>`/`ORDER` (gsi1: `CUSTOMER#<id>` / `<created_at>#<id>`, newest first),
`STATS`/`SHARD#<n>` (orders per status and revenue per currency, added to atomically; an
order always adds to the same shard, so concurrent checkouts rarely contend for one item),
`STATS`/`UNITS#<n>#<product>` (the units and name of one product sold in shard n's orders:
an item per product, since a shard's item holding every product would reach DynamoDB's
400 KB item limit after a few thousand products and refuse every confirmation) and
`CHECKOUT#<customer>`/
`CHECKOUT`: the order in flight from the customer's cart (`in_flight`), the last order that
became final (`settled`; the checkout is free when they are equal) and the cart line versions
confirmed orders took that the cart may still show (`taken`, a string set; `taken_by` the
last of them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from shop.kernel.change import Change
from shop.kernel.clock import rfc3339
from shop.orders.domain.errors import CheckoutContended, LinesTaken, OrderExists, OrderInFlight, StaleOrder
from shop.orders.domain.model import Order, OrderStatus
from shop.orders.domain.stats import Stats, StatsDelta, delta_of, summarize
from shop.orders.ports import Earlier, Position
from shop.platform.dynamo import from_item, to_item
from shop.platform.shards import shard_of
from shop.platform.transaction import Transaction, TransactionCancelled

STATS_SHARDS = 8
_MAX_ID_BYTES = 512
_ORDERS_PREFIX = "orders_"
_REVENUE_PREFIX = "revenue_"
_UNITS_PREFIX = "units_"
_NAME_PREFIX = "name_"
_UNITS_SK = "UNITS#"
_CHECKOUT_NAMES = {
    "#in_flight": "in_flight",
    "#settled": "settled",
    "#taken": "taken",
    "#taken_by": "taken_by",
}


def order_key(order_id: str) -> dict[str, str]:
    return {"pk": f"ORDER#{order_id}", "sk": "ORDER"}


def stats_key(order_id: str) -> dict[str, str]:
    return {"pk": "STATS", "sk": f"SHARD#{_shard(order_id)}"}


def units_key(order_id: str, product_id: str) -> dict[str, str]:
    return {"pk": "STATS", "sk": f"{_UNITS_SK}{_shard(order_id)}#{product_id}"}


def _shard(order_id: str) -> int:
    return shard_of(order_id, STATS_SHARDS)


class DynamoOrders:
    """Implements ports.Orders."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def get(self, order_id: str) -> Order | None:
        if len(order_id.encode()) > _MAX_ID_BYTES:
            return None  # could never have been stored; DynamoDB would refuse the key
        found = self._client.get_item(
            TableName=self._table, Key=to_item(order_key(order_id)), ConsistentRead=True
        )
        item = found.get("Item")
        return _order(from_item(item)) if item else None

    def earlier(self, customer_id: str, order_id: str | None) -> Earlier:
        keys = [checkout_key(customer_id)]
        if order_id and len(order_id.encode()) <= _MAX_ID_BYTES:
            keys.append(order_key(order_id))
        found = self._client.batch_get_item(
            RequestItems={self._table: {"Keys": [to_item(key) for key in keys], "ConsistentRead": True}}
        )
        items = {item["pk"]: item for item in map(from_item, found["Responses"].get(self._table, []))}
        checkout = items.get(checkout_key(customer_id)["pk"], {})
        in_flight = checkout.get("in_flight")
        order = items.get(order_key(order_id)["pk"]) if order_id else None
        return Earlier(
            order=_order(order) if order else None,
            in_flight=str(in_flight) if in_flight and in_flight != checkout.get("settled") else None,
        )

    def add(self, change: Change[Order], *, still_taken: frozenset[str] = frozenset()) -> None:
        transaction = Transaction(self._client, self._table)
        put = transaction.put(
            self._item(change.after), "attribute_not_exists(pk)", return_old_on_failure=True
        )
        checkout = _begin_checkout(transaction, change.after, still_taken)
        self._record(transaction, change)
        transaction.commit({put: _exists, checkout: _checkout_refused}, otherwise=_contended)

    def save(self, change: Change[Order]) -> None:
        self.save_all([change])

    def save_all(self, changes: list[Change[Order]]) -> None:
        transaction = Transaction(self._client, self._table)
        stale: dict[int, Callable[[dict[str, Any] | None], Exception]] = {}
        for change in changes:
            before = change.before
            if before is None:
                raise ValueError("save() persists a move of a stored order; use add() for a new one")
            put = transaction.put(
                self._item(change.after),
                "#version = :version AND #status = :status",
                names={"#version": "version", "#status": "status"},
                values={":version": before.version, ":status": before.status.value},
                return_old_on_failure=True,
            )
            stale[put] = partial(_stale, before.order_id)
            self._record(transaction, change)
        transaction.commit(stale)

    def page_for(
        self, customer_id: str, limit: int, after: Position | None
    ) -> tuple[list[Order], Position | None]:
        params: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :customer",
            "ExpressionAttributeValues": to_item({":customer": _customer_key(customer_id)}),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if after:
            params["ExclusiveStartKey"] = to_item(after)
        page = self._client.query(**params)
        orders = [_order(from_item(item)) for item in page.get("Items", [])]
        last = page.get("LastEvaluatedKey")
        return orders, (from_item(last) if last else None)

    def stats(self) -> Stats:
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :stats",
            "ExpressionAttributeValues": to_item({":stats": "STATS"}),
        }
        totals: list[StatsDelta] = []
        while True:  # an item per product sold: more than one page in a large shop
            page = self._client.query(**params)
            totals += [_totals(from_item(item)) for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return summarize(totals)
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # -- writing ------------------------------------------------------------------------

    def _item(self, order: Order) -> dict[str, Any]:
        return {
            **order_key(order.order_id),
            "gsi1pk": _customer_key(order.customer_id),
            "gsi1sk": f"{rfc3339(order.created_at)}#{order.order_id}",
            **order.model_dump(mode="json", exclude_none=True),
        }

    def _record(self, transaction: Transaction, change: Change[Order]) -> None:
        transaction.publish(change.events)
        _end_checkout(transaction, change)
        delta = delta_of(change.before, change.after)
        order_id = change.after.order_id
        if delta.orders or delta.revenue:
            expression, names, values = _adding(delta)
            transaction.update(stats_key(order_id), expression, names=names, values=values)
        for product_id, units in delta.units.items():
            transaction.update(
                units_key(order_id, product_id),
                "ADD #units :units SET #name = :name",
                names={"#units": "units", "#name": "name"},
                values={":units": units, ":name": delta.names[product_id]},
            )


def checkout_key(customer_id: str) -> dict[str, str]:
    return {"pk": f"CHECKOUT#{customer_id}", "sk": "CHECKOUT"}


def _begin_checkout(transaction: Transaction, order: Order, still_taken: frozenset[str]) -> int:
    """The customer's checkout names this order in flight, on condition that the last one it
    named is final (`settled`) and that no line version of this order was taken already."""
    revisions = sorted({line.revision for line in order.lines if line.revision})
    values: dict[str, Any] = {":order": order.order_id, **{f":r{i}": rev for i, rev in enumerate(revisions)}}
    condition = " AND ".join(
        [
            "(attribute_not_exists(#in_flight) OR #in_flight = #settled)",
            *(f"NOT contains(#taken, :r{i})" for i in range(len(revisions))),
        ]
    )
    if still_taken:
        expression = "SET #in_flight = :order, #taken = :kept"
        values[":kept"] = set(still_taken)
    else:
        expression = "SET #in_flight = :order REMOVE #taken"  # the cart holds none of them any more
    return transaction.update(
        checkout_key(order.customer_id),
        expression,
        condition,
        names=_checkout_names(expression, condition),
        values=values,
        return_old_on_failure=True,
    )


def _end_checkout(transaction: Transaction, change: Change[Order]) -> None:
    """An order that becomes final frees its customer's checkout; a confirmed one's line
    versions stay taken until a checkout finds the cart without them. Unconditional: an order
    placed before checkouts were kept only settles itself, never the order in flight."""
    before, after = change.before, change.after
    if before is None or not before.in_flight or after.in_flight:
        return
    values: dict[str, Any] = {":order": after.order_id}
    expression = "SET #settled = :order"
    taken = {line.revision for line in after.lines if line.revision}
    if after.status is OrderStatus.CONFIRMED and taken:
        expression += ", #taken_by = :order ADD #taken :taken"
        values[":taken"] = taken
    transaction.update(
        checkout_key(after.customer_id),
        expression,
        names=_checkout_names(expression),
        values=values,
    )


def _contended(cancelled: TransactionCancelled) -> Exception:
    """DynamoDB cancels one of two transactions writing the same checkout at once."""
    if "TransactionConflict" in cancelled.reasons:
        return CheckoutContended()
    return TransactionCancelled(cancelled.reasons, cancelled.old_items)


def _checkout_names(*expressions: str) -> dict[str, str]:
    """The checkout's attribute names these expressions use (DynamoDB refuses unused ones)."""
    used = set(re.findall(r"#\w+", " ".join(expressions)))
    return {name: attribute for name, attribute in _CHECKOUT_NAMES.items() if name in used}


def _checkout_refused(old: dict[str, Any] | None) -> Exception:
    old = old or {}
    if "in_flight" in old and old["in_flight"] != old.get("settled"):
        return OrderInFlight(str(old["in_flight"]))
    return LinesTaken(frozenset(old.get("taken", ())), old.get("taken_by"))


def _customer_key(customer_id: str) -> str:
    return f"CUSTOMER#{customer_id}"


def _order(item: dict[str, Any]) -> Order:
    return Order.model_validate(item)


def _stale(order_id: str, current: dict[str, Any] | None) -> Exception:
    return StaleOrder(order_id, _order(current) if current else None)


def _exists(existing: dict[str, Any] | None) -> Exception:
    if existing is None:  # asked for, so always there; without it the retry cannot be answered
        return RuntimeError("the order exists but DynamoDB did not return it")
    return OrderExists(_order(existing))


def _adding(delta: StatsDelta) -> tuple[str, dict[str, str], dict[str, Any]]:
    """`ADD counter :n, ...`, which creates missing counters."""
    additions = [
        *((_ORDERS_PREFIX + status.value, count) for status, count in delta.orders.items()),
        *((_REVENUE_PREFIX + currency, amount) for currency, amount in delta.revenue.items()),
    ]
    names = {f"#a{index}": attribute for index, (attribute, _) in enumerate(additions)}
    values = {f":a{index}": amount for index, (_, amount) in enumerate(additions)}
    return "ADD " + ", ".join(f"#a{index} :a{index}" for index in range(len(additions))), names, values


def _totals(item: dict[str, Any]) -> StatsDelta:
    if item["sk"].startswith(_UNITS_SK):
        product_id = item["sk"].split("#", 2)[2]
        return StatsDelta(units={product_id: int(item["units"])}, names={product_id: str(item["name"])})
    orders: dict[OrderStatus, int] = {}
    revenue: dict[str, int] = {}
    units: dict[str, int] = {}
    names: dict[str, str] = {}
    for attribute, value in item.items():
        if (
            attribute.startswith(_ORDERS_PREFIX)
            and attribute[len(_ORDERS_PREFIX) :] in OrderStatus.__members__
        ):
            orders[OrderStatus(attribute[len(_ORDERS_PREFIX) :])] = int(value)
        elif attribute.startswith(_REVENUE_PREFIX):
            revenue[attribute[len(_REVENUE_PREFIX) :]] = int(value)
        # Shards written before products had items of their own still hold their units: read,
        # never written, so a deployed shop's best sellers keep their history.
        elif attribute.startswith(_UNITS_PREFIX):
            units[attribute[len(_UNITS_PREFIX) :]] = int(value)
        elif attribute.startswith(_NAME_PREFIX):
            names[attribute[len(_NAME_PREFIX) :]] = str(value)
    return StatsDelta(orders=orders, revenue=revenue, units=units, names=names)
