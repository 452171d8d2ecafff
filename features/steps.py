"""The shared step library of the acceptance features: HTTP only, through `requests`.

Actors: "I" is the current actor (the last one signed in, anonymous before that); a step
can name one: `as "alice"`, `as the admin`, `anonymously`. Paths may use remembered values:
`"/products/{product_id}"` after `I remember the response field "product_id"`; creating or
picking a product remembers its `product_id`, placing an order its `order_id`.

Only generic steps live here; a feature's own phrases live in its test module, written
against `Shop`. Everything goes over HTTP, so the features run against any deployment.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import requests
from pytest_bdd import given, parsers, then, when

from .contract import conforming_session

TIMEOUT = 10
SETTLE_SECONDS = 15.0
CUSTOMER_PASSWORD = "Secret12345"
SHIPPING_ADDRESS = {"line1": "1 Rue de la Paix", "city": "Paris", "postal_code": "75002", "country": "FR"}
PROBLEM_CONTENT_TYPE = "application/problem+json"
ADMIN = "the admin"
ANONYMOUS = ""

T = TypeVar("T")


def eventually(check: Callable[[], T], seconds: float = 10.0, interval: float = 0.1) -> T:
    """Call `check` until it returns without an AssertionError, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() >= deadline:
                raise
        time.sleep(interval)


def cents(amount: str) -> int:
    """`"12.5"` → 1250: a price as the features write it, in minor units."""
    whole, _, fraction = amount.partition(".")
    return int(whole) * 100 + int((fraction + "00")[:2])


def field_at(document: Any, path: str) -> Any:
    """`items.0.price.amount` in a JSON document; KeyError/IndexError if absent."""
    value = document
    for part in path.split(".") if path else []:
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


