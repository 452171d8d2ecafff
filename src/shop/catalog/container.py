"""Wiring: ports to adapters, configuration read from the environment when first needed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

from shop.catalog.adapters.dynamo_products import DynamoProducts
from shop.kernel.clock import SystemClock
from shop.platform import aws
from shop.platform.settings import setting

if TYPE_CHECKING:
    from shop.catalog.adapters.dynamo_co_occurrences import DynamoCoOccurrences
    from shop.catalog.adapters.dynamo_inventory import DynamoInventory


# The queue's adapter and the recommendations' are imported when first built, as their domain
# modules are (service.py): the products' routes do not load them at their cold start.
def _co_occurrences(**wiring: Any) -> DynamoCoOccurrences:
    from shop.catalog.adapters.dynamo_co_occurrences import DynamoCoOccurrences

    return DynamoCoOccurrences(**wiring)


def _inventory(**wiring: Any) -> DynamoInventory:
    from shop.catalog.adapters.dynamo_inventory import DynamoInventory

    return DynamoInventory(**wiring)


class Container(containers.DeclarativeContainer):
    # aws.client caches per process; calling it on each resolution keeps reset_clients() effective
    dynamodb = providers.Callable(aws.client, "dynamodb")
    table_name = providers.Callable(setting, "CATALOG_TABLE_NAME")
    clock = providers.Singleton(SystemClock)
    products = providers.Factory(DynamoProducts, client=dynamodb, table=table_name)
    co_occurrences = providers.Factory(_co_occurrences, client=dynamodb, table=table_name)
    inventory = providers.Factory(_inventory, client=dynamodb, table=table_name, clock=clock)
