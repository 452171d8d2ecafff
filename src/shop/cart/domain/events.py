"""The events the cart consumes, read tolerantly: only the fields the cart needs."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class OrderedLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    product_id: str
    quantity: int = Field(ge=1)


class OrderConfirmed(BaseModel):
    """An order paid for: its lines leave the cart. (Not OrderPlaced: an order that fails —
    out of stock, payment declined — must leave the cart as the customer left it.)"""

    model_config = ConfigDict(frozen=True, extra="ignore")

    order_id: str
    customer_id: str
    lines: tuple[OrderedLine, ...]
    placed_at: datetime