@dataclass
class Shop:
    """One scenario's view of the API: who is signed in, what was answered, what was remembered."""

    url: str
    admin_token: Callable[[], str]
    # every answer is checked against the OpenAPI document (features/contract.py)
    http: requests.Session = field(default_factory=conforming_session)
    tokens: dict[str, str] = field(default_factory=dict)
    logins: dict[str, dict[str, Any]] = field(default_factory=dict)  # the last login answer of each
    emails: dict[str, str] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)  # the last that logged each one in
    created: list[str] = field(default_factory=list)  # ids of the products this scenario created
    remembered: dict[str, Any] = field(default_factory=dict)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)  # by name, as last answered
    # products a scenario creates go into a category of its own: it passes on a shared deployment
    category: str = field(default_factory=lambda: f"feature-{uuid.uuid4().hex[:10]}")
    current: str = ANONYMOUS
    response: requests.Response | None = None
    history: list[requests.Response] = field(default_factory=list)

    @property
    def answer(self) -> requests.Response:
        assert self.response is not None, "no request has been made yet"
        return self.response

    def token_of(self, actor: str) -> str | None:
        if actor == ANONYMOUS:
            return None
        if actor == ADMIN:
            return self.admin_token()
        assert actor in self.tokens, f"{actor!r} has not signed in"
        return self.tokens[actor]

    def expand(self, text: str) -> str:
        for name, value in list(self.remembered.items()):
            text = text.replace("{" + name + "}", str(value))
        return text

    def call(
        self,
        method: str,
        path: str,
        *,
        actor: str | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        all_headers = dict(headers or {})
        bearer = token if token is not None else self.token_of(self.current if actor is None else actor)
        if bearer:
            all_headers["Authorization"] = f"Bearer {bearer}"
        response = self.http.request(
            method.upper(), self.url + self.expand(path), headers=all_headers, timeout=TIMEOUT, **kwargs
        )
        self.response = response
        self.history.append(response)
        return response

    def wait_for(
        self,
        method: str,
        path: str,
        check: Callable[[Any], None],
        *,
        actor: str | None = None,
        seconds: float = SETTLE_SECONDS,
    ) -> Any:
        """Ask until the answer is a success whose body `check` accepts (raises no AssertionError)."""

        def attempt() -> Any:
            response = self.call(method, path, actor=actor)
            assert response.status_code < 300, (
                f"{method} {path}: {response.status_code} {response.text[:300]}"
            )
            body = response.json()
            check(body)
            return body

        return eventually(attempt, seconds=seconds, interval=0.2)

    def wait_for_field(
        self,
        path: str,
        field_path: str,
        expected: Any,
        *,
        actor: str | None = None,
        method: str = "GET",
        seconds: float = SETTLE_SECONDS,
    ) -> Any:
        """Ask until the field at `field_path` of the answer is `expected`."""

        def check(body: Any) -> None:
            actual = field_at(body, field_path)
            assert actual == expected, f"{field_path} is {actual!r}, not {expected!r}"

        return self.wait_for(method, path, check, actor=actor, seconds=seconds)

    # -- customers ------------------------------------------------------------------------

    def email_of(self, name: str) -> str:
        """The e-mail address of `name` in this scenario: unique, so runs never collide."""
        if name not in self.emails:
            self.emails[name] = f"{name.lower().replace(' ', '-')}-{uuid.uuid4().hex[:10]}@example.com"
        return self.emails[name]

    def sign_up(self, name: str, password: str = CUSTOMER_PASSWORD) -> requests.Response:
        account = {"email": self.email_of(name), "password": password, "name": name}
        return self.call("POST", "/users", actor=ANONYMOUS, json=account)

    def log_in(self, name: str, password: str = CUSTOMER_PASSWORD) -> requests.Response:
        """Log `name` in; on success keep the tokens and make `name` the current actor."""
        answer = self.call(
            "POST", "/auth/login", actor=ANONYMOUS, json={"email": self.email_of(name), "password": password}
        )
        if answer.status_code == 200:
            self.passwords[name] = password
            self.logins[name] = answer.json()
            self.tokens[name] = str(self.logins[name]["access_token"])
            self.current = name
        return answer

    def register(self, name: str, password: str = CUSTOMER_PASSWORD) -> str:
        """Sign up a fresh customer under a unique e-mail, log in, keep the token."""
        signup = self.sign_up(name, password)
        assert signup.status_code == 201, f"registering {name}: {signup.status_code} {signup.text}"
        answer = self.log_in(name, password)
        assert answer.status_code == 200, f"logging in {name}: {answer.status_code} {answer.text}"
        return self.tokens[name]

    # -- products -------------------------------------------------------------------------

    def create_product(
        self, name: str = "Feature Thing", *, actor: str = ADMIN, **overrides: Any
    ) -> requests.Response:
        """POST /products (as the admin unless told); a created product is remembered."""
        body = {
            "sku": f"FEAT-{uuid.uuid4().hex[:12].upper()}",
            "name": name,
            "description": "Made for a scenario.",
            "price": {"amount": 1500, "currency": "EUR"},
            "category": self.category,
            "stock": 5,
            **overrides,
        }
        answer = self.call("POST", "/products", actor=actor, json=body)
        if answer.status_code == 201:
            self.remember_product(answer.json())
            self.created.append(answer.json()["product_id"])
        return answer

    def remove_what_it_made(self) -> list[str]:
        """Delete the scenario's products and accounts (the account's own erasure, as a customer
        would); answer what could not be removed: an account whose password the scenario changed
        or that has an order in flight, which the run's report names."""
        left = [
            f"product {product_id}"
            for product_id in self.created
            if self.call("DELETE", f"/products/{product_id}", actor=ADMIN).status_code not in (204, 404)
        ]
        for name, password in self.passwords.items():
            gone = self.log_in(name, password).status_code == 200 and (
                self.call("DELETE", "/users/me", actor=name, json={"password": password}).status_code == 204
            )
            left += [] if gone else [f"customer {self.email_of(name)}"]
        return left

    def pick_product(self, currency: str = "EUR") -> dict[str, Any]:
        """A product of the catalog as it stands (a seeded one on a fresh stack)."""
        listing = self.call("GET", "/products", actor=ANONYMOUS, params={"limit": 20})
        assert listing.status_code == 200, listing.text
        items: list[dict[str, Any]] = listing.json()["items"]
        priced = [item for item in items if item["price"]["currency"] == currency]
        assert priced, f"the catalog has no {currency} product"
        self.remember_product(priced[0])
        return priced[0]

    def remember_product(self, product: dict[str, Any]) -> None:
        self.products[product["name"]] = product
        self.remembered["product_id"] = product["product_id"]

    def product(self, name: str | None = None) -> dict[str, Any]:
        """The product named `name`, or the one created or picked last."""
        if name is None:
            assert "product_id" in self.remembered, "no product yet"
            return next(p for p in self.products.values() if p["product_id"] == self.remembered["product_id"])
        assert name in self.products, f"no product {name!r} yet"
        return self.products[name]

    # -- cart and orders ------------------------------------------------------------------

    def put_in_cart(self, actor: str, product_id: str, quantity: Any) -> requests.Response:
        return self.call("PUT", f"/cart/items/{product_id}", actor=actor, json={"quantity": quantity})

    def check_out(
        self,
        actor: str | None = None,
        payment_token: str = "tok_visa",
        *,
        token: str | None = None,
        idempotency_key: str | None = None,
    ) -> requests.Response:
        """POST /orders for the actor's cart; an accepted order's id is remembered as `order_id`."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        body = {"shipping_address": SHIPPING_ADDRESS, "payment_token": payment_token}
        answer = self.call("POST", "/orders", actor=actor, token=token, json=body, headers=headers)
        if answer.status_code == 202:
            self.remembered["order_id"] = answer.json()["order_id"]
        return answer


def warm_checkout(shop: Shop, token: str, concurrency: int) -> None:
    """Start `concurrency` execution environments of the functions a checkout runs (orders,
    and the cart it reads), as a busy shop has them warm: concurrent checkouts then race each
    other, not a cold start that lets the first order settle before the others begin."""
    start = threading.Barrier(concurrency)

    def reads(_: int) -> None:
        start.wait()
        for path in ("/orders", "/cart"):
            shop.http.get(f"{shop.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(reads, range(concurrency)))


def admin_credentials_from_environment() -> tuple[str, str]:
    """SHOP_ADMIN_EMAIL / SHOP_ADMIN_PASSWORD, with the local stack's defaults."""
    return (
        os.environ.get("SHOP_ADMIN_EMAIL") or "admin@example.com",
        os.environ.get("SHOP_ADMIN_PASSWORD") or "Admin12345",
    )


def login(url: str, email: str, password: str, http: requests.Session | None = None) -> str:
    response = (http or conforming_session()).post(
        f"{url}/auth/login", json={"email": email, "password": password}, timeout=TIMEOUT
    )
    assert response.status_code == 200, f"logging in {email}: {response.status_code} {response.text}"
    return str(response.json()["access_token"])


@pytest.fixture
def shop(shop_url: str, admin_token: Callable[[], str], shop_stack: Any) -> Iterator[Shop]:
    shop = Shop(url=shop_url, admin_token=admin_token)
    yield shop
    # A deployed stage keeps no acceptance data: what a scenario made is removed after it
    # (docs/operations.md); an embedded stack is thrown away whole.
    if shop_stack is None:
        left = shop.remove_what_it_made()
        if left:
            warnings.warn(f"acceptance data left on {shop_url}: {', '.join(left)}", stacklevel=1)


# -- Given ---------------------------------------------------------------------------------


@given(parsers.parse('a registered customer "{name}"'))
@given(parsers.parse('a signed-in customer "{name}"'))
def registered_customer(shop: Shop, name: str) -> None:
    shop.register(name)


@given("the admin")
@given("the admin is signed in")
def the_admin(shop: Shop) -> None:
    shop.admin_token()
    shop.current = ADMIN


@given("an anonymous visitor")
def anonymous_visitor(shop: Shop) -> None:
    shop.current = ANONYMOUS


@given(parsers.parse('I am "{name}"'))
def i_am(shop: Shop, name: str) -> None:
    shop.token_of(name)
    shop.current = name


@given(parsers.parse('a product "{name}" priced {price} {currency} with {stock:d} in stock'))
def a_product(shop: Shop, name: str, price: str, currency: str, stock: int) -> None:
    admin_creates_product(shop, name, price, currency, stock)
    assert shop.answer.status_code == 201, f"creating {name}: {shop.answer.status_code} {shop.answer.text}"


@given("a product picked from the catalog")
def product_from_catalog(shop: Shop) -> None:
    shop.pick_product()


@given(
    parsers.re(
        r'"(?P<name>[^"]+)" has (?P<quantity>\d+) (?:of the product|"(?P<product>[^"]+)") in the cart$'
    )
)
def has_in_cart(shop: Shop, name: str, quantity: str, product: str | None) -> None:
    answer = shop.put_in_cart(name, shop.product(product)["product_id"], int(quantity))
    assert answer.status_code == 200, f"filling the cart of {name}: {answer.status_code} {answer.text}"


# -- When ----------------------------------------------------------------------------------

_METHOD = r"(?P<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)"
_PATH = r'"(?P<path>[^"]+)"'
_AS = r'(?: as "(?P<actor>[^"]+)"| as (?P<admin>the admin)| (?P<anonymous>anonymously))?'


def _actor(actor: str | None, admin: str | None, anonymous: str | None) -> str | None:
    if admin:
        return ADMIN
    if anonymous:
        return ANONYMOUS
    return actor


@when(parsers.re(rf"I {_METHOD} {_PATH}{_AS}$"))
def send(
    shop: Shop, method: str, path: str, actor: str | None, admin: str | None, anonymous: str | None
) -> None:
    shop.call(method, path, actor=_actor(actor, admin, anonymous))


@when(parsers.re(rf"I {_METHOD} {_PATH}{_AS} with body:$"))
def send_with_docstring(
    shop: Shop,
    method: str,
    path: str,
    actor: str | None,
    admin: str | None,
    anonymous: str | None,
    docstring: str,
) -> None:
    send_with_body(shop, method, path, actor, admin, anonymous, docstring)


@when(parsers.re(rf"I {_METHOD} {_PATH}{_AS} with body (?P<body>[\[{{].*)$"))
def send_with_body(
    shop: Shop,
    method: str,
    path: str,
    actor: str | None,
    admin: str | None,
    anonymous: str | None,
    body: str,
) -> None:
    body = shop.expand(body)
    shop.call(
        method,
        path,
        actor=_actor(actor, admin, anonymous),
        data=body.encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )


@when(parsers.re(rf"I {_METHOD} {_PATH}{_AS} with a body of (?P<size>\d+) bytes$"))
def send_sized_body(
    shop: Shop, method: str, path: str, actor: str | None, admin: str | None, anonymous: str | None, size: str
) -> None:
    body = json.dumps({"padding": "x" * max(0, int(size) - 15)}).encode("utf-8")
    shop.call(
        method,
        path,
        actor=_actor(actor, admin, anonymous),
        data=body,
        headers={"Content-Type": "application/json"},
    )


@when(parsers.re(rf'I {_METHOD} {_PATH} with the token "(?P<token>[^"]*)"$'))
def send_with_token(shop: Shop, method: str, path: str, token: str) -> None:
    shop.call(method, path, token=token)


@when(parsers.re(rf'I {_METHOD} {_PATH}{_AS} with header "(?P<name>[^":]+): (?P<value>[^"]*)"$'))
def send_with_header(
    shop: Shop,
    method: str,
    path: str,
    actor: str | None,
    admin: str | None,
    anonymous: str | None,
    name: str,
    value: str,
) -> None:
    shop.call(method, path, actor=_actor(actor, admin, anonymous), headers={name: value})


def _send_bytes(
    shop: Shop, method: str, path: str, who: tuple[str | None, ...], data: bytes, media_type: str
) -> None:
    shop.call(method, path, actor=_actor(*who), data=data, headers={"Content-Type": media_type})


@when(parsers.re(rf"I {_METHOD} {_PATH}{_AS} with a JSON body nested (?P<depth>\d+) deep$"))
def send_deeply_nested_body(
    shop: Shop,
    method: str,
    path: str,
    actor: str | None,
    admin: str | None,
    anonymous: str | None,
    depth: str,
) -> None:
    body = ("[" * int(depth) + "]" * int(depth)).encode("utf-8")
    _send_bytes(shop, method, path, (actor, admin, anonymous), body, "application/json")


@when(parsers.re(rf'I {_METHOD} {_PATH}{_AS} with a (?P<digits>\d+)-digit number as "(?P<field>[^"]+)"$'))
def send_huge_number(
    shop: Shop,
    method: str,
    path: str,
    actor: str | None,
    admin: str | None,
    anonymous: str | None,
    digits: str,
    field: str,
) -> None:
    body = f'{{"{field}": {"9" * int(digits)}}}'.encode()
    _send_bytes(shop, method, path, (actor, admin, anonymous), body, "application/json")


@when(parsers.re(rf'I {_METHOD} {_PATH}{_AS} with an? "(?P<media_type>[^"]+)" body (?P<body>[\[{{].*)$'))
def send_with_media_type(
    shop: Shop,
    method: str,
    path: str,
    actor: str | None,
    admin: str | None,
    anonymous: str | None,
    media_type: str,
    body: str,
) -> None:
    data = shop.expand(body).encode("utf-8")
    _send_bytes(shop, method, path, (actor, admin, anonymous), data, media_type)


@when(parsers.parse('the admin creates a product "{name}" priced {price} {currency} with {stock:d} in stock'))
def admin_creates_product(shop: Shop, name: str, price: str, currency: str, stock: int) -> None:
    shop.create_product(name, price={"amount": cents(price), "currency": currency}, stock=stock)


@when(parsers.parse('I remember the response field "{path}" as "{name}"'))
@then(parsers.parse('I remember the response field "{path}" as "{name}"'))
def remember_as(shop: Shop, path: str, name: str) -> None:
    shop.remembered[name] = field_at(shop.answer.json(), path)


@when(parsers.parse('I remember the response field "{path}"'))
@then(parsers.parse('I remember the response field "{path}"'))
def remember(shop: Shop, path: str) -> None:
    shop.remembered[path.rsplit(".", 1)[-1]] = field_at(shop.answer.json(), path)


# -- Then ----------------------------------------------------------------------------------


@then(parsers.parse('the cart of "{name}" holds {quantity:d} "{product}"'))
def cart_holds(shop: Shop, name: str, quantity: int, product: str) -> None:
    answer = shop.call("GET", "/cart", actor=name)
    assert answer.status_code == 200, answer.text
    lines = {item["product_id"]: item["quantity"] for item in answer.json()["items"]}
    assert lines == {shop.product(product)["product_id"]: quantity}, answer.json()


@then(parsers.parse("the response status is {status:d}"))
def response_status(shop: Shop, status: int) -> None:
    assert shop.answer.status_code == status, f"{shop.answer.status_code}: {shop.answer.text[:500]}"


@then(parsers.parse("the response is a problem with status {status:d}"))
def response_is_problem(shop: Shop, status: int) -> None:
    response_status(shop, status)
    assert shop.answer.headers.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE), shop.answer.headers
    problem = shop.answer.json()
    assert problem["status"] == status, problem
    assert problem.get("title"), problem
    assert "Traceback" not in shop.answer.text


