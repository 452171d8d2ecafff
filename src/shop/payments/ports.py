"""What the payments service needs from outside: its records and the payment provider."""

from __future__ import annotations

from typing import Protocol

from shop.kernel.change import Change
from shop.kernel.money import Money
from shop.payments.domain.payment import ChargeResult, Payment, RefundResult


class PaymentGateway(Protocol):
    """A card payment provider (Stripe-style): both calls are idempotent by key."""

    def charge(self, amount: Money, token: str, idempotency_key: str, customer_id: str = "") -> ChargeResult:
        """`customer_id` travels with the charge, so the provider's own notice of it (a webhook) can
        be recorded as the customer's payment."""

    def refund(self, provider_reference: str, amount: Money, idempotency_key: str) -> RefundResult: ...


class Payments(Protocol):
    def for_order(self, order_id: str) -> Payment | None: ...

    def record(self, change: Change[Payment]) -> None:
        """Save a new payment with its events; PaymentAlreadyRecorded if the order has one."""

    def record_refund(self, change: Change[Payment]) -> None:
        """Save CAPTURED → REFUNDED with its events; PaymentNotRefundable if no longer CAPTURED."""
