"""Carts in DynamoDB: one item per cart, `pk="CART#<customer>"`, `sk="CART"`.

Each line is its own top-level attribute `LINE#<product_id>` (a map), so a write of one line
is an UpdateItem that leaves the others alone: concurrent PUTs of different products both
survive without a version check. Beside the lines: `products` (string set of the line ids,
for the size/limit condition; gone with the last line), `currency` (of the lines; free again
once `products` is gone), `cart_id` (of the current lifetime), `expires_at` (TTL, epoch
seconds, refreshed by every write), and `ORDER#<order_id>` (a map `{placed_at, final}`) for
the orders placed from the cart that its queue has heard of, so GET /cart can show the one
in flight. DynamoDB deletes expired items only eventually, so reads
and writes treat an item whose `expires_at` has passed as an empty cart.

The line that fills an empty, missing or expired cart starts it: one TransactWriteItems of
the line (conditional on the cart still being as read) and the CartStarted outbox record
(`OUTBOX#<event id>`, relayed from the table's stream). Every other line write requires a
live, non-empty cart, so each lifetime is announced exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from shop.cart.domain.cart import IDLE_LIFETIME, MAX_LINES, Cart, CartLine, OrderMark
from shop.cart.domain.errors import CartChanged, CartFull, CurrencyConflict, LineNotInCart
from shop.kernel.change import Change
from shop.kernel.clock import parse_rfc3339, rfc3339
from shop.kernel.money import Money
from shop.platform.dynamo import from_item, to_item
from shop.platform.transaction import Transaction

LINE_PREFIX = "LINE#"
ORDER_PREFIX = "ORDER#"
# A cart's first line, started (or restarted after expiry) with nothing else in it
_FRESH_CART = (
    "SET #line = :line, currency = :currency, expires_at = :expires, updated_at = :now,"
    " products = :ids, cart_id = :cart_id"
)
SORT_KEY = "CART"


class DynamoCarts:
    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def get(self, customer_id: str) -> Cart:
        answer = self._client.get_item(TableName=self._table, Key=_key(customer_id), ConsistentRead=True)
        item = answer.get("Item")
        return _cart(customer_id, from_item(item)) if item else Cart.empty(customer_id)

    def save_line(self, change: Change[Cart], product_id: str, now: datetime) -> None:
        after = change.after
        before = change.before or Cart.empty(after.customer_id)
        line = after.lines[product_id]
        if before.is_expired(now):
            self._restart(change, before, line, now)
            return
        if not before.lines:
            try:
                self._start(change, line, now)
                return
            except _StartedMeanwhile:
                pass  # a concurrent first line started the cart: this line joins it, unannounced
        self._update(
            before.customer_id,
            "SET #line = :line, currency = :currency, expires_at = :expires, updated_at = :now"
            " ADD products :ids",
            # a cart emptied meanwhile must start afresh (CartChanged: the caller reads again)
            "attribute_exists(products) AND expires_at > :epoch"
            " AND (contains(products, :product_id) OR size(products) < :max)"
            " AND currency = :currency",
            names={"#line": LINE_PREFIX + product_id},
            values={
                ":line": _line_value(line),
                ":currency": after.currency,
                ":expires": _expiry(now),
                ":now": rfc3339(now),
                ":ids": {product_id},
                ":epoch": int(now.timestamp()),
                ":product_id": product_id,
                ":max": MAX_LINES,
            },
            on_failure=lambda stored: _why_not_saved(stored, product_id, after.currency, now),
        )

    def remove_line(self, before: Cart, product_id: str, now: datetime) -> None:
        self._update(
            before.customer_id,
            "REMOVE #line SET expires_at = :expires, updated_at = :now DELETE products :ids",
            "attribute_exists(#line) AND expires_at > :epoch",
            names={"#line": LINE_PREFIX + product_id},
            values={
                ":expires": _expiry(now),
                ":now": rfc3339(now),
                ":ids": {product_id},
                ":epoch": int(now.timestamp()),
            },
            on_failure=lambda _: LineNotInCart(product_id),
        )

    def note_order(
        self, before: Cart, order_id: str, mark: OrderMark, settled: Sequence[CartLine], now: datetime
    ) -> None:
        names = {"#order": ORDER_PREFIX + order_id}
        values: dict[str, Any] = {":mark": _mark_value(mark), ":expires": _expiry(now)}
        sets = ["#order = :mark" if mark.final else "#order = if_not_exists(#order, :mark)"]
        sets.append("expires_at = if_not_exists(expires_at, :expires)")  # marks alone do not keep a cart
        removes = [f"#old{index}" for index, _ in enumerate(before.marks_before(mark))]
        names.update(
            {f"#old{index}": ORDER_PREFIX + old for index, old in enumerate(before.marks_before(mark))}
        )
        conditions = []
        for index, line in enumerate(settled):
            names[f"#l{index}"] = LINE_PREFIX + line.product_id
            values[f":r{index}"] = line.revision
            removes.append(f"#l{index}")
            conditions.append(f"#l{index}.revision = :r{index}")
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        if settled:
            expression += " DELETE products :ids"
            values[":ids"] = {line.product_id for line in settled}
            conditions.append("expires_at > :epoch")
            values[":epoch"] = int(now.timestamp())
        self._update(
            before.customer_id,
            expression,
            " AND ".join(conditions) or None,
            names=names,
            values=values,
            on_failure=lambda _: CartChanged(),
        )

    def remove_lines(self, before: Cart, now: datetime) -> None:
        lines = list(before.lines.values())
        names = {f"#l{index}": LINE_PREFIX + line.product_id for index, line in enumerate(lines)}
        values: dict[str, Any] = {f":r{index}": line.revision for index, line in enumerate(lines)}
        values[":count"] = len(lines)
        self._update(
            before.customer_id,
            "REMOVE " + ", ".join([*names, "products", "currency"]),
            # exactly the lines read: none changed (revision), none added (the count)
            " AND ".join(
                [
                    *(f"{name}.revision = :r{index}" for index, name in enumerate(names)),
                    "size(products) = :count",
                ]
            ),
            names=names,
            values=values,
            on_failure=lambda _: CartChanged(),
        )

    def clear(self, customer_id: str) -> None:
        self._client.delete_item(TableName=self._table, Key=_key(customer_id))

    def _start(self, change: Change[Cart], line: CartLine, now: datetime) -> None:
        """The first line of an empty (or missing) cart, with the events of its start, provided
        the cart is still empty."""
        customer_id = change.after.customer_id
        transaction = Transaction(self._client, self._table)
        update = transaction.update(
            _key_of(customer_id),
            _FRESH_CART,
            "attribute_not_exists(products)",
            names={"#line": LINE_PREFIX + line.product_id},
            values=_fresh_cart_values(change.after, line, now),
            return_old_on_failure=True,
        )
        transaction.publish(change.events)
        transaction.commit({update: lambda old: _not_started(customer_id, old, now)})

    def _restart(self, change: Change[Cart], before: Cart, line: CartLine, now: datetime) -> None:
        """A write to an expired cart starts it afresh: the stale lines go, provided nobody
        restarted it in between (then the caller retries and finds it live)."""
        stale_ids = [pid for pid in before.lines if pid != line.product_id]
        stale = {f"#s{index}": LINE_PREFIX + pid for index, pid in enumerate(stale_ids)}
        remove = f" REMOVE {', '.join(stale)}" if stale else ""
        transaction = Transaction(self._client, self._table)
        update = transaction.update(
            _key_of(before.customer_id),
            _FRESH_CART + remove,
            "expires_at = :seen",
            names={"#line": LINE_PREFIX + line.product_id, **stale},
            values={**_fresh_cart_values(change.after, line, now), ":seen": _epoch(before)},
        )
        transaction.publish(change.events)
        transaction.commit({update: lambda _: CartChanged()})

    def _update(
        self,
        customer_id: str,
        expression: str,
        condition: str | None,
        *,
        names: dict[str, str],
        values: dict[str, Any],
        on_failure: Callable[[Cart], Exception],
    ) -> None:
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_key(customer_id),
                UpdateExpression=expression,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=to_item(values),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **({"ConditionExpression": condition} if condition else {}),
            )
        except self._client.exceptions.ConditionalCheckFailedException as error:
            old = error.response.get("Item")
            stored = _cart(customer_id, from_item(old)) if old else Cart.empty(customer_id)
            raise on_failure(stored) from error


class _StartedMeanwhile(Exception):
    """The empty cart a first line was meant to start holds lines by now."""


def _not_started(customer_id: str, old: dict[str, Any] | None, now: datetime) -> Exception:
    stored = _cart(customer_id, old) if old else Cart.empty(customer_id)
    return _StartedMeanwhile() if stored.live_lines(now) else CartChanged()


def _why_not_saved(stored: Cart, product_id: str, currency: str | None, now: datetime) -> Exception:
    lines = stored.live_lines(now)
    if stored.is_expired(now):
        return CartChanged()
    if lines and stored.currency != currency:
        return CurrencyConflict(stored.currency or "?", currency or "?")
    if product_id not in lines and len(lines) >= MAX_LINES:
        return CartFull(MAX_LINES)
    return CartChanged()


def _key_of(customer_id: str) -> dict[str, str]:
    return {"pk": f"CART#{customer_id}", "sk": SORT_KEY}


def _key(customer_id: str) -> dict[str, Any]:
    return to_item(_key_of(customer_id))


def _epoch(cart: Cart) -> int:
    return int(cart.expires_at.timestamp()) if cart.expires_at else 0


def _expiry(now: datetime) -> int:
    return int((now + IDLE_LIFETIME).timestamp())


def _fresh_cart_values(cart: Cart, line: CartLine, now: datetime) -> dict[str, Any]:
    """The values of `_FRESH_CART`: `line` is the cart's only one."""
    return {
        ":line": _line_value(line),
        ":currency": cart.currency,
        ":expires": _expiry(now),
        ":now": rfc3339(now),
        ":ids": {line.product_id},
        ":cart_id": cart.cart_id,
    }


