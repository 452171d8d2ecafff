"""The customer's cart as checkout sees it: what the cart service answered, at the
catalog's current names and prices. These are the fields checkout reads of `GET /cart`
(tests/contract holds the cart's answer to them): `items` are orderable, `unavailable`
lines (product deleted, price now in another currency, amount too large) are not."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shop.kernel.money import Money


class CartLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    product_id: Annotated[str, Field(min_length=1)]
    name: str
    unit_price: Money
    quantity: Annotated[int, Field(ge=1)]


class UnavailableLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    product_id: str


class Cart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    items: tuple[CartLine, ...] = ()
    unavailable: tuple[UnavailableLine, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.items
