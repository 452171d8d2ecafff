"""The cart aggregate: lines keyed by product, one currency, at most MAX_LINES lines, and
idle expiry (a cart not written for IDLE_LIFETIME is gone, whatever storage still holds).
A cart's lifetime runs from the line that fills it when empty to the moment it is empty (or
expired) again; each lifetime has its own `cart_id` and is announced once, by CartStarted."""

from collections.abc import Mapping
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from shop.cart.domain.errors import (
    CartFull,
    CurrencyConflict,
    CurrencyNotAccepted,
    InvalidQuantity,
    LineNotInCart,
    ProductUnavailable,
)
from shop.cart.domain.events import CartStarted, OrderConfirmed
from shop.cart.domain.products import Product
from shop.kernel.change import Change
from shop.kernel.ids import new_id
from shop.kernel.money import Money

MIN_QUANTITY = 1
MAX_QUANTITY = 99
MAX_LINES = 50
IDLE_LIFETIME = timedelta(days=30)


class CartLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: str
    quantity: int = Field(ge=MIN_QUANTITY, le=MAX_QUANTITY)
    added_at: datetime
    updated_at: datetime
    revision: str = Field(description="Changes on every write of the line: the token of conditional removals")
    # what the customer saw when setting the line: checkout without If-Match refuses a price that rose since
    price_when_added: Money | None = None


class OrderMark(BaseModel):
    """What the cart knows of an order placed from it, from the orders' events: when it was
    placed (orders are placed one at a time per cart, so the newest is the one that counts)
    and whether it is final (confirmed or cancelled)."""

    model_config = ConfigDict(frozen=True)

    placed_at: datetime
    final: bool = False


class Cart(BaseModel):
    """A customer's cart as stored. `expires_at` is the stored expiry (None: never written);
    an expired cart still in storage reads as empty through `live_lines`. `cart_id` names the
    current (or last) lifetime; None for a cart never started or stored before it existed."""

    model_config = ConfigDict(frozen=True)

    customer_id: str
    cart_id: str | None = None
    lines: Mapping[str, CartLine] = Field(default_factory=dict)
    currency: str | None = None
    expires_at: datetime | None = None
    orders: Mapping[str, OrderMark] = Field(default_factory=dict)

    @classmethod
    def empty(cls, customer_id: str) -> "Cart":
        return cls(customer_id=customer_id)

    def pending_order(self) -> str | None:
        """The order placed from this cart that is not final yet, if any: the newest it knows of
        (a late OrderPlaced of an older order, final long since, changes nothing)."""
        if not self.orders:
            return None
        order_id, mark = max(self.orders.items(), key=lambda item: (item[1].placed_at, item[0]))
        return None if mark.final else order_id

    def marks_before(self, mark: OrderMark) -> list[str]:
        """The orders placed before this one: final by now (one order at a time), so forgotten."""
        return [order_id for order_id, known in self.orders.items() if known.placed_at < mark.placed_at]

    def ended(self, order_id: str, taken: frozenset[str]) -> "Cart":
        """The cart as it will be once it hears that this order ended (orders told first): the
        line versions the order took gone and the order final. Shown, never saved: the
        orders' events still settle the stored cart."""
        mark = self.orders[order_id].model_copy(update={"final": True})
        lines = {pid: line for pid, line in self.lines.items() if line.revision not in taken}
        return self.model_copy(update={"lines": lines, "orders": {**self.orders, order_id: mark}})

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def live_lines(self, now: datetime) -> dict[str, CartLine]:
        return {} if self.is_expired(now) else dict(self.lines)

    def live_currency(self, now: datetime) -> str | None:
        """The currency the cart is bound to: that of its lines; none once it has no line."""
        return self.currency if self.live_lines(now) else None

    def put(self, product: Product, quantity: int, now: datetime) -> Change["Cart"]:
        """The cart with `product`'s line set to `quantity` (added if new), as a change to
        store: the line that fills an empty cart starts a new lifetime and announces it."""
        if isinstance(quantity, bool) or not MIN_QUANTITY <= quantity <= MAX_QUANTITY:
            raise InvalidQuantity(quantity, lowest=MIN_QUANTITY, highest=MAX_QUANTITY)
        if product.deleted:
            raise ProductUnavailable(product.product_id)
        if not product.price.accepted:
            raise CurrencyNotAccepted(product.product_id, product.price.currency)
        lines = self.live_lines(now)
        currency = self.live_currency(now)
        if currency is not None and product.price.currency != currency:
            raise CurrencyConflict(currency, product.price.currency)
        existing = lines.get(product.product_id)
        if existing is None and len(lines) >= MAX_LINES:
            raise CartFull(MAX_LINES)
        starts = not lines
        lines[product.product_id] = CartLine(
            product_id=product.product_id,
            quantity=quantity,
            added_at=existing.added_at if existing else now,
            updated_at=now,
            revision=new_id(),
            price_when_added=product.price,
        )
        after = self._changed(lines, currency=product.price.currency, now=now)
        if not starts:
            return Change(before=self, after=after)
        cart_id = new_id()
        started = CartStarted(cart_id=cart_id, customer_id=self.customer_id, started_at=now)
        return Change(before=self, after=after.model_copy(update={"cart_id": cart_id}), events=(started,))

    def set_quantity(self, product: Product, quantity: int, now: datetime) -> "Cart":
        """The cart `put` makes, without the change around it."""
        return self.put(product, quantity, now).after

    def remove(self, product_id: str, now: datetime) -> "Cart":
        lines = self.live_lines(now)
        if lines.pop(product_id, None) is None:
            raise LineNotInCart(product_id)
        return self._changed(lines, currency=self.currency, now=now)

    def lines_settled_by(self, order: OrderConfirmed, now: datetime) -> list[CartLine]:
        """The lines a confirmed order takes out of this cart: exactly the line versions it
        ordered (`revision`). A line changed, or removed and added again, after checkout (while
        the order was pending) has another revision and stays as the customer left it."""
        lines = self.live_lines(now)
        if order.customer_id != self.customer_id:
            return []
        settled = []
        for ordered in order.lines:
            line = lines.get(ordered.product_id)
            if line and ordered.revision is not None and line.revision == ordered.revision:
                settled.append(line)
        return settled

    def _changed(self, lines: dict[str, CartLine], *, currency: str | None, now: datetime) -> "Cart":
        expires_at = now + IDLE_LIFETIME
        return self.model_copy(update={"lines": lines, "currency": currency, "expires_at": expires_at})
