"""A payment: one per order, requested before it is charged, charged once, refunded at most once."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shop.kernel.change import Change
from shop.kernel.money import Money
from shop.payments.domain.errors import InvalidRefund, PaymentAlreadyRecorded, PaymentNotRefundable
from shop.payments.domain.events import PaymentCaptured, PaymentDeclined, PaymentRefunded


class PaymentStatus(StrEnum):
    REQUESTED = "REQUESTED"  # recorded before the charge: the only state a provider's notice may settle
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


class ChargeNotice(BaseModel):
    """The provider's own word on how a charge ended (a webhook), for the order it names."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    amount: Money
    result: ChargeResult


class Mismatch(StrEnum):
    """Why a provider's notice settles no payment the shop asked for."""

    NOT_REQUESTED = "not_requested"  # no payment was ever requested for the order
    NOT_WAITING = "not_waiting"  # the order's payment was settled by another charge
    OTHER_AMOUNT = "other_amount"  # another amount or currency than the shop asked for


class UnmatchedNotice(BaseModel):
    """A notice that settled nothing the shop asked for, and the refund of the money it took."""

    model_config = ConfigDict(frozen=True)

    notice: ChargeNotice
    mismatch: Mismatch
    refund: RefundResult | None = None


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
    def requested(
        cls, *, payment_id: str, order_id: str, customer_id: str, amount: Money, at: datetime
    ) -> Change["Payment"]:
        """The shop's own record of what it is about to charge, written before the charge."""
        payment = cls(
            payment_id=payment_id,
            order_id=order_id,
            customer_id=customer_id,
            amount=amount,
            status=PaymentStatus.REQUESTED,
            provider_reference="",
            created_at=at,
        )
        return Change(None, payment)

    def settled(self, result: ChargeResult) -> Change["Payment"]:
        """The requested payment as the provider's answer left it, with the event that tells the order."""
        if self.status is not PaymentStatus.REQUESTED:
            raise PaymentAlreadyRecorded(f"payment {self.payment_id} is {self.status.value}", existing=self)
        payment = self.model_copy(
            update={
                "status": PaymentStatus.CAPTURED if result.approved else PaymentStatus.DECLINED,
                "provider_reference": result.provider_reference,
                "decline_reason": None if result.approved else (result.decline_reason or "declined"),
            }
        )
        return Change(self, payment, (payment.outcome(),))

    def awaits(self, notice: ChargeNotice) -> bool:
        """Whether the notice settles this payment: still waiting, and for the amount the shop asked."""
        return self.status is PaymentStatus.REQUESTED and notice.amount == self.amount

    def mismatch(self, notice: ChargeNotice) -> Mismatch:
        """Why a notice this payment does not await settles nothing."""
        return Mismatch.OTHER_AMOUNT if self.status is PaymentStatus.REQUESTED else Mismatch.NOT_WAITING

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

    def refunded(self, amount: Money, result: RefundResult, at: datetime) -> Change["Payment"]:
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
