"""The catalog's edges, stated as documented: label, URL and stock bounds, and what one
reservation may hold so it stays inside one 100-operation transaction."""

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from shop.catalog.domain.errors import IllegalTransition, OutOfStock
from shop.catalog.domain.events import OrderPlaced
from shop.catalog.domain.product import NewProduct, Product, ProductQuery
from shop.catalog.domain.reservation import Reservation
from shop.catalog.domain.stock import reserve

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LATER = datetime(2026, 1, 2, tzinfo=UTC)
VALID: dict[str, Any] = {
    "sku": "SKU-1",
    "name": "Desk Lamp",
    "price": {"amount": 1999, "currency": "EUR"},
    "category": "home",
    "stock": 5,
}


def refusal(**change: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as refused:
        NewProduct(**{**VALID, **change})
    return dict(refused.value.errors()[0])


@pytest.mark.parametrize("field", ["sku", "name", "category"])
def test_a_label_has_1_to_100_characters(field: str) -> None:
    assert getattr(NewProduct(**{**VALID, field: "x" * 100}), field) == "x" * 100
    assert refusal(**{field: "x" * 101})["loc"] == (field,)
    assert refusal(**{field: ""})["loc"] == (field,)


@pytest.mark.parametrize("character", ["\x00", "\x1f", "\x7f", "\x80", "\x9b", "\u200b", "\ufeff"])
def test_a_label_refuses_control_and_invisible_formatting_characters(character: str) -> None:
    error = refusal(name=f"Desk{character}Lamp")
    assert (error["loc"], error["msg"]) == (
        ("name",),
        "Control and invisible formatting characters are not allowed.",
    )


def test_a_label_may_hold_spaces_and_any_printable_character() -> None:
    assert NewProduct(**{**VALID, "name": "Lampe ~ de bureau \u00e9t\u00e9 \u00a0\u20ac"}).name == (
        "Lampe ~ de bureau \u00e9t\u00e9 \u00a0\u20ac"
    )


def test_a_blank_label_is_refused_as_blank() -> None:
    assert refusal(name="   ")["msg"] == "Value error, must not be blank"


@pytest.mark.parametrize(
    "url",
    [
        "https://img.example.com/a b.png",
        "https://img.example.com/a\tb.png",
        "http://img.example.com/a.png",
        "https:///a.png",
    ],
)
def test_an_image_url_is_https_with_a_host_and_no_whitespace(url: str) -> None:
    error = refusal(image_url=url)
    assert (error["loc"], error["msg"]) == (("image_url",), "Value error, must be an https:// URL")


def test_an_image_url_has_at_most_2048_characters() -> None:
    base = "https://img.example.com/"
    longest = base + "a" * (2048 - len(base))
    assert NewProduct(**{**VALID, "image_url": longest}).image_url == longest
    assert refusal(image_url=longest + "a")["loc"] == ("image_url",)


def test_stock_goes_from_0_to_a_million() -> None:
    assert NewProduct(**{**VALID, "stock": 0}).stock == 0
    assert NewProduct(**{**VALID, "stock": 1_000_000}).stock == 1_000_000
    assert refusal(stock=-1)["loc"] == ("stock",)
    assert refusal(stock=1_000_001)["loc"] == ("stock",)


def test_removing_a_product_stamps_the_time() -> None:
    removed = Product.create(NewProduct(**VALID), product_id="p1", now=NOW).remove(now=LATER)
    assert (removed.deleted, removed.updated_at) == (True, LATER)


def test_categories_match_whatever_their_case() -> None:
    lamp = Product.create(NewProduct(**{**VALID, "category": " Home "}), product_id="p1", now=NOW)
    assert lamp.category_key == "home"
    assert ProductQuery(category="HOME").matches(lamp)


def test_a_reservation_holds_at_most_98_products() -> None:
    def of(size: int) -> Reservation:
        return Reservation.for_order("o1", [(f"p{i:03}", 1) for i in range(size)])

    # 98 stock updates, the reservation record and its event: one 100-item transaction
    assert not of(98).too_large
    assert of(99).too_large


def test_a_confirmation_of_99_products_counts_no_sale() -> None:
    # releasing it writes the reservation and 99 stock lines: no room for a counter to take back
    confirmed = Reservation.for_order("o1", [(f"p{i:03}", 1) for i in range(99)])
    assert (confirmed.sold(), confirmed.bought_together()) == ((), [])


def test_an_order_of_99_products_is_refused_naming_them() -> None:
    lines = [{"product_id": f"p{i:03}", "quantity": 1} for i in range(99)]
    with pytest.raises(OutOfStock) as refused:
        reserve(OrderPlaced.model_validate({"order_id": "o1", "lines": lines}))
    assert refused.value.product_ids == tuple(f"p{i:03}" for i in range(99))


def test_a_reservation_that_cannot_move_says_what_it_is() -> None:
    released = Reservation.released_in_advance("o1")
    with pytest.raises(IllegalTransition) as not_holding:
        released.released()
    with pytest.raises(IllegalTransition) as not_reserved:
        released.confirmed()
    assert not_holding.value.detail == "reservation of o1 is RELEASED, holds no stock"
    assert not_reserved.value.detail == "reservation of o1 is RELEASED, not RESERVED"
