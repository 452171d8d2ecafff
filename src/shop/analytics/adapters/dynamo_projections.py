"""The projections in DynamoDB.

- per order, the facts counted so far: pk `ORDER#<order_id>`, sk `FACTS`, one attribute per
  time (set once);
- per cart, that its start was counted: pk `CART#<cart_id>`, sk `FACTS`, `hour` (the one it counts in);
- per hour, under pk `HOURS`, so that a window is one Query of the sort keys from `HOUR#<first>`
  to those of `<last>`:
  - `HOUR#<yyyy-mm-ddThh>#SHARD#<n>`: running totals, one number attribute per counter
    (`carts`, `placed`, `revenue#EUR`, `latency#<bucket>`, ...), so an event's delta is one
    atomic `ADD`; the hour has SHARDS of them and an order or cart adds to the one its id
    picks, so concurrent events rarely contend for one item;
  - `HOUR#<yyyy-mm-ddThh>#UNITS#<product_id>`: the units and name of one product sold in
    the hour. An item per product: an hour's item holding every product reached DynamoDB's
    400 KB item limit after a few thousand products and refused every later event of the hour.

An event's fact and its hour deltas commit in one transaction conditional on the facts read
(a cart's: on not being there yet), so a redelivered or concurrent event can never count twice.
It holds the fact, a totals item per hour it concerns (two at most) and an item per product
of its lines, all in one hour (see domain.projection): at most 53 for an order's 50 lines (a
cart holds no more), under the 100 a transaction may hold."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shop.analytics.domain.errors import FactsChanged
from shop.analytics.domain.hours import HourTotals
from shop.analytics.domain.projection import CartCounted, Counted, OrderFacts
from shop.platform.dynamo import from_item, to_item
from shop.platform.shards import shard_of
from shop.platform.transaction import Transaction

HOURS_PK = "HOURS"
SHARDS = 8
FACT_TIMES = ("placed_at", "confirmed_at", "cancelled_at")
# counter attribute prefix → HourTotals field (a mapping keyed by currency, reason, bucket)
_KEYED = {"cancelled#": "cancelled", "revenue#": "revenue", "refunded#": "refunded"}
_LATENCY = "latency#"
# Before products had items of their own, an hour's one item `HOUR#<hour>` held them as
# `units#<p>` and `name#<p>` beside its counters: read, never written, so a deployed shop
# keeps its history.
_OLD_UNITS, _OLD_NAME = "units#", "name#"
_HOUR, _SHARD, _UNITS = "HOUR#", "SHARD", "UNITS"
_AFTER_HOUR = "$"  # sorts right after "#": after every item of an hour


def facts_key(order_id: str) -> dict[str, str]:
    return {"pk": f"ORDER#{order_id}", "sk": "FACTS"}


def cart_key(cart_id: str) -> dict[str, str]:
    return {"pk": f"CART#{cart_id}", "sk": "FACTS"}


def totals_key(hour: str, counted_id: str) -> dict[str, str]:
    """The hour's totals item that the order or cart `counted_id` adds to."""
    return {"pk": HOURS_PK, "sk": f"{_HOUR}{hour}#{_SHARD}#{shard_of(counted_id, SHARDS)}"}


def units_key(hour: str, product_id: str) -> dict[str, str]:
    return {"pk": HOURS_PK, "sk": f"{_HOUR}{hour}#{_UNITS}#{product_id}"}


