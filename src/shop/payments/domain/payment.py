"""A payment: one per order, charged once, refunded at most once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shop.kernel.change import Change
from shop.kernel.money import Money
from shop.payments.domain.errors import InvalidRefund, PaymentNotRefundable
from shop.payments.domain.events import PaymentCaptured, PaymentDeclined, PaymentRefunded


class PaymentStatus(StrEnum):
    CAPTURED = "CAPTURED"
    DECLINED = "DECLINED"
    REFUNDED = "REFUNDED"


class ChargeResult(BaseModel):
    """What the provider answered to a charge."""

    model_config = ConfigDict(frozen=True)

    approved: bool
    provider_reference: str
    decline_reason: str | None = None


class RefundResult(BaseModel):
    """What the provider answered to a refund."""

    model_config = ConfigDict(frozen=True)

    refunded: bool
    provider_reference: str
    failure_reason: str | None = None


class Payment(BaseModel):
    model_config = ConfigDict(frozen=True)

    payment_id: str
    order_id: str
    customer_id: str
    amount: Money
    status: PaymentStatus
    provider_reference: str
    decline_reason: str | None = None
    created_at: datetime
    refunded_at: datetime | None = None
    refund_reference: str | None = None

    @classmethod
    def from_charge(
        cls,
        *,
        payment_id: str,
        order_id: str,
        customer_id: str,
        amount: Money,
        result: ChargeResult,
        at: datetime,
    ) -> Change[Payment]:
        """A new payment as the provider's answer left it, with the event that tells the order."""
        payment = cls(
            payment_id=payment_id,
            order_id=order_id,
            customer_id=customer_id,
            amount=amount,
            status=PaymentStatus.CAPTURED if result.approved else PaymentStatus.DECLINED,
            provider_reference=result.provider_reference,
            decline_reason=None if result.approved else (result.decline_reason or "declined"),
            created_at=at,
        )
        return Change(None, payment, (payment.outcome(),))

    def belongs_to(self, customer_id: str) -> bool:
        return self.customer_id == customer_id

    def check_refund(self, amount: Money) -> None:
        """Raise unless `amount` may be refunded from this payment now."""
        if self.status is not PaymentStatus.CAPTURED:
            raise PaymentNotRefundable(f"payment {self.payment_id} is {self.status.value}, not CAPTURED")
        if amount.currency != self.amount.currency or amount.amount > self.amount.amount:
            wanted, captured = (
                f"{amount.amount} {amount.currency}",
                f"{self.amount.amount} {self.amount.currency}",
            )
            raise InvalidRefund(f"cannot refund {wanted} of a payment of {captured}")

    def refunded(self, amount: Money, result: RefundResult, at: datetime) -> Change[Payment]:
        self.check_refund(amount)
        refunded = self.model_copy(
            update={
                "status": PaymentStatus.REFUNDED,
                "refunded_at": at,
                "refund_reference": result.provider_reference,
            }
        )
        told = PaymentRefunded(order_id=self.order_id, payment_id=self.payment_id, amount=amount)
        return Change(self, refunded, (told,))

    def outcome(self) -> PaymentCaptured | PaymentDeclined:
        """The event that tells the orders service how the charge went."""
        if self.status is PaymentStatus.DECLINED:
            return PaymentDeclined(
                order_id=self.order_id, payment_id=self.payment_id, reason=self.decline_reason or "declined"
            )
        return PaymentCaptured(
            order_id=self.order_id,
            payment_id=self.payment_id,
            amount=self.amount,
            provider_reference=self.provider_reference,
        )
