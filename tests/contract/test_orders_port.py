"""One contract for the orders' Orders port, run on the in-memory fake and on the DynamoDB
adapter: a new order with its event, a move refused on a stale version, the customer's pages
newest first, the running stats, one order in flight per customer (also under concurrent
checkouts) and the cart line versions confirmed orders took."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from shop.kernel.address import Address
from shop.kernel.change import Change
from shop.kernel.money import Money
from shop.orders.adapters.dynamo_orders import DynamoOrders
from shop.orders.domain.cart import Cart, CartLine
from shop.orders.domain.errors import CheckoutContended, LinesTaken, OrderExists, OrderInFlight, StaleOrder
from shop.orders.domain.model import Order, OrderStatus
from shop.orders.domain.stats import Revenue
from shop.orders.ports import Earlier, Orders
from shop.platform.aws import client
from tests.conftest import create_table
from tests.contract.stores import BACKENDS, Store, dynamo_store, fake_store, on_moto
from tests.unit.orders.fakes import FakeOrders, cart_of

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ADDRESS = Address(line1="1 Main St", city="Lyon", postal_code="69001", country="FR")


@pytest.fixture(params=BACKENDS)
def orders(request: pytest.FixtureRequest) -> Store[Orders]:
    if on_moto(request):
        return dynamo_store(DynamoOrders(client("dynamodb"), create_table("orders", stream=True)), "orders")
    fake = FakeOrders()
    return fake_store(fake, fake.outbox)


def placing(order_id: str = "o-1", customer: str = "c-1", at: datetime = T0) -> Change[Order]:
    return Order.place(
        order_id=order_id,
        customer_id=customer,
        cart=cart_of(("p-1", 1000, 2)),
        shipping_address=ADDRESS,
        payment_token="tok_visa",
        at=at,
        request_fingerprint="f-1",
    )


def placed_and_cancelled(orders: Orders, order_id: str, at: datetime = T0) -> Order:
    """An order of c-1 that is final at once, so that c-1 can place the next."""
    orders.add(placing(order_id=order_id, at=at))
    change = stored(orders, order_id).cancel_by_customer(at)
    orders.save(change)
    return change.after


def stored(orders: Orders, order_id: str) -> Order:
    order = orders.get(order_id)
    assert order is not None
    return order


def test_a_new_order_reads_back_with_its_event_and_a_second_one_is_refused(orders: Store[Orders]) -> None:
    change = placing()
    orders.port.add(change)
    assert orders.port.get("o-1") == change.after
    assert orders.port.get("o-2") is None
    with pytest.raises(OrderExists) as exists:
        orders.port.add(placing(customer="c-2"))
    assert exists.value.existing.customer_id == "c-1"
    assert orders.published() == ["OrderPlaced"]


def test_a_move_decided_on_a_stale_version_is_refused_with_the_current_order(orders: Store[Orders]) -> None:
    orders.port.add(placing())
    pending = stored(orders.port, "o-1")
    orders.port.save(pending.request_payment(T0))
    with pytest.raises(StaleOrder) as stale:
        orders.port.save(pending.cancel_by_customer(T0))
    assert stale.value.current is not None
    assert stale.value.current.status is OrderStatus.RESERVED
    assert stored(orders.port, "o-1").status is OrderStatus.RESERVED
    assert orders.published() == ["OrderPlaced", "PaymentRequested"]


def test_a_move_of_an_order_never_stored_is_stale(orders: Store[Orders]) -> None:
    ghost = placing().after
    with pytest.raises(StaleOrder) as stale:
        orders.port.save(ghost.request_payment(T0))
    assert stale.value.current is None
    assert orders.published() == []


def test_a_move_without_the_stored_order_it_starts_from_is_refused(orders: Store[Orders]) -> None:
    orders.port.add(placing())
    moved = stored(orders.port, "o-1").request_payment(T0)
    with pytest.raises(ValueError, match="save\\(\\) persists a move of a stored order"):
        orders.port.save(Change(None, moved.after, moved.events))
    assert stored(orders.port, "o-1").status is OrderStatus.PENDING
    assert orders.published() == ["OrderPlaced"]


def erasing(order: Order) -> Change[Order]:
    change = order.erase_personal_data(T0)
    assert change is not None
    return change


def test_several_moves_are_saved_together_or_not_at_all(orders: Store[Orders]) -> None:
    for order_id in ("o-1", "o-2", "o-3"):
        orders.port.add(placing(order_id=order_id, customer=f"c-{order_id}"))
    first, second, third = (stored(orders.port, order_id) for order_id in ("o-1", "o-2", "o-3"))
    orders.port.save(third.request_payment(T0))  # o-3 moves on before the batch
    with pytest.raises(StaleOrder):
        orders.port.save_all([erasing(first), erasing(third)])
    assert stored(orders.port, "o-1").shipping_address == ADDRESS
    orders.port.save_all([erasing(first), erasing(second)])
    assert [stored(orders.port, order_id).shipping_address.line1 for order_id in ("o-1", "o-2")] == [
        "erased",
        "erased",
    ]


def test_pages_hold_only_the_customers_orders_newest_first(orders: Store[Orders]) -> None:
    for index in range(5):
        placed_and_cancelled(orders.port, f"o-{index}", at=T0 + timedelta(minutes=index))
    orders.port.add(placing(order_id="other", customer="c-2"))
    seen: list[str] = []
    page, after = orders.port.page_for("c-1", 2, None)
    seen += [order.order_id for order in page]
    while after is not None:
        page, after = orders.port.page_for("c-1", 2, after)
        seen += [order.order_id for order in page]
    assert seen == ["o-4", "o-3", "o-2", "o-1", "o-0"]
    assert orders.port.page_for("nobody", 2, None) == ([], None)


def test_the_stats_follow_every_move(orders: Store[Orders]) -> None:
    for index in range(3):
        orders.port.add(placing(order_id=f"o-{index}", customer=f"c-{index}"))
    for index in range(2):
        reserved = stored(orders.port, f"o-{index}").request_payment(T0)
        orders.port.save(reserved)
        orders.port.save(reserved.after.confirm(f"pay-{index}", T0))
    stats = orders.port.stats()
    assert (stats.orders[OrderStatus.CONFIRMED], stats.orders[OrderStatus.PENDING]) == (2, 1)
    assert stats.orders[OrderStatus.RESERVED] == 0
    assert stats.revenue == Revenue(amount=4000, currency="EUR")
    assert [(p.product_id, p.quantity) for p in stats.top_products] == [("p-1", 4)]


# -- one order in flight per customer's cart (issue 18) ---------------------------------


def from_lines(order_id: str, *revisions: str) -> Change[Order]:
    """An order of c-1 of one cart line per revision, as the cart answered them."""
    cart = Cart(
        items=tuple(
            CartLine(
                product_id=f"p-{rev}",
                name=rev,
                unit_price=Money(amount=100, currency="EUR"),
                quantity=1,
                revision=rev,
            )
            for rev in revisions
        )
    )
    return Order.place(
        order_id=order_id,
        customer_id="c-1",
        cart=cart,
        shipping_address=ADDRESS,
        payment_token="tok_visa",
        at=T0,
    )


def confirmed(orders: Orders, order_id: str) -> None:
    reserved = stored(orders, order_id).request_payment(T0)
    orders.save(reserved)
    orders.save(reserved.after.confirm("pay-1", T0))


def test_a_customer_has_one_order_in_flight_until_it_is_final(orders: Store[Orders]) -> None:
    orders.port.add(placing(order_id="o-1"))
    with pytest.raises(OrderInFlight) as refused:
        orders.port.add(placing(order_id="o-2"))
    assert refused.value.order_id == "o-1"
    with pytest.raises(OrderExists):  # the same id is a retry: it wins over the checkout
        orders.port.add(placing(order_id="o-1"))
    orders.port.add(placing(order_id="o-3", customer="c-2"))  # another customer's cart
    orders.port.save(stored(orders.port, "o-1").cancel_by_customer(T0))
    orders.port.add(placing(order_id="o-2"))
    assert orders.port.get("o-2") is not None
    assert orders.published() == ["OrderCancelled", "OrderPlaced", "OrderPlaced", "OrderPlaced"]


def test_a_refused_checkout_finds_its_keys_earlier_order_and_the_order_in_flight(
    orders: Store[Orders],
) -> None:
    assert orders.port.earlier("c-1", "o-1") == Earlier()
    orders.port.add(placing(order_id="o-1"))
    assert orders.port.earlier("c-1", "o-1") == Earlier(order=stored(orders.port, "o-1"), in_flight="o-1")
    assert orders.port.earlier("c-1", None) == Earlier(in_flight="o-1")
    assert orders.port.earlier("c-2", "o-2") == Earlier()  # another customer's checkout
    orders.port.save(stored(orders.port, "o-1").cancel_by_customer(T0))
    assert orders.port.earlier("c-1", "o-1") == Earlier(order=stored(orders.port, "o-1"))
    assert orders.port.earlier("c-1", "x" * 600) == Earlier()  # an id that could never be stored


def test_of_concurrent_checkouts_of_one_cart_exactly_one_is_stored(orders: Store[Orders]) -> None:
    start = threading.Barrier(4)

    def checkout(order_id: str) -> str:
        start.wait()
        try:
            orders.port.add(placing(order_id=order_id))
        except (OrderInFlight, CheckoutContended) as refused:
            return type(refused).__name__
        return "stored"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(checkout, [f"o-{index}" for index in range(4)]))

    assert sorted(outcomes)[-1] == "stored"
    assert outcomes.count("stored") == 1
    assert [orders.port.get(f"o-{index}") is not None for index in range(4)].count(True) == 1
    assert orders.published() == ["OrderPlaced"]


def test_line_versions_a_confirmed_order_took_are_refused_until_a_checkout_finds_them_gone(
    orders: Store[Orders],
) -> None:
    orders.port.add(from_lines("o-1", "r-1", "r-2"))
    confirmed(orders.port, "o-1")
    with pytest.raises(LinesTaken) as taken:
        orders.port.add(from_lines("o-2", "r-2", "r-3"))
    assert (taken.value.revisions, taken.value.order_id) == (frozenset({"r-1", "r-2"}), "o-1")
    orders.port.add(from_lines("o-2", "r-3"), still_taken=frozenset({"r-2"}))  # r-1 left the cart
    orders.port.save(stored(orders.port, "o-2").cancel_by_customer(T0))
    with pytest.raises(LinesTaken) as still:
        orders.port.add(from_lines("o-3", "r-2"))
    assert still.value.revisions == {"r-2"}
    orders.port.add(from_lines("o-3", "r-4"))  # the cart holds none of them any more: forgotten
    orders.port.save(stored(orders.port, "o-3").cancel_by_customer(T0))
    orders.port.add(from_lines("o-4", "r-2"))
