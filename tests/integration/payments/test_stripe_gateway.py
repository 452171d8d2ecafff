"""What only the Stripe adapter does, against localstripe on 127.0.0.1: what the provider
holds after a charge and a refund, a lost answer retried under the same key, a payment that
settles later, and where the key comes from."""

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
import stripe

from shop.kernel.money import Money
from shop.local.test_support.localstripe import API_KEY, LocalStripe
from shop.payments.adapters.sandbox_gateway import SandboxGateway
from shop.payments.adapters.stripe_gateway import StripeGateway, stripe_settings
from shop.payments.container import Container
from shop.payments.domain.errors import PaymentPending
from shop.platform.aws import client

pytestmark = pytest.mark.integration

EUR_25 = Money(amount=2599, currency="EUR")


def test_a_charge_is_one_confirmed_payment_intent_for_the_order(
    stripe_gateway: StripeGateway, provider: stripe.StripeClient, order_id: str
) -> None:
    result = stripe_gateway.charge(EUR_25, "tok_visa", idempotency_key=order_id, customer_id="c1")

    intent = provider.v1.payment_intents.retrieve(result.provider_reference)
    assert result.approved
    assert (intent.status, intent.amount, intent.currency) == ("succeeded", 2599, "eur")
    assert intent.metadata.to_dict() == {"order_id": order_id, "customer_id": "c1"}


def test_a_refund_shows_up_at_the_provider(
    stripe_gateway: StripeGateway, provider: stripe.StripeClient, order_id: str
) -> None:
    charge = stripe_gateway.charge(EUR_25, "tok_visa", idempotency_key=order_id, customer_id="c1")
    partial = Money(amount=1000, currency="EUR")

    refund = stripe_gateway.refund(charge.provider_reference, partial, idempotency_key=f"{order_id}:refund")

    refunds = provider.v1.refunds.list(params={"payment_intent": charge.provider_reference}).data
    assert [(r.id, r.amount, r.status) for r in refunds] == [(refund.provider_reference, 1000, "succeeded")]


@pytest.mark.parametrize(
    ("money", "at_stripe"),
    [
        (Money(amount=1500, currency="JPY"), 1500),
        (Money(amount=2750, currency="KWD"), 2750),
        (Money(amount=1500, currency="ISK"), 150000),
    ],
)
def test_a_charge_is_sent_in_stripe_s_units_of_the_currency(
    stripe_gateway: StripeGateway, provider: stripe.StripeClient, order_id: str, money: Money, at_stripe: int
) -> None:
    result = stripe_gateway.charge(money, "tok_visa", idempotency_key=order_id, customer_id="c1")

    intent = provider.v1.payment_intents.retrieve(result.provider_reference)
    assert (intent.amount, intent.currency) == (at_stripe, money.currency.lower())


def test_an_amount_stripe_cannot_take_exactly_is_declined_before_any_call(
    stripe_gateway: StripeGateway, provider: stripe.StripeClient, order_id: str
) -> None:
    result = stripe_gateway.charge(Money(amount=2755, currency="KWD"), "tok_visa", order_id, customer_id="c1")

    assert (result.approved, result.decline_reason) == (False, "invalid_amount")
    intents = provider.v1.payment_intents.list(params={"limit": 100}).data
    assert [i.id for i in intents if i.metadata.to_dict().get("order_id") == order_id] == []


class DroppingProxy:
    """Forwards to the server, but swallows the answer to the first POST (a lost response)."""

    def __init__(self, upstream: str) -> None:
        self.posts: list[str | None] = []

        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                answer = requests.post(upstream + self.path, data=body, headers=headers, timeout=10)
                outer.posts.append(self.headers.get("Idempotency-Key"))
                if len(outer.posts) == 1:
                    self.close_connection = True  # the charge happened; the client never hears of it
                    return
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def dropping_proxy(localstripe: LocalStripe) -> Iterator[DroppingProxy]:
    proxy = DroppingProxy(localstripe.api_base)
    thread = threading.Thread(target=proxy.server.serve_forever, daemon=True)
    thread.start()
    yield proxy
    proxy.server.shutdown()
    proxy.server.server_close()


def test_a_lost_answer_is_retried_under_the_same_key_and_charges_once(
    dropping_proxy: DroppingProxy, provider: stripe.StripeClient, order_id: str
) -> None:
    gateway = StripeGateway(API_KEY, dropping_proxy.url)

    result = gateway.charge(EUR_25, "tok_visa", idempotency_key=order_id, customer_id="c1")

    assert result.approved
    assert dropping_proxy.posts == [order_id, order_id]  # stripe's own retry, same key
    intents = provider.v1.payment_intents.list(params={"limit": 100}).data
    charged = [i.id for i in intents if i.metadata.to_dict().get("order_id") == order_id]
    assert charged == [result.provider_reference]


