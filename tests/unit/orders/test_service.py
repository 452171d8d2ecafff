"""Use cases with in-memory fakes: checkout, idempotency, ownership, cancel, ship, the saga."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shop.kernel.address import Address
from shop.kernel.change import Change
from shop.kernel.clock import FixedClock
from shop.kernel.errors import Conflict, NotFound
from shop.kernel.money import MAX_AMOUNT, AmountTooLarge
from shop.orders import service
from shop.orders.domain.cart import Cart, CartLine, UnavailableLine
from shop.orders.domain.errors import (
    CartChanged,
    CartNotOrderable,
    CartOrdered,
    CheckoutContended,
    EmptyCart,
    IdempotencyKeyReused,
    IllegalTransition,
    OrderInFlight,
    PricesRose,
    StaleOrder,
)
from shop.orders.domain.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    PaymentCaptured,
    PaymentDeclined,
    PaymentRefunded,
    PaymentRequested,
    RefundRequested,
    StockRejected,
    StockReserved,
    UserDeleted,
)
from shop.orders.domain.idempotency import order_id_for
from shop.orders.domain.model import Order, OrderStatus, PaymentStatus
from shop.orders.domain.stats import Revenue, StatsDelta, summarize
from tests.unit.orders.fakes import FakeCartReader, FakeOrders, cart_of, eur

ADDRESS = Address(line1="1 Main St", city="Lyon", postal_code="69001", country="FR")
CHECKOUT = service.Checkout(shipping_address=ADDRESS, payment_token="tok_visa")


@pytest.fixture
def orders() -> FakeOrders:
    return FakeOrders()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 1, tzinfo=UTC))


def place(
    orders: FakeOrders,
    clock: FixedClock,
    *,
    customer: str = "c-1",
    key: str | None = None,
    carts: FakeCartReader | None = None,
    checkout: service.Checkout = CHECKOUT,
) -> service.Placed:
    return service.place_order(
        customer,
        checkout,
        authorization="Bearer t",
        idempotency_key=key,
        carts=carts or FakeCartReader(cart_of(("p-1", 1000, 2))),
        orders=orders,
        clock=clock,
    )


def test_checkout_writes_a_pending_order_and_order_placed(orders: FakeOrders, clock: FixedClock) -> None:
    carts = FakeCartReader(cart_of(("p-1", 1000, 2), ("p-2", 500, 1)))
    placed = place(orders, clock, carts=carts)
    assert placed.new
    assert carts.reads == ["Bearer t"]  # the caller's own token
    stored = orders.get(placed.order.order_id)
    assert stored is not None
    assert stored.status is OrderStatus.PENDING
    assert stored.total == eur(2500)
    (event,) = orders.outbox
    assert isinstance(event, OrderPlaced)
    assert event.customer_id == "c-1"


def test_checkout_of_an_empty_cart_is_unprocessable(orders: FakeOrders, clock: FixedClock) -> None:
    with pytest.raises(EmptyCart):
        place(orders, clock, carts=FakeCartReader(cart_of()))
    assert orders.orders == {}


def test_checkout_of_a_cart_with_unavailable_lines_orders_nothing(
    orders: FakeOrders, clock: FixedClock
) -> None:
    # A deleted product is not an item but an unavailable line: ordering the rest would
    # order less than the cart shows, so the customer removes it first.
    cart = cart_of(("p-1", 1000, 2)).model_copy(
        update={"unavailable": (UnavailableLine(product_id="p-gone"),)}
    )
    with pytest.raises(CartNotOrderable, match="p-gone"):
        place(orders, clock, carts=FakeCartReader(cart))
    assert orders.orders == {}
    assert orders.outbox == []


def test_same_key_and_body_give_the_same_order_once(orders: FakeOrders, clock: FixedClock) -> None:
    first = place(orders, clock, key="k-1")
    again = place(orders, clock, key="k-1")
    assert again.order == first.order
    assert not again.new
    assert first.order.order_id == order_id_for("c-1", "k-1")
    assert len(orders.orders) == 1
    assert len(orders.events_of(OrderPlaced)) == 1


def test_a_retry_after_the_cart_was_emptied_finds_the_order(orders: FakeOrders, clock: FixedClock) -> None:
    first = place(orders, clock, key="k-1")
    again = place(orders, clock, key="k-1", carts=FakeCartReader(cart_of()))
    assert again.order.order_id == first.order.order_id
    assert len(orders.outbox) == 1


def test_same_key_with_another_body_is_a_conflict(orders: FakeOrders, clock: FixedClock) -> None:
    place(orders, clock, key="k-1")
    other = service.Checkout(shipping_address=ADDRESS, payment_token="tok_mastercard")
    with pytest.raises(IdempotencyKeyReused):
        place(orders, clock, key="k-1", checkout=other)
    with pytest.raises(IdempotencyKeyReused):
        place(orders, clock, key="k-1", checkout=other, carts=FakeCartReader(cart_of()))
    assert len(orders.orders) == 1


def test_keys_are_per_customer(orders: FakeOrders, clock: FixedClock) -> None:
    mine = place(orders, clock, key="k-1", customer="c-1")
    theirs = place(orders, clock, key="k-1", customer="c-2")
    assert mine.order.order_id != theirs.order.order_id
    assert len(orders.orders) == 2


def placed_and_cancelled(orders: FakeOrders, clock: FixedClock, *, key: str | None = None) -> Order:
    """An order of c-1 that is final at once, so that the cart can place the next."""
    order = place(orders, clock, key=key).order
    return service.cancel_order("c-1", order.order_id, orders=orders, clock=clock).after


def test_without_a_key_every_checkout_is_a_new_order(orders: FakeOrders, clock: FixedClock) -> None:
    first = placed_and_cancelled(orders, clock)
    second = place(orders, clock)
    assert first.order_id != second.order.order_id


def test_an_empty_cart_with_an_unused_key_is_still_unprocessable(
    orders: FakeOrders, clock: FixedClock
) -> None:
    with pytest.raises(EmptyCart):
        place(orders, clock, key="never-used", carts=FakeCartReader(cart_of()))


def test_another_customers_order_is_not_found(orders: FakeOrders, clock: FixedClock) -> None:
    order_id = place(orders, clock, customer="c-1").order.order_id
    assert service.get_order("c-1", order_id, orders=orders).order_id == order_id
    with pytest.raises(NotFound):
        service.get_order("c-2", order_id, orders=orders)
    with pytest.raises(NotFound):
        service.cancel_order("c-2", order_id, orders=orders, clock=clock)
    with pytest.raises(NotFound):
        service.get_order("c-1", "no-such-order", orders=orders)
    assert orders.orders[order_id].status is OrderStatus.PENDING


def test_listing_pages_through_the_callers_orders_newest_first(orders: FakeOrders, clock: FixedClock) -> None:
    from datetime import timedelta

    ids = []
    for _ in range(3):
        ids.append(placed_and_cancelled(orders, clock).order_id)
        clock.advance(timedelta(seconds=1))
    place(orders, clock, customer="c-2")
    first, position = service.list_orders("c-1", limit=2, after=None, orders=orders)
    second, end = service.list_orders("c-1", limit=2, after=position, orders=orders)
    assert [o.order_id for o in first + second] == list(reversed(ids))
    assert end is None


def run_saga_to(orders: FakeOrders, clock: FixedClock, status: OrderStatus) -> str:
    order_id = place(orders, clock).order.order_id
    if status is OrderStatus.PENDING:
        return order_id
    service.request_payment(StockReserved(order_id=order_id), orders=orders, clock=clock)
    if status is OrderStatus.CONFIRMED:
        event = PaymentCaptured(order_id=order_id, payment_id="pay-1")
        service.confirm_order(event, orders=orders, clock=clock)
    assert orders.orders[order_id].status is status
    return order_id


def test_the_happy_saga_reserves_requests_payment_and_confirms(orders: FakeOrders, clock: FixedClock) -> None:
    order_id = run_saga_to(orders, clock, OrderStatus.CONFIRMED)
    assert [type(e) for e in orders.outbox] == [OrderPlaced, PaymentRequested, OrderConfirmed]
    order = orders.orders[order_id]
    assert order.payment.payment_id == "pay-1"
    assert [h.status for h in order.history] == [
        OrderStatus.PENDING,
        OrderStatus.RESERVED,
        OrderStatus.CONFIRMED,
    ]


def test_every_saga_event_delivered_twice_has_one_effect(orders: FakeOrders, clock: FixedClock) -> None:
    order_id = place(orders, clock).order.order_id
    reserved = StockReserved(order_id=order_id)
    captured = PaymentCaptured(order_id=order_id, payment_id="pay-1")
    for _ in range(2):
        service.request_payment(reserved, orders=orders, clock=clock)
    for _ in range(2):
        service.confirm_order(captured, orders=orders, clock=clock)
    assert [type(e) for e in orders.outbox] == [OrderPlaced, PaymentRequested, OrderConfirmed]
    assert orders.writes == 3


def test_stock_rejected_cancels_out_of_stock(orders: FakeOrders, clock: FixedClock) -> None:
    order_id = place(orders, clock).order.order_id
    event = StockRejected(order_id=order_id, product_ids=("p-1",))
    assert service.cancel_for_stock(event, orders=orders, clock=clock) is not None
    assert service.cancel_for_stock(event, orders=orders, clock=clock) is None
    assert orders.orders[order_id].cancellation_reason == "OUT_OF_STOCK"
    assert len(orders.events_of(OrderCancelled)) == 1


def test_a_declined_payment_cancels_and_releases_stock(orders: FakeOrders, clock: FixedClock) -> None:
    order_id = run_saga_to(orders, clock, OrderStatus.RESERVED)
    service.cancel_for_payment(
        PaymentDeclined(order_id=order_id, payment_id="pay-1"), orders=orders, clock=clock
    )
    order = orders.orders[order_id]
    assert (order.status, order.cancellation_reason) == (OrderStatus.CANCELLED, "PAYMENT_DECLINED")
    (cancelled,) = orders.events_of(OrderCancelled)
    assert isinstance(cancelled, OrderCancelled)
    assert cancelled.reason == "PAYMENT_DECLINED"


def test_a_capture_after_the_customer_cancelled_is_refunded(orders: FakeOrders, clock: FixedClock) -> None:
    order_id = run_saga_to(orders, clock, OrderStatus.RESERVED)
    service.cancel_order("c-1", order_id, orders=orders, clock=clock)
    captured = PaymentCaptured(order_id=order_id, payment_id="pay-1")
    service.confirm_order(captured, orders=orders, clock=clock)
    service.confirm_order(captured, orders=orders, clock=clock)
    order = orders.orders[order_id]
    assert order.status is OrderStatus.CANCELLED
    assert order.payment.status is PaymentStatus.REFUND_PENDING
    assert len(orders.events_of(RefundRequested)) == 1
    assert orders.events_of(OrderConfirmed) == []


def test_stock_reserved_for_an_order_cancelled_meanwhile_changes_nothing(
    orders: FakeOrders, clock: FixedClock
) -> None:
    order_id = place(orders, clock).order.order_id
    service.cancel_order("c-1", order_id, orders=orders, clock=clock)
    assert service.request_payment(StockReserved(order_id=order_id), orders=orders, clock=clock) is None
    assert orders.events_of(PaymentRequested) == []


def test_cancel_of_a_confirmed_order_requests_a_refund_which_completes(
    orders: FakeOrders, clock: FixedClock
) -> None:
    order_id = run_saga_to(orders, clock, OrderStatus.CONFIRMED)
    change = service.cancel_order("c-1", order_id, orders=orders, clock=clock)
    assert change.after.status is OrderStatus.CANCELLED
    (refund,) = orders.events_of(RefundRequested)
    assert isinstance(refund, RefundRequested)
    assert (refund.payment_id, refund.amount) == ("pay-1", eur(2000))
    refunded = PaymentRefunded(order_id=order_id, payment_id="pay-1")
    service.record_refund(refunded, orders=orders, clock=clock)
    assert service.record_refund(refunded, orders=orders, clock=clock) is None
    assert orders.orders[order_id].payment.status is PaymentStatus.REFUNDED


def test_shipped_and_cancelled_orders_cannot_be_cancelled(orders: FakeOrders, clock: FixedClock) -> None:
    order_id = run_saga_to(orders, clock, OrderStatus.CONFIRMED)
    service.ship_order(order_id, orders=orders, clock=clock)
    with pytest.raises(IllegalTransition):
        service.cancel_order("c-1", order_id, orders=orders, clock=clock)
    other = place(orders, clock).order.order_id
    service.cancel_order("c-1", other, orders=orders, clock=clock)
    with pytest.raises(Conflict):
        service.cancel_order("c-1", other, orders=orders, clock=clock)


def test_shipping_needs_a_confirmed_order(orders: FakeOrders, clock: FixedClock) -> None:
    order_id = place(orders, clock).order.order_id
    with pytest.raises(IllegalTransition):
        service.ship_order(order_id, orders=orders, clock=clock)
    with pytest.raises(NotFound):
        service.ship_order("missing", orders=orders, clock=clock)


class RacingOrders(FakeOrders):
    """Lets the saga move the order once, between the request's read and its write."""

    def __init__(self, race: StockReserved, clock: FixedClock) -> None:
        super().__init__()
        self.race: StockReserved | None = race
        self.clock = clock

    def save(self, change):  # type: ignore[no-untyped-def]
        if (
            self.race is not None
            and change.before is not None
            and change.before.order_id == self.race.order_id
        ):
            race, self.race = self.race, None
            service.request_payment(race, orders=self, clock=self.clock)
        super().save(change)


