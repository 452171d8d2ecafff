"""Wiring of the orders ports to their adapters; configuration is read from the
environment when a provider is first called, never at import."""

from __future__ import annotations

from dependency_injector import containers, providers

from shop.kernel.clock import SystemClock
from shop.orders.adapters.cart_api import HttpCartReader
from shop.orders.adapters.dynamo_orders import DynamoOrders
from shop.platform.settings import setting


class Container(containers.DeclarativeContainer):
    table_name = providers.Callable(setting, "ORDERS_TABLE_NAME")

    clock = providers.Singleton(SystemClock)
    carts = providers.Singleton(HttpCartReader)
    orders = providers.Factory(DynamoOrders, table=table_name)
