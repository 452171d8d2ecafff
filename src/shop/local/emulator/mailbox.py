"""The embedded stack's mailbox: every message the shop would send by e-mail (Cognito's
codes, order notifications) is kept here instead, in the emulator's process, so a person
or a test can read it (`GET /_local/mailbox`). Nothing leaves the machine."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import TypedDict


class Message(TypedDict):
    to: str
    subject: str
    body: str
    sent_at: str


_lock = threading.Lock()
_messages: list[Message] = []


def deliver(to: str, subject: str, body: str) -> None:
    sent_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    with _lock:
        _messages.append(Message(to=to.lower(), subject=subject, body=body, sent_at=sent_at))


def messages(to: str | None = None) -> list[Message]:
    """Oldest first; only those to `to` if given."""
    with _lock:
        return [message for message in _messages if to is None or message["to"] == to.lower()]
