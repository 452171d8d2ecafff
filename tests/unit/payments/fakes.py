"""In-memory stand-ins for the payments ports, with the same conditional behaviour."""

from __future__ import annotations

from shop.kernel.change import Change
from shop.kernel.events import EventData
from shop.kernel.money import Money
from shop.payments.domain.errors import PaymentAlreadyRecorded, PaymentNotRefundable
from shop.payments.domain.payment import ChargeResult, Payment, PaymentStatus, RefundResult
from shop.payments.ports import PaymentGateway


class FakePayments:
    def __init__(self) -> None:
        self.by_order: dict[str, Payment] = {}
        self.outbox: list[EventData] = []

    def for_order(self, order_id: str) -> Payment | None:
        return self.by_order.get(order_id)

    def record(self, change: Change[Payment]) -> None:
        payment, before = change.after, change.before
        current = self.by_order.get(payment.order_id)
        still_before = (
            current is None
            if before is None
            else current is not None
            and (current.status, current.payment_id) == (before.status, before.payment_id)
        )
        if not still_before:
            raise PaymentAlreadyRecorded(payment.order_id, existing=current)
        self.by_order[payment.order_id] = payment
        self.outbox.extend(change.events)

    def record_refund(self, change: Change[Payment]) -> None:
        payment, before = change.after, change.before
        if payment.refunded_at is None or payment.refund_reference is None:
            raise ValueError("record_refund needs a refunded payment")
        if before is None:
            raise ValueError("record_refund needs the captured payment it refunds")
        current = self.by_order.get(payment.order_id)
        if (
            current is None
            or current.status is not PaymentStatus.CAPTURED
            or current.payment_id != before.payment_id
        ):
            raise PaymentNotRefundable(payment.order_id)
        self.by_order[payment.order_id] = payment
        self.outbox.extend(change.events)


class RecordingGateway:
    """Wraps a real gateway (the sandbox one) and remembers every call it passed on."""

    def __init__(self, inner: PaymentGateway) -> None:
        self.inner = inner
        self.charges: list[tuple[Money, str, str]] = []
        self.refunds: list[tuple[str, Money, str]] = []

    def charge(self, amount: Money, token: str, idempotency_key: str, customer_id: str = "") -> ChargeResult:
        self.charges.append((amount, token, idempotency_key))
        return self.inner.charge(amount, token, idempotency_key, customer_id)

    def refund(self, provider_reference: str, amount: Money, idempotency_key: str) -> RefundResult:
        self.refunds.append((provider_reference, amount, idempotency_key))
        return self.inner.refund(provider_reference, amount, idempotency_key)


class RefusingGateway:
    """A provider that approves charges but refuses every refund."""

    def charge(self, amount: Money, token: str, idempotency_key: str, customer_id: str = "") -> ChargeResult:
        return ChargeResult(approved=True, provider_reference="ch_refusing")

    def refund(self, provider_reference: str, amount: Money, idempotency_key: str) -> RefundResult:
        return RefundResult(refunded=False, provider_reference="re_none", failure_reason="provider_down")
