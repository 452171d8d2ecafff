import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import ClassVar

import pytest

from shop.kernel.clock import FixedClock, SystemClock, parse_rfc3339, rfc3339
from shop.kernel.events import Event, EventData


class ThingHappened(EventData):
    event_type: ClassVar[str] = "ThingHappened"
    thing_id: str


class ThingDated(EventData):
    event_type: ClassVar[str] = "ThingDated"
    at: datetime


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


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time zone nine hours from UTC, so a local time cannot pass for UTC."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("tokyo")
def test_times_are_written_and_read_in_utc_whatever_the_machines_zone() -> None:
    two_hours_east = timezone(timedelta(hours=2))
    assert rfc3339(datetime(2026, 1, 1, 1, tzinfo=two_hours_east)) == "2025-12-31T23:00:00Z"
    parsed = parse_rfc3339("2026-01-01T01:00:00+02:00")
    assert (parsed.isoformat(), parsed.utcoffset()) == ("2025-12-31T23:00:00+00:00", timedelta(0))
    now = SystemClock().now()
    assert (now.utcoffset(), now.microsecond) == (timedelta(0), 0)


def test_a_fixed_clock_starts_on_new_year_2026_in_utc() -> None:
    assert FixedClock().now() == datetime(2026, 1, 1, tzinfo=UTC)
    assert FixedClock().now().utcoffset() == timedelta(0)


def test_an_event_carries_its_data_as_json_and_the_time_it_is_given() -> None:
    at = datetime(2026, 1, 1, 12, tzinfo=UTC)
    event = Event.of(ThingDated(at=at), correlation_id="req-1", occurred_at=at - timedelta(hours=1))
    assert event.data == {"at": "2026-01-01T12:00:00Z"}
    assert event.occurred_at == datetime(2026, 1, 1, 11, tzinfo=UTC)
