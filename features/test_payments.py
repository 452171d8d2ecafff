"""Steps of payments.feature: GET /payments over HTTP only."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests
from pytest_bdd import given, parsers, scenarios, then, when

pytestmark = pytest.mark.acceptance

scenarios("payments.feature")

_TIMEOUT = 10
_PASSWORD = "Paym3nts-123"
_HARNESS_URL_FIXTURES = ("api_url", "base_url", "shop_api_url")


@pytest.fixture(scope="module")
def payments_api_url(request: pytest.FixtureRequest) -> Iterator[str]:
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
class PaymentsWorld:
    base_url: str
    http: requests.Session
    token: str | None = None
    response: requests.Response | None = field(default=None)

    def answer(self) -> requests.Response:
        assert self.response is not None, "no request was made"
        return self.response

    def ask_for_payments(self, params: dict[str, str]) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        self.response = self.http.get(
            self.base_url + "/payments", params=params, headers=headers, timeout=_TIMEOUT
        )


@pytest.fixture
def payments_world(payments_api_url: str) -> Iterator[PaymentsWorld]:
    with requests.Session() as http:
        yield PaymentsWorld(payments_api_url, http)


@given("a signed-in payments customer")
def signed_in_customer(payments_world: PaymentsWorld) -> None:
    email = f"payer-{uuid.uuid4().hex[:10]}@example.com"
    account = {"email": email, "password": _PASSWORD, "name": "Payer"}
    created = payments_world.http.post(payments_world.base_url + "/users", json=account, timeout=_TIMEOUT)
    assert created.status_code == 201, created.text
    login = payments_world.http.post(
        payments_world.base_url + "/auth/login",
        json={"email": email, "password": _PASSWORD},
        timeout=_TIMEOUT,
    )
    assert login.status_code == 200, login.text
    payments_world.token = login.json()["access_token"]


@when("the customer asks for the payments of an unknown order")
@when("an anonymous caller asks for the payments of an unknown order")
def ask_for_unknown_order(payments_world: PaymentsWorld) -> None:
    payments_world.ask_for_payments({"order_id": f"no-such-order-{uuid.uuid4().hex}"})


@when("the customer asks for payments without an order id")
def ask_without_order_id(payments_world: PaymentsWorld) -> None:
    payments_world.ask_for_payments({})


@then(parsers.parse("the payments answer is a {status:d} problem"))
def answer_is_problem(payments_world: PaymentsWorld, status: int) -> None:
    answer = payments_world.answer()
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert answer.json()["status"] == status
    assert "items" not in answer.json()


@then(parsers.parse('the payments answer is a {status:d} problem naming the field "{name}"'))
def answer_names_field(payments_world: PaymentsWorld, status: int, name: str) -> None:
    answer_is_problem(payments_world, status)
    assert name in [error["field"] for error in payments_world.answer().json().get("errors", [])]
