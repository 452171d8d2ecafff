"""The cart's documented values and messages, stated as documented rather than read from the
module's constants: 30 idle days, one currency kept across removals, the pending order, what
each refusal says, every line priced whatever the line before it was."""

from datetime import UTC, datetime, timedelta

import pytest

from shop.cart.domain.cart import Cart, OrderMark
from shop.cart.domain.errors import (
    CartChanged,
    CurrencyConflict,
    CurrencyNotAccepted,
    InvalidQuantity,
    LineNotInCart,
    ProductUnavailable,
)
from shop.cart.domain.view import etag, over_limit, price
from tests.unit.cart.fakes import product

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def eur_cart(*product_ids: str) -> Cart:
    cart = Cart.empty("alice")
    for product_id in product_ids:
        cart = cart.set_quantity(product(product_id), 2, NOW)
    return cart


def test_a_cart_idle_for_30_days_is_gone() -> None:
    cart = eur_cart("p1")
    assert cart.live_lines(NOW + timedelta(days=30) - timedelta(seconds=1))
    assert cart.live_lines(NOW + timedelta(days=30)) == {}


def test_a_removal_keeps_the_carts_currency() -> None:
    cart = eur_cart("p1", "p2").remove("p1", NOW)
    assert cart.live_currency(NOW) == "EUR"
    with pytest.raises(CurrencyConflict):
        cart.put(product("p3", currency="USD"), 1, NOW)


def test_the_pending_order_is_the_newest_whatever_its_id() -> None:
    earlier = NOW - timedelta(hours=1)
    cart = Cart(
        customer_id="alice",
        orders={"o2": OrderMark(placed_at=earlier, final=True), "o1": OrderMark(placed_at=NOW)},
    )
    assert cart.pending_order() == "o1"


def test_of_two_orders_placed_in_the_same_second_the_later_id_counts() -> None:
    cart = Cart(
        customer_id="alice",
        orders={"o1": OrderMark(placed_at=NOW, final=True), "o2": OrderMark(placed_at=NOW)},
    )
    assert cart.pending_order() == "o2"


def test_each_line_is_priced_whatever_became_of_the_lines_before_it() -> None:
    cart = eur_cart("p1", "p2", "p3", "p4", "p9")
    products = {
        "p2": product("p2", currency="HRK"),  # retired: the shop no longer takes it
        "p3": product("p3", currency="USD"),
        "p4": product("p4", amount=10**12),  # two of them are past the largest amount
        "p9": product("p9"),
    }
    priced = price(cart, products, NOW)
    assert [item.product_id for item in priced.items] == ["p9"]
    assert [(line.product_id, line.reason) for line in priced.unavailable] == [
        ("p1", "product_unavailable"),
        ("p2", "currency_not_accepted"),
        ("p3", "currency_changed"),
        ("p4", "amount_too_large"),
    ]
    assert over_limit(priced) == 1


def test_an_etag_is_a_quoted_strong_tag_of_32_hex_digits() -> None:
    tag = etag(price(eur_cart("p1"), {"p1": product("p1")}, NOW))
    assert len(tag) == 34
    assert tag[0] == tag[-1] == '"'
    int(tag[1:-1], 16)


def test_each_refusal_says_what_is_wrong() -> None:
    cart = eur_cart("p1")
    refusals = []
    for attempt in (
        lambda: cart.put(product("p2"), 100, NOW),
        lambda: cart.put(product("p2", deleted=True), 1, NOW),
        lambda: cart.put(product("p2", currency="HRK"), 1, NOW),
        lambda: cart.remove("p2", NOW),
    ):
        with pytest.raises(
            (InvalidQuantity, ProductUnavailable, CurrencyNotAccepted, LineNotInCart)
        ) as refused:
            attempt()
        refusals.append((refused.value.detail, refused.value.field))
    assert refusals == [
        ("quantity must be a whole number from 1 to 99, not 100", "quantity"),
        ("product 'p2' does not exist or is no longer sold", None),
        ("product 'p2' is priced in HRK, which the shop no longer takes", None),
        ("product 'p2' is not in the cart", None),
    ]
    with pytest.raises(CurrencyConflict) as conflict:
        cart.put(product("p2", currency="USD"), 1, NOW)
    assert conflict.value.detail == (
        "the cart holds EUR items and this product is priced in USD; "
        "a cart has one currency: check out or remove those items first"
    )
    assert CartChanged().detail == "the cart was changed by another request at the same time; retry"
