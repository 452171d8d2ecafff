"""Stock reservations on moto: the conditions and transactions really run. Each consumed
event stays within two DynamoDB requests."""

import contextlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from shop.catalog.adapters.dynamo_inventory import DynamoInventory
from shop.catalog.adapters.dynamo_products import DynamoProducts
from shop.catalog.domain import stock
from shop.catalog.domain.errors import OutOfStock, ReservationChanged, ReservationExists
from shop.catalog.domain.events import StockReserved
from shop.catalog.domain.product import Product
from shop.catalog.domain.reservation import Reservation
from shop.kernel.change import Change
from shop.kernel.clock import FixedClock
from shop.platform.aws import client
from tests.integration.catalog.support import TABLE, consume, order_event, stock_of
from tests.support.catalog import a_product
from tests.support.dynamodb import DynamoCalls, outbox_events, table_items

pytestmark = pytest.mark.integration

NOW = datetime(2026, 1, 1, tzinfo=UTC)
OK: dict[str, Any] = {"batchItemFailures": []}


def add(product_id: str, stock: int) -> Product:
    product = a_product(product_id, stock=stock)
    DynamoProducts(client("dynamodb"), TABLE).add(product)
    return product


def inventory() -> DynamoInventory:
    return DynamoInventory(client("dynamodb"), TABLE, FixedClock())


def reserving(reservation: Reservation) -> Change[Reservation]:
    return Change(None, reservation, (StockReserved.for_(reservation),))


def reservations() -> dict[str, str]:
    return {item["order_id"]: item["status"] for item in table_items(TABLE) if item["sk"] == "RESERVATION"}


def test_a_failing_line_writes_nothing(requests: DynamoCalls) -> None:
    add("a", 5)
    add("b", 1)
    reservation = Reservation.for_order("o1", [("a", 2), ("b", 2), ("ghost", 1)])
    with pytest.raises(OutOfStock) as short:
        inventory().reserve(reserving(reservation))
    assert set(short.value.product_ids) == {"b", "ghost"}
    assert (stock_of("a"), stock_of("b")) == (5, 1)
    assert reservations() == {}
    assert outbox_events(TABLE) == []


def test_an_existing_reservation_wins_over_short_stock(requests: DynamoCalls) -> None:
    add("a", 1)
    inventory().record(stock.release_in_advance("o1"))
    reservation = Reservation.for_order("o1", [("a", 5)])
    with pytest.raises(ReservationExists):
        inventory().reserve(reserving(reservation))


def test_order_placed_reserves_all_lines_with_its_event_in_one_transaction(requests: DynamoCalls) -> None:
    add("a", 5)
    add("b", 2)
    requests.take()
    assert consume(order_event("OrderPlaced", "o1", [("a", 2), ("b", 1), ("a", 1)])) == OK
    assert requests.take() == ["TransactWriteItems"]
    assert (stock_of("a"), stock_of("b")) == (2, 1)
    assert reservations() == {"o1": "RESERVED"}
    [event] = outbox_events(TABLE)
    assert event["event_type"] == "StockReserved"
    assert event["correlation_id"] == "corr-o1"
    assert event["data"] == {
        "order_id": "o1",
        "lines": [{"product_id": "a", "quantity": 3}, {"product_id": "b", "quantity": 1}],
    }


def test_order_placed_short_of_stock_is_rejected_and_nothing_is_taken(requests: DynamoCalls) -> None:
    add("a", 5)
    add("b", 1)
    requests.take()
    assert consume(order_event("OrderPlaced", "o1", [("a", 2), ("b", 2)])) == OK
    assert requests.take() == ["TransactWriteItems", "TransactWriteItems"]
    assert (stock_of("a"), stock_of("b")) == (5, 1)
    assert reservations() == {"o1": "REJECTED"}
    [event] = outbox_events(TABLE)
    assert (event["event_type"], event["data"]) == ("StockRejected", {"order_id": "o1", "product_ids": ["b"]})


def test_a_deleted_product_is_short(requests: DynamoCalls) -> None:
    product = add("a", 5)
    DynamoProducts(client("dynamodb"), TABLE).remove(product.remove(now=NOW))
    assert consume(order_event("OrderPlaced", "o1", [("a", 1)])) == OK
    assert stock_of("a") == 5
    assert [e["event_type"] for e in outbox_events(TABLE)] == ["StockRejected"]


def test_redelivery_has_one_effect(requests: DynamoCalls) -> None:
    add("a", 5)
    placed = order_event("OrderPlaced", "o1", [("a", 2)])
    for _ in range(3):
        assert consume(placed) == OK
    assert stock_of("a") == 3
    assert len(outbox_events(TABLE)) == 1
    requests.take()
    assert consume(placed, placed) == OK
    assert requests.take() == ["TransactWriteItems", "TransactWriteItems"]  # one per message
    assert stock_of("a") == 3


