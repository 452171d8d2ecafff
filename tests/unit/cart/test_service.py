"""The cart's use cases with in-memory ports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest

from shop.cart import service
from shop.cart.domain.cart import IDLE_LIFETIME, MAX_LINES, Cart
from shop.cart.domain.errors import (
    CartChanged,
    CartFull,
    CurrencyConflict,
    LineNotInCart,
    ProductUnavailable,
)
from shop.cart.domain.events import CartStarted, OrderCancelled, OrderConfirmed, OrderedLine, OrderPlaced
from shop.cart.domain.view import PricedCart, etag
from shop.kernel.change import Change
from shop.kernel.clock import FixedClock
from shop.kernel.money import MAX_AMOUNT, AmountTooLarge
from tests.unit.cart.fakes import FakeCarts, FakeCatalog, FakePlacedOrders, placed_order, product

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def carts() -> FakeCarts:
    return FakeCarts()


@pytest.fixture
def catalog() -> FakeCatalog:
    return FakeCatalog(
        product("book", amount=1500),
        product("pen", amount=199),
        product("dollar-hat", amount=900, currency="USD"),
        product("retired", deleted=True),
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def put(
    carts: FakeCarts,
    catalog: FakeCatalog,
    clock: FixedClock,
    product_id: str,
    quantity: int,
    who: str = "alice",
) -> PricedCart:
    return service.set_item(who, product_id, quantity, carts=carts, catalog=catalog, clock=clock)


def test_viewing_no_cart_is_an_empty_cart_without_asking_the_catalog(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    cart = service.view_cart("alice", carts=carts, catalog=catalog, clock=clock)

    assert cart.items == []
    assert (cart.total.amount, cart.total.currency, cart.item_count) == (0, "EUR", 0)
    assert catalog.calls == []


def test_setting_an_item_answers_the_priced_cart(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 2)
    cart = put(carts, catalog, clock, "pen", 3)

    assert [(item.product_id, item.quantity, item.line_total.amount) for item in cart.items] == [
        ("book", 2, 3000),
        ("pen", 3, 597),
    ]
    assert cart.total.amount == 3597
    assert cart.item_count == 5


def test_setting_an_item_costs_one_read_one_catalog_call_for_all_lines_and_one_write(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    carts.reads = carts.writes = 0
    catalog.calls.clear()

    put(carts, catalog, clock, "pen", 1)

    assert (carts.reads, carts.writes) == (1, 1)
    assert [sorted(call) for call in catalog.calls] == [["book", "pen"]]


def test_changing_a_quantity(carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock) -> None:
    put(carts, catalog, clock, "book", 2)

    cart = put(carts, catalog, clock, "book", 5)

    assert [(item.product_id, item.quantity) for item in cart.items] == [("book", 5)]
    assert carts.stored["alice"].lines["book"].quantity == 5


def test_the_cart_shows_current_catalog_prices(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 2)
    catalog.add(product("book", amount=1200))

    cart = service.view_cart("alice", carts=carts, catalog=catalog, clock=clock)

    assert cart.items[0].unit_price.amount == 1200
    assert cart.total.amount == 2400


@pytest.mark.parametrize("product_id", ["nope", "retired"])
def test_an_unknown_or_deleted_product_is_not_found_and_nothing_is_written(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock, product_id: str
) -> None:
    with pytest.raises(ProductUnavailable):
        put(carts, catalog, clock, product_id, 1)

    assert carts.writes == 0


def test_a_product_in_another_currency_is_refused(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)

    with pytest.raises(CurrencyConflict):
        put(carts, catalog, clock, "dollar-hat", 1)

    assert list(carts.stored["alice"].lines) == ["book"]


def test_the_51st_product_is_refused(carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock) -> None:
    for index in range(MAX_LINES):
        catalog.add(product(f"p{index}"))
        put(carts, catalog, clock, f"p{index}", 1)

    with pytest.raises(CartFull):
        put(carts, catalog, clock, "book", 1)


def test_a_deleted_product_leaves_the_items_but_stays_removable(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    put(carts, catalog, clock, "pen", 2)
    catalog.add(product("pen", deleted=True))

    cart = service.view_cart("alice", carts=carts, catalog=catalog, clock=clock)
    assert [item.product_id for item in cart.items] == ["book"]
    assert [line.product_id for line in cart.unavailable] == ["pen"]
    assert cart.item_count == 1

    after = service.remove_item("alice", "pen", carts=carts, catalog=catalog, clock=clock)
    assert after.unavailable == []


def test_removing_an_item(carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock) -> None:
    put(carts, catalog, clock, "book", 1)
    put(carts, catalog, clock, "pen", 2)

    cart = service.remove_item("alice", "book", carts=carts, catalog=catalog, clock=clock)

    assert [item.product_id for item in cart.items] == ["pen"]
    assert cart.total.amount == 398


def test_removing_an_item_not_in_the_cart_is_not_found_without_a_write(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    with pytest.raises(LineNotInCart):
        service.remove_item("alice", "book", carts=carts, catalog=catalog, clock=clock)

    assert carts.writes == 0


def test_clearing_the_cart(carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock) -> None:
    put(carts, catalog, clock, "book", 1)

    service.clear_cart("alice", carts=carts, clock=clock)
    service.clear_cart("alice", carts=carts, clock=clock)

    assert service.view_cart("alice", carts=carts, catalog=catalog, clock=clock).items == []


def test_clearing_the_cart_keeps_the_order_in_flight_shown(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    service.note_order_placed(order_event(OrderPlaced, "o1", START), carts=carts, clock=clock)

    service.clear_cart("alice", carts=carts, clock=clock)

    shown = service.view_cart("alice", carts=carts, catalog=catalog, clock=clock)
    assert shown.items == []
    assert shown.pending_order is not None
    assert shown.pending_order.order_id == "o1"


def test_a_line_set_while_the_cart_is_cleared_is_read_again_and_cleared(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    stale = carts.get("alice")
    put(carts, catalog, clock, "pen", 1)
    reads = iter([stale])
    real_get = carts.get
    carts.get = lambda customer_id: next(reads, None) or real_get(customer_id)  # type: ignore[method-assign]

    service.clear_cart("alice", carts=carts, clock=clock)

    assert carts.stored["alice"].lines == {}


def test_a_deleted_customers_cart_is_forgotten_whole(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    service.note_order_placed(order_event(OrderPlaced, "o1", START), carts=carts, clock=clock)

    service.drop_cart("alice", carts=carts)

    assert "alice" not in carts.stored


def test_customers_have_separate_carts(carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock) -> None:
    put(carts, catalog, clock, "book", 1, who="alice")
    put(carts, catalog, clock, "pen", 4, who="bob")

    alice = service.view_cart("alice", carts=carts, catalog=catalog, clock=clock)
    bob = service.view_cart("bob", carts=carts, catalog=catalog, clock=clock)

    assert [item.product_id for item in alice.items] == ["book"]
    assert [item.product_id for item in bob.items] == ["pen"]


def test_an_idle_cart_expires_and_a_write_keeps_it_alive(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    clock.advance(IDLE_LIFETIME - timedelta(days=1))
    put(carts, catalog, clock, "pen", 1)
    clock.advance(IDLE_LIFETIME - timedelta(seconds=1))

    assert len(service.view_cart("alice", carts=carts, catalog=catalog, clock=clock).items) == 2

    clock.advance(timedelta(seconds=1))
    assert service.view_cart("alice", carts=carts, catalog=catalog, clock=clock).items == []


def test_adding_to_an_expired_cart_does_not_revive_its_old_lines(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    clock.advance(IDLE_LIFETIME + timedelta(days=3))

    cart = put(carts, catalog, clock, "dollar-hat", 1)

    assert [item.product_id for item in cart.items] == ["dollar-hat"]
    assert list(carts.stored["alice"].lines) == ["dollar-hat"]


def order_confirmed(carts: FakeCarts, customer: str, product_ids: list[str]) -> OrderConfirmed:
    """The confirmation of an order placed now from these lines of the customer's cart."""
    lines = carts.get(customer).lines
    return OrderConfirmed(
        order_id="o1",
        customer_id=customer,
        placed_at=START,
        lines=tuple(
            OrderedLine(product_id=pid, quantity=lines[pid].quantity, revision=lines[pid].revision)
            for pid in product_ids
            if pid in lines
        ),
    )


