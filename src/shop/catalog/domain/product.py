"""A product of the catalog, the commands that create and change it, and its stock rules."""

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, NonNegativeInt, StrictInt

from shop.catalog.domain.errors import OutOfStock
from shop.kernel.integers import integral
from shop.kernel.money import MAX_AMOUNT, AcceptedMoney, Money
from shop.kernel.partial import Omissible
from shop.kernel.text import SOMETHING_PRINTABLE, printable_text

MAX_STOCK = 1_000_000
MAX_TEXT = 100
MAX_DESCRIPTION = 2000
MAX_URL = 2048


def _https_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or any(character.isspace() for character in value):
        raise ValueError("must be an https:// URL")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# What the document says of a URL, which the validator checks with a clearer message.
_HTTPS_PATTERN = r"^https://[^\s/?#@:]+(:[0-9]+)?([/?#][^\s]*)?$"


def _label(max_length: int, description: str) -> Any:
    return Field(
        min_length=1,
        max_length=max_length,
        description=description,
        json_schema_extra=SOMETHING_PRINTABLE,
    )


_Label = [AfterValidator(_not_blank), printable_text]
Sku = Annotated[str, _label(MAX_TEXT, "Stock keeping unit, unique"), *_Label]
Name = Annotated[str, _label(MAX_TEXT, "Display name"), *_Label]
Category = Annotated[str, _label(MAX_TEXT, "Category (filters are case-insensitive)"), *_Label]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION)]
ImageUrl = Annotated[
    str,
    Field(max_length=MAX_URL, description="https URL", json_schema_extra={"pattern": _HTTPS_PATTERN}),
    AfterValidator(_https_url),
]
Stock = Annotated[
    StrictInt, Field(ge=0, le=MAX_STOCK, description="Units that can still be ordered"), integral
]


class Price(AcceptedMoney):
    """A product's price: a payment of nothing is no payment (gateways decline it), so a product
    priced 0 could never be bought."""

    amount: Annotated[
        StrictInt,
        Field(ge=1, le=MAX_AMOUNT, description="Minor units of the currency (cents for EUR), at least 1"),
        integral,
    ]


class NewProduct(BaseModel):
    """What an admin gives to add a product."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sku: Sku
    name: Name
    description: Description | None = None
    price: Price
    category: Category
    stock: Stock
    image_url: ImageUrl | None = None


class ProductChanges(BaseModel):
    """Any of the changeable fields; description and image_url may be cleared with null."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Omissible[Name] = None
    description: Description | None = None
    price: Omissible[Price] = None
    category: Omissible[Category] = None
    image_url: ImageUrl | None = None
    stock: Omissible[Stock] = None

    def given(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in self.model_fields_set}


class Product(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: str
    sku: str
    name: str
    description: str | None = None
    price: Money
    category: str
    stock: NonNegativeInt
    image_url: str | None = None
    created_at: datetime
    updated_at: datetime
    deleted: bool = False

    @classmethod
    def create(cls, new: NewProduct, *, product_id: str, now: datetime) -> "Product":
        return cls(**new.model_dump(), product_id=product_id, created_at=now, updated_at=now)

    @property
    def name_key(self) -> str:
        """Listings are sorted and searched by this."""
        return self.name.lower()

    @property
    def category_key(self) -> str:
        return category_key(self.category)

    def revise(self, changes: ProductChanges, *, now: datetime) -> "Product":
        values = changes.given()
        if not values:
            return self
        return self.model_copy(update={**values, "updated_at": now})

    def remove(self, *, now: datetime) -> "Product":
        return self.model_copy(update={"deleted": True, "updated_at": now})

    def reserve(self, quantity: int) -> "Product":
        if self.deleted or quantity > self.stock:
            raise OutOfStock([self.product_id])
        return self.model_copy(update={"stock": self.stock - quantity})

    def release(self, quantity: int) -> "Product":
        return self.model_copy(update={"stock": self.stock + quantity})


def category_key(category: str) -> str:
    return category.strip().lower()


class ProductQuery(BaseModel):
    """One listing: all products or one category, optionally those whose name contains `text`."""

    model_config = ConfigDict(frozen=True)

    category: str | None = None
    text: str | None = None
    limit: int = 20

    @property
    def category_key(self) -> str | None:
        return category_key(self.category) if self.category else None

    @property
    def text_key(self) -> str | None:
        return self.text.lower() if self.text else None

    def matches(self, product: Product) -> bool:
        if product.deleted:
            return False
        if self.category_key is not None and product.category_key != self.category_key:
            return False
        return self.text_key is None or self.text_key in product.name_key
