"""The orders queue: the checkout saga's replies from catalog and payments, and a deleted
customer's erasure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

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
from shop.orders.ports import Orders
from shop.platform.consumer import sqs_handler

container = Container()


def on_stock_reserved(event: Event) -> None:
    _told(service.request_payment(StockReserved.model_validate(event.data), **_ports()))


def on_stock_rejected(event: Event) -> None:
    _told(service.cancel_for_stock(StockRejected.model_validate(event.data), **_ports()))


def on_payment_captured(event: Event) -> None:
    _told(service.confirm_order(PaymentCaptured.model_validate(event.data), **_ports()))


def on_payment_declined(event: Event) -> None:
    _told(service.cancel_for_payment(PaymentDeclined.model_validate(event.data), **_ports()))


def on_payment_refunded(event: Event) -> None:
    _told(service.record_refund(PaymentRefunded.model_validate(event.data), **_ports()))


def on_user_deleted(event: Event) -> None:
    service.erase_customer(UserDeleted.model_validate(event.data), **_ports())


class _Ports(TypedDict):
    """What every saga step takes, typed so that `**_ports()` is checked against each step."""

    orders: Orders
    clock: Clock


def _ports() -> _Ports:
    return {"orders": container.orders(), "clock": container.clock()}


def _told(change: Change[Order] | None) -> None:
    if change is not None:
        container.business_metrics().record(change.events)


handler: Callable[[dict[str, Any], Any], dict[str, Any]] = sqs_handler(
    "orders",
    {
        "StockReserved": on_stock_reserved,
        "StockRejected": on_stock_rejected,
        "PaymentCaptured": on_payment_captured,
        "PaymentDeclined": on_payment_declined,
        "PaymentRefunded": on_payment_refunded,
        "UserDeleted": on_user_deleted,
    },
)
