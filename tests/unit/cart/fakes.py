"""In-memory stand-ins for the cart's ports, with the same conditional behaviour as DynamoDB."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from shop.cart.domain.cart import IDLE_LIFETIME, MAX_LINES, Cart, CartLine, OrderMark
from shop.cart.domain.errors import CartChanged, CartFull, CurrencyConflict, LineNotInCart
from shop.cart.domain.events import OrderedLine
from shop.cart.domain.orders import PlacedOrder, Step
from shop.cart.domain.products import Product
from shop.kernel.change import Change
from shop.kernel.events import EventData
from shop.kernel.money import Money


def product(product_id: str, amount: int = 1000, currency: str = "EUR", *, deleted: bool = False) -> Product:
    return Product(
        product_id=product_id,
        name=f"Product {product_id}",
        price=Money(amount=amount, currency=currency),
        deleted=deleted,
    )


class FakeCatalog:
    def __init__(self, *products: Product) -> None:
        self.items = {item.product_id: item for item in products}
        self.calls: list[list[str]] = []

    def add(self, item: Product) -> None:
        self.items[item.product_id] = item

    def products(self, product_ids: Sequence[str]) -> Mapping[str, Product]:
        self.calls.append(list(product_ids))
        return {pid: self.items[pid] for pid in product_ids if pid in self.items}


def placed_order(order_id: str, *statuses: str, revisions: Sequence[str] = ()) -> PlacedOrder:
    """An order that went through these statuses (the last is where it is now), of these line versions."""
    return PlacedOrder(
        order_id=order_id,
        status=statuses[-1],
        lines=tuple(OrderedLine(product_id=f"p-{revision}", revision=revision) for revision in revisions),
        history=tuple(Step(status=status) for status in statuses),
    )


class FakePlacedOrders:
    """Orders as the cart reads them: each order as it is now; an unknown one, orders cannot tell."""

    def __init__(self, *orders: PlacedOrder) -> None:
        self.orders = {order.order_id: order for order in orders}
        self.calls: list[tuple[str, str]] = []

    def find(self, order_id: str, authorization: str) -> PlacedOrder | None:
        self.calls.append((order_id, authorization))
        return self.orders.get(order_id)


class FakeCarts:
    def __init__(self) -> None:
        self.stored: dict[str, Cart] = {}
        self.outbox: list[EventData] = []  # the events committed with the writes
        self.reads = 0
        self.writes = 0

    def get(self, customer_id: str) -> Cart:
        self.reads += 1
        return self.stored.get(customer_id) or Cart.empty(customer_id)

    def save_line(self, change: Change[Cart], product_id: str, now: datetime) -> None:
        self.writes += 1
        after = change.after
        before = change.before or Cart.empty(after.customer_id)
        stored = self.stored.get(before.customer_id) or Cart.empty(before.customer_id)
        line = after.lines[product_id]
        if before.is_expired(now):
            if stored.expires_at != before.expires_at:
                raise CartChanged
            self._start(stored, change, line, now)
            return
        if not before.lines:
            if not stored.lines:
                self._start(stored, change, line, now)
                return
            if stored.is_expired(now):
                raise CartChanged
            self.writes += 1  # started meanwhile: the line joins that cart, unannounced
        if stored.is_expired(now) or not stored.lines:
            raise CartChanged
        if stored.currency != after.currency:
            raise CurrencyConflict(stored.currency or "?", after.currency or "?")
        if product_id not in stored.lines and len(stored.lines) >= MAX_LINES:
            raise CartFull(MAX_LINES)
        self._put(stored, {**stored.lines, product_id: line}, after.currency, now)

    def _start(self, stored: Cart, change: Change[Cart], line: CartLine, now: datetime) -> None:
        self._put(stored, {line.product_id: line}, change.after.currency, now, cart_id=change.after.cart_id)
        self.outbox.extend(change.events)

    def remove_line(self, before: Cart, product_id: str, now: datetime) -> None:
        self.writes += 1
        stored = self.stored.get(before.customer_id) or Cart.empty(before.customer_id)
        if stored.is_expired(now) or product_id not in stored.lines:
            raise LineNotInCart(product_id)
        self._put(
            stored,
            {pid: line for pid, line in stored.lines.items() if pid != product_id},
            stored.currency,
            now,
        )

    def note_order(
        self, before: Cart, order_id: str, mark: OrderMark, settled: Sequence[CartLine], now: datetime
    ) -> None:
        self.writes += 1
        stored = self.stored.get(before.customer_id) or Cart.empty(before.customer_id)
        if settled and (
            stored.is_expired(now)
            or any(
                stored.lines.get(line.product_id) is None
                or stored.lines[line.product_id].revision != line.revision
                for line in settled
            )
        ):
            raise CartChanged
        forgotten = set(before.marks_before(mark))
        orders = {order: known for order, known in stored.orders.items() if order not in forgotten}
        if mark.final or order_id not in orders:
            orders[order_id] = mark
        removed = {line.product_id for line in settled}
        self.stored[stored.customer_id] = stored.model_copy(
            update={
                "lines": {pid: line for pid, line in stored.lines.items() if pid not in removed},
                "orders": orders,
                "expires_at": stored.expires_at or now + IDLE_LIFETIME,
            }
        )

    def remove_lines(self, before: Cart, now: datetime) -> None:
        self.writes += 1
        stored = self.stored.get(before.customer_id) or Cart.empty(before.customer_id)
        if {pid: line.revision for pid, line in stored.lines.items()} != {
            pid: line.revision for pid, line in before.lines.items()
        }:
            raise CartChanged
        self.stored[stored.customer_id] = stored.model_copy(update={"lines": {}, "currency": None})

    def clear(self, customer_id: str) -> None:
        self.writes += 1
        self.stored.pop(customer_id, None)

    def _put(
        self,
        stored: Cart,
        lines: dict[str, CartLine],
        currency: str | None,
        now: datetime,
        *,
        cart_id: str | None = None,
    ) -> None:
        self.stored[stored.customer_id] = Cart(
            customer_id=stored.customer_id,
            cart_id=cart_id or stored.cart_id,
            lines=lines,
            currency=currency,
            expires_at=now + IDLE_LIFETIME,
            orders=stored.orders,
        )
