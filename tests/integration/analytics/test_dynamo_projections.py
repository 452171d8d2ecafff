"""The projection store on moto: conditional facts, atomic ADDs, one Query per window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shop.analytics.adapters.dynamo_projections import DynamoProjections
from shop.analytics.domain import projection
from shop.analytics.domain.hours import HourTotals, hour_of
from shop.analytics.domain.projection import Counted, OrderFacts
from shop.platform.aws import client
from tests.conftest import create_table
from tests.support.dynamodb import DynamoCalls, dynamodb_calls
from tests.unit.analytics import builders
from tests.unit.analytics.builders import T0

pytestmark = pytest.mark.integration


@pytest.fixture
def store(aws: None) -> DynamoProjections:
    return DynamoProjections(client("dynamodb"), create_table("analytics"))


@pytest.fixture
def calls(store: DynamoProjections) -> Iterator[DynamoCalls]:
    with dynamodb_calls() as counted:
        yield counted


def project_placed(store: DynamoProjections, order_id: str = "o1") -> None:
    facts = store.facts(order_id)
    change = projection.placed(facts, builders.placed(order_id))
    assert change is not None
    store.record(facts, change)


def test_counters_add_atomically_and_stay_exact_beyond_64_bits(store: DynamoProjections) -> None:
    huge = 10**25 + 3
    for order_id in ("a", "b"):
        delta = HourTotals(
            hour="2026-03-01T10", revenue={"EUR": huge}, units={"p#1": -1}, cancelled={"OUT_OF_STOCK": 1}
        )
        store.record(
            OrderFacts(order_id=order_id),
            Counted(facts=OrderFacts(order_id=order_id, placed_at=T0), hours=(delta,)),
        )
    (hour,) = store.hours("2026-03-01T10", "2026-03-01T10")
    assert hour.revenue == {"EUR": 2 * huge}
    assert hour.units == {"p#1": -2}, "a product id may hold the separator"
    assert hour.cancelled == {"OUT_OF_STOCK": 2}


def test_a_window_is_one_query_over_the_hours_it_spans(store: DynamoProjections, calls: DynamoCalls) -> None:
    for hour in ("2026-03-01T09", "2026-03-01T10", "2026-03-01T11", "2026-03-01T12"):
        store.record(
            OrderFacts(order_id=hour),
            Counted(facts=OrderFacts(order_id=hour, placed_at=T0), hours=(HourTotals(hour=hour, placed=1),)),
        )
    project_placed(store, "o9")  # an order's facts item is not an hour
    calls.reset()
    found = store.hours("2026-03-01T10", "2026-03-01T11")
    assert [h.hour for h in found] == ["2026-03-01T10", "2026-03-01T11"]
    assert calls.take() == ["Query"]


def test_projecting_an_event_costs_one_read_and_one_transaction(
    store: DynamoProjections, calls: DynamoCalls
) -> None:
    project_placed(store)
    assert calls.take() == ["GetItem", "TransactWriteItems"]


def test_counting_a_cart_is_one_transaction_and_a_redelivery_adds_nothing(
    store: DynamoProjections, calls: DynamoCalls
) -> None:
    counted = projection.cart_started(builders.cart("k1"))
    store.count_cart(counted)
    store.count_cart(counted)
    assert calls.take() == ["TransactWriteItems", "TransactWriteItems"]
    (hour,) = store.hours(hour_of(T0), hour_of(T0))
    assert hour == HourTotals(hour=hour_of(T0), carts=1)
