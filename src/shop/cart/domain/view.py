"""The cart as customers (and the orders service) see it: lines at the catalog's current
names and prices. Lines that cannot be ordered any more — product deleted or unknown, or
its price now in another currency than the cart's — are not items: they are listed under
`unavailable`, count in no total, and can still be removed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shop.cart.domain.cart import Cart, CartLine
from shop.cart.domain.products import Product
from shop.kernel.money import Money, total

EMPTY_CART_CURRENCY = "EUR"


class CartItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: str
    name: str
    unit_price: Money
    quantity: int
    line_total: Money


Reason = Literal["product_unavailable", "currency_changed"]


class UnavailableLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: str
    quantity: int
    reason: Reason


class PricedCart(BaseModel):
    model_config = ConfigDict(frozen=True)

    items: list[CartItem]
    total: Money
    item_count: int = Field(description="Sum of the items' quantities")
    unavailable: list[UnavailableLine] = Field(
        default_factory=list,
        description="Lines that cannot be ordered (product deleted, or now priced in another currency)",
    )


def price(cart: Cart, products: Mapping[str, Product], now: datetime) -> PricedCart:
    lines = sorted(cart.live_lines(now).values(), key=lambda line: (line.added_at, line.product_id))
    currency = cart.live_currency(now) or EMPTY_CART_CURRENCY
    items: list[CartItem] = []
    unavailable: list[UnavailableLine] = []
    for line in lines:
        product = products.get(line.product_id)
        if product is None or product.deleted:
            unavailable.append(_unavailable(line, "product_unavailable"))
        elif product.price.currency != currency:
            unavailable.append(_unavailable(line, "currency_changed"))
        else:
            items.append(
                CartItem(
                    product_id=line.product_id,
                    name=product.name,
                    unit_price=product.price,
                    quantity=line.quantity,
                    line_total=product.price.times(line.quantity),
                )
            )
    return PricedCart(
        items=items,
        total=total([item.line_total for item in items], currency),
        item_count=sum(item.quantity for item in items),
        unavailable=unavailable,
    )


def _unavailable(line: CartLine, reason: Reason) -> UnavailableLine:
    return UnavailableLine(product_id=line.product_id, quantity=line.quantity, reason=reason)