def test_competing_orders_never_take_more_than_there_is(requests: DynamoCalls) -> None:
    add("a", 5)

    def place(number: int) -> None:
        reservation = Reservation.for_order(f"o{number}", [("a", 1)])
        with contextlib.suppress(OutOfStock, ReservationExists):
            inventory().reserve(reserving(reservation))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(place, [n % 8 for n in range(16)]))  # 8 orders, each delivered twice
    assert stock_of("a") == 0
    assert len(reservations()) == 5
    assert len(outbox_events(TABLE)) == 5


def test_cancelling_releases_exactly_once(requests: DynamoCalls) -> None:
    add("a", 5)
    add("b", 5)
    consume(order_event("OrderPlaced", "o1", [("a", 2), ("b", 3)]))
    requests.take()
    cancelled = order_event("OrderCancelled", "o1")
    assert consume(cancelled) == OK
    assert requests.take() == ["GetItem", "TransactWriteItems"]
    assert consume(cancelled) == OK
    assert requests.take() == ["GetItem"]
    assert (stock_of("a"), stock_of("b")) == (5, 5)
    assert reservations() == {"o1": "RELEASED"}


def test_a_stale_release_is_refused(requests: DynamoCalls) -> None:
    add("a", 5)
    reservation = Reservation.for_order("o1", [("a", 2)])
    inventory().reserve(reserving(reservation))
    inventory().release(stock.release(reservation))
    with pytest.raises(ReservationChanged):
        inventory().release(stock.release(reservation))
    assert stock_of("a") == 5


def test_a_cancellation_before_the_placement_reserves_nothing(requests: DynamoCalls) -> None:
    add("a", 5)
    requests.take()
    assert consume(order_event("OrderCancelled", "o1")) == OK
    assert requests.take() == ["GetItem", "TransactWriteItems"]
    assert consume(order_event("OrderPlaced", "o1", [("a", 2)])) == OK
    assert requests.take() == ["TransactWriteItems"]
    assert stock_of("a") == 5
    assert reservations() == {"o1": "RELEASED"}
    assert outbox_events(TABLE) == []


def test_confirming_counts_sales_and_pairs_once(requests: DynamoCalls) -> None:
    for product_id in "abc":
        add(product_id, 5)
    lines = [("a", 1), ("b", 1), ("c", 2)]
    consume(order_event("OrderPlaced", "o1", lines))
    requests.take()
    confirmed = order_event("OrderConfirmed", "o1", lines)
    assert consume(confirmed) == OK
    assert requests.take() == ["GetItem", "TransactWriteItems"]
    assert consume(confirmed) == OK
    assert requests.take() == ["GetItem"]
    pairs = {
        (item["pk"], item["sk"]): item["count"]
        for item in table_items(TABLE)
        if item["sk"].startswith("PAIR#")
    }
    assert len(pairs) == 6
    assert set(pairs.values()) == {1}
    sold = {
        item["product_id"]: (item["orders"], item["units"])
        for item in table_items(TABLE)
        if item["sk"] == "SOLD"
    }
    assert sold == {"a": (1, 1), "b": (1, 1), "c": (1, 2)}
    assert reservations() == {"o1": "CONFIRMED"}
    assert (stock_of("a"), stock_of("b"), stock_of("c")) == (4, 4, 3)


def test_a_large_order_stays_within_one_transaction(requests: DynamoCalls) -> None:
    lines = [(f"p{number:02}", 1) for number in range(30)]
    for product_id, _ in lines:
        add(product_id, 2)
    assert consume(order_event("OrderPlaced", "big", lines)) == OK
    assert consume(order_event("OrderConfirmed", "big", lines)) == OK
    assert reservations() == {"big": "CONFIRMED"}
    items = table_items(TABLE)
    # what its release must write back fits 100: the reservation, 30 stock, 30 sales, the pairs
    assert sum(1 for item in items if item["sk"].startswith("PAIR#")) == 38
    assert sum(1 for item in items if item["sk"] == "SOLD") == 30
    assert consume(order_event("OrderCancelled", "big", lines)) == OK
    assert reservations() == {"big": "RELEASED"}
    counted = [item for item in table_items(TABLE) if item["sk"].startswith("PAIR#") or item["sk"] == "SOLD"]
    assert {(item.get("count", 0), item.get("orders", 0), item.get("units", 0)) for item in counted} == {
        (0, 0, 0)
    }
