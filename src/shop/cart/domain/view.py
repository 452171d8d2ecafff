"""The cart as customers (and the orders service) see it: lines at the catalog's current
names and prices. Lines that cannot be ordered any more — product deleted or unknown, its
price in a currency the shop no longer takes or now in another currency than the cart's,
or an amount past what the shop handles (`MAX_AMOUNT`: a price raised since the line was
added) — are not items: they are listed under `unavailable`, count in no total, and can
still be removed."""

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shop.cart.domain.cart import Cart, CartLine
from shop.cart.domain.products import Product
from shop.kernel.money import AmountTooLarge, Money

EMPTY_CART_CURRENCY = "EUR"


class CartItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: str
    name: str
    unit_price: Money
    quantity: int
    line_total: Money
    price_when_added: Money | None = Field(
        default=None,
        description="The unit price when the customer last set this line (null for lines set before the cart "
        "kept it); checkout without If-Match refuses a line whose price rose since",
    )
    revision: str = Field(
        description="The line's version: it changes on every write of the line, and a confirmed order "
        "removes exactly the versions it ordered"
    )


Reason = Literal["product_unavailable", "currency_not_accepted", "currency_changed", "amount_too_large"]


class UnavailableLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: str
    quantity: int
    reason: Reason


class PendingOrder(BaseModel):
    model_config = ConfigDict(frozen=True)

    order_id: str
    status: Literal["PENDING"] = Field(
        default="PENDING", description="Not final yet: GET /orders/{order_id} tells its exact status"
    )


class PricedCart(BaseModel):
    model_config = ConfigDict(frozen=True)

    items: list[CartItem]
    total: Money
    item_count: int = Field(description="Sum of the items' quantities")
    unavailable: list[UnavailableLine] = Field(
        default_factory=list,
        description=(
            "Lines that cannot be ordered (product deleted, priced in a currency the shop no "
            "longer takes or in another currency than the cart, or the line would take the "
            "total past the largest amount)"
        ),
    )
    pending_order: PendingOrder | None = Field(
        default=None,
        description="The order placed from this cart that is not final yet (no other can be placed "
        "meanwhile), or null",
    )


def price(cart: Cart, products: Mapping[str, Product], now: datetime) -> PricedCart:
    lines = sorted(cart.live_lines(now).values(), key=lambda line: (line.added_at, line.product_id))
    currency = cart.live_currency(now) or EMPTY_CART_CURRENCY
    items: list[CartItem] = []
    unavailable: list[UnavailableLine] = []
    running = Money.zero(currency)
    for line in lines:
        product = products.get(line.product_id)
        if product is None or product.deleted:
            unavailable.append(_unavailable(line, "product_unavailable"))
            continue
        if not product.price.accepted:
            unavailable.append(_unavailable(line, "currency_not_accepted"))
            continue
        if product.price.currency != currency:
            unavailable.append(_unavailable(line, "currency_changed"))
            continue
        try:
            line_total = product.price.times(line.quantity)
            running = running + line_total
        except AmountTooLarge:
            unavailable.append(_unavailable(line, "amount_too_large"))
            continue
        items.append(
            CartItem(
                product_id=line.product_id,
                name=product.name,
                unit_price=product.price,
                quantity=line.quantity,
                line_total=line_total,
                price_when_added=line.price_when_added,
                revision=line.revision,
            )
        )
    return PricedCart(
        items=items,
        total=running,
        item_count=sum(item.quantity for item in items),
        unavailable=unavailable,
        pending_order=_pending(cart),
    )


def etag(cart: PricedCart) -> str:
    """A strong entity tag of the answer: it changes whenever anything the cart shows does
    (lines, quantities, prices, availability), so checkout can be made conditional on it."""
    digest = hashlib.sha256(cart.model_dump_json().encode()).hexdigest()
    return f'"{digest[:32]}"'


def over_limit(cart: PricedCart) -> int:
    """How many lines the shop cannot total any more."""
    return sum(1 for line in cart.unavailable if line.reason == "amount_too_large")


def _pending(cart: Cart) -> PendingOrder | None:
    order_id = cart.pending_order()
    return PendingOrder(order_id=order_id) if order_id else None


def _unavailable(line: CartLine, reason: Reason) -> UnavailableLine:
    return UnavailableLine(product_id=line.product_id, quantity=line.quantity, reason=reason)
