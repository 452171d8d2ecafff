"""What a decision of the domain hands to persistence: the state it started from, the state it
made and the integration events it causes. A store writes `after` only if what it holds is
still `before` (nothing, for a new entity), with the events in the same transaction."""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

from shop.kernel.events import EventData

State = TypeVar("State")


class Change(NamedTuple, Generic[State]):
    before: State | None
    after: State
    events: tuple[EventData, ...] = ()
