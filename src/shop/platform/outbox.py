"""The transactional outbox: an event is written as an item beside the state change it
belongs to, and published by the relay from the table's stream. Nothing is lost between
the write and the publish; a republished event is harmless (consumers are idempotent)."""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Any

from shop.kernel.events import Event, EventData
from shop.platform.context import correlation_id

OUTBOX_PREFIX = "OUTBOX#"
# The region an outbox record was written in. Global tables (multi-region) replicate the
# record to every region; only the relay of the region that wrote it may publish it.
REGION_ATTRIBUTE = "region"
_KEEP_SECONDS = 7 * 24 * 3600  # TTL removes relayed records; a week leaves room to replay


def envelope(data: EventData, occurred_at: datetime | None = None) -> Event:
    """The one place an event gets its envelope: the work in progress's correlation id."""
    return Event.of(data, correlation_id=correlation_id(), occurred_at=occurred_at)


def outbox_key(event_id: str) -> dict[str, str]:
    return {"pk": OUTBOX_PREFIX + event_id, "sk": "OUTBOX"}


def outbox_item(event: Event) -> dict[str, Any]:
    item: dict[str, Any] = {
        **outbox_key(event.event_id),
        "event_type": event.event_type,
        "event": event.model_dump_json(),
        "expires_at": int(time.time()) + _KEEP_SECONDS,
    }
    region = os.environ.get("AWS_REGION")  # Lambda always sets it
    if region:
        item[REGION_ATTRIBUTE] = region
    return item


def is_outbox_item(item: dict[str, Any]) -> bool:
    return str(item.get("pk", "")).startswith(OUTBOX_PREFIX) and "event" in item


def written_here(item: dict[str, Any]) -> bool:
    """True unless the record was written in another region (a global table's replica).
    A record without a region predates the attribute and is relayed as it always was."""
    written_in = item.get(REGION_ATTRIBUTE)
    return written_in is None or written_in == os.environ.get("AWS_REGION")
