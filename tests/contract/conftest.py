"""The providers as they really answer: the catalog's and the cart's own Lambda handlers on
moto, behind a server on 127.0.0.1 that SHOP_API_URL points at, so a consumer's own adapter
reads them exactly as it reads them deployed (the token, verified by the gateway there,
is `Bearer <user id>` here)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.conftest import create_table
from tests.support.http_events import api_request, json_body
from tests.support.json_server import JsonServer

ADMIN = {"sub": "admin-1", "cognito:groups": "[admin]"}


class Providers:
    """Calls the real handlers: `/products*` the catalog's, `/cart*` the cart's, `/orders*`
    the orders' and `/payments*` the payments'. A user's call carries their token, which
    a provider may pass on (orders reads the cart with it)."""

    def call(self, method: str, path: str, *, user: str | None = None, body: Any = None) -> tuple[int, Any]:
        response = self._respond(method, path, user=user, body=body)
        return response["statusCode"], json_body(response)

    def __init__(self) -> None:
        self.asked: list[str] = []  # the paths one provider asked of another, query included

    def answer(self, path: str, headers: Mapping[str, str]) -> tuple[int, Any, Mapping[str, str]]:
        self.asked.append(path)
        token = headers.get("Authorization", "")
        response = self._respond("GET", path, user=token.removeprefix("Bearer ") or None)
        passed_on = {name: value for name, value in response.get("headers", {}).items() if name == "ETag"}
        return response["statusCode"], json_body(response), passed_on

    def _respond(self, method: str, path: str, *, user: str | None, body: Any = None) -> dict[str, Any]:
        url = urlsplit(path)
        claims = ADMIN if user == "admin" else ({"sub": user} if user else None)
        headers = {"Authorization": f"Bearer {user}"} if user else None
        event = api_request(
            method, url.path, body=body, claims=claims, headers=headers, query=dict(parse_qsl(url.query))
        )
        response: dict[str, Any] = self._handler(url.path)(event, None)
        return response

    @staticmethod
    def _handler(path: str) -> Any:
        if path.startswith("/products"):
            from shop.catalog.handlers.http import handler as catalog

            return catalog
        if path.startswith("/orders"):
            from shop.orders.handlers.http import handler as orders

            return orders
        if path.startswith("/payments"):
            from shop.payments.handlers.http import handler as payments

            return payments
        from shop.cart.handlers.http import handler as cart

        return cart


@pytest.fixture
def providers(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Providers]:
    monkeypatch.setenv("CATALOG_TABLE_NAME", create_table("catalog", stream=True))
    monkeypatch.setenv("CART_TABLE_NAME", create_table("cart"))
    monkeypatch.setenv("ORDERS_TABLE_NAME", create_table("orders", stream=True))
    monkeypatch.setenv("PAYMENTS_TABLE_NAME", create_table("payments", stream=True))
    running = Providers()
    with JsonServer(running.answer) as server:
        monkeypatch.setenv("SHOP_API_URL", server.url)
        yield running


def new_product(providers: Providers, sku: str, amount: int = 1500) -> str:
    status, body = providers.call(
        "POST",
        "/products",
        user="admin",
        body={
            "sku": sku,
            "name": f"Product {sku}",
            "description": "",
            "price": {"amount": amount, "currency": "EUR"},
            "category": "things",
            "stock": 10,
        },
    )
    assert status == 201, body
    return str(body["product_id"])


def delete_product(providers: Providers, product_id: str) -> None:
    status, body = providers.call("DELETE", f"/products/{product_id}", user="admin")
    assert status == 204, body