@then(parsers.parse('the response has problem type "{type_}"'))
def problem_type(shop: Shop, type_: str) -> None:
    assert shop.answer.json().get("type") == type_, shop.answer.text


@then(parsers.parse('the response has problem title "{title}"'))
def problem_title(shop: Shop, title: str) -> None:
    assert shop.answer.json().get("title") == title, shop.answer.text


@then(parsers.parse('the response has problem detail "{detail}"'))
def problem_detail(shop: Shop, detail: str) -> None:
    assert shop.answer.json().get("detail") == detail, shop.answer.text


def _problem_fields(shop: Shop) -> list[str]:
    return [str(error.get("field")) for error in shop.answer.json().get("errors") or []]


@then(parsers.parse('the problem names the field "{name}"'))
def problem_names_field(shop: Shop, name: str) -> None:
    assert name in _problem_fields(shop), shop.answer.text


@then(parsers.parse('the problem names a field within "{name}"'))
def problem_names_field_within(shop: Shop, name: str) -> None:
    """`price` or one of its parts (`price.amount`)."""
    fields = _problem_fields(shop)
    assert any(found == name or found.startswith(name + ".") for found in fields), shop.answer.text


@then(parsers.parse('the response body does not contain "{text}"'))
def body_does_not_contain(shop: Shop, text: str) -> None:
    assert text not in shop.answer.text, shop.answer.text[:500]


