"""In-memory stand-ins for the orders ports: the same contracts, no AWS."""

from __future__ import annotations

from shop.kernel.change import Change
from shop.kernel.events import EventData
from shop.kernel.money import Money
from shop.orders.domain.cart import Cart, CartLine
from shop.orders.domain.errors import OrderExists, StaleOrder
from shop.orders.domain.model import Order
from shop.orders.domain.stats import Stats, StatsDelta, delta_of, summarize
from shop.orders.ports import Position


class FakeCartReader:
    def __init__(self, cart: Cart | None = None) -> None:
        self.cart = cart or Cart()
        self.reads: list[str] = []

    def read(self, authorization: str) -> Cart:
        self.reads.append(authorization)
        return self.cart


class FakeOrders:
    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.outbox: list[EventData] = []
        self.deltas: list[StatsDelta] = []
        self.writes = 0

    def get(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def add(self, change: Change[Order]) -> None:
        existing = self.orders.get(change.after.order_id)
        if existing is not None:
            raise OrderExists(existing)
        self._commit(change)

    def save(self, change: Change[Order]) -> None:
        self.save_all([change])

    def save_all(self, changes: list[Change[Order]]) -> None:
        for change in changes:  # all checked before any is written
            assert change.before is not None
            current = self.orders.get(change.before.order_id)
            if current is None or (current.version, current.status) != (
                change.before.version,
                change.before.status,
            ):
                raise StaleOrder(change.before.order_id, current)
        for change in changes:
            self._commit(change)

    def page_for(
        self, customer_id: str, limit: int, after: Position | None
    ) -> tuple[list[Order], Position | None]:
        mine = sorted(
            (o for o in self.orders.values() if o.customer_id == customer_id),
            key=lambda o: (o.created_at, o.order_id),
            reverse=True,
        )
        start = int(after["index"]) if after else 0
        page = mine[start : start + limit]
        more = start + limit < len(mine)
        return page, ({"index": start + limit} if more else None)

    def stats(self) -> Stats:
        return summarize(self.deltas)

    def events_of(self, kind: type[EventData]) -> list[EventData]:
        return [event for event in self.outbox if isinstance(event, kind)]

    def _commit(self, change: Change[Order]) -> None:
        self.writes += 1
        self.orders[change.after.order_id] = change.after
        self.outbox.extend(change.events)
        self.deltas.append(delta_of(change.before, change.after))


def eur(amount: int) -> Money:
    return Money(amount=amount, currency="EUR")


def cart_of(*lines: tuple[str, int, int]) -> Cart:
    """(product_id, unit price in cents, quantity) per line."""
    return Cart(
        items=tuple(
            CartLine(product_id=pid, name=f"Product {pid}", unit_price=eur(price), quantity=qty)
            for pid, price, qty in lines
        )
    )
