"""The cart's queue: OrderConfirmed empties the ordered lines from the customer's cart;
UserDeleted drops the deleted customer's cart."""

from __future__ import annotations

from shop.cart import service
from shop.cart.container import Container
from shop.cart.domain.events import OrderConfirmed, UserDeleted
from shop.kernel.events import Event
from shop.platform.consumer import sqs_handler

container = Container()


def on_order_confirmed(event: Event) -> None:
    order = OrderConfirmed.model_validate(event.data)
    service.settle_order(order, carts=container.carts(), clock=container.clock())


def on_user_deleted(event: Event) -> None:
    service.clear_cart(UserDeleted.model_validate(event.data).user_id, carts=container.carts())


handler = sqs_handler("cart", {"OrderConfirmed": on_order_confirmed, "UserDeleted": on_user_deleted})
