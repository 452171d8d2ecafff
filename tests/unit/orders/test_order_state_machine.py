"""The order aggregate: every legal move, every illegal one, and what each move records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from shop.kernel.address import Address
from shop.kernel.change import Change
from shop.orders.domain.cart import Cart
from shop.orders.domain.errors import EmptyCart, IllegalTransition
from shop.orders.domain.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    PaymentRequested,
    RefundRequested,
)
from shop.orders.domain.model import CancellationReason, Order, OrderStatus, Payment, PaymentStatus
from tests.unit.orders.fakes import cart_of, eur

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
T1 = T0 + timedelta(seconds=5)
ADDRESS = Address(line1="1 Main St", city="Lyon", postal_code="69001", country="FR")
CART = cart_of(("p-1", 1000, 2), ("p-2", 250, 1))

Move = Callable[[Order], object]
MOVES: dict[str, Move] = {
    "request_payment": lambda o: o.request_payment(T1),
    "reject_for_stock": lambda o: o.reject_for_stock(T1),
    "confirm": lambda o: o.confirm("pay-1", T1),
    "decline_payment": lambda o: o.decline_payment("pay-1", T1),
    "cancel_by_customer": lambda o: o.cancel_by_customer(T1),
    "ship": lambda o: o.ship(T1),
}
LEGAL: dict[OrderStatus, set[str]] = {
    OrderStatus.PENDING: {"request_payment", "reject_for_stock", "cancel_by_customer"},
    OrderStatus.RESERVED: {"confirm", "decline_payment", "cancel_by_customer"},
    OrderStatus.CONFIRMED: {"ship", "cancel_by_customer"},
    OrderStatus.SHIPPED: set(),
    OrderStatus.CANCELLED: set(),
}


def place(cart: Cart = CART) -> Change[Order]:
    return Order.place(
        order_id="o-1",
        customer_id="c-1",
        cart=cart,
        shipping_address=ADDRESS,
        payment_token="tok_visa",
        at=T0,
    )


def placed() -> Order:
    return place().after


def in_status(status: OrderStatus) -> Order:
    order = placed()
    path = {
        OrderStatus.PENDING: [],
        OrderStatus.RESERVED: ["request_payment"],
        OrderStatus.CONFIRMED: ["request_payment", "confirm"],
        OrderStatus.SHIPPED: ["request_payment", "confirm", "ship"],
        OrderStatus.CANCELLED: ["reject_for_stock"],
    }[status]
    for name in path:
        order = MOVES[name](order).after  # type: ignore[attr-defined]
    assert order.status is status
    return order


def test_placing_prices_the_lines_and_records_order_placed() -> None:
    change = place()
    order = change.after
    assert change.before is None
    assert order.status is OrderStatus.PENDING
    assert [line.line_total for line in order.lines] == [eur(2000), eur(250)]
    assert order.total == eur(2250)
    assert order.payment.status is PaymentStatus.PENDING
    assert [(h.status, h.at) for h in order.history] == [(OrderStatus.PENDING, T0)]
    (event,) = change.events
    assert isinstance(event, OrderPlaced)
    assert event.total == eur(2250)
    assert [(line.product_id, line.quantity) for line in event.lines] == [("p-1", 2), ("p-2", 1)]


def test_an_empty_cart_cannot_be_placed() -> None:
    with pytest.raises(EmptyCart):
        place(cart_of())


@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("move", list(MOVES))
def test_every_move_is_legal_exactly_where_the_state_machine_says(status: OrderStatus, move: str) -> None:
    order = in_status(status)
    if move in LEGAL[status]:
        change = MOVES[move](order)
        after = change.after  # type: ignore[attr-defined]
        assert after.version == order.version + 1
        assert after.history[-1].at == T1
        assert after.history[-1].status is after.status
        assert len(after.history) == len(order.history) + 1
        assert after.updated_at == T1
    else:
        with pytest.raises(IllegalTransition):
            MOVES[move](order)


def test_stock_reserved_requests_the_payment_with_the_stored_token() -> None:
    change = placed().request_payment(T1)
    assert change.after.status is OrderStatus.RESERVED
    (event,) = change.events
    assert isinstance(event, PaymentRequested)
    assert (event.order_id, event.customer_id, event.amount, event.payment_token) == (
        "o-1",
        "c-1",
        eur(2250),
        "tok_visa",
    )


def test_out_of_stock_cancels_with_its_reason() -> None:
    change = placed().reject_for_stock(T1)
    assert change.after.status is OrderStatus.CANCELLED
    assert change.after.cancellation_reason is CancellationReason.OUT_OF_STOCK
    (event,) = change.events
    assert isinstance(event, OrderCancelled)
    assert event.reason == "OUT_OF_STOCK"


def test_capture_confirms_and_records_the_payment() -> None:
    change = in_status(OrderStatus.RESERVED).confirm("pay-9", T1)
    assert change.after.status is OrderStatus.CONFIRMED
    assert (change.after.payment.status, change.after.payment.payment_id) == (PaymentStatus.CAPTURED, "pay-9")
    (event,) = change.events
    assert isinstance(event, OrderConfirmed)
    assert event.total == eur(2250)


def test_declined_payment_cancels() -> None:
    change = in_status(OrderStatus.RESERVED).decline_payment("pay-9", T1)
    assert change.after.cancellation_reason is CancellationReason.PAYMENT_DECLINED
    assert change.after.payment.status is PaymentStatus.DECLINED
    assert [type(e) for e in change.events] == [OrderCancelled]


@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.RESERVED])
def test_customer_cancel_before_payment_needs_no_refund(status: OrderStatus) -> None:
    change = in_status(status).cancel_by_customer(T1)
    assert change.after.cancellation_reason is CancellationReason.CUSTOMER_CANCELLED
    assert [type(e) for e in change.events] == [OrderCancelled]


def test_customer_cancel_of_a_confirmed_order_requests_a_refund() -> None:
    change = in_status(OrderStatus.CONFIRMED).cancel_by_customer(T1)
    assert change.after.status is OrderStatus.CANCELLED
    assert change.after.payment.status is PaymentStatus.REFUND_PENDING
    cancelled, refund = change.events
    assert isinstance(cancelled, OrderCancelled)
    assert cancelled.reason == "CUSTOMER_CANCELLED"
    assert isinstance(refund, RefundRequested)
    assert (refund.payment_id, refund.amount) == ("pay-1", eur(2250))


def test_ship_records_no_integration_event() -> None:
    change = in_status(OrderStatus.CONFIRMED).ship(T1)
    assert change.after.status is OrderStatus.SHIPPED
    assert change.events == ()


def test_refund_completes_only_when_one_is_under_way() -> None:
    refunding = in_status(OrderStatus.CONFIRMED).cancel_by_customer(T1).after
    done = refunding.mark_refunded(T1).after
    assert done.payment.status is PaymentStatus.REFUNDED
    assert done.status is OrderStatus.CANCELLED
    with pytest.raises(IllegalTransition):
        done.mark_refunded(T1)
    with pytest.raises(IllegalTransition):
        in_status(OrderStatus.CONFIRMED).mark_refunded(T1)


def test_a_late_capture_of_a_cancelled_order_is_refunded() -> None:
    cancelled = in_status(OrderStatus.RESERVED).cancel_by_customer(T1).after
    change = cancelled.on_payment_captured("pay-late", T1)
    assert change is not None
    assert change.after.status is OrderStatus.CANCELLED
    assert change.after.payment.status is PaymentStatus.REFUND_PENDING
    (refund,) = change.events
    assert isinstance(refund, RefundRequested)
    assert refund.payment_id == "pay-late"
    # once the refund is under way, the same capture again changes nothing
    assert change.after.on_payment_captured("pay-late", T1) is None


def test_a_late_decline_of_a_cancelled_order_is_recorded_without_events() -> None:
    cancelled = in_status(OrderStatus.RESERVED).cancel_by_customer(T1).after
    change = cancelled.on_payment_declined("pay-late", T1)
    assert change is not None
    assert change.after.status is OrderStatus.CANCELLED
    assert change.after.cancellation_reason == cancelled.cancellation_reason
    assert change.after.payment.status is PaymentStatus.DECLINED
    assert change.after.payment.payment_id == "pay-late"
    assert change.events == ()
    assert change.after.on_payment_declined("pay-late", T1) is None


@pytest.mark.parametrize(
    ("reaction", "applies_in"),
    [
        (lambda o: o.on_stock_reserved(T1), {OrderStatus.PENDING}),
        (lambda o: o.on_stock_rejected(T1), {OrderStatus.PENDING}),
        # (a capture or decline of an order cancelled after payment was requested: tests above;
        # this CANCELLED order was rejected for stock, before any payment was requested)
        (lambda o: o.on_payment_captured("pay-1", T1), {OrderStatus.RESERVED}),
        (lambda o: o.on_payment_declined("pay-1", T1), {OrderStatus.RESERVED}),
        (lambda o: o.on_payment_refunded(T1), set()),
    ],
)
def test_saga_reactions_ignore_events_that_no_longer_apply(
    reaction: Callable[[Order], object], applies_in: set[OrderStatus]
) -> None:
    for status in OrderStatus:
        result = reaction(in_status(status))
        assert (result is not None) == (status in applies_in), status


@pytest.mark.parametrize(
    ("status", "cancel", "payment"),
    [
        (OrderStatus.PENDING, "reject_for_stock", PaymentStatus.NOT_REQUIRED),
        (OrderStatus.PENDING, "cancel_by_customer", PaymentStatus.NOT_REQUIRED),
        # payment was requested: its outcome is still awaited (then refunded or declined)
        (OrderStatus.RESERVED, "cancel_by_customer", PaymentStatus.PENDING),
        (OrderStatus.RESERVED, "decline_payment", PaymentStatus.DECLINED),
    ],
)
def test_a_cancelled_order_says_truthfully_what_became_of_its_payment(
    status: OrderStatus, cancel: str, payment: PaymentStatus
) -> None:
    order = in_status(status)
    move = getattr(order, cancel)
    after = (move(None, T1) if cancel == "decline_payment" else move(T1)).after
    assert after.status is OrderStatus.CANCELLED
    assert after.payment.status is payment


@pytest.mark.parametrize(
    ("move", "legal_from"),
    [
        (lambda o: o.refund_late_capture("pay-late", T1), {PaymentStatus.PENDING}),
        (lambda o: o.record_late_decline("pay-late", T1), {PaymentStatus.PENDING}),
        (lambda o: o.mark_refunded(T1), {PaymentStatus.REFUND_PENDING}),
    ],
)
def test_the_payment_of_a_cancelled_order_moves_only_as_its_table_allows(
    move: Callable[[Order], object], legal_from: set[PaymentStatus]
) -> None:
    cancelled = in_status(OrderStatus.CANCELLED)
    for status in PaymentStatus:
        order = cancelled.model_copy(update={"payment": Payment(status=status, payment_id="pay-1")})
        if status in legal_from:
            move(order)
        else:
            with pytest.raises(IllegalTransition):
                move(order)