def test_a_cancel_that_races_with_the_saga_is_decided_again(clock: FixedClock) -> None:
    orders = RacingOrders(StockReserved(order_id="placeholder"), clock)
    order_id = place(orders, clock).order.order_id
    orders.race = StockReserved(order_id=order_id)
    change = service.cancel_order("c-1", order_id, orders=orders, clock=clock)
    assert change.before is not None
    assert change.before.status is OrderStatus.RESERVED  # decided again on the moved order
    assert orders.orders[order_id].status is OrderStatus.CANCELLED
    assert [type(e) for e in orders.outbox] == [OrderPlaced, PaymentRequested, OrderCancelled]


class StaleReads(FakeOrders):
    """Answers reads with a snapshot taken before a concurrent change."""

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: Order | None = None

    def get(self, order_id: str) -> Order | None:
        return self.snapshot or super().get(order_id)


def test_a_saga_event_that_meets_a_concurrent_change_fails_to_be_retried(clock: FixedClock) -> None:
    orders = StaleReads()
    order_id = place(orders, clock).order.order_id
    snapshot = orders.get(order_id)
    service.cancel_order("c-1", order_id, orders=orders, clock=clock)
    orders.snapshot = snapshot  # the consumer read the order before the customer cancelled it
    with pytest.raises(StaleOrder):
        service.request_payment(StockReserved(order_id=order_id), orders=orders, clock=clock)
    assert orders.orders[order_id].status is OrderStatus.CANCELLED
    assert orders.events_of(PaymentRequested) == []


