"""HttpProductCatalog against a tiny catalog HTTP server on 127.0.0.1."""

from __future__ import annotations

import socket

import pytest

from shop.cart.adapters.catalog_api import HttpProductCatalog
from shop.kernel.errors import Unavailable
from shop.kernel.money import Money
from tests.integration.cart.conftest import CatalogServer

pytestmark = pytest.mark.integration


def test_one_call_answers_all_products_with_deleted_ones_flagged(catalog_server: CatalogServer) -> None:
    catalog_server.add("p1", amount=1999)
    catalog_server.add("p2", amount=500, currency="USD")
    catalog_server.add("gone", deleted=True)

    products = HttpProductCatalog().products(["p1", "p2", "gone", "unknown"])

    assert len(catalog_server.requests) == 1
    assert catalog_server.requests[0] == "/products?ids=p1%2Cp2%2Cgone%2Cunknown"
    assert set(products) == {"p1", "p2", "gone"}
    assert products["p1"].name == "Product p1"
    assert products["p1"].price == Money(amount=1999, currency="EUR")
    assert products["p2"].price.currency == "USD"
    assert products["gone"].deleted is True
    assert products["p1"].deleted is False


def test_no_ids_means_no_call(catalog_server: CatalogServer) -> None:
    assert HttpProductCatalog().products([]) == {}
    assert catalog_server.requests == []


def test_ids_that_cannot_be_products_are_unknown_without_asking(catalog_server: CatalogServer) -> None:
    catalog_server.add("p1")

    products = HttpProductCatalog().products(["a,b", "../x", "p" * 65, "p1", "p1"])

    assert set(products) == {"p1"}
    assert catalog_server.requests == ["/products?ids=p1"]


@pytest.mark.parametrize("status", [500, 503, 404])
def test_a_failing_catalog_is_unavailable(catalog_server: CatalogServer, status: int) -> None:
    catalog_server.status = status

    with pytest.raises(Unavailable):
        HttpProductCatalog().products(["p1"])


def test_a_catalog_that_does_not_answer_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nobody listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("SHOP_API_URL", f"http://127.0.0.1:{port}")

    with pytest.raises(Unavailable):
        HttpProductCatalog().products(["p1"])
