"""The correlation id of the work in progress: a request id, or the id carried by an event."""

from __future__ import annotations

from contextvars import ContextVar

from shop.kernel.ids import new_id

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def correlation_id() -> str:
    current = _correlation_id.get()
    if current is None:
        current = new_id()
        _correlation_id.set(current)
    return current


def set_correlation_id(value: str) -> None:
    _correlation_id.set(value)
