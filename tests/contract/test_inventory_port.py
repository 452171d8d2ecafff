"""One contract for the catalog's Inventory and CoOccurrences ports, run on the in-memory fakes
and on the DynamoDB adapters: a reservation takes every line or none, is recorded once, is
released and confirmed once, and a confirmation is counted where recommendations read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from shop.catalog.adapters.dynamo_co_occurrences import DynamoCoOccurrences
from shop.catalog.adapters.dynamo_inventory import DynamoInventory
from shop.catalog.adapters.dynamo_products import DynamoProducts
from shop.catalog.domain import stock
from shop.catalog.domain.errors import OutOfStock, ReservationChanged, ReservationExists
from shop.catalog.domain.events import StockRejected, StockReserved
from shop.catalog.domain.product import Product
from shop.catalog.domain.reservation import Reservation, ReservationStatus
from shop.catalog.ports import CoOccurrences, Inventory, Products
from shop.kernel.change import Change
from shop.kernel.clock import FixedClock
from shop.platform.aws import client
from shop_tools.catalog_fakes import FakeCoOccurrences, FakeInventory, FakeProducts
from tests.conftest import create_table
from tests.contract.stores import BACKENDS, Store, dynamo_store, fake_store, on_moto
from tests.support.catalog import a_product

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Catalog:
    products: Products
    inventory: Store[Inventory]
    co_occurrences: CoOccurrences

    def stock_of(self, product_id: str) -> int:
        product = self.products.get(product_id)
        assert product is not None
        return product.stock


@pytest.fixture(params=BACKENDS)
def catalog(request: pytest.FixtureRequest) -> Catalog:
    if on_moto(request):
        table = create_table("catalog", stream=True)
        dynamodb = client("dynamodb")
        inventory = DynamoInventory(dynamodb, table, FixedClock())
        return Catalog(
            DynamoProducts(dynamodb, table),
            dynamo_store(inventory, table),
            DynamoCoOccurrences(dynamodb, table),
        )
    products = FakeProducts()
    fake = FakeInventory(products)
    return Catalog(products, fake_store(fake, fake.published), FakeCoOccurrences(fake))


def add(catalog: Catalog, product_id: str, stock: int) -> Product:
    product = a_product(product_id, stock=stock)
    catalog.products.add(product)
    return product


def reserving(order_id: str, *lines: tuple[str, int]) -> Change[Reservation]:
    reservation = Reservation.for_order(order_id, lines)
    return Change(None, reservation, (StockReserved.for_(reservation),))


def test_a_reservation_takes_every_line_with_its_event(catalog: Catalog) -> None:
    add(catalog, "a", 5)
    add(catalog, "b", 2)
    change = reserving("o1", ("a", 2), ("b", 2))
    catalog.inventory.port.reserve(change)
    assert (catalog.stock_of("a"), catalog.stock_of("b")) == (3, 0)
    assert catalog.inventory.port.find("o1") == change.after
    assert catalog.inventory.port.find("o2") is None
    assert catalog.inventory.published() == ["StockReserved"]


def test_a_line_short_gone_or_deleted_takes_nothing_and_names_them_all(catalog: Catalog) -> None:
    add(catalog, "a", 5)
    add(catalog, "b", 1)
    catalog.products.remove(add(catalog, "c", 5).remove(now=NOW))
    with pytest.raises(OutOfStock) as short:
        catalog.inventory.port.reserve(reserving("o1", ("a", 2), ("b", 2), ("c", 1), ("ghost", 1)))
    assert set(short.value.product_ids) == {"b", "c", "ghost"}
    assert (catalog.stock_of("a"), catalog.stock_of("b")) == (5, 1)
    assert catalog.inventory.port.find("o1") is None
    assert catalog.inventory.published() == []


def test_an_order_is_recorded_once_whatever_comes_second(catalog: Catalog) -> None:
    add(catalog, "a", 1)
    catalog.inventory.port.record(stock.release_in_advance("o1"))
    with pytest.raises(ReservationExists):
        catalog.inventory.port.reserve(reserving("o1", ("a", 5)))  # short too: the record wins
    rejected = Reservation.for_order("o1", [("a", 1)]).rejected()
    with pytest.raises(ReservationExists):
        catalog.inventory.port.record(Change(None, rejected, (StockRejected.because("o1", ["a"]),)))
    found = catalog.inventory.port.find("o1")
    assert found is not None
    assert found.status is ReservationStatus.RELEASED
    assert catalog.stock_of("a") == 1
    assert catalog.inventory.published() == []


def test_a_release_gives_the_stock_back_once(catalog: Catalog) -> None:
    add(catalog, "a", 5)
    reserved = reserving("o1", ("a", 2)).after
    catalog.inventory.port.reserve(reserving("o1", ("a", 2)))
    catalog.inventory.port.release(stock.release(reserved))
    with pytest.raises(ReservationChanged):
        catalog.inventory.port.release(stock.release(reserved))
    assert catalog.stock_of("a") == 5
    assert catalog.inventory.port.find("o1") == reserved.released()


def test_a_confirmation_is_counted_once_for_recommendations(catalog: Catalog) -> None:
    for product_id in "abc":
        add(catalog, product_id, 5)
    reserved = reserving("o1", ("a", 1), ("b", 1), ("c", 2)).after
    catalog.inventory.port.reserve(reserving("o1", ("a", 1), ("b", 1), ("c", 2)))
    catalog.inventory.port.confirm(stock.confirm(reserved))
    with pytest.raises(ReservationChanged):
        catalog.inventory.port.confirm(stock.confirm(reserved))
    with pytest.raises(ReservationChanged):
        catalog.inventory.port.release(stock.release(reserved))  # decided on the RESERVED record
    assert catalog.stock_of("c") == 3
    counts = {
        c.product.product_id: (c.counts.orders, c.counts.units)
        for c in catalog.co_occurrences.candidates(["a", "b", "c", "ghost"])
    }
    assert counts == {"a": (1, 1), "b": (1, 1), "c": (1, 2)}
    assert catalog.co_occurrences.popular(2) == ["c", "a"]
    neighbourhood = catalog.co_occurrences.neighbourhood("a")
    assert neighbourhood is not None
    assert {(p.partner_id, p.orders) for p in neighbourhood.partners} == {("b", 1), ("c", 1)}
    assert catalog.co_occurrences.neighbourhood("ghost") is None


def test_releasing_a_confirmed_order_takes_back_exactly_what_it_counted(catalog: Catalog) -> None:
    for product_id in "abcn":
        add(catalog, product_id, 5)
    catalog.inventory.port.reserve(reserving("kept", ("c", 1)))
    catalog.inventory.port.confirm(stock.confirm(reserving("kept", ("c", 1)).after))
    reserved = reserving("o1", ("a", 3), ("b", 1), ("c", 1)).after
    catalog.inventory.port.reserve(reserving("o1", ("a", 3), ("b", 1), ("c", 1)))
    confirmed = reserved.confirmed()
    catalog.inventory.port.confirm(stock.confirm(reserved))
    catalog.inventory.port.release(stock.release(confirmed))
    with pytest.raises(ReservationChanged):  # a redelivered cancellation takes nothing back twice
        catalog.inventory.port.release(stock.release(confirmed))

    assert [catalog.stock_of(pid) for pid in "abc"] == [5, 5, 4]
    never_sold = catalog.co_occurrences.neighbourhood("n")
    assert never_sold is not None
    for product_id in "ab":
        refunded = catalog.co_occurrences.neighbourhood(product_id)
        assert refunded is not None
        assert refunded.counts == never_sold.counts
        assert [p for p in refunded.partners if p.weight > 0] == []
    counts = {
        c.product.product_id: (c.counts.orders, c.counts.units)
        for c in catalog.co_occurrences.candidates(["a", "c"])
    }
    assert counts == {"a": (0, 0), "c": (1, 1)}
    assert catalog.co_occurrences.popular(5) == ["c"]


def test_a_viewer_s_co_views_of_a_pair_count_once_a_day(catalog: Catalog) -> None:
    add(catalog, "a", 1)
    add(catalog, "b", 1)
    today, tomorrow = NOW.date(), NOW.date() + timedelta(days=1)
    for _ in range(3):
        catalog.co_occurrences.record_view("a", "b", viewer_id="mallory", day=today)
        catalog.co_occurrences.record_view("b", "a", viewer_id="mallory", day=today)
    catalog.co_occurrences.record_view("a", "b", viewer_id="mallory", day=tomorrow)
    catalog.co_occurrences.record_view("a", "b", viewer_id="alice", day=today)
    neighbourhood = catalog.co_occurrences.neighbourhood("b")
    assert neighbourhood is not None
    assert [(p.partner_id, p.views) for p in neighbourhood.partners] == [("a", 3)]
    assert neighbourhood.counts.views == 3
