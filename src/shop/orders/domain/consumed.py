"""Orders' own tolerant readings of the events it consumes: only the fields it needs, anything
else ignored. A module apart from the events it publishes, so the HTTP function, which reads
none of them, does not build them at its cold start."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Consumed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

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

    model_config = ConfigDict(frozen=True, extra="ignore")

    user_id: str
