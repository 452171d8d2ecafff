"""Use cases of the payments service: load, decide, save, tell."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shop.kernel.clock import Clock
from shop.kernel.errors import NotFound
from shop.kernel.ids import new_id
from shop.kernel.money import Money
from shop.payments.domain.errors import PaymentAlreadyRecorded, PaymentNotRefundable, RefundFailed
from shop.payments.domain.events import PaymentRequested, RefundRequested
from shop.payments.domain.payment import ChargeResult, Payment, PaymentStatus
from shop.payments.ports import PaymentGateway, Payments


def refund_key(order_id: str) -> str:
    return f"{order_id}:refund"


def charge_payment(
    request: PaymentRequested,
    *,
    payments: Payments,
    gateway: PaymentGateway,
    clock: Clock,
) -> Payment:
    """Charge the order once: a redelivered request finds the payment and charges nothing."""
    existing = payments.for_order(request.order_id)
    if existing is not None:
        return existing
    result = gateway.charge(
        request.amount,
        request.payment_token,
        idempotency_key=request.order_id,
        customer_id=request.customer_id,
    )
    charged = Payment.from_charge(
        payment_id=new_id(),
        order_id=request.order_id,
        customer_id=request.customer_id,
        amount=request.amount,
        result=result,
        at=clock.now(),
    )
    try:
        payments.record(charged)
    except PaymentAlreadyRecorded as twin:  # a concurrent twin won; the provider charged once (same key)
        return twin.existing or charged.after
    return charged.after


class ChargeNotice(BaseModel):
    """The provider's own word on how a charge ended (a webhook), for the order it was made for."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    customer_id: str
    amount: Money
    result: ChargeResult


def settle_charge(notice: ChargeNotice, *, payments: Payments, clock: Clock) -> Payment:
    """Record the outcome the provider notified, unless the charge path already did: this is how a
    capture that completes later, or a charge whose answer was lost, still reaches the order.
    A payment already recorded is left as it is (a redelivered notice, or the charge path won)."""
    existing = payments.for_order(notice.order_id)
    if existing is not None:
        return existing
    charged = Payment.from_charge(
        payment_id=new_id(),
        order_id=notice.order_id,
        customer_id=notice.customer_id,
        amount=notice.amount,
        result=notice.result,
        at=clock.now(),
    )
    try:
        payments.record(charged)
    except PaymentAlreadyRecorded as twin:  # the charge path recorded it meanwhile
        return twin.existing or charged.after
    return charged.after


def refund_payment(
    request: RefundRequested,
    *,
    payments: Payments,
    gateway: PaymentGateway,
    clock: Clock,
) -> Payment | None:
    """Refund a captured payment once; a duplicate, or a payment that took no money, is a no-op."""
    payment = payments.for_order(request.order_id)
    if (
        payment is None
        or payment.payment_id != request.payment_id
        or not payment.belongs_to(request.customer_id)
        or payment.status is not PaymentStatus.CAPTURED
    ):
        return None
    payment.check_refund(request.amount)
    key = refund_key(request.order_id)
    result = gateway.refund(payment.provider_reference, request.amount, idempotency_key=key)
    if not result.refunded:
        raise RefundFailed(f"the provider refused the refund: {result.failure_reason or 'unknown reason'}")
    refunded = payment.refunded(request.amount, result, clock.now())
    try:
        payments.record_refund(refunded)
    except PaymentNotRefundable:  # a concurrent twin refunded it first (same provider key: once)
        return None
    return refunded.after


def payments_of_order(order_id: str, customer_id: str, *, payments: Payments) -> list[Payment]:
    """The caller's payments for one order; someone else's order looks like no order at all."""
    payment = payments.for_order(order_id)
    if payment is None or not payment.belongs_to(customer_id):
        raise NotFound(f"no payment for order {order_id}")
    return [payment]
