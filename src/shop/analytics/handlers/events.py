"""The analytics queue: CartStarted, OrderPlaced, OrderConfirmed and OrderCancelled → the projections."""

from __future__ import annotations

from shop.analytics.container import Container
from shop.analytics.domain.events import CartStarted, OrderCancelled, OrderConfirmed, OrderPlaced
from shop.analytics.service import count_cancelled, count_cart_started, count_confirmed, count_placed
from shop.kernel.events import Event
from shop.platform.consumer import sqs_handler

container = Container()


def on_cart_started(event: Event) -> None:
    count_cart_started(CartStarted.model_validate(event.data), projections=container.projections())


def on_order_placed(event: Event) -> None:
    count_placed(OrderPlaced.model_validate(event.data), projections=container.projections())


def on_order_confirmed(event: Event) -> None:
    data = OrderConfirmed.model_validate(event.data)
    count_confirmed(data, event.occurred_at, projections=container.projections())


def on_order_cancelled(event: Event) -> None:
    data = OrderCancelled.model_validate(event.data)
    count_cancelled(data, event.occurred_at, projections=container.projections())


handler = sqs_handler(
    "analytics",
    {
        "CartStarted": on_cart_started,
        "OrderPlaced": on_order_placed,
        "OrderConfirmed": on_order_confirmed,
        "OrderCancelled": on_order_cancelled,
    },
)