@then(parsers.parse('the response header "{name}" is "{value}"'))
def header_is(shop: Shop, name: str, value: str) -> None:
    assert shop.answer.headers.get(name) == shop.expand(value), dict(shop.answer.headers)


@then(parsers.parse('the response header "{name}" contains "{value}"'))
def header_contains(shop: Shop, name: str, value: str) -> None:
    assert shop.expand(value) in shop.answer.headers.get(name, ""), dict(shop.answer.headers)


@then(parsers.parse('the response has a header "{name}"'))
def has_header(shop: Shop, name: str) -> None:
    assert shop.answer.headers.get(name), dict(shop.answer.headers)


@then(parsers.parse('the response field "{path}" is {value}'))
def field_is(shop: Shop, path: str, value: str) -> None:
    assert field_at(shop.answer.json(), path) == json.loads(shop.expand(value)), shop.answer.text[:500]


@then(parsers.parse('the response field "{path}" starts with "{prefix}"'))
def field_starts_with(shop: Shop, path: str, prefix: str) -> None:
    assert str(field_at(shop.answer.json(), path)).startswith(prefix), shop.answer.text[:500]


@then(parsers.parse('the response field "{path}" exists'))
def field_exists(shop: Shop, path: str) -> None:
    field_at(shop.answer.json(), path)


