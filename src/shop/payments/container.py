"""Wiring: ports to adapters, configuration read from the environment when first needed."""

from __future__ import annotations

import os

from dependency_injector import containers, providers

from shop.kernel.clock import SystemClock
from shop.payments.adapters.dynamo_payments import DynamoPayments
from shop.payments.adapters.sandbox_gateway import SandboxGateway
from shop.payments.adapters.stripe_gateway import StripeGateway, StripeNotices, stripe_settings
from shop.payments.domain.errors import WebhooksDisabled
from shop.platform import aws
from shop.platform.settings import setting

PROVIDERS = ("sandbox", "stripe")
ALLOW_SANDBOX = "SHOP_ALLOW_SANDBOX_PAYMENTS"


def payment_provider() -> str:
    """SHOP_PAYMENT_PROVIDER: `sandbox` (the default) or `stripe`. The sandbox approves test tokens
    without charging anyone, so it is refused unless SHOP_ALLOW_SANDBOX_PAYMENTS is `true`: a
    deployment that forgot its provider fails closed instead of giving goods away."""
    name = os.environ.get("SHOP_PAYMENT_PROVIDER") or "sandbox"
    if name not in PROVIDERS:
        raise RuntimeError(f"SHOP_PAYMENT_PROVIDER is {name!r}; expected one of {', '.join(PROVIDERS)}")
    if name == "sandbox" and os.environ.get(ALLOW_SANDBOX) != "true":
        raise RuntimeError(
            f"SHOP_PAYMENT_PROVIDER is sandbox, which takes no money, and {ALLOW_SANDBOX} is not 'true': "
            "set the provider to stripe, or allow the sandbox on a stage that sells nothing"
        )
    return name


def charge_notices() -> StripeNotices:
    secret = stripe_settings().webhook_secret if payment_provider() == "stripe" else None
    if not secret:
        raise WebhooksDisabled("This deployment takes no Stripe webhooks.")
    return StripeNotices(secret)


class Container(containers.DeclarativeContainer):
    # aws.client caches per process; calling it on each resolution keeps reset_clients() effective
    dynamodb = providers.Callable(aws.client, "dynamodb")
    table_name = providers.Callable(setting, "PAYMENTS_TABLE_NAME")
    payments = providers.Factory(DynamoPayments, client=dynamodb, table=table_name)
    gateway = providers.Selector(
        payment_provider,
        sandbox=providers.Singleton(SandboxGateway),
        # one client per execution environment: the key is read once, and connections are reused
        stripe=providers.Singleton(StripeGateway.from_settings),
    )
    notices = providers.Callable(charge_notices)
    clock = providers.Singleton(SystemClock)


def start_container() -> Container:
    """The handlers' container, started at import: a provider this deployment may not use fails the
    function's cold start (Lambda's init) with the reason, not each request."""
    payment_provider()
    return Container()
