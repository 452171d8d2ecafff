"""The orders queue: the checkout saga's replies from catalog and payments, and a deleted
customer's erasure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from shop.kernel.change import Change
from shop.kernel.clock import Clock
from shop.kernel.events import Event
from shop.orders import service
from shop.orders.container import Container
from shop.orders.domain.events import (
    PaymentCaptured,
    PaymentDeclined,
    PaymentRefunded,
    StockRejected,
    StockReserved,
    UserDeleted,
)
from shop.orders.domain.model import Order
from shop.orders.handlers import business_metrics
from shop.orders.ports import Orders
from shop.platform.consumer import sqs_handler

container = Container()

Payload = TypeVar("Payload", bound=BaseModel)


def _consume(
    payload: type[Payload], use_case: Callable[..., Change[Order] | None]
) -> Callable[[Event], None]:
    def consume(event: Event) -> None:
        orders: Orders = container.orders()
        clock: Clock = container.clock()
        change = use_case(payload.model_validate(event.data), orders=orders, clock=clock)
        if change is not None:
            business_metrics.record(change.events)

    return consume


handler: Callable[[dict[str, Any], Any], dict[str, Any]] = sqs_handler(
    "orders",
    {
        "StockReserved": _consume(StockReserved, service.request_payment),
        "StockRejected": _consume(StockRejected, service.cancel_for_stock),
        "PaymentCaptured": _consume(PaymentCaptured, service.confirm_order),
        "PaymentDeclined": _consume(PaymentDeclined, service.cancel_for_payment),
        "PaymentRefunded": _consume(PaymentRefunded, service.record_refund),
        "UserDeleted": _consume(UserDeleted, service.erase_customer),
    },
)
