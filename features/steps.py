"""The shared step library of the acceptance features: HTTP only, through `requests`.

Actors: "I" is the current actor (the last one signed in, anonymous before that); a step
can name one: `as "alice"`, `as the admin`, `anonymously`. Paths may use remembered values:
`"/products/{product_id}"` after `I remember the response field "product_id"`.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import requests
from pytest_bdd import given, parsers, then, when

TIMEOUT = 10
CUSTOMER_PASSWORD = "Secret12345"
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
    http: requests.Session = field(default_factory=requests.Session)
    tokens: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    remembered: dict[str, Any] = field(default_factory=dict)
    current: str = ANONYMOUS
    response: requests.Response | None = None

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
        for name, value in self.remembered.items():
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
        self.response = self.http.request(
            method.upper(), self.url + self.expand(path), headers=all_headers, timeout=TIMEOUT, **kwargs
        )
        return self.response

    def register(self, name: str, password: str = CUSTOMER_PASSWORD) -> str:
        """Sign up a fresh customer under a unique e-mail, log in, keep the token."""
        email = f"{name.lower().replace(' ', '-')}-{uuid.uuid4().hex[:10]}@example.com"
        signup = self.call(
            "POST", "/users", actor=ANONYMOUS, json={"email": email, "password": password, "name": name}
        )
        assert signup.status_code == 201, f"registering {name}: {signup.status_code} {signup.text}"
        self.emails[name] = email
        self.tokens[name] = login(self.url, email, password, self.http)
        self.current = name
        return self.tokens[name]


def login(url: str, email: str, password: str, http: requests.Session | None = None) -> str:
    response = (http or requests).post(
        f"{url}/auth/login", json={"email": email, "password": password}, timeout=TIMEOUT
    )
    assert response.status_code == 200, f"logging in {email}: {response.status_code} {response.text}"
    return str(response.json()["access_token"])


@pytest.fixture
def shop(shop_url: str, admin_token: Callable[[], str]) -> Shop:
    return Shop(url=shop_url, admin_token=admin_token)


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


@when(parsers.parse('I remember the response field "{path}" as "{name}"'))
@then(parsers.parse('I remember the response field "{path}" as "{name}"'))
def remember_as(shop: Shop, path: str, name: str) -> None:
    shop.remembered[name] = field_at(shop.answer.json(), path)


@when(parsers.parse('I remember the response field "{path}"'))
@then(parsers.parse('I remember the response field "{path}"'))
def remember(shop: Shop, path: str) -> None:
    shop.remembered[path.rsplit(".", 1)[-1]] = field_at(shop.answer.json(), path)


# -- Then ----------------------------------------------------------------------------------


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


@then(parsers.parse('the problem names the field "{name}"'))
def problem_names_field(shop: Shop, name: str) -> None:
    errors = shop.answer.json().get("errors") or []
    assert name in [error.get("field") for error in errors], shop.answer.text


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

    def check() -> None:
        response = shop.call(method, path, actor=_actor(actor, admin, anonymous))
        assert response.status_code < 300, f"{response.status_code}: {response.text[:300]}"
        actual = field_at(response.json(), path_)
        assert actual == expected, f"{path_} is {actual!r}, not {expected!r}"

    eventually(check, seconds=float(seconds), interval=0.2)
