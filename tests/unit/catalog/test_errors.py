"""What each refusal tells the client: the problem's detail, the field it names, what it carries."""

from shop.catalog.domain.errors import OutOfStock, ProductNotFound, ReservationExists, SkuTaken


def test_a_missing_product_is_named() -> None:
    error = ProductNotFound("p1")
    assert (error.detail, error.field, error.product_id) == ("There is no product p1.", None, "p1")


def test_a_taken_sku_names_the_field_and_the_sku() -> None:
    error = SkuTaken("SKU-1")
    assert (error.detail, error.field, error.sku) == (
        "Another product already has the SKU SKU-1.",
        "sku",
        "SKU-1",
    )


def test_out_of_stock_names_each_product_once_in_order() -> None:
    error = OutOfStock(["b", "a", "b"])
    assert (error.detail, error.product_ids) == ("Not enough stock for: b, a", ("b", "a"))


def test_a_second_reservation_names_the_order() -> None:
    error = ReservationExists("o1")
    assert (error.detail, error.order_id) == ("Order o1 already has a reservation.", "o1")
