"""Fixtures for the cart's adapter tests: a moto table, a tiny catalog HTTP server on
127.0.0.1 answering `GET /products?ids=`, and a counter of DynamoDB requests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import create_table


class CatalogServer:
    """Answers like the catalog: the known products among `ids`, deleted ones flagged."""

    def __init__(self) -> None:
        self.products: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        self.status = 200
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

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

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        catalog = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                catalog.requests.append(self.path)
                url = urlsplit(self.path)
                if url.path != "/products" or catalog.status != 200:
                    self._answer(catalog.status if catalog.status != 200 else 404, {"detail": "no"})
                    return
                ids = parse_qs(url.query).get("ids", [""])[0].split(",")
                self._answer(
                    200, {"items": [catalog.products[pid] for pid in ids if pid in catalog.products]}
                )

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def catalog_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[CatalogServer]:
    server = CatalogServer()
    server.start()
    monkeypatch.setenv("SHOP_API_URL", server.url)
    yield server
    server.stop()


@pytest.fixture
def cart_table(aws: None, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CART_TABLE_NAME", "cart")
    return create_table("cart")


class RequestCounter:
    def __init__(self) -> None:
        self.operations: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    def reset(self) -> None:
        self.operations.clear()


@pytest.fixture
def dynamodb_requests(cart_table: str) -> Iterator[RequestCounter]:
    from shop.platform.aws import client

    counter = RequestCounter()
    events = client("dynamodb").meta.events
    events.register("before-call.dynamodb", counter)
    yield counter
    events.unregister("before-call.dynamodb", counter)
