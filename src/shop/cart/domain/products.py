"""A product as the cart sees it: the catalog's current name and price, and whether it is still sold."""

from pydantic import BaseModel, ConfigDict

from shop.kernel.money import Money


class Product(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    product_id: str
    name: str
    price: Money
    deleted: bool = False
