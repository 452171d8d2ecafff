"""The cart's queue: OrderPlaced shows the order pending in GET /cart until OrderConfirmed
(which also empties the ordered lines from the customer's cart) or OrderCancelled ends it;
UserDeleted drops the deleted customer's cart."""

from __future__ import annotations

from shop.cart import service
from shop.cart.container import Container
from shop.cart.domain.events import OrderCancelled, OrderConfirmed, OrderPlaced, UserDeleted
from shop.kernel.events import Event
from shop.platform.consumer import sqs_handler

container = Container()


def on_order_confirmed(event: Event) -> None:
    order = OrderConfirmed.model_validate(event.data)
    service.settle_order(order, carts=container.carts(), clock=container.clock())


def on_order_placed(event: Event) -> None:
    order = OrderPlaced.model_validate(event.data)
    service.note_order_placed(order, carts=container.carts(), clock=container.clock())


def on_order_cancelled(event: Event) -> None:
    order = OrderCancelled.model_validate(event.data)
    service.note_order_cancelled(order, carts=container.carts(), clock=container.clock())


def on_user_deleted(event: Event) -> None:
    service.drop_cart(UserDeleted.model_validate(event.data).user_id, carts=container.carts())


handler = sqs_handler(
    "cart",
    {
        "OrderPlaced": on_order_placed,
        "OrderConfirmed": on_order_confirmed,
        "OrderCancelled": on_order_cancelled,
        "UserDeleted": on_user_deleted,
    },
)
