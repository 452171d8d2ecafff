"""The catalog's use cases with in-memory fakes: admin writes, listings, and the saga steps
under redelivery and out-of-order delivery."""

from datetime import UTC, datetime
from typing import Any

import pytest

from shop.catalog import service
from shop.catalog.domain.errors import ProductNotFound, ReservationChanged, SkuTaken
from shop.catalog.domain.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    StockRejected,
    StockReserved,
)
from shop.catalog.domain.product import NewProduct, Product, ProductChanges, ProductQuery
from shop.catalog.domain.reservation import Reservation, ReservationStatus
from shop.kernel.clock import FixedClock
from shop_tools.catalog_fakes import FakeCoOccurrences, FakeInventory, FakeProducts


@pytest.fixture
def products() -> FakeProducts:
    return FakeProducts()


@pytest.fixture
def inventory(products: FakeProducts) -> FakeInventory:
    return FakeInventory(products)


def add(
    products: FakeProducts, name: str, *, stock: int = 10, category: str = "home", sku: str | None = None
) -> Product:
    new = NewProduct(
        sku=sku or f"SKU-{name}",
        name=name,
        price={"amount": 500, "currency": "EUR"},
        category=category,
        stock=stock,
    )
    return service.create_product(new, products=products, clock=FixedClock())


def placed(order_id: str, *lines: tuple[str, int]) -> OrderPlaced:
    data: dict[str, Any] = {
        "order_id": order_id,
        "lines": [{"product_id": p, "quantity": q} for p, q in lines],
    }
    return OrderPlaced.model_validate(data)


def stock(products: FakeProducts, product: Product) -> int:
    return products.items[product.product_id].stock


# --- admin writes and reads ---------------------------------------------------------------


def test_a_sku_is_taken_once(products: FakeProducts) -> None:
    add(products, "Lamp", sku="S1")
    with pytest.raises(SkuTaken):
        add(products, "Other", sku="S1")


def test_a_deleted_product_is_not_found_and_frees_its_sku(products: FakeProducts) -> None:
    lamp = add(products, "Lamp", sku="S1")
    service.delete_product(lamp.product_id, products=products, clock=FixedClock())
    with pytest.raises(ProductNotFound):
        service.get_product(lamp.product_id, products=products)
    with pytest.raises(ProductNotFound):
        service.delete_product(lamp.product_id, products=products, clock=FixedClock())
    with pytest.raises(ProductNotFound):
        service.revise_product(
            lamp.product_id, ProductChanges(stock=1), products=products, clock=FixedClock()
        )
    add(products, "New Lamp", sku="S1")


def test_revising_a_product(products: FakeProducts) -> None:
    lamp = add(products, "Lamp")
    revised = service.revise_product(
        lamp.product_id, ProductChanges(name="Big Lamp", stock=3), products=products, clock=FixedClock()
    )
    assert (revised.name, revised.stock) == ("Big Lamp", 3)
    assert service.get_product(lamp.product_id, products=products) == revised


def test_products_by_ids_keeps_the_order_asked_and_flags_deleted(products: FakeProducts) -> None:
    a, b = add(products, "A"), add(products, "B")
    service.delete_product(a.product_id, products=products, clock=FixedClock())
    found = service.products_by_ids([b.product_id, "unknown", a.product_id, b.product_id], products=products)
    assert [(p.product_id, p.deleted) for p in found] == [(b.product_id, False), (a.product_id, True)]


def test_listing_pages_through_a_category_sorted_by_name(products: FakeProducts) -> None:
    for name in ["Cup", "Apple", "Bowl"]:
        add(products, name, category="kitchen")
    add(products, "Atlas", category="books")
    first, after = service.list_products(ProductQuery(category="kitchen", limit=2), None, products=products)
    assert [p.name for p in first] == ["Apple", "Bowl"]
    second, end = service.list_products(ProductQuery(category="kitchen", limit=2), after, products=products)
    assert [p.name for p in second] == ["Cup"]
    assert end is None


# --- the saga ----------------------------------------------------------------------------------


def test_placing_an_order_reserves_every_line(products: FakeProducts, inventory: FakeInventory) -> None:
    a, b = add(products, "A", stock=5), add(products, "B", stock=2)
    service.reserve_stock(placed("o1", (a.product_id, 2), (b.product_id, 2)), inventory=inventory)
    assert (stock(products, a), stock(products, b)) == (3, 0)
    assert inventory.published == [StockReserved.for_(inventory.reservations["o1"])]


def test_one_short_line_reserves_nothing_and_rejects(
    products: FakeProducts, inventory: FakeInventory
) -> None:
    a, b = add(products, "A", stock=5), add(products, "B", stock=1)
    service.reserve_stock(
        placed("o1", (a.product_id, 2), (b.product_id, 2), ("ghost", 1)), inventory=inventory
    )
    assert (stock(products, a), stock(products, b)) == (5, 1)
    assert inventory.reservations["o1"].status is ReservationStatus.REJECTED
    assert inventory.published == [StockRejected(order_id="o1", product_ids=(b.product_id, "ghost"))]


