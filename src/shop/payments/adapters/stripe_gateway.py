"""Stripe behind the PaymentGateway port: one PaymentIntent per order, created and confirmed in
one call, the order id as idempotency key; refunds against the PaymentIntent; and the signed
webhooks that tell how a PaymentIntent ended.

`stripe` is imported only when a charge, refund or webhook needs it, so a function on the
sandbox provider never loads it at cold start.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from shop.kernel.money import Money
from shop.payments.adapters.stripe_amounts import NotChargeable, from_stripe, to_stripe
from shop.payments.domain.errors import InvalidWebhook, PaymentPending
from shop.payments.domain.payment import ChargeNotice, ChargeResult, RefundResult
from shop.platform.settings import secret_setting

if TYPE_CHECKING:
    import stripe

# Stripe's card tokens (tok_…, from Stripe.js or the test tokens) and PaymentMethods (pm_…)
_TOKEN = re.compile(r"^(tok|pm)_[A-Za-z0-9_]+$")
NETWORK_RETRIES = 2  # stripe retries connection errors and 409/5xx, resending our idempotency key
SETTLED_EVENTS = frozenset({"payment_intent.succeeded", "payment_intent.payment_failed"})
# How far a notice's signed time may be from ours, either way: an older one may be a replay, and a
# later one was signed on a wrong clock, or made to outlive the replay window (Stripe's default: 300 s)
TOLERANCE_SECONDS = 300
STRIPE_SECRET = "SHOP_STRIPE_SECRET"  # the API key, or JSON {"api_key", "webhook_secret"}


@dataclass(frozen=True)
class StripeSettings:
    api_key: str
    webhook_secret: str | None
    api_base: str | None


@cache
def stripe_settings() -> StripeSettings:
    """Read once per execution environment from the secret SHOP_STRIPE_SECRET (settings'
    one rule: the Secrets Manager secret SHOP_STRIPE_SECRET_ARN names on AWS, else the variable
    itself): the API key, or JSON {"api_key", "webhook_secret"} to take webhooks too."""
    value = secret_setting(STRIPE_SECRET)
    secret = _json_object(value) or {"api_key": value}
    api_base = os.environ.get("SHOP_STRIPE_API_BASE") or None
    return StripeSettings(secret["api_key"], secret.get("webhook_secret") or None, api_base)


def _json_object(value: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


class StripeGateway:
    """Implements ports.PaymentGateway on Stripe's PaymentIntents API."""

    def __init__(self, api_key: str, api_base: str | None = None) -> None:
        import stripe

        addresses: Any = {"api": api_base} if api_base else None
        self._stripe = stripe.StripeClient(
            api_key, base_addresses=addresses, max_network_retries=NETWORK_RETRIES
        )

    @classmethod
    def from_settings(cls) -> StripeGateway:
        settings = stripe_settings()
        return cls(settings.api_key, settings.api_base)

    def charge(self, amount: Money, token: str, idempotency_key: str, customer_id: str = "") -> ChargeResult:
        import stripe

        if not _TOKEN.match(token):  # never send anything else (a card number!) to the provider
            return ChargeResult(approved=False, provider_reference="", decline_reason="invalid_token")
        try:
            stripe_amount = to_stripe(amount)
        except NotChargeable:
            return ChargeResult(approved=False, provider_reference="", decline_reason="invalid_amount")
        method: dict[str, Any] = (
            {"payment_method": token}
            if token.startswith("pm_")
            else {"payment_method_data": {"type": "card", "card": {"token": token}}}
        )
        params: Any = {
            "amount": stripe_amount,
            "currency": amount.currency.lower(),
            "confirm": True,
            "payment_method_types": ["card"],  # no redirecting methods: confirmed server-side
            "metadata": {"order_id": idempotency_key, "customer_id": customer_id},
            **method,
        }
        try:
            intent = self._stripe.v1.payment_intents.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.CardError as declined:
            return ChargeResult(
                approved=False,
                provider_reference=_declined_reference(declined),
                decline_reason=decline_reason(declined.code),
            )
        except stripe.InvalidRequestError as invalid:
            reason = _invalid_request_reason(invalid)
            if reason is None:
                raise
            return ChargeResult(approved=False, provider_reference="", decline_reason=reason)
        if intent.status == "processing":  # a replayed answer may be stale: ask for the intent now
            intent = self._stripe.v1.payment_intents.retrieve(intent.id)
        return charge_result(intent.to_dict())

    def refund(self, provider_reference: str, amount: Money, idempotency_key: str) -> RefundResult:
        import stripe

        if not provider_reference.startswith("pi_"):
            return RefundResult(refunded=False, provider_reference="", failure_reason="charge_not_refundable")
        try:
            refund = self._stripe.v1.refunds.create(
                # the amount a charge took, so Stripe can take it back exactly
                params={"payment_intent": provider_reference, "amount": to_stripe(amount)},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.InvalidRequestError as refused:
            return RefundResult(
                refunded=False, provider_reference="", failure_reason=refused.code or "charge_not_refundable"
            )
        # pending: accepted, the money goes back later; failed/canceled: it did not
        refunded = refund.status in ("succeeded", "pending", "requires_action")
        return RefundResult(
            refunded=refunded,
            provider_reference=refund.id,
            failure_reason=None if refunded else (refund.failure_reason or refund.status or "refund_failed"),
        )


def charge_result(intent: dict[str, Any]) -> ChargeResult:
    """What a confirmed PaymentIntent means for the order."""
    status = intent["status"]
    if status == "succeeded":
        return ChargeResult(approved=True, provider_reference=intent["id"])
    if status in ("processing", "requires_capture"):
        raise PaymentPending(f"payment intent {intent['id']} is {status}")
    error = intent.get("last_payment_error") or {}
    reason = "authentication_required" if status == "requires_action" else decline_reason(error.get("code"))
    return ChargeResult(approved=False, provider_reference=intent["id"], decline_reason=reason)


def decline_reason(code: str | None) -> str:
    """Stripe's card error codes in the shop's words (those the sandbox uses where they exist)."""
    if code in ("incorrect_number", "invalid_number", "invalid_expiry_month", "invalid_expiry_year"):
        return "invalid_token"
    if code in ("amount_too_small", "amount_too_large"):
        return "invalid_amount"
    if code in ("expired_card", "incorrect_cvc", "authentication_required"):
        return code
    return "card_declined"


def _invalid_request_reason(error: stripe.InvalidRequestError) -> str | None:
    """A refusal that is about the customer's token or amount is a decline; anything else is ours."""
    if (error.param or "").startswith("payment_method") or error.code == "payment_method_unexpected_state":
        return "invalid_token"
    if error.param == "amount" or error.code in ("amount_too_small", "amount_too_large"):
        return "invalid_amount"
    return None


def _declined_reference(declined: stripe.CardError) -> str:
    answer: Any = declined.json_body or {}
    body = answer.get("error") or {}
    intent = body.get("payment_intent") or {}
    return str(intent.get("id") or body.get("charge") or "")


class StripeNotices:
    """Implements ports.ChargeNotices on Stripe's signed webhooks."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def read(self, payload: str, signature: str) -> ChargeNotice | None:
        import stripe

        try:
            event = stripe.Webhook.construct_event(payload, signature, self._secret, TOLERANCE_SECONDS)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise InvalidWebhook("The Stripe-Signature header does not verify this body.") from error
        if _signed_at(signature) > time.time() + TOLERANCE_SECONDS:
            raise InvalidWebhook("The Stripe-Signature header is timestamped in the future.")
        return _notice(event.to_dict())


def _signed_at(signature: str) -> int:
    """The `t=` of a header Stripe's library has verified (so it has one, and it is an integer)."""
    fields = dict(part.split("=", 1) for part in signature.split(",") if "=" in part)
    return int(fields["t"])


def _notice(data: dict[str, Any]) -> ChargeNotice | None:
    """The outcome of one of the shop's PaymentIntents, or None for any other event."""
    if data.get("type") not in SETTLED_EVENTS:
        return None
    try:
        intent = data["data"]["object"]
        order_id = (intent.get("metadata") or {}).get("order_id")
        if not order_id:
            return None  # not a payment the shop started: nothing to settle
        amount = from_stripe(intent["amount"], str(intent["currency"]))
        succeeded = data["type"] == "payment_intent.succeeded"
        failure = None if succeeded else decline_reason((intent.get("last_payment_error") or {}).get("code"))
        result = ChargeResult(approved=succeeded, provider_reference=intent["id"], decline_reason=failure)
        return ChargeNotice(order_id=order_id, amount=amount, result=result)
    except (AttributeError, KeyError, TypeError, ValidationError) as error:
        raise InvalidWebhook("The event is not a payment intent the shop can read.") from error
