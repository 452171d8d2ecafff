"""Integration events: the one the cart publishes (payload as docs/conventions.md fixes it)
and its tolerant readings of those it consumes (only the fields the cart needs)."""

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from shop.kernel.events import EventData

# -- published ------------------------------------------------------------------------


class CartStarted(EventData):
    """A cart went from empty (never written, emptied, or expired) to holding a line: once
    per cart lifetime, the top of the conversion funnel."""

    event_type: ClassVar[str] = "CartStarted"

    cart_id: str
    customer_id: str
    started_at: datetime


# -- consumed ---------------------------------------------------------------------------


class OrderedLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    product_id: str
    revision: str | None = None  # the version of the cart line the order took (none: an order placed before)


class OrderPlaced(BaseModel):
    """An order was placed from the cart: GET /cart shows it pending until it is final."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    order_id: str
    customer_id: str
    placed_at: datetime


class OrderConfirmed(OrderPlaced):
    """An order paid for: its lines leave the cart. (Not OrderPlaced: an order that fails —
    out of stock, payment declined — must leave the cart as the customer left it.)"""

    lines: tuple[OrderedLine, ...]


class OrderCancelled(OrderPlaced):
    """An order that failed or was cancelled: the cart stays as the customer left it."""


class UserDeleted(BaseModel):
    """An account was deleted: its cart goes with it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    user_id: str
