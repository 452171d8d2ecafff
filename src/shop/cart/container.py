"""Wiring: ports to adapters, configuration from the environment, read only when used."""

from __future__ import annotations

import os

from dependency_injector import containers, providers

from shop.cart.adapters.catalog_api import HttpProductCatalog
from shop.cart.adapters.dynamo_carts import DynamoCarts
from shop.kernel.clock import SystemClock
from shop.platform import aws


def _env(name: str) -> str:
    return os.environ[name]


class Container(containers.DeclarativeContainer):
    clock = providers.Singleton(SystemClock)
    dynamodb = providers.Callable(aws.client, "dynamodb")
    carts = providers.Factory(DynamoCarts, client=dynamodb, table=providers.Callable(_env, "CART_TABLE_NAME"))
    catalog = providers.Singleton(HttpProductCatalog)
