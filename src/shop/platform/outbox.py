"""The transactional outbox: an event is written as an item beside the state change it
belongs to, and published by the relay from the table's stream. Nothing is lost between
the write and the publish; a republished event is harmless (consumers are idempotent)."""

from __future__ import annotations

import time
from typing import Any

from shop.kernel.events import Event

OUTBOX_PREFIX = "OUTBOX#"
_KEEP_SECONDS = 7 * 24 * 3600  # TTL removes relayed records; a week leaves room to replay


def outbox_item(event: Event) -> dict[str, Any]:
    return {
        "pk": OUTBOX_PREFIX + event.event_id,
        "sk": "OUTBOX",
        "event_type": event.event_type,
        "event": event.model_dump_json(),
        "expires_at": int(time.time()) + _KEEP_SECONDS,
    }


def is_outbox_item(item: dict[str, Any]) -> bool:
    return str(item.get("pk", "")).startswith(OUTBOX_PREFIX) and "event" in item
