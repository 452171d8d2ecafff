"""Idempotent checkout: the order id follows from (customer, Idempotency-Key), so a retry
lands on the same order, and the request's fingerprint tells a retry from a misuse."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

_ORDER_IDS = uuid.UUID("6f0b6c2e-1f43-5d0e-9b0c-3c1a0e5b7a11")  # the namespace of derived order ids


def order_id_for(customer_id: str, idempotency_key: str) -> str:
    """The same customer and key always name the same order; other customers never collide."""
    return str(uuid.uuid5(_ORDER_IDS, f"{customer_id}\n{idempotency_key}"))


def fingerprint(request: dict[str, Any]) -> str:
    """A hash of the request body, insensitive to key order and whitespace."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
