"""The embedded stack's mailbox: every message the shop would send by e-mail (Cognito's
codes, order notifications) is kept here instead, in the emulator's process, so a person
or a test can read it (`GET /_local/mailbox`). Nothing leaves the machine."""

from __future__ import annotations

import threading
from collections import deque
from datetime import UTC, datetime
from typing import TypedDict


class Message(TypedDict):
    to: str
    subject: str
    body: str
    sent_at: str


MAX_MESSAGES = 1000  # a long run keeps the newest; the oldest go

_lock = threading.Lock()
_messages: deque[Message] = deque(maxlen=MAX_MESSAGES)


def deliver(to: str, subject: str, body: str) -> None:
    sent_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    with _lock:
        _messages.append(Message(to=to.lower(), subject=subject, body=body, sent_at=sent_at))


def messages(to: str | None = None) -> list[Message]:
    """Oldest first; only those to `to` if given."""
    with _lock:
        return [message for message in _messages if to is None or message["to"] == to.lower()]
