"""What can go wrong with an order, in the shop's words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from shop.kernel.errors import Conflict, PreconditionFailed, Unprocessable

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


class CartChanged(PreconditionFailed):
    """`If-Match` names a cart the customer no longer has: an order of it would not be
    what they agreed to."""

    title = "Cart changed"

    def __init__(self, current_etag: str | None) -> None:
        super().__init__(
            "The cart changed since you read it (If-Match): read it again, then check out.", field="If-Match"
        )
        if current_etag:
            self.headers["ETag"] = current_etag


class PricesRose(PreconditionFailed):
    """Without `If-Match` the customer agreed to the prices they set each line at: a line
    whose price rose since is not ordered at the new price without asking."""

    title = "Prices rose"

    def __init__(self, product_ids: Sequence[str], current_etag: str | None) -> None:
        super().__init__(
            f"The price of {', '.join(product_ids)} rose since it was put in the cart: read the cart, "
            "then check out with If-Match set to its ETag to accept the new prices.",
            field="cart",
        )
        self.extensions["product_ids"] = list(product_ids)
        if current_etag:
            self.headers["ETag"] = current_etag


class OrderInFlight(Conflict):
    """One order at a time from a customer's cart: another is placed and not yet final."""

    title = "An order is in progress"

    def __init__(self, order_id: str) -> None:
        super().__init__(
            f"Order {order_id} from this cart is not final yet: follow it (Location) until it is "
            "CONFIRMED or CANCELLED, or cancel it, before checking out again."
        )
        self.order_id = order_id
        self.extensions["order_id"] = order_id
        self.headers["Location"] = f"/orders/{order_id}"


class CheckoutContended(Conflict):
    """Another checkout of the same cart was being written at the same instant (DynamoDB
    cancelled this one's transaction for the conflict): exactly one of them can win."""

    title = "An order is in progress"

    def __init__(self) -> None:
        super().__init__("Another checkout of this cart is under way: read your orders, then decide.")


class LinesTaken(Exception):
    """`Orders.add` found lines of the order that a confirmed order already took (the cart
    has not removed them yet): `revisions` are all the line versions confirmed orders took,
    `order_id` the last order that took some."""

    def __init__(self, revisions: frozenset[str], order_id: str | None) -> None:
        super().__init__(", ".join(sorted(revisions)))
        self.revisions = revisions
        self.order_id = order_id


class CartOrdered(Conflict):
    """Everything the cart shows was ordered already (another tab's order, confirmed before
    the cart removed its lines): there is nothing left to order, and that order is the answer."""

    title = "Cart already ordered"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"Everything in this cart was ordered by order {order_id} (Location).")
        self.extensions["order_id"] = order_id
        self.headers["Location"] = f"/orders/{order_id}"


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
