"""The default payment provider: a deterministic stand-in following the card-test tokens of
the big providers. A real provider's adapter (e.g. Stripe) implements the same port."""

from __future__ import annotations

import hashlib
import re

from shop.kernel.money import Money
from shop.payments.domain.payment import ChargeResult, RefundResult

APPROVED_TOKENS = frozenset({"tok_visa", "tok_mastercard"})
DECLINED_TOKEN = "tok_chargeDeclined"
_TOKEN = re.compile(r"^tok_[A-Za-z0-9_]+$")


def _reference(prefix: str, idempotency_key: str) -> str:
    """Derived from the key alone, so every Lambda instance answers a retry identically."""
    return prefix + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]


class SandboxGateway:
    """Implements ports.PaymentGateway. Idempotent by key: a retried key returns the first result."""

    def __init__(self) -> None:
        self._charges: dict[str, ChargeResult] = {}
        self._refunds: dict[str, RefundResult] = {}

    def charge(self, amount: Money, token: str, idempotency_key: str, customer_id: str = "") -> ChargeResult:
        if idempotency_key not in self._charges:
            self._charges[idempotency_key] = ChargeResult(
                approved=self._decline_reason(amount, token) is None,
                provider_reference=_reference("ch_", idempotency_key),
                decline_reason=self._decline_reason(amount, token),
            )
        return self._charges[idempotency_key]

    def refund(self, provider_reference: str, amount: Money, idempotency_key: str) -> RefundResult:
        if idempotency_key not in self._refunds:
            known = provider_reference.startswith("ch_") and amount.amount > 0
            self._refunds[idempotency_key] = RefundResult(
                refunded=known,
                provider_reference=_reference("re_", idempotency_key),
                failure_reason=None if known else "charge_not_refundable",
            )
        return self._refunds[idempotency_key]

    @staticmethod
    def _decline_reason(amount: Money, token: str) -> str | None:
        if token == DECLINED_TOKEN:
            return "card_declined"
        if token not in APPROVED_TOKENS or not _TOKEN.match(token):
            return "invalid_token"
        if amount.amount <= 0:
            return "invalid_amount"
        return None
