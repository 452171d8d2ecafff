"""What can go wrong with an order, in the shop's words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from shop.kernel.errors import Conflict, Unprocessable

if TYPE_CHECKING:
    from shop.orders.domain.model import Order


class IllegalTransition(Conflict):
    title = "Illegal order transition"


class EmptyCart(Unprocessable):
    title = "Empty cart"

    def __init__(self) -> None:
        super().__init__("The cart is empty: add products before checking out.")


class CartNotOrderable(Unprocessable):
    """The cart lists lines that cannot be ordered (`unavailable`): checking out without
    them would order less than the customer sees in the cart, so they go first."""

    title = "Cart holds unavailable lines"

    def __init__(self, product_ids: Sequence[str]) -> None:
        super().__init__(
            f"No longer orderable: {', '.join(product_ids)}; remove it from the cart.",
            field="cart",
        )
        self.product_ids = tuple(product_ids)


class IdempotencyKeyReused(Conflict):
    title = "Idempotency key reused"

    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was already used with a different request.", field="Idempotency-Key"
        )


class OrderExists(Exception):
    """`Orders.add` found an order with that id already (an idempotent retry)."""

    def __init__(self, existing: Order) -> None:
        super().__init__(existing.order_id)
        self.existing = existing


class StaleOrder(Conflict):
    """The stored order is no longer the one the change started from."""

    title = "Order changed meanwhile"

    def __init__(self, order_id: str, current: Order | None) -> None:
        super().__init__(f"Order {order_id} changed while this request ran; retry.")
        self.current = current
