"""What can go wrong with a cart, in the kernel's kinds (the platform maps them to statuses)."""

from __future__ import annotations

from shop.kernel.errors import Conflict, InvalidInput, NotFound, Unprocessable


class InvalidQuantity(InvalidInput):
    title = "Invalid quantity"

    def __init__(self, quantity: object, *, lowest: int, highest: int) -> None:
        super().__init__(
            f"quantity must be a whole number from {lowest} to {highest}, not {quantity!r}", field="quantity"
        )


class ProductUnavailable(NotFound):
    title = "Product not found"

    def __init__(self, product_id: str) -> None:
        super().__init__(f"product {product_id!r} does not exist or is no longer sold")


class LineNotInCart(NotFound):
    title = "Not in cart"

    def __init__(self, product_id: str) -> None:
        super().__init__(f"product {product_id!r} is not in the cart")


class CurrencyConflict(Conflict):
    title = "Currency conflict"

    def __init__(self, cart_currency: str, product_currency: str) -> None:
        super().__init__(
            f"the cart holds {cart_currency} items and this product is priced in {product_currency}; "
            "a cart has one currency: check out or remove those items first"
        )


class CurrencyNotAccepted(Unprocessable):
    title = "Currency not accepted"

    def __init__(self, product_id: str, currency: str) -> None:
        super().__init__(f"product {product_id!r} is priced in {currency}, which the shop no longer takes")


class CartFull(Unprocessable):
    title = "Cart full"

    def __init__(self, limit: int) -> None:
        super().__init__(f"a cart holds at most {limit} different products; remove one before adding another")


class CartChanged(Conflict):
    title = "Cart changed"

    def __init__(self) -> None:
        super().__init__("the cart was changed by another request at the same time; retry")
