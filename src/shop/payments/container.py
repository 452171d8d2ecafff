"""Wiring: ports to adapters, configuration read from the environment when first needed."""

from __future__ import annotations

import os

from dependency_injector import containers, providers

from shop.kernel.clock import SystemClock
from shop.payments.adapters.dynamo_payments import DynamoPayments
from shop.payments.adapters.sandbox_gateway import SandboxGateway
from shop.payments.adapters.stripe_gateway import StripeGateway, stripe_settings
from shop.platform import aws
from shop.platform.settings import setting

PROVIDERS = ("sandbox", "stripe")


def payment_provider() -> str:
    """SHOP_PAYMENT_PROVIDER: `sandbox` (the default) or `stripe`."""
    name = os.environ.get("SHOP_PAYMENT_PROVIDER") or "sandbox"
    if name not in PROVIDERS:
        raise RuntimeError(f"SHOP_PAYMENT_PROVIDER is {name!r}; expected one of {', '.join(PROVIDERS)}")
    return name


def stripe_webhook_secret() -> str | None:
    return stripe_settings().webhook_secret if payment_provider() == "stripe" else None


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
    stripe_webhook_secret = providers.Callable(stripe_webhook_secret)
    clock = providers.Singleton(SystemClock)
