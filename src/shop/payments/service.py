"""Use cases of the payments service: load, decide, save, tell."""

from __future__ import annotations

from shop.kernel.clock import Clock
from shop.kernel.ids import new_id
from shop.payments.domain.errors import PaymentAlreadyRecorded, PaymentNotRefundable, RefundFailed
from shop.payments.domain.events import PaymentRequested, RefundRequested
from shop.payments.domain.payment import (
    ChargeNotice,
    ChargeResult,
    Mismatch,
    Payment,
    PaymentStatus,
    RefundResult,
    UnmatchedNotice,
)
from shop.payments.ports import ChargeNotices, PaymentGateway, Payments


def refund_key(order_id: str) -> str:
    return f"{order_id}:refund"


def charge_payment(
    request: PaymentRequested,
    *,
    payments: Payments,
    gateway: PaymentGateway,
    clock: Clock,
) -> Payment:
    """Record the request, then charge the order once: a redelivered request finds the payment settled
    and charges nothing, or still REQUESTED (the charge's answer was lost) and asks again with the
    same key, which the provider answers without charging twice."""
    requested = Payment.requested(
        payment_id=new_id(),
        order_id=request.order_id,
        customer_id=request.customer_id,
        amount=request.amount,
        at=clock.now(),
    )
    try:
        payments.record(requested)
        payment = requested.after
    except PaymentAlreadyRecorded as recorded:
        payment = recorded.existing or requested.after
        if payment.status is not PaymentStatus.REQUESTED:
            return payment
    result = gateway.charge(
        payment.amount,
        request.payment_token,
        idempotency_key=request.order_id,
        customer_id=request.customer_id,
    )
    return _settle(payment, result, payments)


def settle_charge(
    payload: str,
    signature: str,
    *,
    notices: ChargeNotices,
    payments: Payments,
    gateway: PaymentGateway,
) -> UnmatchedNotice | None:
    """Record the outcome the provider notified for a payment the shop requested and still waits for
    (a capture that completed later, or a charge whose answer was lost). A notice of what is already
    recorded is a redelivery; any other notice records nothing and is answered as an anomaly, and the
    money it took, which no order can take, is given back."""
    notice = notices.read(payload, signature)
    if notice is None:
        return None
    payment = payments.for_order(notice.order_id)
    if payment is not None and payment.awaits(notice):
        payment = _settle(payment, notice.result, payments)
    if payment is not None and payment.provider_reference == notice.result.provider_reference:
        return None  # recorded now, or before: a redelivered notice
    mismatch = Mismatch.NOT_REQUESTED if payment is None else payment.mismatch(notice)
    return UnmatchedNotice(notice=notice, mismatch=mismatch, refund=_give_back(notice, gateway))


def _settle(payment: Payment, result: ChargeResult, payments: Payments) -> Payment:
    settled = payment.settled(result)
    try:
        payments.record(settled)
    except PaymentAlreadyRecorded as twin:  # a concurrent twin, or the provider's notice, settled it first
        return twin.existing or settled.after
    return settled.after


def _give_back(notice: ChargeNotice, gateway: PaymentGateway) -> RefundResult | None:
    if not notice.result.approved:
        return None
    reference = notice.result.provider_reference
    result = gateway.refund(reference, notice.amount, idempotency_key=f"{reference}:unmatched")
    if not result.refunded:
        raise RefundFailed(
            f"the provider refused to refund {reference}: {result.failure_reason or 'unknown reason'}"
        )
    return result


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
    """The caller's payments for one order: none yet, or someone else's order, is an empty list alike."""
    payment = payments.for_order(order_id)
    return [payment] if payment is not None and payment.belongs_to(customer_id) else []
