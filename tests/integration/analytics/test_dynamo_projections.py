"""The projection store on moto: conditional facts, atomic ADDs, one Query per window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from shop.analytics.adapters.dynamo_projections import DynamoProjections
from shop.analytics.domain import projection
from shop.analytics.domain.events import OrderCancelled, OrderConfirmed
from shop.analytics.domain.hours import HourTotals, hour_of
from shop.analytics.domain.projection import Counted, OrderFacts
from shop.platform.aws import client
from tests.conftest import create_table
from tests.support.dynamodb import DynamoCalls, dynamodb_calls
from tests.unit.analytics import builders
from tests.unit.analytics.builders import T0, later

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


def confirmed_lines(order_id: str, products: list[str]) -> OrderConfirmed:
    lines = [{"product_id": product, "name": "N" * 100, "quantity": 1} for product in products]
    total = {"amount": 100 * len(products), "currency": "EUR"}
    return OrderConfirmed.model_validate({"order_id": order_id, "lines": lines, "total": total})


def cancelled_lines(order_id: str, products: list[str]) -> OrderCancelled:
    price = {"amount": 100, "currency": "EUR"}
    lines = [
        {"product_id": product, "name": "N" * 100, "quantity": 1, "unit_price": price, "line_total": price}
        for product in products
    ]
    return OrderCancelled.model_validate(
        {"order_id": order_id, "reason": "CUSTOMER_CANCELLED", "lines": lines}
    )


def project(store: DynamoProjections, order_id: str, apply: Callable[[OrderFacts], Counted | None]) -> None:
    facts = store.facts(order_id)
    change = apply(facts)
    assert change is not None
    store.record(facts, change)


def confirm(store: DynamoProjections, event: OrderConfirmed, at: datetime = T0) -> None:
    project(store, event.order_id, lambda facts: projection.confirmed(facts, event, at))


def cancel(store: DynamoProjections, event: OrderCancelled, at: datetime) -> None:
    project(store, event.order_id, lambda facts: projection.cancelled(facts, event, at))


def test_an_hour_that_sold_thousands_of_products_still_counts_its_events(store: DynamoProjections) -> None:
    """An hour holding every product's units and name in its one item passes DynamoDB's
    400 KB item limit near 2,400 products (names of 100 characters), and then every event of
    that hour fails. Here 2,750 products (ids as long as ULIDs) confirmed in one hour."""
    for order_id in [f"o-{n}" for n in range(55)]:
        confirm(
            store, confirmed_lines(order_id, [f"{order_id}-{line:02d}".rjust(26, "0") for line in range(50)])
        )
    project_placed(store, "o-late")
    (hour,) = store.hours(hour_of(T0), hour_of(T0))
    assert (hour.placed, hour.confirmed) == (1, 55)
    assert hour.revenue == {"EUR": 55 * 50 * 100}
    assert len(hour.units) == 2750
    assert set(hour.units.values()) == {1}
    assert set(hour.names.values()) == {"N" * 100}


@pytest.mark.parametrize("confirmation_first", [True, False])
def test_a_50_line_order_refunded_in_another_hour_is_one_transaction(
    store: DynamoProjections, calls: DynamoCalls, confirmation_first: bool
) -> None:
    """A transaction holds at most 100 items: the units come off the hour they were sold in,
    so the refund's hour takes one item, not one per product."""
    products = [f"p-{line:02d}" for line in range(50)]
    confirmed_at, cancelled_at = later(0.4), later(3 * 3600)
    deliveries: list[Callable[[], None]] = [
        lambda: confirm(store, confirmed_lines("o1", products), confirmed_at),
        lambda: cancel(store, cancelled_lines("o1", products), cancelled_at),
    ]
    for deliver in deliveries if confirmation_first else deliveries[::-1]:
        deliver()
        assert calls.take() == ["GetItem", "TransactWriteItems"]
    sale, refund = store.hours(hour_of(confirmed_at), hour_of(cancelled_at))
    assert (sale.hour, sale.confirmed, sale.revenue) == (hour_of(confirmed_at), 1, {"EUR": 5000})
    assert sale.units == dict.fromkeys(products, 0)
    assert (refund.hour, refund.refunded, refund.units) == (hour_of(cancelled_at), {"EUR": 5000}, {})


def test_units_an_hour_kept_in_its_one_item_before_still_count(store: DynamoProjections) -> None:
    """Before products had items of their own, an hour's item `HOUR#<hour>` held `units#<p>`
    and `name#<p>` beside its counters."""
    client("dynamodb").put_item(
        TableName="analytics",
        Item={
            "pk": {"S": "HOURS"},
            "sk": {"S": f"HOUR#{hour_of(T0)}"},
            "hour": {"S": hour_of(T0)},
            "confirmed": {"N": "1"},
            "revenue#EUR": {"N": "2500"},
            "units#p1": {"N": "5"},
            "name#p1": {"S": "Mug"},
        },
    )
    confirm(store, builders.confirmed())
    (hour,) = store.hours(hour_of(T0), hour_of(T0))
    assert hour == HourTotals(
        hour=hour_of(T0), confirmed=2, revenue={"EUR": 5000}, units={"p1": 7}, names={"p1": "Mug"}
    )


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