def test_admin_stats_count_statuses_revenue_and_top_products(orders: FakeOrders, clock: FixedClock) -> None:
    confirmed = run_saga_to(orders, clock, OrderStatus.CONFIRMED)
    run_saga_to(orders, clock, OrderStatus.CONFIRMED)
    place(orders, clock)
    stats = service.admin_stats(orders=orders)
    assert stats.orders[OrderStatus.CONFIRMED] == 2
    assert stats.orders[OrderStatus.PENDING] == 1
    assert stats.revenue == Revenue(amount=4000, currency="EUR")
    assert stats.revenue_by_currency == (Revenue(amount=4000, currency="EUR"),)
    assert [(p.product_id, p.quantity) for p in stats.top_products] == [("p-1", 4)]
    service.cancel_order("c-1", confirmed, orders=orders, clock=clock)
    stats = service.admin_stats(orders=orders)
    assert stats.revenue == Revenue(amount=2000, currency="EUR")
    assert stats.orders[OrderStatus.CANCELLED] == 1
    assert stats.orders[OrderStatus.CONFIRMED] == 1
    assert [(p.product_id, p.quantity) for p in stats.top_products] == [("p-1", 2)]


def test_an_order_past_the_largest_amount_is_refused_and_nothing_is_saved(
    orders: FakeOrders, clock: FixedClock
) -> None:
    over = FakeCartReader(cart_of(("p-1", MAX_AMOUNT, 2)))
    with pytest.raises(AmountTooLarge):
        place(orders, clock, carts=over)
    with pytest.raises(AmountTooLarge):
        place(orders, clock, carts=FakeCartReader(cart_of(("p-1", MAX_AMOUNT, 1), ("p-2", 1, 1))))
    assert (orders.orders, orders.outbox) == ({}, [])


