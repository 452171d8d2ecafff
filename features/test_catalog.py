"""Steps of catalog.feature (the generic ones are in steps.py).

Products a scenario creates go into a category of its own (`Shop.category`), so every scenario
passes against a shared, long-lived deployment as well as a fresh one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_bdd import parsers, scenarios, then, when

from .steps import ANONYMOUS, Shop

pytestmark = pytest.mark.acceptance

scenarios("catalog.feature")


# --- when -------------------------------------------------------------------------------------


@when(parsers.parse("an anonymous visitor pages through the catalog {size:d} products at a time"))
def page_through(shop: Shop, size: int) -> None:
    pages: list[list[dict[str, Any]]] = []
    params: dict[str, Any] = {"limit": size}
    for _ in range(100):
        response = shop.call("GET", "/products", actor=ANONYMOUS, params=params)
        assert response.status_code == 200, response.text
        pages.append(response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            shop.remembered["pages"] = pages
            return
        params["cursor"] = cursor
    raise AssertionError("the pages never ended")


@when(parsers.parse('"{name}" tries to create a product'))
def customer_creates(shop: Shop, name: str) -> None:
    shop.create_product(actor=name)


@when("an anonymous visitor tries to create a product")
def anonymous_creates(shop: Shop) -> None:
    shop.create_product(actor=ANONYMOUS)


@when(parsers.parse('the admin creates another product with the same SKU as "{name}"'))
def admin_creates_same_sku(shop: Shop, name: str) -> None:
    shop.create_product("Another", sku=shop.product(name)["sku"])


@when(parsers.parse("the admin creates a product priced {price}"))
def admin_creates_priced(shop: Shop, price: str) -> None:
    shop.create_product(price=json.loads(price))


# --- then -------------------------------------------------------------------------------------


@then(parsers.parse("the page holds at least {count:d} products in at least {categories:d} categories"))
def page_holds_categories(shop: Shop, count: int, categories: int) -> None:
    items = shop.answer.json()["items"]
    assert len(items) >= count
    assert len({item["category"] for item in items}) >= categories


@then("the page is sorted by name")
def page_sorted(shop: Shop) -> None:
    names = [item["name"].lower() for item in shop.answer.json()["items"]]
    assert names == sorted(names)


@then(parsers.parse('every product on the page is in category "{category}"'))
def all_in_category(shop: Shop, category: str) -> None:
    assert {item["category"].lower() for item in shop.answer.json()["items"]} == {category.lower()}


@then(parsers.parse('every product name on the page contains "{text}" in any case'))
def all_names_contain(shop: Shop, text: str) -> None:
    assert all(text.lower() in item["name"].lower() for item in shop.answer.json()["items"])


@then(parsers.parse("every page but the last holds {size:d} products"))
def full_pages(shop: Shop, size: int) -> None:
    pages = shop.remembered["pages"]
    assert all(len(page) == size for page in pages[:-1])
    assert 0 < len(pages[-1]) <= size or len(pages) == 1


@then(parsers.parse("no product appears twice across at least {count:d} pages"))
def no_duplicates(shop: Shop, count: int) -> None:
    pages = shop.remembered["pages"]
    ids = [item["product_id"] for page in pages for item in page]
    assert len(pages) >= count
    assert len(ids) == len(set(ids))


@then(parsers.parse('"{customer}" finds "{name}" in the scenario\'s category with {stock:d} in stock'))
def customer_finds(shop: Shop, customer: str, name: str, stock: int) -> None:
    response = shop.call("GET", "/products", actor=customer, params={"category": shop.category})
    assert response.status_code == 200, response.text
    assert [(item["name"], item["stock"]) for item in response.json()["items"]] == [(name, stock)]


@then("the scenario's category lists no products")
def category_empty(shop: Shop) -> None:
    response = shop.call("GET", "/products", actor=ANONYMOUS, params={"category": shop.category})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []
