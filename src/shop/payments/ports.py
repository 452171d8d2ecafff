"""What the payments service needs from outside: its records, the payment provider and the
provider's notices (webhooks)."""

from __future__ import annotations

from typing import Protocol

from shop.kernel.change import Change
from shop.kernel.money import Money
from shop.payments.domain.payment import ChargeNotice, ChargeResult, Payment, RefundResult


class PaymentGateway(Protocol):
    """A card payment provider (Stripe-style): both calls are idempotent by key."""

    def charge(self, amount: Money, token: str, idempotency_key: str, customer_id: str = "") -> ChargeResult:
        """`customer_id` travels with the charge, so the provider's own notice of it (a webhook) can
        be recorded as the customer's payment."""

    def refund(self, provider_reference: str, amount: Money, idempotency_key: str) -> RefundResult: ...


class ChargeNotices(Protocol):
    """The provider's signed notices of how a charge ended."""

    def read(self, payload: str, signature: str) -> ChargeNotice | None:
        """The verified notice, or None for an event that settles no charge of the shop; InvalidWebhook
        when the signature does not verify the body or its time is outside the tolerance."""


class Payments(Protocol):
    def for_order(self, order_id: str) -> Payment | None: ...

    def record(self, change: Change[Payment]) -> None:
        """Save `change.after` with its events if the order's payment is still `change.before` (none,
        for a new one); else PaymentAlreadyRecorded with the payment the order has."""

    def record_refund(self, change: Change[Payment]) -> None:
        """Save CAPTURED → REFUNDED with its events if the order's payment is still `change.before`
        and CAPTURED; else PaymentNotRefundable. ValueError for a change that is no refund: no
        `before`, or an `after` without `refunded_at` and `refund_reference`."""
