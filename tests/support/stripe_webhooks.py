"""Stripe webhook events as Stripe builds and signs them, for the payments service's notice tests."""

from __future__ import annotations

import hashlib
import hmac
import json
import time


def intent_event(
    kind: str,
    order_id: str = "o1",
    *,
    amount: int = 2599,
    currency: str = "eur",
    intent_id: str | None = None,
    metadata: dict[str, str] | None = None,
) -> str:
    """A `payment_intent.*` event whose intent names the order in its metadata, as the shop's charges do."""
    failed = kind == "payment_intent.payment_failed"
    intent = {
        "id": intent_id or f"pi_{order_id}",
        "object": "payment_intent",
        "amount": amount,
        "currency": currency,
        "status": "requires_payment_method" if failed else "succeeded",
        "metadata": {"order_id": order_id, "customer_id": "c1"} if metadata is None else metadata,
        "last_payment_error": {"code": "card_declined"} if failed else None,
    }
    event = {"id": f"evt_{order_id}", "object": "event", "type": kind, "data": {"object": intent}}
    return json.dumps({**event, "created": int(time.time()), "livemode": False})


def signature(payload: str, secret: str, *, skew_seconds: int = 0) -> str:
    """The Stripe-Signature header of `payload`, signed `skew_seconds` from now."""
    at = int(time.time()) + skew_seconds
    mac = hmac.new(secret.encode(), f"{at}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"
