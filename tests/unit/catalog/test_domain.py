"""The catalog's rules: product validation, stock never negative, reservation transitions."""

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from shop.catalog.domain.errors import IllegalTransition, OutOfStock
from shop.catalog.domain.events import OrderPlaced
from shop.catalog.domain.product import NewProduct, Product, ProductChanges, ProductQuery
from shop.catalog.domain.reservation import Reservation, ReservationStatus

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LATER = datetime(2026, 1, 2, tzinfo=UTC)


def new_product(**overrides: Any) -> dict[str, Any]:
    return {
        "sku": "SKU-1",
        "name": "Desk Lamp",
        "price": {"amount": 1999, "currency": "EUR"},
        "category": "home",
        "stock": 5,
        **overrides,
    }


def product(**overrides: Any) -> Product:
    return Product.create(NewProduct(**new_product(**overrides)), product_id="p1", now=NOW)


def test_a_valid_new_product_becomes_a_listed_product() -> None:
    created = product(image_url="https://img.example.com/lamp.png", description="Warm light")
    assert created.stock == 5
    assert created.price.amount == 1999
    assert created.created_at == created.updated_at == NOW
    assert not created.deleted
    assert created.name_key == "desk lamp"


@pytest.mark.parametrize(
    "bad",
    [
        {"sku": ""},
        {"sku": "   "},
        {"sku": "x" * 101},
        {"name": "n" * 101},
        {"category": "c" * 101},
        {"description": "d" * 2001},
        {"image_url": "http://img.example.com/a.png"},
        {"image_url": "not a url"},
        {"price": {"amount": -1, "currency": "EUR"}},
        {"price": {"amount": 1.5, "currency": "EUR"}},
        {"price": {"amount": 100, "currency": "eur"}},
        {"price": {"amount": 100, "currency": "BTC"}},
        {"price": {"amount": 100, "currency": "XAU"}},
        {"price": {"amount": "100", "currency": "EUR"}},
        {"stock": -1},
        {"stock": 1_000_001},
        {"stock": "3"},
        {"colour": "red"},
    ],
)
def test_invalid_new_products_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        NewProduct(**new_product(**bad))


def test_limits_are_inclusive() -> None:
    NewProduct(
        **new_product(
            sku="s" * 100, description="d" * 2000, stock=1_000_000, price={"amount": 1, "currency": "USD"}
        )
    )
    NewProduct(**new_product(price={"amount": 10**12, "currency": "USD"}))


def test_a_price_of_zero_is_refused_on_creation_and_change() -> None:
    # a gateway declines a payment of nothing: such a product could never be bought
    with pytest.raises(ValidationError, match=r"price.amount\n  Input should be greater than or equal to 1"):
        NewProduct(**new_product(price={"amount": 0, "currency": "EUR"}))
    with pytest.raises(ValidationError, match=r"price.amount\n  Input should be greater than or equal to 1"):
        ProductChanges(price={"amount": 0, "currency": "EUR"})


def test_reserving_takes_units_and_never_goes_negative() -> None:
    lamp = product(stock=3)
    assert lamp.reserve(3).stock == 0
    with pytest.raises(OutOfStock) as short:
        lamp.reserve(4)
    assert short.value.product_ids == ("p1",)


def test_a_deleted_product_cannot_be_reserved() -> None:
    with pytest.raises(OutOfStock):
        product().remove(now=LATER).reserve(1)


def test_revising_changes_only_the_given_fields() -> None:
    lamp = product(description="old")
    revised = lamp.revise(ProductChanges(name="Floor Lamp", description=None), now=LATER)
    assert revised.name == "Floor Lamp"
    assert revised.description is None
    assert revised.price == lamp.price
    assert revised.updated_at == LATER
    assert lamp.revise(ProductChanges(), now=LATER) is lamp


@pytest.mark.parametrize("field", ["name", "price", "category", "stock"])
def test_required_fields_cannot_be_cleared(field: str) -> None:
    with pytest.raises(ValidationError):
        ProductChanges(**{field: None})


def test_changes_refuse_unknown_fields_and_sku() -> None:
    with pytest.raises(ValidationError):
        ProductChanges(sku="other")  # type: ignore[call-arg]


def test_a_query_matches_by_category_and_name_case_insensitively() -> None:
    lamp = product(category="Home")
    assert ProductQuery(category="HOME", text="LAMP").matches(lamp)
    assert not ProductQuery(category="books").matches(lamp)
    assert not ProductQuery(text="chair").matches(lamp)
    assert not ProductQuery().matches(lamp.remove(now=LATER))


def test_an_order_reserves_one_line_per_product() -> None:
    placed = OrderPlaced.model_validate(
        {
            "order_id": "o1",
            "customer_id": "c1",
            "lines": [
                {"product_id": "b", "quantity": 1, "name": "B"},
                {"product_id": "a", "quantity": 2},
                {"product_id": "b", "quantity": 3},
            ],
        }
    )
    reservation = placed.reservation()
    assert reservation.status is ReservationStatus.RESERVED
    assert [(line.product_id, line.quantity) for line in reservation.lines] == [("a", 2), ("b", 4)]


def test_reservation_transitions() -> None:
    reserved = Reservation.for_order("o1", [("a", 1)])
    assert reserved.confirmed().status is ReservationStatus.CONFIRMED
    assert reserved.released().status is ReservationStatus.RELEASED
    assert reserved.confirmed().released().status is ReservationStatus.RELEASED
    assert reserved.rejected().status is ReservationStatus.REJECTED
    with pytest.raises(IllegalTransition):
        reserved.released().released()
    with pytest.raises(IllegalTransition):
        reserved.rejected().released()
    with pytest.raises(IllegalTransition):
        reserved.confirmed().confirmed()
    with pytest.raises(IllegalTransition):
        Reservation.released_in_advance("o1").confirmed()


def test_bought_together_counts_both_directions_and_is_capped() -> None:
    small = Reservation.for_order("o1", [("a", 1), ("b", 1), ("c", 1)])
    assert sorted(small.bought_together()) == [
        ("a", "b"),
        ("a", "c"),
        ("b", "a"),
        ("b", "c"),
        ("c", "a"),
        ("c", "b"),
    ]
    assert Reservation.for_order("o2", [("a", 1)]).bought_together() == []
    for size, sold, directed_pairs in [(9, 9, 72), (10, 10, 78), (30, 30, 38), (50, 49, 0), (98, 1, 0)]:
        big = Reservation.for_order("o3", [(f"p{i:02}", 1) for i in range(size)])
        pairs = big.bought_together()
        assert (len(big.sold()), len(pairs)) == (sold, directed_pairs)
        # what releasing the confirmed order writes: the reservation, the stock, the counters back
        assert 1 + size + len(big.sold()) + len(pairs) <= 100
        assert len(set(pairs)) == len(pairs)
