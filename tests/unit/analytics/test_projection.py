"""Projecting order events: each fact counts once, whatever the order or number of deliveries."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from shop.analytics import service
from shop.analytics.domain import projection
from shop.analytics.domain.errors import FactsChanged
from shop.analytics.domain.hours import HourTotals, hour_of
from shop.analytics.domain.latency import bucket_of
from shop.analytics.domain.projection import OrderFacts
from tests.unit.analytics import builders
from tests.unit.analytics.builders import T0, later
from tests.unit.analytics.fakes import FakeProjections

Delivery = Callable[[FakeProjections], None]

CONFIRMED_AT = later(0.4)
CANCELLED_AT = later(3 * 3600)  # another hour: the refund's money lands there


def deliver_placed(store: FakeProjections) -> None:
    service.count_placed(builders.placed(), projections=store)


def deliver_confirmed(store: FakeProjections) -> None:
    service.count_confirmed(builders.confirmed(), CONFIRMED_AT, projections=store)


def deliver_cancelled(store: FakeProjections) -> None:
    service.count_cancelled(builders.cancelled(), CANCELLED_AT, projections=store)


def totals(store: FakeProjections) -> dict[str, HourTotals]:
    return {hour: t for hour, t in store.totals.items() if not t.is_empty}


def test_a_confirmed_order_counts_placement_sale_and_latency() -> None:
    store = FakeProjections()
    deliver_placed(store)
    deliver_confirmed(store)
    (hour,) = totals(store).values()
    assert hour.hour == hour_of(T0)
    assert (hour.placed, hour.confirmed) == (1, 1)
    assert hour.revenue == {"EUR": 2500}
    assert hour.units == {"p1": 2}
    assert hour.names == {"p1": "Mug"}
    assert hour.latency == {bucket_of(400): 1}


@pytest.mark.parametrize(
    "order", list(itertools.permutations([deliver_placed, deliver_confirmed, deliver_cancelled]))
)
def test_any_arrival_order_with_redeliveries_gives_the_same_totals(order: tuple[Delivery, ...]) -> None:
    expected = FakeProjections()
    for first in (deliver_placed, deliver_confirmed, deliver_cancelled):
        first(expected)
    store = FakeProjections()
    for deliver in (*order, *order, order[0]):  # every event at least twice
        deliver(store)
    assert totals(store) == totals(expected)
    assert store.writes == 3, "a redelivered event must write nothing"


def test_a_cancellation_after_confirmation_refunds_the_money_in_its_hour_and_the_units_in_the_sale() -> None:
    store = FakeProjections()
    for deliver in (deliver_placed, deliver_confirmed, deliver_cancelled):
        deliver(store)
    sale, refund = store.totals[hour_of(CONFIRMED_AT)], store.totals[hour_of(CANCELLED_AT)]
    assert sale.revenue == {"EUR": 2500}
    assert sale.units == {"p1": 0}
    assert refund.refunded == {"EUR": 2500}
    assert refund.cancelled == {"CUSTOMER_CANCELLED": 1}
    assert refund.units == {}


def test_a_cancellation_before_any_confirmation_takes_no_money_back() -> None:
    store = FakeProjections()
    deliver_placed(store)
    service.count_cancelled(builders.cancelled(reason="OUT_OF_STOCK"), later(1), projections=store)
    (hour,) = totals(store).values()
    assert hour.cancelled == {"OUT_OF_STOCK": 1}
    assert hour.refunded == {}
    assert hour.units == {}


def test_latency_needs_both_ends_and_is_counted_in_the_confirmation_hour() -> None:
    store = FakeProjections()
    deliver_confirmed(store)
    assert store.totals[hour_of(CONFIRMED_AT)].latency == {}
    service.count_placed(builders.placed(at=later(-7200)), projections=store)  # placed two hours earlier
    assert store.totals[hour_of(CONFIRMED_AT)].latency == {bucket_of(7200_400): 1}
    assert store.totals[hour_of(later(-7200))].placed == 1


def test_a_concurrent_event_of_the_same_order_is_read_again_not_lost() -> None:
    store = FakeProjections()
    # between our read and our write, another consumer counts the placement
    racer = builders.placed()
    facts = store.facts("o1")
    change = projection.placed(facts, racer)
    assert change is not None
    store.interleave.append((facts, change))
    deliver_confirmed(store)
    hour = store.totals[hour_of(T0)]
    assert (hour.placed, hour.confirmed) == (1, 1)
    assert hour.latency == {bucket_of(400): 1}, "the retry saw the placement and measured latency"


def test_facts_that_keep_changing_give_up_so_the_queue_retries() -> None:
    class Contended(FakeProjections):
        def record(self, before: OrderFacts, change: object) -> None:
            raise FactsChanged(before.order_id)

    with pytest.raises(FactsChanged):
        deliver_placed(Contended())


def test_a_negative_clock_skew_counts_as_no_latency() -> None:
    store = FakeProjections()
    service.count_placed(builders.placed(at=later(5)), projections=store)
    service.count_confirmed(builders.confirmed(), later(4), projections=store)
    assert store.totals[hour_of(T0)].latency == {0: 1}


def test_hours_of_the_same_utc_hour_share_a_bucket_whatever_the_offset() -> None:
    local = datetime(2026, 3, 1, 11, 59, tzinfo=timezone(timedelta(hours=1)))
    assert hour_of(local) == "2026-03-01T10" == hour_of(T0)


def test_a_started_cart_is_one_cart_in_the_utc_hour_it_started() -> None:
    berlin = timezone(timedelta(hours=1))
    counted = projection.cart_started(builders.cart("k1", at=datetime(2026, 3, 1, 0, 30, tzinfo=berlin)))
    assert counted.cart_id == "k1"
    assert counted.hour == HourTotals(hour="2026-02-28T23", carts=1)
    assert not counted.hour.is_empty
