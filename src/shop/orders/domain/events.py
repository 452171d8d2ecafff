"""Integration events: those orders publishes (payloads as docs/conventions.md fixes them) and
its own tolerant readings of those it consumes."""

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from shop.kernel.events import EventData
from shop.kernel.money import Money

CancellationReasonName = Literal["OUT_OF_STOCK", "PAYMENT_DECLINED", "CUSTOMER_CANCELLED"]


class EventLine(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    product_id: str
    name: str
    quantity: int
    unit_price: Money
    line_total: Money
    revision: str | None = None  # the cart line's version: its confirmation removes exactly this line


# -- published ------------------------------------------------------------------------


class OrderPlaced(EventData):
    event_type: ClassVar[str] = "OrderPlaced"

    order_id: str
    customer_id: str
    lines: tuple[EventLine, ...]
    total: Money
    placed_at: datetime


class PaymentRequested(EventData):
    event_type: ClassVar[str] = "PaymentRequested"

    order_id: str
    customer_id: str
    amount: Money
    payment_token: str


class OrderConfirmed(EventData):
    event_type: ClassVar[str] = "OrderConfirmed"

    order_id: str
    customer_id: str
    lines: tuple[EventLine, ...]
    total: Money
    placed_at: datetime  # the cart tells this order's end from a later one's


class OrderCancelled(EventData):
    event_type: ClassVar[str] = "OrderCancelled"

    order_id: str
    customer_id: str
    reason: CancellationReasonName
    lines: tuple[EventLine, ...]
    placed_at: datetime  # the cart tells this order's end from a later one's


class RefundRequested(EventData):
    event_type: ClassVar[str] = "RefundRequested"

    order_id: str
    customer_id: str
    payment_id: str
    amount: Money


# -- consumed (only the fields orders needs; anything else is ignored) ------------------


class _Consumed(BaseModel):
    # built on first use, as the envelope and the published payloads: the HTTP function
    # reads none of these
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    order_id: str


class StockReserved(_Consumed):
    pass


class StockRejected(_Consumed):
    product_ids: tuple[str, ...] = ()


class PaymentCaptured(_Consumed):
    payment_id: str


class PaymentDeclined(_Consumed):
    payment_id: str | None = None
    reason: str | None = None


class PaymentRefunded(_Consumed):
    payment_id: str | None = None


class UserDeleted(BaseModel):
    """A customer deleted the account: their orders keep no personal data."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    user_id: str
