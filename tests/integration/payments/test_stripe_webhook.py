"""POST /payments/webhooks/stripe through the payments HTTP Lambda on moto: Stripe's signed
notice of how a payment intent ended is recorded once, as the charge path would have, and
anything unsigned is a 400 problem."""

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import stripe

from shop.kernel.money import Money
from shop.local.test_support.localstripe import LocalStripe
from shop.payments.adapters.dynamo_payments import DynamoPayments
from shop.payments.adapters.stripe_gateway import StripeGateway, stripe_settings
from tests.conftest import create_table
from tests.support.dynamodb import outbox_events, table_items
from tests.support.http_events import api_request, json_body, sqs_batch
from tests.support.stripe_webhooks import intent_event, signature
from tests.support.waiting import within

pytestmark = pytest.mark.integration

TABLE = "payments"
PATH = "/payments/webhooks/stripe"


@pytest.fixture
def stripe_env(aws: None, localstripe: LocalStripe, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("PAYMENTS_TABLE_NAME", create_table(TABLE, stream=True))
    for name, value in localstripe.environment().items():
        monkeypatch.setenv(name, value)
    stripe_settings.cache_clear()
    yield localstripe.webhook_secret
    stripe_settings.cache_clear()


def post(payload: str, headers: dict[str, str]) -> tuple[int, Any]:
    from shop.payments.handlers.http import handler

    response = handler(api_request("POST", PATH, body=payload, headers=headers), None)
    return response["statusCode"], json_body(response)


def deliver(payload: str, secret: str) -> int:
    status, _ = post(payload, {"stripe-signature": signature(payload, secret)})
    return status


def payments() -> list[dict[str, Any]]:
    return [item for item in table_items(TABLE) if item["sk"] == "PAYMENT"]


def request_payment(order_id: str = "o1", amount: int = 2599, customer_id: str = "c1") -> None:
    """The record payments writes before it charges, as charge_payment writes it."""
    from shop.payments.domain.payment import Payment
    from shop.platform.aws import client

    requested = Payment.requested(
        payment_id=f"p-{order_id}",
        order_id=order_id,
        customer_id=customer_id,
        amount=Money(amount=amount, currency="EUR"),
        at=datetime.now(UTC),
    )
    DynamoPayments(client("dynamodb"), TABLE).record(requested)


def test_a_success_for_a_waiting_payment_is_recorded_once(stripe_env: str) -> None:
    request_payment()
    payload = intent_event("payment_intent.succeeded")

    assert deliver(payload, stripe_env) == 204
    assert deliver(payload, stripe_env) == 204  # Stripe redelivers

    [payment] = payments()
    assert (payment["status"], payment["customer_id"], payment["provider_reference"]) == (
        "CAPTURED",
        "c1",
        "pi_o1",
    )
    assert (payment["payment_id"], payment["amount"], payment["currency"]) == ("p-o1", 2599, "EUR")
    [event] = outbox_events(TABLE)
    assert event["event_type"] == "PaymentCaptured"
    assert event["data"]["payment_id"] == payment["payment_id"]


def test_a_failure_is_recorded_as_a_decline_with_its_reason(stripe_env: str) -> None:
    request_payment()
    assert deliver(intent_event("payment_intent.payment_failed"), stripe_env) == 204

    [payment] = payments()
    assert (payment["status"], payment["decline_reason"]) == ("DECLINED", "card_declined")
    [event] = outbox_events(TABLE)
    assert (event["event_type"], event["data"]["reason"]) == ("PaymentDeclined", "card_declined")


def test_the_notice_of_a_payment_the_charge_path_recorded_is_acknowledged(stripe_env: str) -> None:
    from shop.kernel.events import Event
    from shop.payments.handlers.events import handler as consume

    request = {
        "order_id": "o1",
        "customer_id": "c1",
        "amount": {"amount": 2599, "currency": "EUR"},
        "payment_token": "tok_visa",
    }
    consume(sqs_batch([Event(event_type="PaymentRequested", correlation_id="corr", data=request)]), None)
    [charged] = payments()

    notice = intent_event("payment_intent.succeeded", intent_id=charged["provider_reference"])
    assert deliver(notice, stripe_env) == 204

    assert payments() == [charged]
    assert [event["event_type"] for event in outbox_events(TABLE)] == ["PaymentCaptured"]


@pytest.mark.parametrize("skew_seconds", [3600, -3600], ids=["future", "past"])
def test_a_notice_signed_an_hour_away_is_a_400_problem_and_records_nothing(
    stripe_env: str, skew_seconds: int
) -> None:
    request_payment()
    payload = intent_event("payment_intent.succeeded")

    status, body = post(
        payload, {"stripe-signature": signature(payload, stripe_env, skew_seconds=skew_seconds)}
    )

    assert (status, body["status"]) == (400, 400)
    assert [payment["status"] for payment in payments()] == ["REQUESTED"]


@pytest.mark.parametrize(
    "payload",
    [
        intent_event("payment_intent.created"),
        intent_event("charge.refunded"),
        intent_event("payment_intent.succeeded", metadata={}),  # not a payment the shop started
    ],
    ids=["other-intent-event", "other-event", "foreign-intent"],
)
def test_events_that_settle_no_payment_of_the_shop_are_acknowledged_and_ignored(
    stripe_env: str, payload: str
) -> None:
    assert deliver(payload, stripe_env) == 204
    assert payments() == []


@pytest.mark.parametrize(
    "headers",
    [
        {"stripe-signature": "t=1,v1=deadbeef"},
        {"stripe-signature": "nonsense"},
        {"stripe-signature": signature(intent_event("payment_intent.succeeded", "o2"), "whsec_other")},
    ],
    ids=["forged", "malformed", "other-secret"],
)
def test_an_unverified_notice_is_a_400_problem_and_records_nothing(
    stripe_env: str, headers: dict[str, str]
) -> None:
    status, body = post(intent_event("payment_intent.succeeded", "o2"), headers)

    assert status == 400
    assert body["status"] == 400
    assert "Stripe-Signature" in body["detail"]
    assert payments() == []


def test_a_notice_without_a_signature_is_a_400_problem(stripe_env: str) -> None:
    status, body = post(intent_event("payment_intent.succeeded"), {})

    assert status == 400
    assert body["errors"][0]["field"] == "stripe-signature"


def test_a_signed_body_that_is_no_payment_intent_is_a_400_problem(stripe_env: str) -> None:
    shop_metadata = {"metadata": {"order_id": "o1", "customer_id": "c1"}}  # but no id, amount, currency
    payload = json.dumps({"type": "payment_intent.succeeded", "data": {"object": shop_metadata}})

    status, _ = post(payload, {"stripe-signature": signature(payload, stripe_env)})

    assert status == 400
    assert payments() == []


def test_on_the_sandbox_provider_the_route_is_a_404_problem(
    stripe_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_PAYMENT_PROVIDER", "sandbox")
    payload = intent_event("payment_intent.succeeded")

    status, body = post(payload, {"stripe-signature": signature(payload, stripe_env)})

    assert (status, body["status"]) == (404, 404)
    assert payments() == []


class Inbox:
    """Where localstripe delivers its webhooks: keeps each body and signature."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, str]] = []
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                inbox.received.append((json.loads(body)["type"], body, self.headers["Stripe-Signature"]))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def inbox(localstripe: LocalStripe) -> Iterator[Inbox]:
    box = Inbox()
    thread = threading.Thread(target=box.server.serve_forever, daemon=True)
    thread.start()
    localstripe.register_webhook(box.url, name="test-inbox")
    yield box
    localstripe.register_webhook("http://127.0.0.1:9/gone", name="test-inbox")  # nothing listens there
    box.server.shutdown()
    box.server.server_close()


def localstripe_notice(inbox: Inbox, order_id: str, amount: int) -> tuple[str, str, str]:
    """A real charge at localstripe for the order, and the webhook localstripe signed for it."""
    charge = StripeGateway.from_settings().charge(
        Money(amount=amount, currency="EUR"), "tok_visa", idempotency_key=order_id, customer_id="c9"
    )

    def succeeded() -> list[tuple[str, str, str]]:
        return [item for item in inbox.received if item[0] == "payment_intent.succeeded"]

    within(10, lambda: bool(succeeded()))
    [(_, body, signed)] = succeeded()
    return charge.provider_reference, body, signed


def refunds_of(provider: stripe.StripeClient, intent_id: str) -> list[tuple[int, str | None]]:
    refunds = provider.v1.refunds.list(params={"payment_intent": intent_id}).data
    return [(refund.amount, refund.status) for refund in refunds]


def test_a_webhook_localstripe_signed_is_verified_and_recorded(
    stripe_env: str, provider: stripe.StripeClient, inbox: Inbox, order_id: str
) -> None:
    request_payment(order_id, 2599, customer_id="c9")
    intent_id, body, signed = localstripe_notice(inbox, order_id, 2599)

    status, _ = post(body, {"stripe-signature": signed, "content-type": "application/json; charset=utf-8"})

    assert status == 204
    [payment] = payments()
    assert (payment["order_id"], payment["customer_id"]) == (order_id, "c9")
    assert (payment["status"], payment["provider_reference"]) == ("CAPTURED", intent_id)
    assert refunds_of(provider, intent_id) == []


@pytest.mark.parametrize("requested", [1000, None], ids=["another-amount", "never-requested"])
def test_a_signed_notice_the_shop_did_not_ask_for_records_nothing_and_is_refunded(
    stripe_env: str, provider: stripe.StripeClient, inbox: Inbox, order_id: str, requested: int | None
) -> None:
    if requested is not None:
        request_payment(order_id, requested)
    intent_id, body, signed = localstripe_notice(inbox, order_id, 2599)

    status, _ = post(body, {"stripe-signature": signed})

    assert status == 204  # acknowledged: Stripe stops sending it
    assert [payment["status"] for payment in payments()] == (["REQUESTED"] if requested else [])
    assert outbox_events(TABLE) == []
    assert refunds_of(provider, intent_id) == [(2599, "succeeded")]
