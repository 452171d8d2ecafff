"""Fixtures for the cart's adapter tests: a moto table, a tiny catalog HTTP server on
127.0.0.1 answering `GET /products?ids=` (and orders' `GET /orders/{id}`), and a counter of
DynamoDB requests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import create_table
from tests.support.dynamodb import DynamoCalls, dynamodb_calls
from tests.support.json_server import JsonServer


class CatalogServer:
    """Answers like the catalog: the known products among `ids`, deleted ones flagged; and
    like orders to the cart's one question, `GET /orders/{id}` (`orders`, by id)."""

    def __init__(self) -> None:
        self.products: dict[str, dict[str, Any]] = {}
        self.orders: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        self.status = 200
        self.orders_status = 200

    def add(
        self, product_id: str, amount: int = 1000, currency: str = "EUR", *, deleted: bool = False
    ) -> None:
        self.products[product_id] = {
            "product_id": product_id,
            "sku": f"SKU-{product_id}",
            "name": f"Product {product_id}",
            "description": "",
            "price": {"amount": amount, "currency": currency},
            "category": "things",
            "stock": 10,
            "deleted": deleted,
        }

    def answer(self, path: str, headers: Mapping[str, str]) -> tuple[int, Any]:
        self.requests.append(path)
        url = urlsplit(path)
        if url.path.startswith("/orders/"):
            order = self.orders.get(url.path.removeprefix("/orders/"))
            if self.orders_status != 200:
                return self.orders_status, {"detail": "no"}
            return (200, order) if order else (404, {"detail": "no"})
        if url.path != "/products" or self.status != 200:
            return (self.status if self.status != 200 else 404), {"detail": "no"}
        ids = parse_qs(url.query).get("ids", [""])[0].split(",")
        return 200, {"items": [self.products[pid] for pid in ids if pid in self.products]}


@pytest.fixture
def catalog_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[CatalogServer]:
    catalog = CatalogServer()
    with JsonServer(catalog.answer) as server:
        monkeypatch.setenv("SHOP_API_URL", server.url)
        yield catalog


@pytest.fixture
def cart_table(aws: None, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CART_TABLE_NAME", "cart")
    return create_table("cart")


@pytest.fixture
def dynamodb_requests(cart_table: str) -> Iterator[DynamoCalls]:
    with dynamodb_calls() as calls:
        yield calls
