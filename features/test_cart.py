"""Steps of cart.feature (the generic ones are in steps.py).

Each scenario signs up fresh customers, so it passes against a shared deployment too."""

from __future__ import annotations

import json

import pytest
from pytest_bdd import parsers, scenarios, then, when

from .steps import Shop

pytestmark = pytest.mark.acceptance

scenarios("cart.feature")


@when(parsers.parse('"{name}" puts {quantity} of the product in the cart'))
def put(shop: Shop, name: str, quantity: str) -> None:
    """`quantity` is JSON, so a scenario can also put a bad one (`"x"`)."""
    shop.put_in_cart(name, shop.product()["product_id"], json.loads(quantity))


@then("the cart is empty with a total of 0 EUR")
def cart_is_empty(shop: Shop) -> None:
    assert shop.answer.status_code == 200, shop.answer.text
    cart = shop.answer.json()
    assert cart["items"] == []
    assert cart["total"] == {"amount": 0, "currency": "EUR"}
    assert cart["item_count"] == 0


@then(parsers.parse("the cart holds {quantity:d} of the product at its catalog price"))
def cart_holds(shop: Shop, quantity: int) -> None:
    assert shop.answer.status_code == 200, shop.answer.text
    product = shop.product()
    price = product["price"]
    (line,) = shop.answer.json()["items"]
    assert line.pop("revision")  # the line's version, opaque
    assert line == {
        "product_id": product["product_id"],
        "name": product["name"],
        "unit_price": price,
        "quantity": quantity,
        "line_total": {"amount": price["amount"] * quantity, "currency": price["currency"]},
        "price_when_added": price,
    }


@then(parsers.parse("the total is {quantity:d} times the product's price and the item count is {count:d}"))
def totals(shop: Shop, quantity: int, count: int) -> None:
    cart = shop.answer.json()
    price = shop.product()["price"]
    assert cart["total"] == {"amount": price["amount"] * quantity, "currency": price["currency"]}
    assert cart["item_count"] == count
