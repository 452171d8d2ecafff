"""The cart's rules, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shop.cart.domain.cart import IDLE_LIFETIME, Cart, CartLine, OrderMark
from shop.cart.domain.errors import (
    CartFull,
    CurrencyConflict,
    InvalidQuantity,
    LineNotInCart,
    ProductUnavailable,
)
from shop.cart.domain.events import CartStarted, OrderConfirmed
from shop.cart.domain.view import PendingOrder, etag, price
from shop.kernel.errors import Conflict, InvalidInput, NotFound, Unprocessable
from tests.unit.cart.fakes import product

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def cart_with(*quantities: tuple[str, int], currency: str = "EUR", at: datetime = NOW) -> Cart:
    cart = Cart.empty("alice")
    for product_id, quantity in quantities:
        cart = cart.set_quantity(product(product_id, currency=currency), quantity, at)
    return cart


def test_setting_a_quantity_adds_the_line_and_binds_the_currency() -> None:
    cart = Cart.empty("alice").set_quantity(product("p1", currency="USD"), 3, NOW)

    assert cart.lines["p1"].quantity == 3
    assert cart.lines["p1"].added_at == NOW
    assert cart.currency == "USD"
    assert cart.expires_at == NOW + IDLE_LIFETIME


def test_setting_again_replaces_the_quantity_keeps_the_added_time_and_changes_the_revision() -> None:
    cart = cart_with(("p1", 2))
    later = NOW + timedelta(minutes=5)

    changed = cart.set_quantity(product("p1"), 7, later)

    assert changed.lines["p1"].quantity == 7
    assert changed.lines["p1"].added_at == NOW
    assert changed.lines["p1"].updated_at == later
    assert changed.lines["p1"].revision != cart.lines["p1"].revision
    assert changed.expires_at == later + IDLE_LIFETIME


@pytest.mark.parametrize("quantity", [0, -1, 100, True])
def test_a_quantity_outside_1_to_99_is_invalid_input_on_the_quantity_field(quantity: int) -> None:
    with pytest.raises(InvalidQuantity) as raised:
        Cart.empty("alice").set_quantity(product("p1"), quantity, NOW)

    assert isinstance(raised.value, InvalidInput)
    assert raised.value.field == "quantity"


@pytest.mark.parametrize("quantity", [1, 99])
def test_the_bounds_are_allowed(quantity: int) -> None:
    assert Cart.empty("alice").set_quantity(product("p1"), quantity, NOW).lines["p1"].quantity == quantity


def test_a_deleted_product_cannot_be_added() -> None:
    with pytest.raises(ProductUnavailable) as raised:
        Cart.empty("alice").set_quantity(product("gone", deleted=True), 1, NOW)

    assert isinstance(raised.value, NotFound)


def test_a_product_in_another_currency_is_a_conflict_naming_both_currencies() -> None:
    cart = cart_with(("p1", 1), currency="EUR")

    with pytest.raises(CurrencyConflict) as raised:
        cart.set_quantity(product("p2", currency="USD"), 1, NOW)

    assert isinstance(raised.value, Conflict)
    assert "EUR" in raised.value.detail
    assert "USD" in raised.value.detail


def test_once_the_last_line_is_gone_another_currency_is_welcome() -> None:
    cart = cart_with(("p1", 1), currency="EUR").remove("p1", NOW)

    assert cart.set_quantity(product("p2", currency="USD"), 1, NOW).currency == "USD"


def test_at_most_50_lines_but_an_existing_line_can_still_change() -> None:
    full = cart_with(*((f"p{index}", 1) for index in range(50)))  # the documented limit
    assert len(full.lines) == 50

    with pytest.raises(CartFull) as raised:
        full.set_quantity(product("one-more"), 1, NOW)
    assert isinstance(raised.value, Unprocessable)
    assert "50" in raised.value.detail

    assert full.set_quantity(product("p0"), 5, NOW).lines["p0"].quantity == 5


def test_removing_a_line() -> None:
    cart = cart_with(("p1", 1), ("p2", 2)).remove("p1", NOW)

    assert list(cart.lines) == ["p2"]


def test_removing_a_line_that_is_not_there_is_not_found() -> None:
    with pytest.raises(LineNotInCart):
        cart_with(("p1", 1)).remove("p2", NOW)


def test_an_idle_cart_expires_after_30_days_and_reads_as_empty() -> None:
    cart = cart_with(("p1", 1))

    assert cart.live_lines(NOW + IDLE_LIFETIME - timedelta(seconds=1))
    assert cart.is_expired(NOW + IDLE_LIFETIME)
    assert cart.live_lines(NOW + IDLE_LIFETIME) == {}
    assert cart.live_currency(NOW + IDLE_LIFETIME) is None
    with pytest.raises(LineNotInCart):
        cart.remove("p1", NOW + IDLE_LIFETIME)


def test_writing_to_an_expired_cart_starts_afresh_in_any_currency() -> None:
    later = NOW + IDLE_LIFETIME + timedelta(days=1)
    cart = cart_with(("p1", 1), currency="EUR").set_quantity(product("p2", currency="USD"), 2, later)

    assert list(cart.lines) == ["p2"]
    assert cart.currency == "USD"
    assert cart.expires_at == later + IDLE_LIFETIME


def confirmed(*lines: CartLine, customer: str = "alice") -> OrderConfirmed:
    """The confirmation of an order placed from these cart lines (as orders snapshots them)."""
    return OrderConfirmed.model_validate(
        {
            "order_id": "o1",
            "customer_id": customer,
            "lines": [
                {
                    "product_id": line.product_id,
                    "quantity": line.quantity,
                    "revision": line.revision,
                    "name": "x",
                }
                for line in lines
            ],
            "placed_at": NOW.isoformat(),
            "total": {"amount": 1, "currency": "EUR"},
        }
    )


def test_an_order_settles_exactly_the_ordered_lines() -> None:
    cart = cart_with(("p1", 1), ("p2", 2), ("p3", 3))

    settled = cart.lines_settled_by(confirmed(cart.lines["p1"], cart.lines["p3"]), NOW)

    assert [line.product_id for line in settled] == ["p1", "p3"]


def test_a_line_changed_after_checkout_stays() -> None:
    checkout = cart_with(("p1", 1), ("p2", 2))
    cart = checkout.set_quantity(product("p2"), 4, NOW + timedelta(seconds=1))

    settled = cart.lines_settled_by(confirmed(*checkout.lines.values()), NOW)

    assert [line.product_id for line in settled] == ["p1"]


def test_a_line_removed_and_added_again_within_the_checkouts_second_stays() -> None:
    checkout = cart_with(("p1", 1))
    cart = checkout.remove("p1", NOW).set_quantity(
        product("p1"), 1, NOW
    )  # the same instant, the same quantity

    assert cart.lines_settled_by(confirmed(*checkout.lines.values()), NOW) == []


def test_an_order_of_another_customer_settles_nothing() -> None:
    cart = cart_with(("p1", 1))

    assert cart.lines_settled_by(confirmed(*cart.lines.values(), customer="bob"), NOW) == []


def test_a_line_keeps_the_price_the_customer_set_it_at() -> None:
    cart = cart_with(("p1", 1)).set_quantity(product("p2", amount=250), 1, NOW)

    assert cart.lines["p2"].price_when_added == product("p2", amount=250).price
    assert price(cart, {"p2": product("p2", amount=900)}, NOW).items[-1].price_when_added.amount == 250  # type: ignore[union-attr]


def test_the_etag_changes_with_anything_the_cart_shows() -> None:
    cart = cart_with(("p1", 1), ("p2", 2))
    products = {"p1": product("p1"), "p2": product("p2")}
    seen = etag(price(cart, products, NOW))
    assert seen[0] == seen[-1] == '"'  # strong: no W/
    assert etag(price(cart, products, NOW)) == seen
    variants = [
        price(cart.set_quantity(product("p1"), 2, NOW), products, NOW),
        price(cart, {**products, "p1": product("p1", amount=1001)}, NOW),
        price(cart, {**products, "p2": product("p2", deleted=True)}, NOW),
        price(cart.remove("p2", NOW), products, NOW),
    ]
    assert len({seen, *(etag(variant) for variant in variants)}) == 5


def test_pricing_uses_the_catalogs_current_prices_and_sums_the_quantities() -> None:
    cart = cart_with(("p1", 2), ("p2", 3))
    catalog = {"p1": product("p1", amount=1999), "p2": product("p2", amount=250)}

    priced = price(cart, catalog, NOW)

    assert [(item.product_id, item.line_total.amount) for item in priced.items] == [("p1", 3998), ("p2", 750)]
    assert priced.items[0].name == "Product p1"
    assert priced.items[0].unit_price.amount == 1999
    assert priced.total.amount == 3998 + 750
    assert priced.total.currency == "EUR"
    assert priced.item_count == 5
    assert priced.unavailable == []


def test_lines_that_cannot_be_ordered_are_listed_apart_and_count_in_no_total() -> None:
    cart = cart_with(("p1", 2), ("gone", 1), ("unknown", 1), ("swapped", 4))
    catalog = {
        "p1": product("p1", amount=100),
        "gone": product("gone", deleted=True),
        "swapped": product("swapped", currency="USD"),
    }

    priced = price(cart, catalog, NOW)

    assert [item.product_id for item in priced.items] == ["p1"]
    assert priced.total.amount == 200
    assert priced.item_count == 2
    assert {(line.product_id, line.reason) for line in priced.unavailable} == {
        ("gone", "product_unavailable"),
        ("unknown", "product_unavailable"),
        ("swapped", "currency_changed"),
    }


def test_an_empty_cart_totals_zero_euros() -> None:
    priced = price(Cart.empty("alice"), {}, NOW)

    assert priced.model_dump(mode="json") == {
        "items": [],
        "total": {"amount": 0, "currency": "EUR"},
        "item_count": 0,
        "unavailable": [],
        "pending_order": None,
    }


def test_an_expired_cart_prices_as_empty() -> None:
    priced = price(cart_with(("p1", 1)), {"p1": product("p1")}, NOW + IDLE_LIFETIME)

    assert priced.items == []
    assert priced.total.amount == 0


def test_the_line_that_fills_an_empty_cart_starts_a_new_lifetime() -> None:
    started = Cart.empty("alice").put(product("p1"), 1, NOW)
    (event,) = started.events
    assert isinstance(event, CartStarted)
    assert (event.cart_id, event.customer_id, event.started_at) == (started.after.cart_id, "alice", NOW)

    more = started.after.put(product("p2"), 1, NOW).after.put(product("p1"), 4, NOW)
    assert (more.events, more.after.cart_id) == ((), event.cart_id)

    emptied = more.after.remove("p1", NOW).remove("p2", NOW)
    expired_at = NOW + IDLE_LIFETIME
    restarts = [emptied.put(product("p3"), 1, NOW), more.after.put(product("p3"), 1, expired_at)]
    ids = {event.cart_id} | {change.after.cart_id for change in restarts}
    assert [len(change.events) for change in restarts] == [1, 1]
    assert len(ids) == 3


def test_the_pending_order_is_the_newest_one_the_cart_heard_of_unless_it_ended() -> None:
    def marks(**known: tuple[int, bool]) -> Cart:
        return Cart.empty("alice").model_copy(
            update={
                "orders": {
                    order_id: OrderMark(placed_at=NOW + timedelta(minutes=minute), final=final)
                    for order_id, (minute, final) in known.items()
                }
            }
        )

    assert marks().pending_order() is None
    assert marks(o1=(1, False)).pending_order() == "o1"
    assert marks(o1=(1, True)).pending_order() is None
    assert marks(o1=(1, True), o2=(2, False)).pending_order() == "o2"
    assert marks(o1=(1, False), o2=(2, True)).pending_order() is None  # a late OrderPlaced of o1
    assert price(marks(o1=(1, False)), {}, NOW).pending_order == PendingOrder(order_id="o1", status="PENDING")
    assert marks(o1=(1, True), o2=(2, False)).marks_before(
        OrderMark(placed_at=NOW + timedelta(minutes=2))
    ) == ["o1"]
