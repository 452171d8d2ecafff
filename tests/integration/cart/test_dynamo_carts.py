"""DynamoCarts against moto, beyond the carts contract suite (tests/contract/test_carts_port.py,
which runs its conditions on moto too): the item as stored, the start's one transaction with
its event, product ids as attribute names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shop.cart.adapters.dynamo_carts import DynamoCarts
from shop.cart.domain.cart import IDLE_LIFETIME, Cart, OrderMark
from shop.cart.domain.errors import CurrencyConflict
from shop.platform.aws import client
from shop.platform.dynamo import from_item
from tests.support.dynamodb import dynamodb_calls, outbox_events
from tests.unit.cart.fakes import product

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def carts(cart_table: str) -> DynamoCarts:
    return DynamoCarts(client("dynamodb"), cart_table)


def put(
    carts: DynamoCarts,
    customer: str,
    product_id: str,
    quantity: int,
    *,
    currency: str = "EUR",
    at: datetime = NOW,
) -> Cart:
    before = carts.get(customer)
    change = before.put(product(product_id, currency=currency), quantity, at)
    carts.save_line(change, product_id, at)
    return change.after


def raw_item(customer: str) -> dict[str, object]:
    answer = client("dynamodb").get_item(
        TableName="cart", Key={"pk": {"S": f"CART#{customer}"}, "sk": {"S": "CART"}}, ConsistentRead=True
    )
    return from_item(answer["Item"])


def test_a_saved_line_reads_back_with_its_ttl(carts: DynamoCarts) -> None:
    written = put(carts, "alice", "p1", 3)

    cart = carts.get("alice")

    assert cart.lines == written.lines
    assert cart.currency == "EUR"
    assert cart.expires_at == NOW + IDLE_LIFETIME
    item = raw_item("alice")
    assert item["pk"] == "CART#alice"
    assert item["expires_at"] == int((NOW + IDLE_LIFETIME).timestamp())
    assert item["products"] == {"p1"}


def test_concurrent_puts_of_two_products_into_a_new_cart_both_survive(carts: DynamoCarts) -> None:
    first_read = carts.get("alice")
    second_read = carts.get("alice")
    carts.save_line(first_read.put(product("p1"), 1, NOW), "p1", NOW)
    carts.save_line(second_read.put(product("p2"), 2, NOW), "p2", NOW)

    cart = carts.get("alice")

    assert {pid: line.quantity for pid, line in cart.lines.items()} == {"p1": 1, "p2": 2}
    assert raw_item("alice")["products"] == {"p1", "p2"}


def test_removing_a_line(carts: DynamoCarts) -> None:
    put(carts, "alice", "p1", 1)
    put(carts, "alice", "p2", 1)

    carts.remove_line(carts.get("alice"), "p1", NOW)

    assert list(carts.get("alice").lines) == ["p2"]
    assert raw_item("alice")["products"] == {"p2"}


def test_expired_lines_are_ignored_and_a_new_write_drops_them(carts: DynamoCarts) -> None:
    put(carts, "alice", "p1", 1, currency="EUR")
    put(carts, "alice", "p2", 1, currency="EUR")
    later = NOW + IDLE_LIFETIME + timedelta(days=2)

    stored = carts.get("alice")
    assert stored.is_expired(later)
    assert stored.live_lines(later) == {}

    put(carts, "alice", "p3", 4, currency="USD", at=later)

    cart = carts.get("alice")
    assert list(cart.live_lines(later)) == ["p3"]
    item = raw_item("alice")
    assert not any(name in item for name in ("LINE#p1", "LINE#p2"))
    assert item["products"] == {"p3"}
    assert item["expires_at"] == int((later + IDLE_LIFETIME).timestamp())


def test_settled_lines_leave_the_stored_product_set(carts: DynamoCarts) -> None:
    put(carts, "alice", "p1", 1)
    put(carts, "alice", "p2", 2)
    read = carts.get("alice")

    carts.note_order(read, "o-1", OrderMark(placed_at=NOW, final=True), [read.lines["p1"]], NOW)

    item = raw_item("alice")
    assert item["products"] == {"p2"}
    assert item["ORDER#o-1"] == {"placed_at": "2026-03-01T12:00:00Z", "final": True}


def test_odd_product_ids_are_safe_as_attribute_names(carts: DynamoCarts) -> None:
    put(carts, "alice", "a.b:c-d_e", 1)
    put(carts, "alice", "01JABCDEF0123456789ABCDEFG", 2)

    assert set(carts.get("alice").lines) == {"a.b:c-d_e", "01JABCDEF0123456789ABCDEFG"}


def test_the_line_that_starts_a_cart_and_its_event_are_one_transaction(carts: DynamoCarts) -> None:
    with dynamodb_calls() as calls:
        started = put(carts, "alice", "p1", 1)
        put(carts, "alice", "p2", 1)

    assert calls.operations == ["GetItem", "TransactWriteItems", "GetItem", "UpdateItem"]
    (event,) = outbox_events("cart")
    assert event["event_type"] == "CartStarted"
    assert event["data"] == {
        "cart_id": started.cart_id,
        "customer_id": "alice",
        "started_at": "2026-03-01T12:00:00Z",
    }
    assert raw_item("alice")["cart_id"] == started.cart_id


def test_a_start_that_fails_its_condition_writes_no_event(carts: DynamoCarts) -> None:
    put(carts, "alice", "p1", 1, currency="EUR")
    stale = Cart.empty("alice")
    with pytest.raises(CurrencyConflict):  # the cart started meanwhile, in another currency
        carts.save_line(stale.put(product("p2", currency="USD"), 1, NOW), "p2", NOW)
    assert len(outbox_events("cart")) == 1