@then(parsers.parse('the response has no field "{path}"'))
def field_absent(shop: Shop, path: str) -> None:
    try:
        value = field_at(shop.answer.json(), path)
    except (KeyError, IndexError, TypeError):
        return
    raise AssertionError(f"{path} is {value!r}")


@then(parsers.parse('the response field "{path}" has {count:d} items'))
def field_has_items(shop: Shop, path: str, count: int) -> None:
    assert len(field_at(shop.answer.json(), path)) == count, shop.answer.text[:500]


@then(parsers.parse('the response field "{path}" has at least {count:d} items'))
def field_has_at_least(shop: Shop, path: str, count: int) -> None:
    assert len(field_at(shop.answer.json(), path)) >= count, shop.answer.text[:500]


@then(
    parsers.re(
        rf"within (?P<seconds>\d+) seconds {_METHOD} {_PATH}{_AS}"
        r' answers the field "(?P<path_>[^"]+)" = (?P<value>.+)$'
    )
)
def within_seconds(
    shop: Shop,
    seconds: str,
    method: str,
    path: str,
    actor: str | None,
    admin: str | None,
    anonymous: str | None,
    path_: str,
    value: str,
) -> None:
    expected = json.loads(shop.expand(value))
    actor_ = _actor(actor, admin, anonymous)
    shop.wait_for_field(path, path_, expected, actor=actor_, method=method, seconds=float(seconds))
