"""Steps of catalog.feature: HTTP only, against SHOP_API_URL or an embedded local stack.

Every scenario works in a category of its own, so it passes against a shared, long-lived
deployment as well as a fresh one."""

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

scenarios("catalog.feature")

TIMEOUT = 10


@dataclass
class Api:
    url: str
    admin_token: str

    def call(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, self.url + path, headers=headers, timeout=TIMEOUT, **kwargs)

    def register_customer(self) -> str:
        email = f"catalog-{uuid.uuid4().hex[:12]}@example.com"
        account = {"email": email, "password": "Secret12345", "name": "Catalog Customer"}
        assert self.call("POST", "/users", json=account).status_code == 201
        login = self.call("POST", "/auth/login", json={"email": email, "password": "Secret12345"})
        assert login.status_code == 200, login.text
        return str(login.json()["access_token"])


def _login(url: str, email: str, password: str) -> str:
    response = requests.post(
        f"{url}/auth/login", json={"email": email, "password": password}, timeout=TIMEOUT
    )
    assert response.status_code == 200, f"the admin cannot log in: {response.text}"
    return str(response.json()["access_token"])


@pytest.fixture(scope="module")
def catalog_api() -> Iterator[Api]:
    email = os.environ.get("SHOP_ADMIN_EMAIL", "admin@example.com")
    password = os.environ.get("SHOP_ADMIN_PASSWORD", "Admin12345")
    url = os.environ.get("SHOP_API_URL")
    if url:
        yield Api(url.rstrip("/"), _login(url.rstrip("/"), email, password))
        return
    from shop.local.stack import LocalStack

    with LocalStack(port=0, seed=True, admin_email=email, admin_password=password) as stack:
        yield Api(stack.url, _login(stack.url, email, password))


@dataclass
class Visit:
    """What one scenario did and saw."""

    category: str = field(default_factory=lambda: f"feature-{uuid.uuid4().hex[:10]}")
    customer_token: str | None = None
    response: requests.Response | None = None
    product: dict[str, Any] | None = None
    pages: list[list[dict[str, Any]]] = field(default_factory=list)

    @property
    def body(self) -> Any:
        assert self.response is not None, "no request was made"
        return self.response.json()


@pytest.fixture
def visit() -> Visit:
    return Visit()


def a_product(visit: Visit, name: str = "Feature Thing", **overrides: Any) -> dict[str, Any]:
    return {
        "sku": f"FEAT-{uuid.uuid4().hex[:12]}",
        "name": name,
        "description": "Made for a scenario.",
        "price": {"amount": 1500, "currency": "EUR"},
        "category": visit.category,
        "stock": 5,
        **overrides,
    }


# --- given ------------------------------------------------------------------------------------


@given("a signed-in customer")
def signed_in_customer(catalog_api: Api, visit: Visit) -> None:
    visit.customer_token = catalog_api.register_customer()


@given(parsers.parse('the admin has created a product named "{name}"'))
def admin_has_created(catalog_api: Api, visit: Visit, name: str) -> None:
    response = catalog_api.call(
        "POST", "/products", token=catalog_api.admin_token, json=a_product(visit, name)
    )
    assert response.status_code == 201, response.text
    visit.product = response.json()


# --- when -------------------------------------------------------------------------------------


@when(parsers.parse('an anonymous visitor lists products with "{query}"'))
def list_products(catalog_api: Api, visit: Visit, query: str) -> None:
    visit.response = catalog_api.call("GET", "/products?" + query)


