"""The cart's queue: OrderPlaced empties the ordered lines from the customer's cart."""

from __future__ import annotations

# Imported before pydantic on purpose: see the note in shop.platform.consumer.
from shop.platform.consumer import sqs_handler

# isort: split
from shop.cart import service
from shop.cart.container import Container
from shop.cart.domain.events import OrderPlaced
from shop.kernel.events import Event

container = Container()


def on_order_placed(event: Event) -> None:
    order = OrderPlaced.model_validate(event.data)
    service.settle_order(order, carts=container.carts(), clock=container.clock())


handler = sqs_handler("cart", {"OrderPlaced": on_order_placed})
