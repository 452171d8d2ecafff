"""What the orders service needs from outside, in its own words."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol

from shop.kernel.change import Change
from shop.kernel.events import EventData
from shop.orders.domain.cart import Cart
from shop.orders.domain.model import Order
from shop.orders.domain.stats import Stats

Position = dict[str, Any]


class BusinessMetrics(Protocol):
    def record(self, events: Iterable[EventData]) -> None:
        """Count what the events tell the business (orders placed, confirmed, cancelled; revenue)."""
        ...


class Earlier(NamedTuple):
    """What answers a checkout that cannot place an order."""

    order: Order | None = None  # the order its Idempotency-Key placed the first time
    in_flight: str | None = None  # the customer's order that is not final yet


class CartReader(Protocol):
    def read(self, authorization: str) -> Cart:
        """The caller's cart at current catalog prices (read with the caller's own token)."""
        ...


class Orders(Protocol):
    def get(self, order_id: str) -> Order | None: ...

    def add(self, change: Change[Order], *, still_taken: frozenset[str] = frozenset()) -> None:
        """Store a new order with its events, all or nothing, as its customer's one order in
        flight (the checkout: one conditional write with the order). Raises OrderExists (that id
        is stored: it wins over the rest), OrderInFlight (another order of the customer is not
        final), CheckoutContended (another checkout was written at the same instant) or
        LinesTaken (a line version a confirmed order took). `still_taken`: the versions
        confirmed orders took that the cart still shows (left out of this order); the others
        are forgotten, since the cart no longer holds them."""
        ...

    def earlier(self, customer_id: str, order_id: str | None) -> Earlier:
        """The order stored as `order_id` (none asked: None) and the customer's order in
        flight, if any: one read."""
        ...

    def save(self, change: Change[Order]) -> None:
        """Store `change.after` and its events only if the stored order is still
        `change.before`; raises StaleOrder (with the current order) otherwise. An order that
        becomes final (CONFIRMED or CANCELLED) ends its customer's checkout in the same write,
        and a confirmed one's line versions are remembered as taken."""
        ...

    def save_all(self, changes: list[Change[Order]]) -> None:
        """`save` for several orders at once (a few dozen: one transaction), all or nothing;
        raises StaleOrder for the first that changed."""
        ...

    def page_for(
        self, customer_id: str, limit: int, after: Position | None
    ) -> tuple[list[Order], Position | None]:
        """The customer's orders, newest first, from after `after`; and where to go on."""
        ...

    def stats(self) -> Stats: ...
