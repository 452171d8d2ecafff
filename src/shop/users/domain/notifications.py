"""Telling a customer what became of an order: the events we read (only the fields we
need) and the short notification we send."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

OrderStatus = Literal["CONFIRMED", "CANCELLED"]

_REASONS = {
    "OUT_OF_STOCK": "some items were out of stock",
    "PAYMENT_DECLINED": "the payment was declined",
    "CUSTOMER_CANCELLED": "you cancelled it",
}


# built on first use (defer_build): the queue consumer's, never the accounts API's
class _OrderEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    order_id: str
    customer_id: str


class _OrderCancelled(_OrderEvent):
    reason: str


class OrderOutcome(BaseModel):
    """An order reached a final state the customer should hear about."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    order_id: str
    customer_id: str
    status: OrderStatus
    reason: str | None = None

    @classmethod
    def confirmed(cls, data: dict[str, Any]) -> "OrderOutcome":
        event = _OrderEvent.model_validate(data)
        return cls(order_id=event.order_id, customer_id=event.customer_id, status="CONFIRMED")

    @classmethod
    def cancelled(cls, data: dict[str, Any]) -> "OrderOutcome":
        event = _OrderCancelled.model_validate(data)
        return cls(
            order_id=event.order_id, customer_id=event.customer_id, status="CANCELLED", reason=event.reason
        )

    @property
    def notice_id(self) -> str:
        """One notice per order and outcome: a redelivered event must not notify twice."""
        return f"{self.order_id}#{self.status}"


class Recipient(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    user_id: str
    email: str
    name: str
    email_verified: bool = False
    already_notified: bool = False


class Notification(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    notice_id: str
    user_id: str
    email: str
    subject: str
    text: str
    order_id: str
    status: OrderStatus
    reason: str | None = None

    @classmethod
    def about(cls, outcome: OrderOutcome, recipient: Recipient) -> "Notification":
        if outcome.status == "CONFIRMED":
            subject = f"Your order {outcome.order_id} is confirmed"
            text = f"Hello {recipient.name}, your order {outcome.order_id} is confirmed and will ship soon."
        else:
            subject = f"Your order {outcome.order_id} was cancelled"
            why = _REASONS.get(outcome.reason or "", "it could not be completed")
            text = f"Hello {recipient.name}, your order {outcome.order_id} was cancelled: {why}."
        return cls(
            notice_id=outcome.notice_id,
            user_id=recipient.user_id,
            email=recipient.email,
            subject=subject[:100],  # SNS subjects are at most 100 characters
            text=text,
            order_id=outcome.order_id,
            status=outcome.status,
            reason=outcome.reason,
        )
