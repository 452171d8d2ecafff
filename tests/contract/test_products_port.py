"""One contract for the catalog's Products port, run on the in-memory fake the unit tests
use and on the DynamoDB adapter: if they disagree (a listing filter, a deleted product, a
taken SKU), one of the two runs fails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from shop.catalog.adapters.dynamo_products import DynamoProducts
from shop.catalog.domain.errors import ProductNotFound, SkuTaken
from shop.catalog.domain.product import Product, ProductChanges, ProductQuery
from shop.catalog.ports import Products
from shop.platform.aws import client
from shop_tools.catalog_fakes import FakeProducts
from tests.conftest import create_table
from tests.support.catalog import a_product

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(params=["fake", pytest.param("dynamodb", marks=pytest.mark.integration)])
def products(request: pytest.FixtureRequest) -> Iterator[Products]:
    if request.param == "fake":
        yield FakeProducts()
        return
    aws = request.getfixturevalue("aws")
    assert aws is None
    yield DynamoProducts(client("dynamodb"), create_table("catalog", stream=True))


def product(product_id: str, name: str, category: str = "Lamps") -> Product:
    return a_product(product_id, name=name, category=category)


def every_page(products: Products, query: ProductQuery) -> list[str]:
    names: list[str] = []
    page, after = products.page(query, None)
    names += [p.name for p in page]
    while after is not None:
        page, after = products.page(query, after)
        names += [p.name for p in page]
    return names


def test_a_product_reads_back_and_its_sku_is_claimed(products: Products) -> None:
    lamp = product("p1", "Desk Lamp")
    products.add(lamp)
    assert products.get("p1") == lamp
    assert products.get("nope") is None
    # an id no product ever had, too long for a key: not found, without a refusal from the store
    assert products.get("x" * 2000) is None
    assert products.get_many(["p1", "x" * 2000, ""]) == [lamp]
    with pytest.raises(SkuTaken):
        products.add(product("p2", "Other").model_copy(update={"sku": lamp.sku}))


def test_a_removed_product_is_still_read_by_id_but_never_listed(products: Products) -> None:
    products.add(product("p1", "Desk Lamp"))
    products.add(product("p2", "Floor Lamp"))
    removed = product("p1", "Desk Lamp").remove(now=NOW)
    products.remove(removed)
    assert {p.product_id: p.deleted for p in products.get_many(["p1", "p2", "p3"])} == {
        "p1": True,
        "p2": False,
    }
    assert every_page(products, ProductQuery()) == ["Floor Lamp"]
    with pytest.raises(ProductNotFound):
        products.remove(removed)
    read_before_the_removal = product("p1", "Desk Lamp")
    with pytest.raises(ProductNotFound):
        products.update(
            read_before_the_removal.revise(ProductChanges(name="Back"), now=NOW), frozenset({"name"})
        )


def test_listings_filter_by_category_and_name_alike(products: Products) -> None:
    for index, (name, category) in enumerate(
        [("Desk Lamp", "Lamps"), ("lamp shade", "lamps"), ("Chair", "Seats"), ("Lampion", "Garden")]
    ):
        products.add(product(f"p{index}", name, category))
    assert every_page(products, ProductQuery(category="LAMPS", limit=1)) == ["Desk Lamp", "lamp shade"]
    assert every_page(products, ProductQuery(text="LAMP", limit=2)) == ["Desk Lamp", "lamp shade", "Lampion"]
    assert every_page(products, ProductQuery(category="lamps", text="shade")) == ["lamp shade"]
    assert every_page(products, ProductQuery(text="sofa")) == []


def test_an_update_is_read_back_and_relisted_by_its_new_name(products: Products) -> None:
    lamp = product("p1", "Desk Lamp")
    products.add(lamp)
    products.add(product("p2", "Bench"))
    renamed = lamp.revise(ProductChanges(name="Zen Lamp"), now=NOW)
    products.update(renamed, frozenset({"name"}))
    assert products.get("p1") == renamed
    assert every_page(products, ProductQuery()) == ["Bench", "Zen Lamp"]
