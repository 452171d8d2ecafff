"""DynamoOrders on moto: one transaction per change (order + outbox + stats), conditions
that really run, stale versions refused, pages newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shop.kernel.address import Address
from shop.kernel.change import Change
from shop.kernel.money import MAX_AMOUNT, Money
from shop.orders.adapters.dynamo_orders import DynamoOrders, stats_key
from shop.orders.domain.cart import Cart, CartLine
from shop.orders.domain.errors import OrderExists, StaleOrder
from shop.orders.domain.model import Order, OrderStatus
from shop.orders.domain.stats import Revenue
from shop.platform.aws import client
from shop.platform.transaction import TransactionCancelled
from tests.conftest import create_table
from tests.support.dynamodb import dynamodb_calls, outbox_events, table_items
from tests.unit.orders.fakes import cart_of

pytestmark = pytest.mark.integration

TABLE = "orders"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ADDRESS = Address(line1="1 Main St", city="Lyon", postal_code="69001", country="FR")


@pytest.fixture
def repo(aws: None) -> DynamoOrders:
    create_table(TABLE, stream=True)
    return DynamoOrders(client("dynamodb"), TABLE)


def placing(
    order_id: str = "o-1", customer: str = "c-1", at: datetime = T0, cart: Cart | None = None
) -> Change[Order]:
    return Order.place(
        order_id=order_id,
        customer_id=customer,
        cart=cart or cart_of(("p-1", 1000, 2)),
        shipping_address=ADDRESS,
        payment_token="tok_visa",
        at=at,
        request_fingerprint="f-1",
    )


def test_an_order_its_event_and_the_stats_are_written_together(repo: DynamoOrders) -> None:
    change = placing()
    repo.add(change)
    assert repo.get("o-1") == change.after
    (event,) = outbox_events(TABLE)
    assert event["event_type"] == "OrderPlaced"
    assert event["data"]["order_id"] == "o-1"
    assert event["data"]["total"] == {"amount": 2000, "currency": "EUR"}
    assert repo.stats().orders[OrderStatus.PENDING] == 1


def test_a_failing_condition_writes_nothing(repo: DynamoOrders) -> None:
    repo.add(placing())
    before = table_items(TABLE)
    duplicate = placing(customer="c-2")  # same id: the put's condition fails
    with pytest.raises(OrderExists) as exists:
        repo.add(duplicate)
    assert exists.value.existing.customer_id == "c-1"  # from the cancellation, no extra read
    assert sorted(map(str, table_items(TABLE)), key=str) == sorted(map(str, before), key=str)
    assert len(outbox_events(TABLE)) == 1


def test_a_transaction_fails_whole_when_its_outbox_record_cannot_be_written(repo: DynamoOrders) -> None:
    change = placing()
    # Occupy the outbox key the transaction will use, so its outbox put's condition fails.
    from shop.kernel.events import Event
    from shop.platform import dynamo

    original = Event.of

    def fixed_id(data: Any, *, correlation_id: str, occurred_at: datetime | None = None) -> Event:
        return original(data, correlation_id=correlation_id).model_copy(update={"event_id": "taken"})

    client("dynamodb").put_item(TableName=TABLE, Item=dynamo.to_item({"pk": "OUTBOX#taken", "sk": "OUTBOX"}))
    Event.of = fixed_id  # type: ignore[method-assign]
    try:
        with pytest.raises(TransactionCancelled):
            repo.add(change)
    finally:
        Event.of = original  # type: ignore[method-assign]
    assert repo.get("o-1") is None
    assert [item["pk"] for item in table_items(TABLE)] == ["OUTBOX#taken"]


def test_a_move_on_a_stale_version_is_refused_and_writes_nothing(repo: DynamoOrders) -> None:
    repo.add(placing())
    pending = repo.get("o-1")
    assert pending is not None
    repo.save(pending.request_payment(T0))
    with pytest.raises(StaleOrder) as stale:
        repo.save(pending.cancel_by_customer(T0))  # decided on the PENDING version
    assert stale.value.current is not None
    assert stale.value.current.status is OrderStatus.RESERVED
    assert sorted(e["event_type"] for e in outbox_events(TABLE)) == ["OrderPlaced", "PaymentRequested"]
    stats = repo.stats()
    assert (stats.orders[OrderStatus.RESERVED], stats.orders[OrderStatus.CANCELLED]) == (1, 0)


def test_moves_keep_the_stats_running(repo: DynamoOrders) -> None:
    for index in range(3):
        repo.add(placing(order_id=f"o-{index}", customer=f"c-{index}"))
    for index in range(2):
        order = repo.get(f"o-{index}")
        assert order is not None
        reserved = order.request_payment(T0)
        repo.save(reserved)
        repo.save(reserved.after.confirm(f"pay-{index}", T0))
    stats = repo.stats()
    assert stats.orders[OrderStatus.CONFIRMED] == 2
    assert stats.orders[OrderStatus.PENDING] == 1
    assert stats.revenue == Revenue(amount=4000, currency="EUR")
    assert [(p.product_id, p.name, p.quantity) for p in stats.top_products] == [("p-1", "Product p-1", 4)]


def test_a_shop_that_has_sold_thousands_of_products_still_confirms_orders(repo: DynamoOrders) -> None:
    """Per product, a shard holding every product's units and name in one item passes
    DynamoDB's 400 KB item limit near 2,400 products (names of 100 characters), and then
    every confirmation that adds to it fails. Here 2,750 products (ids as long as ULIDs), all in
    one shard."""
    shard = stats_key("o-0")
    order_ids = [f"o-{n}" for n in range(1000) if stats_key(f"o-{n}") == shard][:55]
    for order_id in order_ids:
        cart = Cart(
            items=tuple(
                CartLine(
                    product_id=f"{order_id}-{line:02d}".rjust(26, "0"),
                    name="N" * 100,
                    unit_price=Money(amount=100, currency="EUR"),
                    quantity=1,
                )
                for line in range(50)
            )
        )
        repo.add(placing(order_id=order_id, customer=f"c-{order_id}", cart=cart))
        order = repo.get(order_id)
        assert order is not None
        reserved = order.request_payment(T0)
        repo.save(reserved)
        repo.save(reserved.after.confirm(f"pay-{order_id}", T0))
    stats = repo.stats()
    assert stats.orders[OrderStatus.CONFIRMED] == len(order_ids) == 55
    assert stats.revenue == Revenue(amount=55 * 50 * 100, currency="EUR")
    assert len(stats.top_products) == 10
    assert all((p.name, p.quantity) == ("N" * 100, 1) for p in stats.top_products)


def test_units_kept_in_a_shard_by_an_earlier_version_still_count(repo: DynamoOrders) -> None:
    """Before products had items of their own, a shard held `units_<p>` and `name_<p>`."""
    client("dynamodb").put_item(
        TableName=TABLE,
        Item={
            "pk": {"S": "STATS"},
            "sk": {"S": "SHARD#3"},
            "orders_CONFIRMED": {"N": "1"},
            "units_p-1": {"N": "5"},
            "name_p-1": {"S": "Product p-1"},
        },
    )
    repo.add(placing())
    placed = repo.get("o-1")
    assert placed is not None
    reserved = placed.request_payment(T0)
    repo.save(reserved)
    repo.save(reserved.after.confirm("pay-1", T0))
    stats = repo.stats()
    assert stats.orders[OrderStatus.CONFIRMED] == 2
    assert [(p.product_id, p.name, p.quantity) for p in stats.top_products] == [("p-1", "Product p-1", 7)]


def test_revenue_is_kept_per_currency_and_may_pass_what_one_order_can_be(repo: DynamoOrders) -> None:
    largest = Money(amount=MAX_AMOUNT, currency="EUR")
    dollars = Money(amount=500, currency="USD")
    carts = {"o-eur-1": largest, "o-eur-2": largest, "o-usd": dollars}
    for order_id, price in carts.items():
        line = CartLine(product_id="p-1", name="Product p-1", unit_price=price, quantity=1)
        repo.add(placing(order_id=order_id, cart=Cart(items=(line,))))
        reserved = repo.get(order_id).request_payment(T0)  # type: ignore[union-attr]
        repo.save(reserved)
        repo.save(reserved.after.confirm(f"pay-{order_id}", T0))

    stats = repo.stats()

    assert stats.revenue == Revenue(amount=2 * MAX_AMOUNT, currency="EUR")
    assert stats.revenue_by_currency == (
        Revenue(amount=2 * MAX_AMOUNT, currency="EUR"),
        Revenue(amount=500, currency="USD"),
    )


def test_pages_are_the_customers_orders_newest_first(repo: DynamoOrders) -> None:
    for index in range(5):  # each cancelled before the next: a cart has one order in flight
        repo.add(placing(order_id=f"o-{index}", at=T0 + timedelta(minutes=index)))
        repo.save(repo.get(f"o-{index}").cancel_by_customer(T0))  # type: ignore[union-attr]
    repo.add(placing(order_id="other", customer="c-2"))
    seen: list[str] = []
    after = None
    while True:
        page, after = repo.page_for("c-1", 2, after)
        seen += [order.order_id for order in page]
        if after is None:
            break
    assert seen == ["o-4", "o-3", "o-2", "o-1", "o-0"]


def test_an_absurd_id_is_not_found_without_asking_dynamodb(repo: DynamoOrders) -> None:
    with dynamodb_calls() as counter:
        assert repo.get("x" * 5000) is None
    assert counter.count == 0
