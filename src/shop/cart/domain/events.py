"""The events the cart consumes, read tolerantly: only the fields the cart needs."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class OrderedLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    product_id: str
    quantity: int = Field(ge=1)


class OrderPlaced(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    order_id: str
    customer_id: str
    lines: tuple[OrderedLine, ...]
    placed_at: datetime