def test_a_retry_whose_cart_changed_since_finds_the_order_it_placed(
    orders: FakeOrders, clock: FixedClock
) -> None:
    # the cart is kept until the order is confirmed; by the retry, a price went past the cap
    first = place(orders, clock, key="k-1")
    again = place(orders, clock, key="k-1", carts=FakeCartReader(cart_of(("p-1", MAX_AMOUNT, 2))))
    assert again.order == first.order
    assert not again.new
    with pytest.raises(AmountTooLarge):  # without a key and nothing in flight, nothing to find
        place(orders, clock, customer="c-2", carts=FakeCartReader(cart_of(("p-1", MAX_AMOUNT, 2))))


def test_stats_keep_every_currency_and_revenue_is_the_base_currencys() -> None:
    stats = summarize(
        [
            StatsDelta(revenue={"EUR": MAX_AMOUNT, "USD": 700}),
            StatsDelta(revenue={"EUR": MAX_AMOUNT, "GBP": 5, "USD": -700}),
        ]
    )
    assert stats.revenue == Revenue(amount=2 * MAX_AMOUNT, currency="EUR")
    assert stats.revenue_by_currency == (
        Revenue(amount=2 * MAX_AMOUNT, currency="EUR"),
        Revenue(amount=5, currency="GBP"),
    )
    assert summarize([StatsDelta(revenue={"USD": 9})]).revenue == Revenue(amount=0, currency="EUR")


