"""Consumer cart, provider catalog: `GET /products?ids=` answers every field the cart reads
(deleted products too, flagged), and the cart's adapter reads it as the cart means it."""

from __future__ import annotations

import pytest

from shop.cart.adapters.catalog_api import HttpProductCatalog, ProductsAnswer
from tests.contract.conftest import Providers, delete_product, new_product
from tests.contract.expectations import assert_meets

pytestmark = pytest.mark.integration


def test_the_catalog_answers_what_the_cart_reads(providers: Providers) -> None:
    listed, retired = new_product(providers, "LISTED"), new_product(providers, "RETIRED")
    delete_product(providers, retired)
    status, body = providers.call("GET", f"/products?ids={listed},{retired}")
    assert status == 200
    assert_meets(ProductsAnswer, body)


def test_the_carts_adapter_sees_a_deleted_product_as_deleted(providers: Providers) -> None:
    listed, retired = new_product(providers, "LISTED", 1999), new_product(providers, "RETIRED")
    delete_product(providers, retired)
    products = HttpProductCatalog().products([listed, retired, "never-was"])
    assert sorted(products) == sorted([listed, retired])
    assert (products[listed].deleted, products[listed].price.amount) == (False, 1999)
    assert products[retired].deleted
