"""What the cart needs from outside, in its own words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from shop.cart.domain.cart import Cart, CartLine, OrderMark
from shop.cart.domain.orders import PlacedOrder
from shop.cart.domain.products import Product
from shop.kernel.change import Change


class Carts(Protocol):
    """Each customer's cart. Every write is conditional on what was read, so concurrent
    writes of different lines all survive and a stale decision fails instead of overwriting."""

    def get(self, customer_id: str) -> Cart:
        """The stored cart (expired or not), or an empty one. One read."""
        ...

    def save_line(self, change: Change[Cart], product_id: str, now: datetime) -> None:
        """Write `change.after`'s line for `product_id` with the change's events (one write: a
        transaction with the outbox). Raises CurrencyConflict, CartFull or CartChanged if the
        stored cart no longer allows it. A change that starts the cart finding it started
        meanwhile (a concurrent first line) joins that cart instead, its events dropped: the
        other start announced it (a second write, in that race only)."""
        ...

    def remove_line(self, before: Cart, product_id: str, now: datetime) -> None:
        """Remove one line (one write); LineNotInCart if it is not there (any more)."""
        ...

    def note_order(
        self, before: Cart, order_id: str, mark: OrderMark, settled: Sequence[CartLine], now: datetime
    ) -> None:
        """Record what the cart knows of an order (one write): a mark that is final replaces the
        order's, one that is not never does (a late OrderPlaced after the order's end); marks of
        orders placed before are forgotten. The `settled` lines go with it, only if each is
        still exactly as read; CartChanged if not."""
        ...

    def remove_lines(self, before: Cart, now: datetime) -> None:
        """Remove every line of `before` (one write), keeping what the cart heard of its orders;
        CartChanged if a line was added or changed since it was read."""
        ...

    def clear(self, customer_id: str) -> None:
        """Forget the cart, what it heard of its orders too (one write); no cart is fine."""
        ...


class ProductCatalog(Protocol):
    def products(self, product_ids: Sequence[str]) -> Mapping[str, Product]:
        """The catalog's current view of these products (deleted ones flagged); unknown ids
        are absent. One catalog call (one DynamoDB request on its side)."""
        ...


class PlacedOrders(Protocol):
    def find(self, order_id: str, authorization: str) -> PlacedOrder | None:
        """The order as orders tells it now, read with the customer's own token (one orders
        call, one DynamoDB request on its side); None when orders cannot tell (unknown order,
        orders unavailable or unreadable): the cart then shows what it heard."""
        ...