ERASED_IN_FRANCE = Address(line1="erased", city="erased", postal_code="erased", country="FR")


def test_a_deleted_customers_orders_keep_no_address_and_others_are_untouched(
    orders: FakeOrders, clock: FixedClock
) -> None:
    for index in range(30):  # more than one erasure batch
        placed_and_cancelled(orders, clock, key=f"k{index}")
    other = place(orders, clock, customer="c-2").order
    deleted = UserDeleted(user_id="c-1")

    service.erase_customer(deleted, orders=orders, clock=clock)

    mine = [order for order in orders.orders.values() if order.customer_id == "c-1"]
    assert len(mine) == 30
    for order in mine:
        assert order.shipping_address == Address(
            line1="erased", city="erased", postal_code="erased", country="FR"
        )
        assert order.request_fingerprint is None
        assert order.total == eur(2000)  # the books keep what was sold
    assert orders.get(other.order_id) == other
    writes = orders.writes
    service.erase_customer(deleted, orders=orders, clock=clock)  # redelivered: nothing to do
    assert orders.writes == writes


# -- one order in flight per cart, of the cart the customer agreed to (issue 18) ---------


def versioned(*lines: tuple[str, int, int, str], etag: str = '"v1"', added: int | None = None) -> Cart:
    """(product_id, unit price, quantity, revision) per line; `added`: every line's price when set."""
    return Cart(
        items=tuple(
            CartLine(
                product_id=pid,
                name=pid,
                unit_price=eur(price),
                quantity=quantity,
                revision=revision,
                price_when_added=eur(price if added is None else added),
            )
            for pid, price, quantity, revision in lines
        ),
        etag=etag,
    )


