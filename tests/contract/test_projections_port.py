"""One contract for the analytics' Projections port, run on the in-memory fake and on the
DynamoDB adapter: facts recorded on condition that they are still what was read, a cart
counted once whatever the deliveries, hour totals added (never overwritten) and read back by
window."""

from __future__ import annotations

import pytest

from shop.analytics.adapters.dynamo_projections import DynamoProjections
from shop.analytics.domain import projection
from shop.analytics.domain.errors import FactsChanged
from shop.analytics.domain.hours import HourTotals, hour_of
from shop.analytics.domain.latency import bucket_of
from shop.analytics.domain.projection import Counted, OrderFacts
from shop.analytics.ports import Projections
from shop.platform.aws import client
from tests.conftest import create_table
from tests.contract.stores import BACKENDS, on_moto
from tests.unit.analytics import builders
from tests.unit.analytics.builders import T0, later
from tests.unit.analytics.fakes import FakeProjections


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Projections:
    if on_moto(request):
        return DynamoProjections(client("dynamodb"), create_table("analytics"))
    return FakeProjections()


def project(store: Projections, change: Counted | None) -> None:
    assert change is not None
    store.record(store.facts(change.facts.order_id), change)


def test_no_facts_read_as_nothing_counted(store: Projections) -> None:
    assert store.facts("o1") == OrderFacts(order_id="o1")
    assert store.hours("2026-01-01T00", "2026-12-31T23") == []


def test_facts_and_hour_totals_add_up_across_orders(store: Projections) -> None:
    for order_id in ("o1", "o2"):
        project(store, projection.placed(store.facts(order_id), builders.placed(order_id)))
    project(store, projection.confirmed(store.facts("o1"), builders.confirmed("o1"), later(0.25)))
    project(store, projection.cancelled(store.facts("o2"), builders.cancelled("o2"), later(1)))
    assert store.facts("o1") == OrderFacts(order_id="o1", placed_at=T0, confirmed_at=later(0.25))
    assert store.facts("o2") == OrderFacts(order_id="o2", placed_at=T0, cancelled_at=later(1))
    (hour,) = store.hours(hour_of(T0), hour_of(T0))
    assert hour == HourTotals(
        hour=hour_of(T0),
        placed=2,
        confirmed=1,
        revenue={"EUR": 2500},
        units={"p1": 2},
        names={"p1": "Mug"},
        cancelled={"CUSTOMER_CANCELLED": 1},
        latency={bucket_of(250): 1},
    )


def test_a_write_based_on_stale_facts_is_refused_and_adds_nothing(store: Projections) -> None:
    stale = store.facts("o1")
    project(store, projection.placed(stale, builders.placed()))  # a concurrent consumer got in first
    change = projection.placed(stale, builders.placed())
    assert change is not None
    with pytest.raises(FactsChanged):
        store.record(stale, change)
    (hour,) = store.hours(hour_of(T0), hour_of(T0))
    assert hour.placed == 1


def test_a_window_holds_the_hours_it_spans_that_have_any(store: Projections) -> None:
    def sold(hour: str) -> HourTotals:
        return HourTotals(hour=hour, confirmed=1, units={"p1": 1}, names={"p1": "Mug"})

    for hour in ("2026-03-01T09", "2026-03-01T10", "2026-03-01T12", "2026-03-01T13"):
        store.record(
            OrderFacts(order_id=hour),
            Counted(facts=OrderFacts(order_id=hour, placed_at=T0), hours=(sold(hour),)),
        )
    assert store.hours("2026-03-01T10", "2026-03-01T12") == [sold("2026-03-01T10"), sold("2026-03-01T12")]


def test_a_cart_counts_once_however_often_it_is_delivered(store: Projections) -> None:
    for event in (builders.cart("k1"), builders.cart("k2"), builders.cart("k1")):
        store.count_cart(projection.cart_started(event))
    project(store, projection.placed(store.facts("o1"), builders.placed()))
    (hour,) = store.hours(hour_of(T0), hour_of(T0))
    assert (hour.carts, hour.placed) == (2, 1)
