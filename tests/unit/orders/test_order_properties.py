"""Property-based: any sequence of saga events (duplicated, late, out of order) and customer
or admin actions, over a few orders, keeps the order invariants."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from shop.kernel.address import Address
from shop.kernel.clock import FixedClock
from shop.kernel.errors import DomainError
from shop.orders import service
from shop.orders.domain.errors import OrderInFlight
from shop.orders.domain.events import (
    OrderCancelled,
    OrderConfirmed,
    PaymentCaptured,
    PaymentDeclined,
    PaymentRefunded,
    PaymentRequested,
    RefundRequested,
    StockRejected,
    StockReserved,
)
from shop.orders.domain.model import _MOVES, OrderStatus, PaymentStatus
from tests.unit.orders.fakes import FakeCartReader, FakeOrders, cart_of

ADDRESS = Address(line1="1 Main St", city="Lyon", postal_code="69001", country="FR")
CUSTOMER = "c-1"
EARNING = {OrderStatus.CONFIRMED, OrderStatus.SHIPPED}
PAYMENT_WHILE = {
    OrderStatus.PENDING: {PaymentStatus.PENDING},
    OrderStatus.RESERVED: {PaymentStatus.PENDING},
    OrderStatus.CONFIRMED: {PaymentStatus.CAPTURED},
    OrderStatus.SHIPPED: {PaymentStatus.CAPTURED},
    OrderStatus.CANCELLED: set(PaymentStatus) - {PaymentStatus.CAPTURED},
}


class OrderSaga(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.orders = FakeOrders()
        self.clock = FixedClock(datetime(2026, 3, 1, tzinfo=UTC))
        self.ids: list[str] = []
        self.captured: Counter[str] = Counter()  # captures delivered per order
        self.outcome: dict[str, bool] = {}  # payments decides once per order: captured or not

    # -- actions ----------------------------------------------------------------------

    @rule(price=st.integers(min_value=1, max_value=10**6), quantity=st.integers(min_value=1, max_value=99))
    def place(self, price: int, quantity: int) -> None:
        self.clock.advance(timedelta(seconds=1))
        in_flight = [order_id for order_id in self.ids if self.orders.orders[order_id].in_flight]
        if in_flight:  # one order at a time from a cart: the one in flight is named
            with pytest.raises(OrderInFlight) as refused:
                self.checkout(price, quantity)
            assert [refused.value.order_id] == in_flight
            return
        self.ids.append(self.checkout(price, quantity).order.order_id)

    def checkout(self, price: int, quantity: int) -> service.Placed:
        return service.place_order(
            CUSTOMER,
            service.Checkout(shipping_address=ADDRESS, payment_token="tok_visa"),
            authorization="Bearer t",
            idempotency_key=None,
            carts=FakeCartReader(cart_of(("p-1", price, quantity))),
            orders=self.orders,
            clock=self.clock,
        )

    @precondition(lambda self: self.ids)
    @rule(data=st.data())
    def stock_answers(self, data: st.DataObject) -> None:
        order_id = data.draw(st.sampled_from(self.ids))
        if data.draw(st.booleans()):
            service.request_payment(StockReserved(order_id=order_id), orders=self.orders, clock=self.clock)
        else:
            service.cancel_for_stock(StockRejected(order_id=order_id), orders=self.orders, clock=self.clock)

    @precondition(lambda self: self.orders.events_of(PaymentRequested))
    @rule(data=st.data())
    def payment_answers(self, data: st.DataObject) -> None:
        # payments answers only what was requested, perhaps more than once
        request = data.draw(st.sampled_from(self.orders.events_of(PaymentRequested)))
        assert isinstance(request, PaymentRequested)
        payment_id = f"pay-{request.order_id}"
        if self.outcome.setdefault(request.order_id, data.draw(st.booleans())):
            self.captured[request.order_id] += 1
            event = PaymentCaptured(order_id=request.order_id, payment_id=payment_id)
            service.confirm_order(event, orders=self.orders, clock=self.clock)
        else:
            declined = PaymentDeclined(
                order_id=request.order_id, payment_id=payment_id, reason="card_declined"
            )
            service.cancel_for_payment(declined, orders=self.orders, clock=self.clock)

    @precondition(lambda self: self.orders.events_of(RefundRequested))
    @rule(data=st.data())
    def refund_answers(self, data: st.DataObject) -> None:
        request = data.draw(st.sampled_from(self.orders.events_of(RefundRequested)))
        assert isinstance(request, RefundRequested)
        refunded = PaymentRefunded(order_id=request.order_id, payment_id=request.payment_id)
        service.record_refund(refunded, orders=self.orders, clock=self.clock)

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), ship=st.booleans())
    def customer_cancels_or_admin_ships(self, data: st.DataObject, ship: bool) -> None:
        order_id = data.draw(st.sampled_from(self.ids))
        before, writes, events = self.orders.orders[order_id], self.orders.writes, len(self.orders.outbox)
        try:
            if ship:
                service.ship_order(order_id, orders=self.orders, clock=self.clock)
            else:
                service.cancel_order(CUSTOMER, order_id, orders=self.orders, clock=self.clock)
        except DomainError:  # refused (e.g. shipping a PENDING order): nothing changed
            assert self.orders.orders[order_id] == before
            assert (self.orders.writes, len(self.orders.outbox)) == (writes, events)

    # -- invariants -------------------------------------------------------------------

    @invariant()
    def one_order_at_most_is_in_flight(self) -> None:
        assert sum(order.in_flight for order in self.orders.orders.values()) <= 1

    @invariant()
    def every_order_went_only_through_legal_moves(self) -> None:
        for order in self.orders.orders.values():
            statuses = [entry.status for entry in order.history]
            assert statuses[0] is OrderStatus.PENDING
            assert statuses[-1] is order.status
            assert all(move in _MOVES for move in pairwise(statuses))
            assert (order.cancellation_reason is not None) == (order.status is OrderStatus.CANCELLED)

    @invariant()
    def the_payment_status_is_truthful(self) -> None:
        for order in self.orders.orders.values():
            assert order.payment.status in PAYMENT_WHILE[order.status], (order.status, order.payment.status)
            requested = any(
                isinstance(e, PaymentRequested) and e.order_id == order.order_id
                for e in self.orders.events_of(PaymentRequested)
            )
            if not requested:  # nothing to charge once cancelled; nothing charged yet before
                cancelled = order.status is OrderStatus.CANCELLED
                assert order.payment.status is (
                    PaymentStatus.NOT_REQUIRED if cancelled else PaymentStatus.PENDING
                )
            if order.payment.status is PaymentStatus.NOT_REQUIRED:
                assert order.status is OrderStatus.CANCELLED
                assert not requested

    @invariant()
    def each_step_happens_at_most_once_per_order(self) -> None:
        for kind in (PaymentRequested, OrderConfirmed, OrderCancelled, RefundRequested):
            per_order = Counter(e.order_id for e in self.orders.events_of(kind))  # type: ignore[attr-defined]
            assert all(count == 1 for count in per_order.values()), (kind.__name__, per_order)

    @invariant()
    def money_taken_for_a_cancelled_order_goes_back(self) -> None:
        refunds = {e.order_id for e in self.orders.events_of(RefundRequested)}  # type: ignore[attr-defined]
        for order_id in self.captured:
            if self.orders.orders[order_id].status is OrderStatus.CANCELLED:
                assert order_id in refunds
        for order_id in refunds:
            assert self.captured[order_id] > 0  # never a refund of money not taken

    @invariant()
    def the_stats_match_the_orders(self) -> None:
        stats = self.orders.stats()
        actual = Counter(order.status for order in self.orders.orders.values())
        assert {status: stats.orders[status] for status in OrderStatus} == {s: actual[s] for s in OrderStatus}
        earned = sum(o.total.amount for o in self.orders.orders.values() if o.status in EARNING)
        assert stats.revenue.amount == earned


OrderSaga.TestCase.settings = settings(
    max_examples=150, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_order_saga = OrderSaga.TestCase