def test_a_second_checkout_while_one_is_in_flight_is_refused_whatever_its_key(
    orders: FakeOrders, clock: FixedClock
) -> None:
    first = place(orders, clock, key="tab-1").order
    for key in ("tab-2", None):
        with pytest.raises(OrderInFlight) as refused:
            place(orders, clock, key=key)
        assert refused.value.order_id == first.order_id
        assert refused.value.headers == {"Location": f"/orders/{first.order_id}"}
        assert refused.value.extensions == {"order_id": first.order_id}
    assert place(orders, clock, key="tab-1").order == first  # the same key still replays
    assert list(orders.orders) == [first.order_id]


@pytest.mark.parametrize(
    "cart",
    [
        pytest.param(cart_of(), id="empty"),
        pytest.param(Cart(unavailable=(UnavailableLine(product_id="p-gone"),)), id="every-line-unavailable"),
    ],
)
@pytest.mark.parametrize("key", ["tab-2", None])
def test_while_one_is_in_flight_a_checkout_of_a_cart_with_nothing_to_order_is_409_naming_it(
    orders: FakeOrders, clock: FixedClock, cart: Cart, key: str | None
) -> None:
    first = place(orders, clock, key="tab-1").order

    with pytest.raises(OrderInFlight) as refused:
        place(orders, clock, key=key, carts=FakeCartReader(cart))

    assert refused.value.extensions == {"order_id": first.order_id}
    assert place(orders, clock, key="tab-1", carts=FakeCartReader(cart)).order == first  # a retry replays
    assert list(orders.orders) == [first.order_id]


@pytest.mark.parametrize("final", [OrderStatus.CONFIRMED, OrderStatus.CANCELLED])
def test_once_the_order_is_final_the_cart_can_order_again(
    orders: FakeOrders, clock: FixedClock, final: OrderStatus
) -> None:
    first = run_saga_to(orders, clock, OrderStatus.RESERVED)
    if final is OrderStatus.CONFIRMED:
        service.confirm_order(PaymentCaptured(order_id=first, payment_id="pay-1"), orders=orders, clock=clock)
    else:
        service.cancel_for_payment(
            PaymentDeclined(order_id=first, payment_id="pay-1"), orders=orders, clock=clock
        )

    again = place(orders, clock, carts=FakeCartReader(cart_of(("p-9", 100, 1))))

    assert again.new
    assert again.order.order_id != first


def test_lines_a_confirmed_order_took_are_not_ordered_again_before_the_cart_drops_them(
    orders: FakeOrders, clock: FixedClock
) -> None:
    cart = versioned(("book", 1000, 1, "r-book"), ("pen", 200, 2, "r-pen"))
    first = place(orders, clock, carts=FakeCartReader(cart)).order
    service.request_payment(StockReserved(order_id=first.order_id), orders=orders, clock=clock)
    service.confirm_order(
        PaymentCaptured(order_id=first.order_id, payment_id="pay-1"), orders=orders, clock=clock
    )

    with pytest.raises(CartOrdered) as ordered:  # the cart still shows what the order took, and nothing else
        place(orders, clock, carts=FakeCartReader(cart))
    assert ordered.value.headers == {"Location": f"/orders/{first.order_id}"}
    assert ordered.value.extensions == {"order_id": first.order_id}
    lagging = versioned(("book", 1000, 1, "r-book"), ("pen", 200, 2, "r-pen"), ("cup", 300, 1, "r-cup"))
    second = place(orders, clock, carts=FakeCartReader(lagging)).order

    assert [line.product_id for line in second.lines] == ["cup"]
    assert second.total == eur(300)


def test_the_order_records_each_cart_line_version_it_took(orders: FakeOrders, clock: FixedClock) -> None:
    placed = place(orders, clock, carts=FakeCartReader(versioned(("book", 1000, 1, "r-book"))))

    (line,) = placed.order.lines
    assert line.revision == "r-book"
    (event,) = placed.events
    assert isinstance(event, OrderPlaced)
    assert [line.revision for line in event.lines] == ["r-book"]


