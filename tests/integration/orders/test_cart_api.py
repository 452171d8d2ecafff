"""HttpCartReader against a tiny cart API on 127.0.0.1: the caller's own token goes along,
and anything but a readable cart is an error the caller can understand."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from shop.kernel.errors import NotAuthenticated, Unavailable
from shop.orders.adapters.cart_api import HttpCartReader
from tests.support.json_server import JsonServer

pytestmark = pytest.mark.integration


class CartApi:
    def __init__(self) -> None:
        self.status = 200
        self.body: Any = {"items": [], "total": {"amount": 0, "currency": "EUR"}, "item_count": 0}
        self.seen: list[tuple[str, str | None]] = []

    def answer(self, path: str, headers: Mapping[str, str]) -> tuple[int, Any]:
        self.seen.append((path, headers.get("Authorization")))
        return self.status, self.body


@pytest.fixture
def cart_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[CartApi]:
    api = CartApi()
    with JsonServer(api.answer) as server:
        monkeypatch.setenv("SHOP_API_URL", f"{server.url}/")
        yield api


def test_the_cart_is_read_with_the_callers_token(cart_api: CartApi) -> None:
    price = {"amount": 1250, "currency": "EUR"}
    cart_api.body = {
        "items": [
            {"product_id": "p-1", "name": "Mug", "unit_price": price, "quantity": 2, "line_total": price}
        ],
        "total": {"amount": 2500, "currency": "EUR"},
        "item_count": 2,
    }
    cart = HttpCartReader().read("Bearer abc")
    assert cart_api.seen == [("/cart?pending_order=heard", "Bearer abc")]  # checkout knows its own orders
    (line,) = cart.items
    assert (line.product_id, line.name, line.unit_price.amount, line.quantity) == ("p-1", "Mug", 1250, 2)


def test_an_empty_cart_reads_empty(cart_api: CartApi) -> None:
    assert HttpCartReader().read("Bearer abc").is_empty


def test_a_refused_token_is_not_authenticated(cart_api: CartApi) -> None:
    cart_api.status = 401
    cart_api.body = {"status": 401}
    with pytest.raises(NotAuthenticated):
        HttpCartReader().read("Bearer bad")


@pytest.mark.parametrize(("status", "body"), [(200, {"items": "nope"}), (404, {}), (503, {})])
def test_anything_else_is_unavailable(cart_api: CartApi, status: int, body: Any) -> None:
    cart_api.status = status
    cart_api.body = body
    with pytest.raises(Unavailable):
        HttpCartReader().read("Bearer abc")