def test_a_deleted_product_is_short(products: FakeProducts, inventory: FakeInventory) -> None:
    a = add(products, "A", stock=5)
    service.delete_product(a.product_id, products=products, clock=FixedClock())
    service.reserve_stock(placed("o1", (a.product_id, 1)), inventory=inventory)
    assert isinstance(inventory.published[0], StockRejected)
    assert stock(products, a) == 5


def test_a_redelivered_order_reserves_once(products: FakeProducts, inventory: FakeInventory) -> None:
    a = add(products, "A", stock=5)
    for _ in range(3):
        service.reserve_stock(placed("o1", (a.product_id, 2)), inventory=inventory)
    assert stock(products, a) == 3
    assert len(inventory.published) == 1


def test_a_redelivered_rejection_rejects_once(products: FakeProducts, inventory: FakeInventory) -> None:
    a = add(products, "A", stock=1)
    service.reserve_stock(placed("o1", (a.product_id, 2)), inventory=inventory)
    a_later = service.revise_product(
        a.product_id, ProductChanges(stock=10), products=products, clock=FixedClock()
    )
    service.reserve_stock(placed("o1", (a.product_id, 2)), inventory=inventory)
    assert stock(products, a_later) == 10
    assert len(inventory.published) == 1


@pytest.mark.parametrize(
    ("stock_before", "deliveries", "status", "published"),
    [
        (5, ["placed", "cancelled", "cancelled"], ReservationStatus.RELEASED, [StockReserved]),
        (5, ["cancelled", "placed"], ReservationStatus.RELEASED, []),
        (1, ["placed", "cancelled"], ReservationStatus.REJECTED, [StockRejected]),
    ],
    ids=["releases-exactly-once", "before-the-placement-leaves-a-tombstone", "rejected-gives-nothing-back"],
)
def test_cancelling_leaves_the_stock_as_it_was(
    products: FakeProducts,
    inventory: FakeInventory,
    stock_before: int,
    deliveries: list[str],
    status: ReservationStatus,
    published: list[type],
) -> None:
    a = add(products, "A", stock=stock_before)
    for delivery in deliveries:
        if delivery == "placed":
            service.reserve_stock(placed("o1", (a.product_id, 2)), inventory=inventory)
        else:
            service.release_stock(OrderCancelled(order_id="o1"), inventory=inventory)
    assert stock(products, a) == stock_before
    assert inventory.reservations["o1"].status is status
    assert [type(event) for event in inventory.published] == published


def test_a_cancellation_racing_a_placement_is_retried(
    products: FakeProducts, inventory: FakeInventory
) -> None:
    a = add(products, "A", stock=5)

    class RacingInventory(FakeInventory):
        """The first time, the order is placed between reading (nothing yet) and the tombstone."""

        def find(self, order_id: str) -> Reservation | None:
            if not self.reservations:
                service.reserve_stock(placed(order_id, (a.product_id, 2)), inventory=self)
                return None
            return super().find(order_id)

    racing = RacingInventory(products)
    with pytest.raises(ReservationChanged):
        service.release_stock(OrderCancelled(order_id="o1"), inventory=racing)
    assert stock(products, a) == 3
    service.release_stock(OrderCancelled(order_id="o1"), inventory=racing)  # the redelivery
    assert stock(products, a) == 5


def test_confirming_counts_pairs_once_and_a_confirmed_order_can_still_be_released(
    products: FakeProducts, inventory: FakeInventory
) -> None:
    a, b, c = add(products, "A"), add(products, "B"), add(products, "C")
    service.reserve_stock(
        placed("o1", (a.product_id, 1), (b.product_id, 1), (c.product_id, 1)), inventory=inventory
    )
    for _ in range(2):
        service.confirm_stock(OrderConfirmed(order_id="o1"), inventory=inventory)
    assert inventory.pairs[(a.product_id, b.product_id)] == 1
    assert inventory.pairs[(c.product_id, a.product_id)] == 1
    assert (inventory.orders[a.product_id], inventory.units[a.product_id]) == (1, 1)
    service.release_stock(OrderCancelled(order_id="o1"), inventory=inventory)
    assert stock(products, a) == 10
    service.confirm_stock(OrderConfirmed(order_id="o1"), inventory=inventory)
    assert inventory.reservations["o1"].status is ReservationStatus.RELEASED


def test_confirming_an_unknown_order_does_nothing(inventory: FakeInventory) -> None:
    service.confirm_stock(OrderConfirmed(order_id="nope"), inventory=inventory)
    assert inventory.reservations == {}


def confirm(inventory: FakeInventory, order_id: str, *lines: Product, quantity: int = 1) -> None:
    service.reserve_stock(placed(order_id, *[(p.product_id, quantity) for p in lines]), inventory=inventory)
    service.confirm_stock(OrderConfirmed(order_id=order_id), inventory=inventory)


def names(products: list[Product]) -> list[str]:
    return [product.name for product in products]


