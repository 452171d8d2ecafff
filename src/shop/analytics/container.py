"""Wiring: ports to adapters, configuration read from the environment when first needed."""

from __future__ import annotations

from dependency_injector import containers, providers

from shop.analytics.adapters.dynamo_projections import DynamoProjections
from shop.analytics.adapters.sqs_queues import SqsQueues
from shop.kernel.clock import SystemClock
from shop.platform import aws
from shop.platform.settings import setting

SERVICE = "analytics"


def queue_prefix(table_name: str) -> str:
    """The shop names every resource `<prefix><name>` (Terraform: `shop-dev-orders`, the local
    stack: `shop-orders-events`), so the queues share the prefix of this service's table."""
    return table_name.removesuffix(SERVICE)


class Container(containers.DeclarativeContainer):
    # aws.client caches per process; calling it on each resolution keeps reset_clients() effective
    dynamodb = providers.Callable(aws.client, "dynamodb")
    sqs = providers.Callable(aws.client, "sqs")
    table_name = providers.Callable(setting, "ANALYTICS_TABLE_NAME")
    projections = providers.Factory(DynamoProjections, client=dynamodb, table=table_name)
    queues = providers.Factory(SqsQueues, client=sqs, prefix=providers.Callable(queue_prefix, table_name))
    clock = providers.Singleton(SystemClock)
