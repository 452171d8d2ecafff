"""The transactional outbox: an event is written as an item beside the state change it
belongs to, and published by the relay from the table's stream. Nothing is lost between
the write and the publish; a republished event is harmless (consumers are idempotent)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from shop.kernel.events import Event, EventData
from shop.platform.context import correlation_id

OUTBOX_PREFIX = "OUTBOX#"
_KEEP_SECONDS = 7 * 24 * 3600  # TTL removes relayed records; a week leaves room to replay


def envelope(data: EventData, occurred_at: datetime | None = None) -> Event:
    """The one place an event gets its envelope: the work in progress's correlation id."""
    return Event.of(data, correlation_id=correlation_id(), occurred_at=occurred_at)


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