def test_recommendations_rank_partners_by_similarity_not_raw_counts(
    products: FakeProducts, inventory: FakeInventory
) -> None:
    a, b, c, hit = (add(products, name, stock=100) for name in ["A", "B", "C", "Hit"])
    others = [add(products, f"X{n}", stock=100) for n in range(8)]
    for number in range(3):
        confirm(inventory, f"ab{number}", a, b)
    confirm(inventory, "ac", a, c)
    for number in range(4):  # bought with A more often than B is, but with everything
        confirm(inventory, f"a-hit{number}", a, hit)
    for number, other in enumerate(others):
        confirm(inventory, f"hit{number}", hit, other)
    co = FakeCoOccurrences(inventory)
    # fewer than ten partners known: topped up with best sellers (one unit each: by id)
    top_up = sorted(others, key=lambda product: product.product_id)[:2]
    assert names(service.recommendations(a.product_id, co_occurrences=co)) == [
        "B",
        "Hit",
        "C",
        *names(top_up),
    ]
    assert co.popular_reads == 1
    service.delete_product(b.product_id, products=products, clock=FixedClock())
    assert "B" not in names(service.recommendations(a.product_id, co_occurrences=co))
    with pytest.raises(ProductNotFound):
        service.recommendations(b.product_id, co_occurrences=co)
    with pytest.raises(ProductNotFound):
        service.recommendations("unknown", co_occurrences=co)


def test_a_product_nobody_bought_is_shown_the_best_sellers(
    products: FakeProducts, inventory: FakeInventory
) -> None:
    a, b, c, cold = (add(products, name, stock=100) for name in ["A", "B", "C", "Cold"])
    confirm(inventory, "o1", a, quantity=5)
    confirm(inventory, "o2", b, c, quantity=2)
    co = FakeCoOccurrences(inventory)
    assert names(service.recommendations(cold.product_id, co_occurrences=co)) == ["A", *sorted(["B", "C"])]


def view(
    co: FakeCoOccurrences, products: FakeProducts, after: str, product_id: str, who: str, day: int = 1
) -> None:
    clock = FixedClock(datetime(2026, 3, day, 23, 59, tzinfo=UTC))
    service.record_view(product_id, after, who, products=products, co_occurrences=co, clock=clock)


def test_views_from_one_page_to_another_make_products_similar(
    products: FakeProducts, inventory: FakeInventory
) -> None:
    a, b, c = (add(products, name) for name in "ABC")
    co = FakeCoOccurrences(inventory)
    for customer in ["alice", "bob", "carol"]:
        view(co, products, a.product_id, b.product_id, customer)
    view(co, products, c.product_id, c.product_id, "alice")
    view(co, products, "made-up", c.product_id, "alice")
    assert co.pair_views == {(a.product_id, b.product_id): 3, (b.product_id, a.product_id): 3}
    assert names(service.recommendations(b.product_id, co_occurrences=co)) == ["A"]
    with pytest.raises(ProductNotFound):
        view(co, products, a.product_id, "unknown", "alice")


def test_a_customer_s_views_of_a_pair_count_once_a_day(
    products: FakeProducts, inventory: FakeInventory
) -> None:
    a, b = add(products, "A"), add(products, "B")
    co = FakeCoOccurrences(inventory)
    for _ in range(20):
        view(co, products, a.product_id, b.product_id, "mallory")
        view(co, products, b.product_id, a.product_id, "mallory")  # the other way round: the same pair
    assert co.pair_views[a.product_id, b.product_id] == 1
    view(co, products, a.product_id, b.product_id, "mallory", day=2)
    view(co, products, a.product_id, b.product_id, "alice", day=2)
    assert co.pair_views[a.product_id, b.product_id] == 3
    assert co.views[a.product_id] == 3


def test_a_refunded_order_leaves_recommendations_as_if_never_sold(
    products: FakeProducts, inventory: FakeInventory
) -> None:
    x, y, never, best = (add(products, name, stock=500) for name in ["X", "Y", "Never", "Best"])
    confirm(inventory, "real", best, quantity=2)
    co = FakeCoOccurrences(inventory)
    before = {p.product_id: names(service.recommendations(p.product_id, co_occurrences=co)) for p in (x, y)}
    for number in range(3):  # buy 99 of X with Y, cancel, repeat
        order = f"steer{number}"
        confirm(inventory, order, x, y, quantity=99)
        assert names(service.recommendations(y.product_id, co_occurrences=co))[0] == "X"
        for _ in range(2):  # redelivered
            service.release_stock(OrderCancelled(order_id=order), inventory=inventory)
    # cancelled before its confirmation arrives: nothing is counted at all
    service.reserve_stock(placed("late", (x.product_id, 1), (y.product_id, 1)), inventory=inventory)
    service.release_stock(OrderCancelled(order_id="late"), inventory=inventory)
    service.confirm_stock(OrderConfirmed(order_id="late"), inventory=inventory)

    as_never_sold = names(service.recommendations(never.product_id, co_occurrences=co))
    assert as_never_sold == ["Best"]
    for product in (x, y):
        assert names(service.recommendations(product.product_id, co_occurrences=co)) == as_never_sold
        assert (
            names(service.recommendations(product.product_id, co_occurrences=co))
            == before[product.product_id]
        )
    assert co.popular(5) == [best.product_id]
