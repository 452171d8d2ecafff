"""The catalog queue: OrderPlaced → reserve, OrderCancelled → release, OrderConfirmed → sold."""

from __future__ import annotations

from shop.catalog.container import Container
from shop.catalog.domain.events import OrderCancelled, OrderConfirmed, OrderPlaced
from shop.catalog.service import confirm_stock, release_stock, reserve_stock
from shop.kernel.events import Event
from shop.platform.consumer import sqs_handler

container = Container()


def on_order_placed(event: Event) -> None:
    reserve_stock(OrderPlaced.model_validate(event.data), inventory=container.inventory())


def on_order_cancelled(event: Event) -> None:
    release_stock(OrderCancelled.model_validate(event.data), inventory=container.inventory())


def on_order_confirmed(event: Event) -> None:
    confirm_stock(OrderConfirmed.model_validate(event.data), inventory=container.inventory())


handler = sqs_handler(
    "catalog",
    {
        "OrderPlaced": on_order_placed,
        "OrderCancelled": on_order_cancelled,
        "OrderConfirmed": on_order_confirmed,
    },
)