def _line_value(line: CartLine) -> dict[str, Any]:
    return {
        "quantity": line.quantity,
        "added_at": rfc3339(line.added_at),
        "updated_at": rfc3339(line.updated_at),
        "revision": line.revision,
        **({"price": line.price_when_added.model_dump()} if line.price_when_added else {}),
    }


def _mark_value(mark: OrderMark) -> dict[str, Any]:
    return {"placed_at": rfc3339(mark.placed_at), "final": mark.final}


def _cart(customer_id: str, item: dict[str, Any]) -> Cart:
    lines = {
        name.removeprefix(LINE_PREFIX): CartLine(
            product_id=name.removeprefix(LINE_PREFIX),
            quantity=value["quantity"],
            added_at=parse_rfc3339(value["added_at"]),
            updated_at=parse_rfc3339(value["updated_at"]),
            revision=value["revision"],
            price_when_added=Money.model_validate(value["price"]) if "price" in value else None,
        )
        for name, value in item.items()
        if name.startswith(LINE_PREFIX)
    }
    orders = {
        name.removeprefix(ORDER_PREFIX): OrderMark(
            placed_at=parse_rfc3339(value["placed_at"]), final=value["final"]
        )
        for name, value in item.items()
        if name.startswith(ORDER_PREFIX)
    }
    expires = item.get("expires_at")
    return Cart(
        customer_id=customer_id,
        cart_id=item.get("cart_id"),
        lines=lines,
        currency=item.get("currency"),
        expires_at=datetime.fromtimestamp(expires, UTC) if expires is not None else None,
        orders=orders,
    )
