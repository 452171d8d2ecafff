"""Acceptance of the Stripe provider: the whole local stack with SHOP_PAYMENT_PROVIDER=stripe,
charging through localstripe on 127.0.0.1 — a checkout reaches CONFIRMED, the customer's
cancel refunds at the provider, a declined card cancels with PAYMENT_DECLINED."""

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import stripe

from shop.local.orchestration.stack import EmbeddedStack
from shop.local.test_support.localstripe import API_KEY, WEBHOOK_PATH, LocalStripe
from shop.payments.adapters.stripe_gateway import stripe_settings
from tests.support.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ADDRESS = {"line1": "1 Rue de la Paix", "city": "Paris", "postal_code": "75002", "country": "FR"}


@pytest.fixture(scope="module")
def stack(localstripe: LocalStripe) -> Iterator[EmbeddedStack]:
    with pytest.MonkeyPatch.context() as env:
        for name, value in localstripe.environment().items():
            env.setenv(name, value)  # the functions' execution environments start with these
        stripe_settings.cache_clear()
        with EmbeddedStack(port=0, seed=True) as running:
            localstripe.register_webhook(running.url + WEBHOOK_PATH, name="checkout-test")
            yield running
        stripe_settings.cache_clear()


class Api:
    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url
        self.token = token

    def __call__(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        answer = requests.request(method, self.url + path, json=body, headers=headers, timeout=30)
        assert answer.status_code == expect, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else None


def logged_in(url: str, email: str, password: str) -> Api:
    token = Api(url)("POST", "/auth/login", {"email": email, "password": password})["access_token"]
    return Api(url, token)


@pytest.fixture(scope="module")
def product(stack: EmbeddedStack) -> dict[str, Any]:
    admin = logged_in(stack.url, stack.admin_email, stack.admin_password)
    body = {
        "sku": f"STRIPE-{uuid.uuid4().hex[:8]}",
        "name": "Stripe mug",
        "price": {"amount": 1299, "currency": "EUR"},
        "category": "kitchen",
        "stock": 10,
    }
    return admin("POST", "/products", body, expect=201)  # type: ignore[no-any-return]


@pytest.fixture
def customer(stack: EmbeddedStack) -> Api:
    email = f"stripe-{uuid.uuid4().hex[:10]}@example.com"
    Api(stack.url)("POST", "/users", {"email": email, "password": "Secret12345", "name": "Sam"}, expect=201)
    return logged_in(stack.url, email, "Secret12345")


@pytest.fixture
def provider(localstripe: LocalStripe) -> stripe.StripeClient:
    return stripe.StripeClient(API_KEY, base_addresses={"api": localstripe.api_base})


def check_out(customer: Api, product: dict[str, Any], token: str) -> str:
    customer("PUT", f"/cart/items/{product['product_id']}", {"quantity": 2})
    order = customer("POST", "/orders", {"shipping_address": ADDRESS, "payment_token": token}, expect=202)
    return str(order["order_id"])


def settled(customer: Api, order_id: str) -> dict[str, Any]:
    def final() -> dict[str, Any] | None:
        order: dict[str, Any] = customer("GET", f"/orders/{order_id}")
        return order if order["status"] in ("CONFIRMED", "CANCELLED") else None

    return eventually(final)


def payment_of(customer: Api, order_id: str) -> dict[str, Any]:
    return customer("GET", f"/payments?order_id={order_id}")["items"][0]  # type: ignore[no-any-return]


def test_a_checkout_is_charged_at_stripe_and_a_cancel_refunds_there(
    customer: Api, product: dict[str, Any], provider: stripe.StripeClient
) -> None:
    order_id = check_out(customer, product, "tok_visa")

    assert settled(customer, order_id)["status"] == "CONFIRMED"
    reference = payment_of(customer, order_id)["provider_reference"]
    intent = provider.v1.payment_intents.retrieve(reference)
    assert (intent.status, intent.amount, intent.currency) == ("succeeded", 2598, "eur")
    assert intent.metadata.to_dict()["order_id"] == order_id

    customer("POST", f"/orders/{order_id}/cancel")

    eventually(lambda: payment_of(customer, order_id)["status"] == "REFUNDED" or None)
    refunds = provider.v1.refunds.list(params={"payment_intent": reference}).data
    assert [(refund.amount, refund.status) for refund in refunds] == [(2598, "succeeded")]


def test_a_declined_card_cancels_the_order_as_payment_declined(
    customer: Api, product: dict[str, Any], provider: stripe.StripeClient
) -> None:
    order_id = check_out(customer, product, "tok_chargeDeclined")

    order = settled(customer, order_id)

    assert (order["status"], order["cancellation_reason"]) == ("CANCELLED", "PAYMENT_DECLINED")
    payment = payment_of(customer, order_id)
    assert (payment["status"], payment["decline_reason"]) == ("DECLINED", "card_declined")


def test_the_webhook_route_answers_through_the_gateway(
    stack: EmbeddedStack, localstripe: LocalStripe, customer: Api
) -> None:
    intent = {"id": "pi_late", "amount": 2598, "currency": "eur", "status": "succeeded", "metadata": {}}
    payload = json.dumps({"type": "payment_intent.succeeded", "data": {"object": intent}})
    at = int(time.time())
    secret = localstripe.webhook_secret.encode()
    mac = hmac.new(secret, f"{at}.{payload}".encode(), hashlib.sha256).hexdigest()
    url = stack.url + WEBHOOK_PATH

    def post(signature: str) -> requests.Response:
        headers = {"content-type": "application/json", "stripe-signature": signature}
        return requests.post(url, data=payload, headers=headers, timeout=30)

    signed, forged = post(f"t={at},v1={mac}"), post(f"t={at},v1=00")

    assert signed.status_code == 204  # not a payment of the shop: acknowledged, nothing recorded
    assert (forged.status_code, forged.headers["content-type"]) == (400, "application/problem+json")
