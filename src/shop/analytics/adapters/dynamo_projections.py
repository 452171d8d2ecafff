"""The projections in DynamoDB.

- per order, the facts counted so far: pk `ORDER#<order_id>`, sk `FACTS`, one attribute per
  time (set once);
- per cart, that its start was counted: pk `CART#<cart_id>`, sk `FACTS`, `hour` (the one it counts in);
- per hour, running totals: pk `HOURS`, sk `HOUR#<yyyy-mm-ddThh>`, one number attribute per
  counter (`carts`, `placed`, `revenue#EUR`, `units#<product_id>`, `latency#<bucket>`, ...),
  so an event's delta is one atomic `ADD` and a window is one Query.

An event's fact and its hour deltas commit in one transaction conditional on the facts read
(a cart's: on not being there yet), so a redelivered or concurrent event can never count twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shop.analytics.domain.errors import FactsChanged
from shop.analytics.domain.hours import HourTotals
from shop.analytics.domain.projection import CartCounted, Counted, OrderFacts
from shop.platform.dynamo import from_item, to_item
from shop.platform.transaction import Transaction

HOURS_PK = "HOURS"
FACT_TIMES = ("placed_at", "confirmed_at", "cancelled_at")
# counter attribute prefix → HourTotals field (a mapping keyed by currency, reason, product, bucket)
_KEYED = {"cancelled#": "cancelled", "revenue#": "revenue", "refunded#": "refunded", "units#": "units"}
_LATENCY = "latency#"
_NAME = "name#"


def facts_key(order_id: str) -> dict[str, str]:
    return {"pk": f"ORDER#{order_id}", "sk": "FACTS"}


def cart_key(cart_id: str) -> dict[str, str]:
    return {"pk": f"CART#{cart_id}", "sk": "FACTS"}


def hour_key(hour: str) -> dict[str, str]:
    return {"pk": HOURS_PK, "sk": f"HOUR#{hour}"}


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
            self._add_to_hour(transaction, delta)
        transaction.commit(
            {facts_update: lambda _: FactsChanged(f"order {before.order_id} changed while it was projected")}
        )

    def count_cart(self, counted: CartCounted) -> None:
        transaction = Transaction(self._client, self._table)
        noted = transaction.put(
            {**cart_key(counted.cart_id), "hour": counted.hour.hour}, "attribute_not_exists(pk)"
        )
        self._add_to_hour(transaction, counted.hour)
        try:
            transaction.commit({noted: lambda _: _AlreadyCounted()})
        except _AlreadyCounted:
            return  # a redelivery: the cart is in its hour already

    def hours(self, first: str, last: str) -> list[HourTotals]:
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :first AND :last",
            "ExpressionAttributeValues": to_item(
                {":pk": HOURS_PK, ":first": hour_key(first)["sk"], ":last": hour_key(last)["sk"]}
            ),
        }
        totals: list[HourTotals] = []
        while True:
            page = self._client.query(**params)
            totals += [_hour_totals(from_item(item)) for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return totals
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]

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

    def _add_to_hour(self, transaction: Transaction, delta: HourTotals) -> None:
        names: dict[str, str] = {"#hour": "hour"}
        values: dict[str, Any] = {":hour": delta.hour}
        adds: list[str] = []
        sets = ["#hour = :hour"]
        for attribute, amount in _counters(delta):
            if amount:
                placeholder = f"a{len(adds)}"
                names[f"#{placeholder}"], values[f":{placeholder}"] = attribute, amount
                adds.append(f"#{placeholder} :{placeholder}")
        for index, (product_id, name) in enumerate(sorted(delta.names.items())):
            names[f"#n{index}"], values[f":n{index}"] = _NAME + product_id, name
            sets.append(f"#n{index} = :n{index}")
        expression = "SET " + ", ".join(sets) + (" ADD " + ", ".join(adds) if adds else "")
        transaction.update(hour_key(delta.hour), expression, names=names, values=values)


class _AlreadyCounted(Exception):
    """The cart's record exists: its start was counted before."""


def _counters(delta: HourTotals) -> list[tuple[str, int]]:
    counters = [("carts", delta.carts), ("placed", delta.placed), ("confirmed", delta.confirmed)]
    for prefix, field in _KEYED.items():
        counters += [(prefix + key, amount) for key, amount in sorted(getattr(delta, field).items())]
    counters += [(f"{_LATENCY}{bucket}", count) for bucket, count in sorted(delta.latency.items())]
    return counters


def _hour_totals(item: dict[str, Any]) -> HourTotals:
    keyed: dict[str, dict[str, int]] = {field: {} for field in _KEYED.values()}
    latency: dict[int, int] = {}
    names: dict[str, str] = {}
    for attribute, value in item.items():
        prefix, _, key = attribute.partition("#")
        if f"{prefix}#" in _KEYED and key:
            keyed[_KEYED[f"{prefix}#"]][key] = int(value)
        elif f"{prefix}#" == _LATENCY and key:
            latency[int(key)] = int(value)
        elif f"{prefix}#" == _NAME and key:
            names[key] = str(value)
    return HourTotals(
        hour=item["hour"],
        carts=int(item.get("carts", 0)),
        placed=int(item.get("placed", 0)),
        confirmed=int(item.get("confirmed", 0)),
        latency=latency,
        names=names,
        **keyed,
    )