@when(parsers.parse("an anonymous visitor pages through the catalog {size:d} products at a time"))
def page_through(catalog_api: Api, visit: Visit, size: int) -> None:
    params: dict[str, Any] = {"limit": size}
    for _ in range(100):
        response = catalog_api.call("GET", "/products", params=params)
        assert response.status_code == 200, response.text
        visit.pages.append(response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return
        params["cursor"] = cursor
    raise AssertionError("the pages never ended")


@when("an anonymous visitor gets that product")
def get_that_product(catalog_api: Api, visit: Visit) -> None:
    assert visit.product is not None
    visit.response = catalog_api.call("GET", f"/products/{visit.product['product_id']}")


@when(parsers.parse('an anonymous visitor gets the product "{product_id}"'))
def get_a_product(catalog_api: Api, visit: Visit, product_id: str) -> None:
    visit.response = catalog_api.call("GET", f"/products/{product_id}")


@when(
    parsers.parse(
        'the admin creates a product named "{name}" priced {amount:d} {currency} with {stock:d} in stock'
    )
)
def admin_creates(catalog_api: Api, visit: Visit, name: str, amount: int, currency: str, stock: int) -> None:
    body = a_product(visit, name, price={"amount": amount, "currency": currency}, stock=stock)
    visit.response = catalog_api.call("POST", "/products", token=catalog_api.admin_token, json=body)


@when("the customer tries to create a product")
def customer_creates(catalog_api: Api, visit: Visit) -> None:
    visit.response = catalog_api.call("POST", "/products", token=visit.customer_token, json=a_product(visit))


@when("an anonymous visitor tries to create a product")
def anonymous_creates(catalog_api: Api, visit: Visit) -> None:
    visit.response = catalog_api.call("POST", "/products", json=a_product(visit))


@when("the admin creates another product with the same SKU")
def admin_creates_same_sku(catalog_api: Api, visit: Visit) -> None:
    assert visit.product is not None
    body = a_product(visit, "Another", sku=visit.product["sku"])
    visit.response = catalog_api.call("POST", "/products", token=catalog_api.admin_token, json=body)


@when(parsers.parse("the admin creates a product priced {price}"))
def admin_creates_priced(catalog_api: Api, visit: Visit, price: str) -> None:
    body = a_product(visit, price=json.loads(price))
    visit.response = catalog_api.call("POST", "/products", token=catalog_api.admin_token, json=body)


@when(parsers.parse('the admin changes that product to name "{name}" and stock {stock:d}'))
def admin_changes(catalog_api: Api, visit: Visit, name: str, stock: int) -> None:
    assert visit.product is not None
    path = f"/products/{visit.product['product_id']}"
    visit.response = catalog_api.call(
        "PATCH", path, token=catalog_api.admin_token, json={"name": name, "stock": stock}
    )


@when("the admin deletes that product")
def admin_deletes(catalog_api: Api, visit: Visit) -> None:
    assert visit.product is not None
    path = f"/products/{visit.product['product_id']}"
    visit.response = catalog_api.call("DELETE", path, token=catalog_api.admin_token)


# --- then -------------------------------------------------------------------------------------


@then(parsers.parse("the response status is {status:d}"))
def response_status(visit: Visit, status: int) -> None:
    assert visit.response is not None
    assert visit.response.status_code == status, visit.response.text


@then(parsers.parse('the response is a problem about "{field_name}"'))
def problem_about(visit: Visit, field_name: str) -> None:
    assert visit.response is not None
    assert visit.response.headers["Content-Type"].startswith("application/problem+json")
    fields = [error["field"] for error in visit.body.get("errors", [])]
    assert any(name == field_name or name.startswith(field_name + ".") for name in fields), visit.body


@then(parsers.parse("the page holds at least {count:d} products in at least {categories:d} categories"))
def page_holds_categories(visit: Visit, count: int, categories: int) -> None:
    items = visit.body["items"]
    assert len(items) >= count
    assert len({item["category"] for item in items}) >= categories


@then(parsers.parse("the page holds at least {count:d} product"))
def page_holds(visit: Visit, count: int) -> None:
    assert len(visit.body["items"]) >= count


@then("the page is sorted by name")
def page_sorted(visit: Visit) -> None:
    names = [item["name"].lower() for item in visit.body["items"]]
    assert names == sorted(names)


@then(parsers.parse('every product on the page is in category "{category}"'))
def all_in_category(visit: Visit, category: str) -> None:
    assert {item["category"].lower() for item in visit.body["items"]} == {category.lower()}


@then(parsers.parse('every product name on the page contains "{text}" in any case'))
def all_names_contain(visit: Visit, text: str) -> None:
    assert all(text.lower() in item["name"].lower() for item in visit.body["items"])


@then(parsers.parse("every page but the last holds {size:d} products"))
def full_pages(visit: Visit, size: int) -> None:
    assert all(len(page) == size for page in visit.pages[:-1])
    assert 0 < len(visit.pages[-1]) <= size or len(visit.pages) == 1


@then(parsers.parse("no product appears twice across at least {count:d} pages"))
def no_duplicates(visit: Visit, count: int) -> None:
    ids = [item["product_id"] for page in visit.pages for item in page]
    assert len(visit.pages) >= count
    assert len(ids) == len(set(ids))


@then(parsers.parse('the product is named "{name}"'))
def product_named(visit: Visit, name: str) -> None:
    assert visit.body["name"] == name


@then("the response has a Location header for the product")
def location_header(visit: Visit) -> None:
    assert visit.response is not None
    assert visit.response.headers["Location"] == f"/products/{visit.body['product_id']}"


@then(parsers.parse('the customer finds "{name}" in its category with {stock:d} in stock'))
def customer_finds(catalog_api: Api, visit: Visit, name: str, stock: int) -> None:
    token = visit.customer_token or catalog_api.register_customer()
    response = catalog_api.call("GET", "/products", token=token, params={"category": visit.category})
    assert response.status_code == 200, response.text
    assert [(item["name"], item["stock"]) for item in response.json()["items"]] == [(name, stock)]


@then("its category lists no products")
def category_empty(catalog_api: Api, visit: Visit) -> None:
    response = catalog_api.call("GET", "/products", params={"category": visit.category})
    assert response.status_code == 200
    assert response.json()["items"] == []
