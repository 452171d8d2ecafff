"""The use cases of the orders service: load, decide, save; the events go with the save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from shop.kernel.address import Address
from shop.kernel.change import Change
from shop.kernel.clock import Clock
from shop.kernel.errors import DomainError, NotFound
from shop.kernel.events import EventData
from shop.kernel.ids import new_id
from shop.kernel.retry import retry_on_conflict
from shop.orders.domain.cart import Cart
from shop.orders.domain.errors import (
    CartOrdered,
    CheckoutContended,
    IdempotencyKeyReused,
    LinesTaken,
    OrderExists,
    OrderInFlight,
    StaleOrder,
)
from shop.orders.domain.events import (
    PaymentCaptured,
    PaymentDeclined,
    PaymentRefunded,
    StockRejected,
    StockReserved,
    UserDeleted,
)
from shop.orders.domain.idempotency import fingerprint, order_id_for
from shop.orders.domain.model import Order
from shop.orders.domain.stats import Stats
from shop.orders.ports import CartReader, Orders, Position

_ERASE_BATCH = 25  # orders erased per transaction (DynamoDB takes up to 100 writes in one)


# A checkout is written again after a lost race or after leaving out lines an order took.


class Checkout(NamedTuple):
    shipping_address: Address
    payment_token: str


class Placed(NamedTuple):
    order: Order
    events: tuple[EventData, ...] = ()  # none: an Idempotency-Key retry found the order it placed before

    @property
    def new(self) -> bool:
        return bool(self.events)


# -- customers --------------------------------------------------------------------------


def place_order(
    customer_id: str,
    checkout: Checkout,
    *,
    authorization: str,
    idempotency_key: str | None,
    if_match: str | None = None,
    carts: CartReader,
    orders: Orders,
    clock: Clock,
) -> Placed:
    """One order in flight per cart, of the cart the customer agreed to (`If-Match`, or the
    prices each line was set at); a retry with the same key answers the order placed first."""
    request = {
        "shipping_address": checkout.shipping_address.model_dump(mode="json"),
        "payment_token": checkout.payment_token,
    }
    request_fingerprint = fingerprint(request) if idempotency_key else None
    order_id = order_id_for(customer_id, idempotency_key) if idempotency_key else new_id()
    cart = carts.read(authorization)

    def placing(items: Cart) -> Change[Order]:
        return Order.place(
            order_id=order_id,
            customer_id=customer_id,
            cart=items,
            shipping_address=checkout.shipping_address,
            payment_token=checkout.payment_token,
            at=clock.now(),
            request_fingerprint=request_fingerprint,
        )

    try:
        change = placing(cart.agreed(if_match))
    except DomainError as refused:
        # A retry may find the cart emptied (the order was confirmed) or changed since (a
        # product gone, another ETag): the order placed the first time is the answer, if any;
        # else an order in flight is, whatever the cart holds now.
        earlier = orders.earlier(customer_id, order_id if idempotency_key else None)
        if earlier.order is not None:
            return _replay(earlier.order, customer_id, request_fingerprint)
        if earlier.in_flight is not None:
            raise OrderInFlight(earlier.in_flight) from refused
        raise
    attempt = _Attempt(change)

    def store() -> Placed:
        try:
            orders.add(attempt.change, still_taken=attempt.still_taken)
        except OrderExists as exists:
            return _replay(exists.existing, customer_id, request_fingerprint)
        except LinesTaken as taken:
            # A confirmed order took these lines and the cart has not removed them yet: they
            # are not ordered twice; the rest of the cart is the order, if anything is left.
            attempt.still_taken = taken.revisions & cart.revisions
            rest = cart.without(taken.revisions)
            if rest.is_empty and taken.order_id:
                raise CartOrdered(taken.order_id) from taken
            attempt.change = placing(rest)
            raise CheckoutContended from taken
        return Placed(attempt.change.after, attempt.change.events)

    # Another checkout written at the same instant (CheckoutContended): decided again, this one
    # then finds that order in flight (409 naming it) or the checkout free.
    return retry_on_conflict(store, conflict=CheckoutContended)


@dataclass
class _Attempt:
    """What a checkout stores next: the order, and the cart lines a confirmed order took."""

    change: Change[Order]
    still_taken: frozenset[str] = frozenset()


def get_order(customer_id: str, order_id: str, *, orders: Orders) -> Order:
    return _own(orders.get(order_id), customer_id, order_id)


def list_orders(
    customer_id: str, *, limit: int, after: Position | None, orders: Orders
) -> tuple[list[Order], Position | None]:
    return orders.page_for(customer_id, limit, after)


def cancel_order(customer_id: str, order_id: str, *, orders: Orders, clock: Clock) -> Change[Order]:
    order = _own(orders.get(order_id), customer_id, order_id)
    return _move_once_more_if_stale(order, lambda current: current.cancel_by_customer(clock.now()), orders)


# -- admins -----------------------------------------------------------------------------


def ship_order(order_id: str, *, orders: Orders, clock: Clock) -> Change[Order]:
    order = orders.get(order_id)
    if order is None:
        raise NotFound(f"No order {order_id}.")
    return _move_once_more_if_stale(order, lambda current: current.ship(clock.now()), orders)


def admin_stats(*, orders: Orders) -> Stats:
    return orders.stats()


# -- the checkout saga ------------------------------------------------------------------


def request_payment(event: StockReserved, *, orders: Orders, clock: Clock) -> Change[Order] | None:
    return _react(event.order_id, lambda order, at: order.on_stock_reserved(at), orders, clock)


def cancel_for_stock(event: StockRejected, *, orders: Orders, clock: Clock) -> Change[Order] | None:
    return _react(event.order_id, lambda order, at: order.on_stock_rejected(at), orders, clock)


def confirm_order(event: PaymentCaptured, *, orders: Orders, clock: Clock) -> Change[Order] | None:
    return _react(
        event.order_id, lambda order, at: order.on_payment_captured(event.payment_id, at), orders, clock
    )


def cancel_for_payment(event: PaymentDeclined, *, orders: Orders, clock: Clock) -> Change[Order] | None:
    return _react(
        event.order_id, lambda order, at: order.on_payment_declined(event.payment_id, at), orders, clock
    )


def record_refund(event: PaymentRefunded, *, orders: Orders, clock: Clock) -> Change[Order] | None:
    return _react(event.order_id, lambda order, at: order.on_payment_refunded(at), orders, clock)


def erase_customer(event: UserDeleted, *, orders: Orders, clock: Clock) -> None:
    """Right to erasure: the customer's orders stay for the books, without personal data.
    Each page is one transaction; a redelivered event finds them erased and writes nothing."""
    after: Position | None = None
    while True:
        page, after = orders.page_for(event.user_id, _ERASE_BATCH, after)
        changes = [change for order in page if (change := order.erase_personal_data(clock.now()))]
        if changes:
            orders.save_all(changes)
        if after is None:
            return


# -- helpers ----------------------------------------------------------------------------


def _react(
    order_id: str,
    decide: Callable[[Order, datetime], Change[Order] | None],
    orders: Orders,
    clock: Clock,
) -> Change[Order] | None:
    """Apply an event if it still applies; a redelivered or outdated event changes nothing.
    A concurrent change raises StaleOrder, so the message comes back and is decided again."""
    order = orders.get(order_id)
    if order is None:
        return None  # not an order of ours: nothing to do, and retrying will not help
    change = decide(order, clock.now())
    if change is not None:
        orders.save(change)
    return change


def _move_once_more_if_stale(
    order: Order, move: Callable[[Order], Change[Order]], orders: Orders
) -> Change[Order]:
    """A request that raced with the saga is decided again on the order as it now is."""
    change = move(order)
    try:
        orders.save(change)
    except StaleOrder as stale:
        if stale.current is None:
            raise
        change = move(stale.current)
        orders.save(change)
    return change


def _own(order: Order | None, customer_id: str, order_id: str) -> Order:
    if order is None or order.customer_id != customer_id:
        raise NotFound(f"No order {order_id}.")
    return order


def _replay(previous: Order, customer_id: str, request_fingerprint: str | None) -> Placed:
    if previous.customer_id != customer_id or previous.request_fingerprint != request_fingerprint:
        raise IdempotencyKeyReused
    return Placed(previous)
