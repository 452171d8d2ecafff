"""Wiring: ports to adapters, configuration from the environment, read only when used."""

from __future__ import annotations

from dependency_injector import containers, providers

from shop.cart.adapters.catalog_api import HttpProductCatalog
from shop.cart.adapters.dynamo_carts import DynamoCarts
from shop.cart.adapters.orders_api import HttpPlacedOrders
from shop.kernel.clock import SystemClock
from shop.platform import aws
from shop.platform.settings import setting


class Container(containers.DeclarativeContainer):
    clock = providers.Singleton(SystemClock)
    dynamodb = providers.Callable(aws.client, "dynamodb")
    table_name = providers.Callable(setting, "CART_TABLE_NAME")
    carts = providers.Factory(DynamoCarts, client=dynamodb, table=table_name)
    catalog = providers.Singleton(HttpProductCatalog)
    orders = providers.Singleton(HttpPlacedOrders)
