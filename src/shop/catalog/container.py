"""Wiring: ports to adapters, configuration read from the environment when first needed."""

from __future__ import annotations

from dependency_injector import containers, providers

from shop.catalog.adapters.dynamo_co_occurrences import DynamoCoOccurrences
from shop.catalog.adapters.dynamo_inventory import DynamoInventory
from shop.catalog.adapters.dynamo_products import DynamoProducts
from shop.kernel.clock import SystemClock
from shop.platform import aws
from shop.platform.settings import setting


class Container(containers.DeclarativeContainer):
    # aws.client caches per process; calling it on each resolution keeps reset_clients() effective
    dynamodb = providers.Callable(aws.client, "dynamodb")
    table_name = providers.Callable(setting, "CATALOG_TABLE_NAME")
    clock = providers.Singleton(SystemClock)
    products = providers.Factory(DynamoProducts, client=dynamodb, table=table_name)
    co_occurrences = providers.Factory(DynamoCoOccurrences, client=dynamodb, table=table_name)
    inventory = providers.Factory(DynamoInventory, client=dynamodb, table=table_name, clock=clock)
