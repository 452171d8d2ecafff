"""Steps of cart.feature: HTTP only, against SHOP_API_URL or an embedded local stack.

Each scenario signs up fresh customers, so it passes against a shared deployment too."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from pytest_bdd import given, parsers, scenarios, then, when

pytestmark = pytest.mark.acceptance

scenarios("cart.feature")

TIMEOUT = 10
PASSWORD = "Secret12345"


@dataclass
class CartApi:
    url: str

    def call(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, self.url + path, headers=headers, timeout=TIMEOUT, **kwargs)


@pytest.fixture(scope="module")
def cart_api() -> Iterator[CartApi]:
    url = os.environ.get("SHOP_API_URL")
    if url:
        yield CartApi(url.rstrip("/"))
        return
    from shop.local.stack import LocalStack

    with LocalStack(port=0, seed=True) as stack:
        yield CartApi(stack.url)


@dataclass
class Shopper:
    api: CartApi
    tokens: dict[str, str] = field(default_factory=dict)
    product: dict[str, Any] = field(default_factory=dict)
    response: requests.Response | None = None

    @property
    def answer(self) -> requests.Response:
        assert self.response is not None, "no request was made"
        return self.response


@pytest.fixture
def shopper(cart_api: CartApi) -> Shopper:
    return Shopper(cart_api)


@given(parsers.parse('a signed-in customer "{name}"'))
def signed_in_customer(shopper: Shopper, name: str) -> None:
    email = f"cart-{uuid.uuid4().hex[:12]}@example.com"
    signup = shopper.api.call("POST", "/users", json={"email": email, "password": PASSWORD, "name": name})
    assert signup.status_code == 201, signup.text
    login = shopper.api.call("POST", "/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    shopper.tokens[name] = str(login.json()["access_token"])


@given("a product picked from the catalog")
def product_from_catalog(shopper: Shopper) -> None:
    listing = shopper.api.call("GET", "/products", params={"limit": 20})
    assert listing.status_code == 200, listing.text
    in_stock = [product for product in listing.json()["items"] if product["price"]["currency"] == "EUR"]
    assert in_stock, "the catalog has no EUR product to put in a cart"
    shopper.product = in_stock[0]


@given(parsers.parse('"{name}" has put {quantity:d} of the product in the cart'))
def has_put(shopper: Shopper, name: str, quantity: int) -> None:
    put(shopper, name, quantity)
    assert shopper.answer.status_code == 200, shopper.answer.text


@when(parsers.parse('"{name}" puts {quantity:d} of the product in the cart'))
def put(shopper: Shopper, name: str, quantity: int) -> None:
    put_raw(shopper, name, str(quantity))


@when(parsers.parse('"{name}" puts the quantity {quantity} of the product in the cart'))
def put_raw(shopper: Shopper, name: str, quantity: str) -> None:
    shopper.response = shopper.api.call(
        "PUT",
        f"/cart/items/{shopper.product['product_id']}",
        token=shopper.tokens[name],
        json={"quantity": json.loads(quantity)},
    )


@when(parsers.parse('"{name}" puts {quantity:d} of the product "{product_id}" in the cart'))
def put_other(shopper: Shopper, name: str, quantity: int, product_id: str) -> None:
    shopper.response = shopper.api.call(
        "PUT", f"/cart/items/{product_id}", token=shopper.tokens[name], json={"quantity": quantity}
    )


@when(parsers.parse('"{name}" looks at the cart'))
def look(shopper: Shopper, name: str) -> None:
    shopper.response = shopper.api.call("GET", "/cart", token=shopper.tokens[name])


@when("an anonymous visitor looks at the cart")
def look_anonymously(shopper: Shopper) -> None:
    shopper.response = shopper.api.call("GET", "/cart")


@when(parsers.parse('"{name}" removes the product from the cart'))
def remove(shopper: Shopper, name: str) -> None:
    path = f"/cart/items/{shopper.product['product_id']}"
    shopper.response = shopper.api.call("DELETE", path, token=shopper.tokens[name])


@when(parsers.parse('"{name}" clears the cart'))
def clear(shopper: Shopper, name: str) -> None:
    shopper.response = shopper.api.call("DELETE", "/cart", token=shopper.tokens[name])


@then(parsers.parse("the cart answer is {status:d}"))
def answer_is(shopper: Shopper, status: int) -> None:
    assert shopper.answer.status_code == status, shopper.answer.text


@then(parsers.parse("the cart is empty with a total of 0 EUR"))
def cart_is_empty(shopper: Shopper) -> None:
    assert shopper.answer.status_code == 200, shopper.answer.text
    cart = shopper.answer.json()
    assert cart["items"] == []
    assert cart["total"] == {"amount": 0, "currency": "EUR"}
    assert cart["item_count"] == 0


@then(parsers.parse("the cart holds {quantity:d} of the product at its catalog price"))
def cart_holds(shopper: Shopper, quantity: int) -> None:
    assert shopper.answer.status_code == 200, shopper.answer.text
    price = shopper.product["price"]
    assert shopper.answer.json()["items"] == [
        {
            "product_id": shopper.product["product_id"],
            "name": shopper.product["name"],
            "unit_price": price,
            "quantity": quantity,
            "line_total": {"amount": price["amount"] * quantity, "currency": price["currency"]},
        }
    ]


@then(parsers.parse("the total is {quantity:d} times the product's price and the item count is {count:d}"))
def totals(shopper: Shopper, quantity: int, count: int) -> None:
    cart = shopper.answer.json()
    price = shopper.product["price"]
    assert cart["total"] == {"amount": price["amount"] * quantity, "currency": price["currency"]}
    assert cart["item_count"] == count


@then(parsers.parse('the cart problem names the field "{name}"'))
def problem_names(shopper: Shopper, name: str) -> None:
    assert shopper.answer.headers["Content-Type"].startswith("application/problem+json")
    problem = shopper.answer.json()
    assert name in [error["field"] for error in problem.get("errors", [])], problem
