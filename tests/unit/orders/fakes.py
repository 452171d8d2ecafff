"""In-memory stand-ins for the orders ports: the same contracts, no AWS."""

from __future__ import annotations

from dataclasses import dataclass, replace

from shop.kernel.change import Change
from shop.kernel.events import EventData
from shop.kernel.money import Money
from shop.orders.domain.cart import Cart, CartLine
from shop.orders.domain.errors import LinesTaken, OrderExists, OrderInFlight, StaleOrder
from shop.orders.domain.model import Order, OrderStatus
from shop.orders.domain.stats import Stats, StatsDelta, delta_of, summarize
from shop.orders.ports import Earlier, Position


class FakeCartReader:
    def __init__(self, cart: Cart | None = None) -> None:
        self.cart = cart or Cart()
        self.reads: list[str] = []

    def read(self, authorization: str) -> Cart:
        self.reads.append(authorization)
        return self.cart


@dataclass(frozen=True)
class Checkout:
    """A customer's checkout, as DynamoOrders keeps it."""

    in_flight: str | None = None
    settled: str | None = None
    taken: frozenset[str] = frozenset()
    taken_by: str | None = None


class FakeOrders:
    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.checkouts: dict[str, Checkout] = {}
        self.outbox: list[EventData] = []
        self.deltas: list[StatsDelta] = []
        self.writes = 0

    def get(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def earlier(self, customer_id: str, order_id: str | None) -> Earlier:
        checkout = self.checkouts.get(customer_id, Checkout())
        in_flight = checkout.in_flight if checkout.in_flight != checkout.settled else None
        return Earlier(order=self.orders.get(order_id) if order_id else None, in_flight=in_flight)

    def add(self, change: Change[Order], *, still_taken: frozenset[str] = frozenset()) -> None:
        order = change.after
        existing = self.orders.get(order.order_id)
        if existing is not None:
            raise OrderExists(existing)
        checkout = self.checkouts.get(order.customer_id, Checkout())
        if checkout.in_flight is not None and checkout.in_flight != checkout.settled:
            raise OrderInFlight(checkout.in_flight)
        if any(line.revision in checkout.taken for line in order.lines):
            raise LinesTaken(checkout.taken, checkout.taken_by)
        self.checkouts[order.customer_id] = replace(checkout, in_flight=order.order_id, taken=still_taken)
        self._commit(change)

    def save(self, change: Change[Order]) -> None:
        self.save_all([change])

    def save_all(self, changes: list[Change[Order]]) -> None:
        for change in changes:  # all checked before any is written
            if change.before is None:
                raise ValueError("save() persists a move of a stored order; use add() for a new one")
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
        before, after = change.before, change.after
        if before is not None and before.in_flight and not after.in_flight:
            checkout = self.checkouts.get(after.customer_id, Checkout())
            taken = {line.revision for line in after.lines if line.revision}
            if after.status is OrderStatus.CONFIRMED:
                checkout = replace(checkout, taken=checkout.taken | taken, taken_by=after.order_id)
            self.checkouts[after.customer_id] = replace(checkout, settled=after.order_id)
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
