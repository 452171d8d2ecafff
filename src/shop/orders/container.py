"""Wiring of the orders ports to their adapters; configuration is read from the
environment when a provider is first called, never at import."""

from __future__ import annotations

from dependency_injector import containers, providers

from shop.kernel.clock import SystemClock
from shop.orders.adapters.cart_api import HttpCartReader
from shop.orders.adapters.dynamo_orders import DynamoOrders
from shop.orders.adapters.emf_metrics import EmfBusinessMetrics
from shop.platform import aws
from shop.platform.settings import setting


class Container(containers.DeclarativeContainer):
    # aws.client caches per process; calling it on each resolution keeps reset_clients() effective
    dynamodb = providers.Callable(aws.client, "dynamodb")
    table_name = providers.Callable(setting, "ORDERS_TABLE_NAME")

    clock = providers.Singleton(SystemClock)
    carts = providers.Singleton(HttpCartReader)
    orders = providers.Factory(DynamoOrders, client=dynamodb, table=table_name)
    business_metrics = providers.Singleton(EmfBusinessMetrics)
