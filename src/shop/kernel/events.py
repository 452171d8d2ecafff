"""The envelope every integration event travels in over SNS/SQS.

Each publishing service defines its event payloads as pydantic models in its own domain;
consumers read `data` with their own models (tolerant reader: unknown fields ignored),
so services never import each other. Versioning is by adding fields only.
"""

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shop.kernel.clock import SystemClock
from shop.kernel.ids import new_id


class EventData(BaseModel):
    """Base of an event payload; `event_type` names it on the wire."""

    # built on first use: a function publishes or reads only a few of the events it defines
    model_config = ConfigDict(frozen=True, defer_build=True)
    event_type: ClassVar[str]


class Event(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    event_id: str = Field(default_factory=new_id)
    event_type: str
    occurred_at: datetime = Field(default_factory=lambda: SystemClock().now())
    correlation_id: str
    data: dict[str, Any]

    @classmethod
    def of(cls, data: EventData, *, correlation_id: str, occurred_at: datetime | None = None) -> "Event":
        fields: dict[str, Any] = {
            "event_type": data.event_type,
            "correlation_id": correlation_id,
            "data": data.model_dump(mode="json"),
        }
        if occurred_at is not None:
            fields["occurred_at"] = occurred_at
        return cls(**fields)