@pytest.mark.parametrize(
    ("ordered", "pen_changed_to", "pen_quantity"),
    [
        pytest.param(["book"], None, 2, id="removes-its-lines-and-keeps-the-rest"),
        pytest.param(["book", "pen"], 5, 5, id="keeps-a-line-changed-after-checkout"),
    ],
)
def test_an_order_removes_the_lines_it_bought(
    carts: FakeCarts,
    catalog: FakeCatalog,
    clock: FixedClock,
    ordered: list[str],
    pen_changed_to: int | None,
    pen_quantity: int,
) -> None:
    put(carts, catalog, clock, "book", 1)
    put(carts, catalog, clock, "pen", 2)
    clock.advance(timedelta(seconds=10))
    order = order_confirmed(carts, "alice", ordered)
    if pen_changed_to is not None:
        clock.advance(timedelta(seconds=2))
        put(carts, catalog, clock, "pen", pen_changed_to)

    service.settle_order(order, carts=carts, clock=clock)

    assert list(carts.stored["alice"].lines) == ["pen"]
    assert carts.stored["alice"].lines["pen"].quantity == pen_quantity


def test_a_redelivered_order_changes_nothing_and_writes_nothing(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    clock.advance(timedelta(seconds=10))
    order = order_confirmed(carts, "alice", ["book"])
    service.settle_order(order, carts=carts, clock=clock)
    clock.advance(timedelta(seconds=1))
    put(carts, catalog, clock, "book", 1)
    carts.reads = carts.writes = 0

    service.settle_order(order, carts=carts, clock=clock)

    assert list(carts.stored["alice"].lines) == ["book"]
    assert (carts.reads, carts.writes) == (1, 0)


def test_an_order_for_a_customer_without_a_cart_is_fine(carts: FakeCarts, clock: FixedClock) -> None:
    order = order_confirmed(carts, "alice", ["book"]).model_copy(update={"customer_id": "carol"})
    service.settle_order(order, carts=carts, clock=clock)

    assert carts.stored["carol"].lines == {}
    assert carts.stored["carol"].pending_order() is None


def test_a_line_past_the_largest_amount_is_refused_and_nothing_is_saved(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    catalog.add(product("yacht", amount=MAX_AMOUNT))
    put(carts, catalog, clock, "yacht", 1)
    carts.writes = 0

    with pytest.raises(AmountTooLarge):
        put(carts, catalog, clock, "yacht", 2)  # the line alone is past the cap
    with pytest.raises(AmountTooLarge):
        put(carts, catalog, clock, "book", 1)  # the cart's total would be

    assert carts.writes == 0
    assert {pid: line.quantity for pid, line in carts.stored["alice"].lines.items()} == {"yacht": 1}


def test_a_price_raised_past_the_cap_leaves_the_cart_readable_and_fixable(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    put(carts, catalog, clock, "pen", 3)
    catalog.add(product("pen", amount=MAX_AMOUNT))  # an admin raised the price meanwhile

    cart = service.view_cart("alice", carts=carts, catalog=catalog, clock=clock)

    assert [item.product_id for item in cart.items] == ["book"]
    assert [(line.product_id, line.reason) for line in cart.unavailable] == [("pen", "amount_too_large")]
    assert cart.total.amount == 1500
    lowered = put(carts, catalog, clock, "pen", 1)  # allowed: no line more is past the cap
    assert [line.reason for line in lowered.unavailable] == ["amount_too_large"]  # with the book, still
    assert carts.stored["alice"].lines["pen"].quantity == 1
    fixed = service.remove_item("alice", "book", carts=carts, catalog=catalog, clock=clock)
    assert ([item.product_id for item in fixed.items], fixed.unavailable) == (["pen"], [])
    assert fixed.total.amount == MAX_AMOUNT


def test_a_cart_announces_its_start_once_per_lifetime(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    put(carts, catalog, clock, "pen", 2)
    put(carts, catalog, clock, "book", 3)
    (started,) = carts.outbox
    assert isinstance(started, CartStarted)
    assert (started.customer_id, started.started_at, started.cart_id) == (
        "alice",
        START,
        carts.stored["alice"].cart_id,
    )

    order = order_confirmed(carts, "alice", ["book", "pen"])
    clock.advance(timedelta(minutes=1))
    service.settle_order(order, carts=carts, clock=clock)
    put(carts, catalog, clock, "pen", 1)  # the order emptied the cart: this line starts another

    assert [event.event_type for event in carts.outbox] == ["CartStarted", "CartStarted"]
    assert carts.outbox[1].model_dump()["cart_id"] not in (None, started.cart_id)


def test_a_refused_line_starts_no_cart(carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock) -> None:
    with pytest.raises(ProductUnavailable):
        put(carts, catalog, clock, "retired", 1)
    catalog.add(product("priceless", amount=MAX_AMOUNT))
    with pytest.raises(AmountTooLarge):
        put(carts, catalog, clock, "priceless", 2)

    assert carts.outbox == []


class RacedCarts(FakeCarts):
    """A store whose first `races` writes find the cart changed since it was read."""

    def __init__(self, races: int) -> None:
        super().__init__()
        self.races = races

    def save_line(self, change: Change[Cart], product_id: str, now: datetime) -> None:
        if self.races:
            self.races -= 1
            raise CartChanged
        super().save_line(change, product_id, now)


def test_a_line_set_while_the_cart_changed_is_read_again_and_saved(
    catalog: FakeCatalog, clock: FixedClock
) -> None:
    carts = RacedCarts(races=2)  # a write is tried three times in all

    cart = put(carts, catalog, clock, "book", 2)

    assert [(item.product_id, item.quantity) for item in cart.items] == [("book", 2)]
    assert carts.reads == 3
    assert carts.stored["alice"].lines["book"].quantity == 2


def test_a_cart_that_keeps_changing_is_a_conflict_after_a_few_reads(
    catalog: FakeCatalog, clock: FixedClock
) -> None:
    carts = RacedCarts(races=3)

    with pytest.raises(CartChanged):
        put(carts, catalog, clock, "book", 2)
    assert carts.reads == 3
    assert "alice" not in carts.stored


Event = TypeVar("Event", OrderPlaced, OrderCancelled)


def order_event(kind: type[Event], order_id: str, at: datetime) -> Event:
    return kind(order_id=order_id, customer_id="alice", placed_at=at)


def test_the_cart_shows_an_order_pending_from_its_placing_to_its_end(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    service.note_order_placed(order_event(OrderPlaced, "o1", START), carts=carts, clock=clock)
    shown = service.view_cart("alice", carts=carts, catalog=catalog, clock=clock)
    assert shown.pending_order is not None
    assert shown.pending_order.order_id == "o1"
    assert [item.product_id for item in shown.items] == ["book"]  # the cart stays whole meanwhile

    service.note_order_cancelled(order_event(OrderCancelled, "o1", START), carts=carts, clock=clock)

    assert service.view_cart("alice", carts=carts, catalog=catalog, clock=clock).pending_order is None


def test_events_of_an_order_in_any_order_leave_no_pending_order_and_redelivery_writes_nothing(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    confirmed = order_confirmed(carts, "alice", ["book"])
    service.settle_order(confirmed, carts=carts, clock=clock)
    writes = carts.writes

    service.note_order_placed(order_event(OrderPlaced, "o1", START), carts=carts, clock=clock)  # late
    service.settle_order(confirmed, carts=carts, clock=clock)  # again

    assert carts.writes == writes
    shown = service.view_cart("alice", carts=carts, catalog=catalog, clock=clock)
    assert (shown.pending_order, shown.items) == (None, [])


def test_the_next_order_forgets_those_before_it(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    put(carts, catalog, clock, "book", 1)
    service.note_order_placed(order_event(OrderPlaced, "o1", START), carts=carts, clock=clock)
    service.note_order_cancelled(order_event(OrderCancelled, "o1", START), carts=carts, clock=clock)
    later = START + timedelta(minutes=1)

    service.note_order_placed(order_event(OrderPlaced, "o2", later), carts=carts, clock=clock)

    assert list(carts.stored["alice"].orders) == ["o2"]
    assert carts.stored["alice"].pending_order() == "o2"


def checked(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock, orders: FakePlacedOrders
) -> PricedCart:
    return service.view_cart(
        "alice", carts=carts, catalog=catalog, clock=clock, orders=orders, authorization="Bearer alice"
    )


def placed_from_book_and_pen(carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock) -> str:
    """Alice's cart of a book and a pen, from which order o1 was placed; the book's version."""
    put(carts, catalog, clock, "book", 1)
    put(carts, catalog, clock, "pen", 2)
    service.note_order_placed(order_event(OrderPlaced, "o1", START), carts=carts, clock=clock)
    return carts.stored["alice"].lines["book"].revision


@pytest.mark.parametrize(
    "statuses",
    [
        pytest.param(("PENDING", "RESERVED", "CONFIRMED"), id="confirmed"),
        pytest.param(("PENDING", "RESERVED", "CONFIRMED", "SHIPPED"), id="shipped"),
        pytest.param(("PENDING", "RESERVED", "CONFIRMED", "CANCELLED"), id="confirmed-then-cancelled"),
    ],
)
def test_an_order_orders_says_confirmed_is_shown_ended_and_the_lines_it_took_are_gone_at_once(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock, statuses: tuple[str, ...]
) -> None:
    book = placed_from_book_and_pen(carts, catalog, clock)
    orders = FakePlacedOrders(placed_order("o1", *statuses, revisions=[book]))
    writes = carts.writes

    shown = checked(carts, catalog, clock, orders)

    assert (shown.pending_order, [item.product_id for item in shown.items]) == (None, ["pen"])
    assert orders.calls == [("o1", "Bearer alice")]
    assert carts.writes == writes  # shown, not saved: the orders' events settle the cart


def test_once_the_cart_hears_of_the_confirmation_it_shows_the_same_cart_with_the_same_etag(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    book = placed_from_book_and_pen(carts, catalog, clock)
    orders = FakePlacedOrders(placed_order("o1", "PENDING", "RESERVED", "CONFIRMED", revisions=[book]))
    before = checked(carts, catalog, clock, orders)

    service.settle_order(order_confirmed(carts, "alice", ["book"]), carts=carts, clock=clock)

    after = service.view_cart("alice", carts=carts, catalog=catalog, clock=clock)
    assert after == before
    assert etag(after) == etag(before)  # an If-Match read in the moment between stays good


def test_an_order_orders_says_cancelled_leaves_the_cart_whole_and_not_pending(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    book = placed_from_book_and_pen(carts, catalog, clock)
    orders = FakePlacedOrders(placed_order("o1", "PENDING", "CANCELLED", revisions=[book]))

    shown = checked(carts, catalog, clock, orders)

    assert (shown.pending_order, [item.product_id for item in shown.items]) == (None, ["book", "pen"])


@pytest.mark.parametrize(
    "orders",
    [
        pytest.param(
            FakePlacedOrders(placed_order("o1", "PENDING", "RESERVED", revisions=["x"])), id="reserved"
        ),
        pytest.param(FakePlacedOrders(), id="orders-cannot-tell"),
    ],
)
def test_an_order_still_in_flight_or_that_orders_cannot_tell_of_is_shown_pending(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock, orders: FakePlacedOrders
) -> None:
    placed_from_book_and_pen(carts, catalog, clock)

    shown = checked(carts, catalog, clock, orders)

    assert shown.pending_order is not None
    assert shown.pending_order.order_id == "o1"
    assert [item.product_id for item in shown.items] == ["book", "pen"]


def test_orders_is_asked_only_about_an_order_the_cart_shows_pending(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    orders = FakePlacedOrders()
    put(carts, catalog, clock, "book", 1)
    checked(carts, catalog, clock, orders)
    service.note_order_placed(order_event(OrderPlaced, "o1", START), carts=carts, clock=clock)
    service.note_order_cancelled(order_event(OrderCancelled, "o1", START), carts=carts, clock=clock)
    checked(carts, catalog, clock, orders)

    assert orders.calls == []


def test_without_orders_the_cart_shows_the_order_as_it_heard_of_it(
    carts: FakeCarts, catalog: FakeCatalog, clock: FixedClock
) -> None:
    placed_from_book_and_pen(carts, catalog, clock)

    shown = service.view_cart("alice", carts=carts, catalog=catalog, clock=clock)

    assert shown.pending_order is not None
    assert [item.product_id for item in shown.items] == ["book", "pen"]
