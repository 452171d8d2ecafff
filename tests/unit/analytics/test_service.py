"""The dashboard use case: the window ends with the current hour; queues come from the port."""

from __future__ import annotations

from datetime import UTC, datetime

from shop.analytics import service
from shop.analytics.domain.saga import QueueDepth
from shop.kernel.clock import FixedClock
from tests.unit.analytics import builders
from tests.unit.analytics.fakes import FakeProjections, FakeQueues


def test_the_dashboard_shows_the_last_hours_and_the_queues() -> None:
    store = FakeProjections()
    service.count_placed(builders.placed(at=datetime(2026, 3, 1, 9, 59, tzinfo=UTC)), projections=store)
    service.count_placed(builders.placed("o2", at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC)), projections=store)
    queues = FakeQueues([QueueDepth(name="shop-orders-events", visible=2, in_flight=0)])
    clock = FixedClock(datetime(2026, 3, 1, 12, 5, tzinfo=UTC))

    result = service.dashboard(3, projections=store, queues=queues, clock=clock)

    assert [h.hour for h in result.hours] == ["2026-03-01T10", "2026-03-01T11", "2026-03-01T12"]
    assert result.conversion.orders == 1, "the 09:59 order is outside the 3-hour window"
    assert [(q.name, q.waiting) for q in result.queues] == [("orders-events", 2)]


def test_a_started_cart_counts_once_in_the_hour_it_started() -> None:
    store = FakeProjections()
    for event in (builders.cart("k1"), builders.cart("k1"), builders.cart("k2", at=builders.later(3600))):
        service.count_cart_started(event, projections=store)
    service.count_placed(builders.placed(), projections=store)

    first, second = store.hours("2026-03-01T10", "2026-03-01T11")
    assert (first.hour, first.carts, first.placed) == ("2026-03-01T10", 1, 1)
    assert (second.hour, second.carts) == ("2026-03-01T11", 1)
    clock = FixedClock(datetime(2026, 3, 1, 11, 30, tzinfo=UTC))
    report = service.dashboard(2, projections=store, queues=FakeQueues([]), clock=clock)
    assert (report.conversion.carts, report.conversion.orders) == (2, 1)
