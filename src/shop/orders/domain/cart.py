"""The customer's cart as checkout sees it: what the cart service answered, at the
catalog's current names and prices."""

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
    deleted: bool = False


class Cart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    items: tuple[CartLine, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.items