class DynamoProjections:
    """Implements ports.Projections."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def facts(self, order_id: str) -> OrderFacts:
        response = self._client.get_item(
            TableName=self._table, Key=to_item(facts_key(order_id)), ConsistentRead=True
        )
        item = from_item(response.get("Item") or {})
        times = {name: datetime.fromisoformat(item[name]) for name in FACT_TIMES if name in item}
        return OrderFacts(order_id=order_id, **times)

    def record(self, before: OrderFacts, change: Counted) -> None:
        transaction = Transaction(self._client, self._table)
        facts_update = self._facts_update(transaction, before, change.facts)
        for delta in change.hours:
            _add_to_hour(transaction, delta, before.order_id)
        transaction.commit(
            {facts_update: lambda _: FactsChanged(f"order {before.order_id} changed while it was projected")}
        )

    def count_cart(self, counted: CartCounted) -> None:
        transaction = Transaction(self._client, self._table)
        noted = transaction.put(
            {**cart_key(counted.cart_id), "hour": counted.hour.hour}, "attribute_not_exists(pk)"
        )
        _add_to_hour(transaction, counted.hour, counted.cart_id)
        try:
            transaction.commit({noted: lambda _: _AlreadyCounted()})
        except _AlreadyCounted:
            return  # a redelivery: the cart is in its hour already

    def hours(self, first: str, last: str) -> list[HourTotals]:
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :first AND :last",
            "ExpressionAttributeValues": to_item(
                {":pk": HOURS_PK, ":first": _HOUR + first, ":last": _HOUR + last + _AFTER_HOUR}
            ),
        }
        counted: dict[str, HourTotals] = {}  # hour → its totals items added up
        sold: dict[str, tuple[dict[str, int], dict[str, str]]] = {}  # hour → its products' units, names
        while True:  # an item per product sold in each hour: a week of a large shop is many pages
            page = self._client.query(**params)
            for item in map(from_item, page.get("Items", [])):
                _, hour, *kind = item["sk"].split("#", 3)
                if kind and kind[0] == _UNITS:  # gathered, not added one by one: linear in products
                    units, names = sold.setdefault(hour, ({}, {}))
                    units[kind[1]] = int(item["units"])
                    if "name" in item:
                        names[kind[1]] = str(item["name"])
                else:
                    part = _hour_totals(hour, item)
                    counted[hour] = counted[hour] + part if hour in counted else part
            if "LastEvaluatedKey" not in page:
                break
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        totals = []
        for hour in sorted(counted.keys() | sold.keys()):
            units, names = sold.get(hour, ({}, {}))
            totals.append(
                counted.get(hour, HourTotals(hour=hour)) + HourTotals(hour=hour, units=units, names=names)
            )
        return totals

    def _facts_update(self, transaction: Transaction, before: OrderFacts, after: OrderFacts) -> int:
        sets, values = [], {}
        for name in FACT_TIMES:
            old, new = getattr(before, name), getattr(after, name)
            if old is None and new is not None:
                sets.append(f"{name} = :{name}")
                values[f":{name}"] = new.isoformat()
        # the facts we saw missing must still be missing: else another event of this order got in first
        condition = " AND ".join(
            f"attribute_not_exists({name})" for name in FACT_TIMES if getattr(before, name) is None
        )
        return transaction.update(
            facts_key(before.order_id),
            "SET " + ", ".join(sets),
            condition or None,
            values=values,
        )


class _AlreadyCounted(Exception):
    """The cart's record exists: its start was counted before."""


def _add_to_hour(transaction: Transaction, delta: HourTotals, counted_id: str) -> None:
    counters = [(attribute, amount) for attribute, amount in _counters(delta) if amount]
    if counters:
        transaction.update(
            totals_key(delta.hour, counted_id),
            "ADD " + ", ".join(f"#a{index} :a{index}" for index in range(len(counters))),
            names={f"#a{index}": attribute for index, (attribute, _) in enumerate(counters)},
            values={f":a{index}": amount for index, (_, amount) in enumerate(counters)},
        )
    for product_id, units in sorted(delta.units.items()):
        names: dict[str, str] = {"#units": "units"}
        values: dict[str, Any] = {":units": units}
        if name := delta.names.get(product_id):  # a refund's lines leave the name as it is
            names["#name"], values[":name"] = "name", name
        transaction.update(
            units_key(delta.hour, product_id),
            "ADD #units :units" + (" SET #name = :name" if name else ""),
            names=names,
            values=values,
        )


def _counters(delta: HourTotals) -> list[tuple[str, int]]:
    counters = [("carts", delta.carts), ("placed", delta.placed), ("confirmed", delta.confirmed)]
    for prefix, field in _KEYED.items():
        counters += [(prefix + key, amount) for key, amount in sorted(getattr(delta, field).items())]
    counters += [(f"{_LATENCY}{bucket}", count) for bucket, count in sorted(delta.latency.items())]
    return counters


def _hour_totals(hour: str, item: dict[str, Any]) -> HourTotals:
    """A totals item's counters (and, in an item kept before, its products')."""
    keyed: dict[str, dict[str, int]] = {field: {} for field in _KEYED.values()}
    latency: dict[int, int] = {}
    units: dict[str, int] = {}
    names: dict[str, str] = {}
    for attribute, value in item.items():
        prefix, separator, key = attribute.partition("#")
        prefix += separator
        if not key:
            continue
        if prefix in _KEYED:
            keyed[_KEYED[prefix]][key] = int(value)
        elif prefix == _LATENCY:
            latency[int(key)] = int(value)
        elif prefix == _OLD_UNITS:
            units[key] = int(value)
        elif prefix == _OLD_NAME:
            names[key] = str(value)
    return HourTotals(
        hour=hour,
        carts=int(item.get("carts", 0)),
        placed=int(item.get("placed", 0)),
        confirmed=int(item.get("confirmed", 0)),
        latency=latency,
        units=units,
        names=names,
        **keyed,
    )