def test_a_payment_that_settles_later_is_pending_then_final_under_the_same_key(
    stripe_gateway: StripeGateway, provider: stripe.StripeClient, order_id: str
) -> None:
    # localstripe fails this IBAN's debit asynchronously (≈0.5 s); it stands in for any payment that
    # settles later (localstripe does not hold the adapter's payment_method_types=[card] against it)
    method = provider.v1.payment_methods.create(
        params={"type": "sepa_debit", "sepa_debit": {"iban": "DE62370400440532013001"}}
    )

    with pytest.raises(PaymentPending):
        stripe_gateway.charge(EUR_25, method.id, idempotency_key=order_id, customer_id="c1")
    deadline = time.monotonic() + 10
    while True:
        try:
            result = stripe_gateway.charge(EUR_25, method.id, idempotency_key=order_id, customer_id="c1")
            break
        except PaymentPending:
            assert time.monotonic() < deadline, "the payment never settled"
            time.sleep(0.2)

    assert not result.approved
    assert result.decline_reason == "card_declined"
    assert provider.v1.payment_intents.retrieve(result.provider_reference).status == "requires_payment_method"


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("SHOP_STRIPE_SECRET_ARN", "SHOP_STRIPE_SECRET", "SHOP_STRIPE_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    stripe_settings.cache_clear()
    yield
    stripe_settings.cache_clear()


def test_locally_the_key_and_server_come_from_the_environment(
    fresh_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "SHOP_STRIPE_SECRET", json.dumps({"api_key": "sk_test_env", "webhook_secret": "whsec_env"})
    )
    monkeypatch.setenv("SHOP_STRIPE_API_BASE", "http://127.0.0.1:1")

    settings = stripe_settings()

    assert (settings.api_key, settings.api_base, settings.webhook_secret) == (
        "sk_test_env",
        "http://127.0.0.1:1",
        "whsec_env",
    )


def test_without_a_key_the_error_names_the_setting(fresh_settings: None) -> None:
    with pytest.raises(RuntimeError, match="SHOP_STRIPE_SECRET_ARN nor SHOP_STRIPE_SECRET"):
        stripe_settings()


def test_on_aws_the_key_is_read_from_secrets_manager_once(
    fresh_settings: None, aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = client("secretsmanager")
    secret = {"api_key": "sk_test_secret", "webhook_secret": "whsec_secret"}
    arn = secrets.create_secret(Name="shop/stripe", SecretString=json.dumps(secret))["ARN"]
    monkeypatch.setenv("SHOP_STRIPE_SECRET_ARN", arn)
    monkeypatch.setenv("SHOP_STRIPE_SECRET", "sk_test_ignored")  # the deployed secret wins

    first = stripe_settings()
    secrets.put_secret_value(SecretId=arn, SecretString=json.dumps({"api_key": "sk_test_rotated"}))
    again = stripe_settings()

    assert (first.api_key, first.webhook_secret) == ("sk_test_secret", "whsec_secret")
    assert again is first  # once per execution environment


def test_a_secret_holding_only_the_key_takes_no_webhooks(
    fresh_settings: None, aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    arn = client("secretsmanager").create_secret(Name="shop/stripe", SecretString="sk_test_plain")["ARN"]
    monkeypatch.setenv("SHOP_STRIPE_SECRET_ARN", arn)

    settings = stripe_settings()

    assert (settings.api_key, settings.webhook_secret) == ("sk_test_plain", None)


@pytest.mark.parametrize(
    ("setting", "adapter"), [(None, SandboxGateway), ("sandbox", SandboxGateway), ("stripe", StripeGateway)]
)
def test_the_provider_is_chosen_by_configuration(
    fresh_settings: None, monkeypatch: pytest.MonkeyPatch, setting: str | None, adapter: type
) -> None:
    monkeypatch.setenv("SHOP_STRIPE_SECRET", "sk_test_env")
    if setting is None:
        monkeypatch.delenv("SHOP_PAYMENT_PROVIDER", raising=False)
    else:
        monkeypatch.setenv("SHOP_PAYMENT_PROVIDER", setting)

    assert isinstance(Container().gateway(), adapter)


def test_an_unknown_provider_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_PAYMENT_PROVIDER", "paypal")
    with pytest.raises(RuntimeError, match="SHOP_PAYMENT_PROVIDER"):
        Container().gateway()


def test_the_sandbox_path_does_not_load_stripe() -> None:
    import subprocess
    import sys

    probe = (
        "import sys; from shop.payments.container import Container; Container().gateway(); "
        "print('stripe' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
