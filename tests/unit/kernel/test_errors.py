from shop.kernel.errors import Conflict, DomainError


def test_an_error_without_detail_reads_its_title() -> None:
    error = Conflict()
    assert (error.detail, str(error)) == ("Conflict", "Conflict")


def test_an_error_keeps_its_detail_and_field_and_starts_with_no_extensions_or_headers() -> None:
    error = DomainError("the cart is empty", field="items")
    assert (error.detail, str(error), error.field) == ("the cart is empty", "the cart is empty", "items")
    assert (error.extensions, error.headers) == ({}, {})
    assert DomainError().field is None
