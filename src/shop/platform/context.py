"""The correlation id of the work in progress: a request id, or the id carried by an event."""

from __future__ import annotations

import re
from contextvars import ContextVar

from shop.kernel.ids import new_id

# A client's X-Request-Id is echoed and logged only if it is a short token of safe characters;
# anything else (markup, 5000 characters) is replaced by one of ours, never repeated.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def correlation_id() -> str:
    current = _correlation_id.get()
    if current is None:
        current = new_id()
        _correlation_id.set(current)
    return current


def set_correlation_id(value: str) -> None:
    _correlation_id.set(value)


def safe_request_id(sent: str | None) -> str | None:
    """The client's request id if it may be echoed and logged as it is, else None."""
    return sent if sent is not None and SAFE_REQUEST_ID.fullmatch(sent) else None
