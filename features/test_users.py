"""Steps of users.feature: accounts, tokens and profiles, over HTTP only."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from pytest_bdd import given, parsers, scenarios, then, when

pytestmark = pytest.mark.acceptance

scenarios("users.feature")

_TIMEOUT = 10
_HARNESS_URL_FIXTURES = ("api_url", "base_url", "shop_api_url")


@pytest.fixture(scope="module")
def users_api_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The API under test: the shared harness's, SHOP_API_URL, or an embedded stack of our own."""
    for name in _HARNESS_URL_FIXTURES:
        try:
            yield str(request.getfixturevalue(name))
            return
        except pytest.FixtureLookupError:
            continue
    if os.environ.get("SHOP_API_URL"):
        yield os.environ["SHOP_API_URL"].rstrip("/")
        return
    from shop.local.stack import LocalStack

    with LocalStack(port=0) as stack:
        yield stack.url


@dataclass
class Customer:
    email: str
    tokens: dict[str, Any] = field(default_factory=dict)


@dataclass
class UsersWorld:
    base_url: str
    http: requests.Session
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    customers: dict[str, Customer] = field(default_factory=dict)
    response: requests.Response | None = None
    new_tokens: dict[str, Any] = field(default_factory=dict)

    def customer(self, name: str) -> Customer:
        # a fresh address per scenario, so scenarios also pass against a long-lived stack
        return self.customers.setdefault(name, Customer(f"{name}-{self.run}@example.com"))

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        url = self.base_url + path
        self.response = self.http.request(method, url, json=body, headers=headers, timeout=_TIMEOUT)
        return self.response

    @property
    def body(self) -> Any:
        assert self.response is not None, "no request was made"
        return self.response.json()


@pytest.fixture
def users_world(users_api_url: str) -> Iterator[UsersWorld]:
    with requests.Session() as http:
        yield UsersWorld(users_api_url, http)


def _register(world: UsersWorld, name: str, password: str) -> requests.Response:
    account = {"email": world.customer(name).email, "password": password, "name": name.capitalize()}
    return world.call("POST", "/users", account)


def _log_in(world: UsersWorld, name: str, password: str) -> requests.Response:
    response = world.call("POST", "/auth/login", {"email": world.customer(name).email, "password": password})
    if response.status_code == 200:
        world.customer(name).tokens = response.json()
    return response


@given(parsers.parse('"{name}" has registered with password "{password}"'))
def registered(users_world: UsersWorld, name: str, password: str) -> None:
    assert _register(users_world, name, password).status_code == 201, users_world.body


@given(parsers.parse('"{name}" has logged in with password "{password}"'))
def logged_in(users_world: UsersWorld, name: str, password: str) -> None:
    assert _log_in(users_world, name, password).status_code == 200, users_world.body


@when(parsers.parse('a visitor registers as "{name}" with password "{password}"'))
def visitor_registers(users_world: UsersWorld, name: str, password: str) -> None:
    _register(users_world, name, password)


@when(parsers.parse('"{name}" logs in with password "{password}"'))
def logs_in(users_world: UsersWorld, name: str, password: str) -> None:
    _log_in(users_world, name, password)


@when(parsers.parse('"{name}" refreshes the tokens'))
def refreshes(users_world: UsersWorld, name: str) -> None:
    refresh_token = users_world.customer(name).tokens["refresh_token"]
    response = users_world.call("POST", "/auth/refresh", {"refresh_token": refresh_token})
    if response.status_code == 200:
        users_world.new_tokens = response.json()


@when(parsers.parse('"{name}" asks for the profile with the new access token'))
def profile_with_new_token(users_world: UsersWorld, name: str) -> None:
    users_world.call("GET", "/users/me", token=users_world.new_tokens["access_token"])


@when(parsers.parse('"{name}" asks for the profile'))
def asks_for_profile(users_world: UsersWorld, name: str) -> None:
    users_world.call("GET", "/users/me", token=users_world.customer(name).tokens["access_token"])


@when(parsers.parse('"{name}" changes the name to "{new_name}" and adds an address in "{country}"'))
def changes_profile(users_world: UsersWorld, name: str, new_name: str, country: str) -> None:
    address = {"line1": "12 Analytical Row", "city": "Berlin", "postal_code": "10115", "country": country}
    users_world.call(
        "PATCH",
        "/users/me",
        {"name": new_name, "addresses": [address]},
        token=users_world.customer(name).tokens["access_token"],
    )


@when("an anonymous visitor asks for /users/me")
def anonymous_profile(users_world: UsersWorld) -> None:
    users_world.call("GET", "/users/me")


@then(parsers.parse("the users response status is {status:d}"))
def status_is(users_world: UsersWorld, status: int) -> None:
    assert users_world.response is not None
    assert users_world.response.status_code == status, users_world.response.text


@then(parsers.parse('the response holds the new account of "{name}"'))
def new_account(users_world: UsersWorld, name: str) -> None:
    body = users_world.body
    assert set(body) == {"user_id", "email", "name"}
    assert body["email"] == users_world.customer(name).email
    assert body["user_id"]


@then("the response holds bearer tokens")
def bearer_tokens(users_world: UsersWorld) -> None:
    body = users_world.body
    assert body["token_type"] == "Bearer"
    assert all(body[name] for name in ("access_token", "id_token", "refresh_token"))
    assert isinstance(body["expires_in"], int)
    assert body["expires_in"] > 0


@then("the response holds a new access token")
def new_access_token(users_world: UsersWorld) -> None:
    assert users_world.new_tokens["access_token"]
    assert users_world.new_tokens["id_token"]


@then(parsers.parse('the problem names the field "{name}"'))
def problem_names_field(users_world: UsersWorld, name: str) -> None:
    assert users_world.response is not None
    assert users_world.response.headers["Content-Type"].startswith("application/problem+json")
    assert name in {error["field"] for error in users_world.body.get("errors", [])}, users_world.body


@then(parsers.parse('the problem detail is "{detail}"'))
def problem_detail(users_world: UsersWorld, detail: str) -> None:
    assert users_world.body["detail"] == detail


@then(parsers.parse('the response does not contain "{text}"'))
def does_not_contain(users_world: UsersWorld, text: str) -> None:
    assert users_world.response is not None
    assert text not in users_world.response.text


@then(parsers.parse('the profile of "{name}" has the name "{expected}" and no addresses'))
def profile_without_addresses(users_world: UsersWorld, name: str, expected: str) -> None:
    body = users_world.body
    assert body["email"] == users_world.customer(name).email
    assert (body["name"], body["addresses"]) == (expected, [])
    assert body["created_at"].endswith("Z")


@then(parsers.parse('the profile of "{name}" has the name "{expected}" and an address in "{country}"'))
def profile_with_address(users_world: UsersWorld, name: str, expected: str, country: str) -> None:
    body = users_world.body
    assert body["name"] == expected
    assert [address["country"] for address in body["addresses"]] == [country]
