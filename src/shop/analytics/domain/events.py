"""The events analytics projects, read tolerantly: only the fields it needs.

Confirmation and cancellation times are the envelope's `occurred_at`; placement time is the
order's own `placed_at` (the 202), a cart's start its own `started_at`."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shop.kernel.money import Money

Id = Annotated[str, Field(min_length=1, max_length=128)]


class _Consumed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class SoldLine(_Consumed):
    product_id: Id
    name: Annotated[str, Field(max_length=200)] = ""
    quantity: Annotated[int, Field(ge=1)]


class CancelledLine(SoldLine):
    line_total: Money


class CartStarted(_Consumed):
    cart_id: Id
    customer_id: Id
    started_at: datetime


class OrderPlaced(_Consumed):
    order_id: Id
    customer_id: Id
    placed_at: datetime


class OrderConfirmed(_Consumed):
    order_id: Id
    lines: tuple[SoldLine, ...]
    total: Money


class OrderCancelled(_Consumed):
    order_id: Id
    reason: Annotated[str, Field(min_length=1, max_length=64)]
    lines: tuple[CancelledLine, ...] = ()
