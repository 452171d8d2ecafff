"""A price stored in a currency the shop no longer takes (HRK: the kuna, euro since 2023)
reads as unavailable: never a failure, never an orderable line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shop.cart.domain.cart import Cart
from shop.cart.domain.errors import CurrencyNotAccepted
from shop.cart.domain.view import price
from shop.kernel.errors import Unprocessable
from tests.unit.cart.fakes import product

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_line_priced_in_a_retired_currency_is_unavailable() -> None:
    # added while the kuna was taken
    cart = Cart.empty("alice").set_quantity(product("kuna"), 2, NOW).model_copy(update={"currency": "HRK"})

    priced = price(cart, {"kuna": product("kuna", currency="HRK")}, NOW)

    assert priced.items == []
    assert [(line.product_id, line.reason) for line in priced.unavailable] == [
        ("kuna", "currency_not_accepted")
    ]
    assert priced.total.amount == 0


def test_a_product_priced_in_a_retired_currency_cannot_be_put_in_a_cart() -> None:
    with pytest.raises(CurrencyNotAccepted) as refused:
        Cart.empty("alice").put(product("kuna", currency="HRK"), 1, NOW)
    assert isinstance(refused.value, Unprocessable)
