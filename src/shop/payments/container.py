"""Wiring: ports to adapters, configuration read from the environment when first needed."""

from __future__ import annotations

from dependency_injector import containers, providers

from shop.kernel.clock import SystemClock
from shop.payments.adapters.dynamo_payments import DynamoPayments
from shop.payments.adapters.sandbox_gateway import SandboxGateway
from shop.platform import aws
from shop.platform.settings import setting


class Container(containers.DeclarativeContainer):
    # aws.client caches per process; calling it on each resolution keeps reset_clients() effective
    dynamodb = providers.Callable(aws.client, "dynamodb")
    table_name = providers.Callable(setting, "PAYMENTS_TABLE_NAME")
    payments = providers.Factory(DynamoPayments, client=dynamodb, table=table_name)
    gateway = providers.Singleton(SandboxGateway)
    clock = providers.Singleton(SystemClock)
