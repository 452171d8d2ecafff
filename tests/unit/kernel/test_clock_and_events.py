from datetime import UTC, datetime, timedelta
from typing import ClassVar

from shop.kernel.clock import FixedClock, parse_rfc3339, rfc3339
from shop.kernel.events import Event, EventData


class ThingHappened(EventData):
    event_type: ClassVar[str] = "ThingHappened"
    thing_id: str


def test_rfc3339_round_trip_in_utc() -> None:
    moment = datetime(2026, 11, 26, 13, 34, 20, tzinfo=UTC)
    assert rfc3339(moment) == "2026-11-26T13:34:20Z"
    assert parse_rfc3339("2026-11-26T13:34:20Z") == moment


def test_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock()
    start = clock.now()
    clock.advance(timedelta(days=30))
    assert clock.now() - start == timedelta(days=30)


def test_event_envelope_carries_type_correlation_and_data() -> None:
    event = Event.of(ThingHappened(thing_id="t1"), correlation_id="req-1")
    wire = Event.model_validate_json(event.model_dump_json())
    assert wire.event_type == "ThingHappened"
    assert wire.correlation_id == "req-1"
    assert wire.data == {"thing_id": "t1"}
    assert wire.event_id == event.event_id
    assert Event.of(ThingHappened(thing_id="t1"), correlation_id="x").event_id != event.event_id