def test_a_stale_if_match_is_412_with_the_current_etag_and_saves_nothing(
    orders: FakeOrders, clock: FixedClock
) -> None:
    carts = FakeCartReader(versioned(("book", 1000, 1, "r-1"), etag='"v2"'))

    with pytest.raises(CartChanged) as refused:
        service.place_order(
            "c-1",
            CHECKOUT,
            authorization="Bearer t",
            idempotency_key="k-1",
            if_match='"v1", W/"v2"',  # a weak tag never matches
            carts=carts,
            orders=orders,
            clock=clock,
        )

    assert refused.value.headers == {"ETag": '"v2"'}
    assert (orders.orders, orders.outbox) == ({}, [])


def test_without_if_match_a_price_that_rose_is_412_naming_the_line(
    orders: FakeOrders, clock: FixedClock
) -> None:
    cart = versioned(("book", 1500, 1, "r-1"), ("pen", 200, 1, "r-2"), added=1000)  # pen got cheaper: fine

    for if_match in (None, "*"):
        with pytest.raises(PricesRose) as refused:
            service.place_order(
                "c-1",
                CHECKOUT,
                authorization="Bearer t",
                idempotency_key=None,
                if_match=if_match,
                carts=FakeCartReader(cart),
                orders=orders,
                clock=clock,
            )
        assert refused.value.extensions == {"product_ids": ["book"]}
        assert refused.value.headers == {"ETag": '"v1"'}
    assert orders.orders == {}


def test_if_match_of_the_cart_read_accepts_its_prices_and_the_order_is_that_total(
    orders: FakeOrders, clock: FixedClock
) -> None:
    cart = versioned(("book", 1500, 2, "r-1"), added=1000, etag='"seen"')

    placed = service.place_order(
        "c-1",
        CHECKOUT,
        authorization="Bearer t",
        idempotency_key=None,
        if_match='"other", "seen"',
        carts=FakeCartReader(cart),
        orders=orders,
        clock=clock,
    )

    assert placed.order.total == eur(3000)


def test_a_retry_with_the_same_key_replays_even_when_the_etag_moved_on(
    orders: FakeOrders, clock: FixedClock
) -> None:
    def checkout(cart: Cart) -> service.Placed:
        return service.place_order(
            "c-1",
            CHECKOUT,
            authorization="Bearer t",
            idempotency_key="k-1",
            if_match='"v1"',
            carts=FakeCartReader(cart),
            orders=orders,
            clock=clock,
        )

    first = checkout(versioned(("book", 1000, 1, "r-1")))
    again = checkout(versioned(("book", 1000, 1, "r-1"), etag='"v2"'))  # the cart shows the order pending now

    assert (again.order, again.new) == (first.order, False)


class ContendedOnce(FakeOrders):
    """DynamoDB cancels the first checkout for a conflict with another written at that instant."""

    def __init__(self, winner: Change[Order]) -> None:
        super().__init__()
        self.winner: Change[Order] | None = winner

    def add(self, change: Change[Order], *, still_taken: frozenset[str] = frozenset()) -> None:
        if self.winner is not None:
            super().add(self.winner)
            self.winner = None
            raise CheckoutContended
        super().add(change, still_taken=still_taken)


def test_a_checkout_that_lost_a_race_is_decided_again_and_names_the_winner(clock: FixedClock) -> None:
    winner = Order.place(
        order_id="o-winner",
        customer_id="c-1",
        cart=cart_of(("p-1", 1000, 1)),
        shipping_address=ADDRESS,
        payment_token="tok_visa",
        at=clock.now(),
    )
    orders = ContendedOnce(winner)

    with pytest.raises(OrderInFlight) as refused:
        place(orders, clock, key="tab-2")

    assert refused.value.order_id == "o-winner"
    assert list(orders.orders) == ["o-winner"]
