"""The customer's cart as checkout sees it: what the cart service answered, at the
catalog's current names and prices. These are the fields checkout reads of `GET /cart`
(tests/contract holds the cart's answer to them): `items` are orderable, `unavailable`
lines (product deleted, price now in another currency, amount too large) are not; each
item's `revision` and `price_when_added`, and the answer's `ETag`, make checkout conditional."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shop.kernel.money import Money
from shop.orders.domain.errors import CartChanged, PricesRose


# built on first use (defer_build), as checkout's other models: not on an order's read
class CartLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    product_id: Annotated[str, Field(min_length=1)]
    name: str
    unit_price: Money
    quantity: Annotated[int, Field(ge=1)]
    price_when_added: Money | None = None  # what the customer saw when setting the line
    revision: str | None = (
        None  # the line's version: the order records it, its confirmation removes exactly it
    )


class UnavailableLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    product_id: str


class Cart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    items: tuple[CartLine, ...] = ()
    unavailable: tuple[UnavailableLine, ...] = ()
    # the answer's ETag header, not its body: the version of the cart the customer saw
    etag: str | None = Field(default=None, exclude=True)

    @property
    def is_empty(self) -> bool:
        return not self.items

    @property
    def revisions(self) -> frozenset[str]:
        return frozenset(line.revision for line in self.items if line.revision)

    def prices_risen(self) -> list[str]:
        """The products whose unit price rose since the customer set their line."""
        return [
            line.product_id
            for line in self.items
            if line.price_when_added is not None
            and line.price_when_added.currency == line.unit_price.currency
            and line.unit_price.amount > line.price_when_added.amount
        ]

    def agreed(self, if_match: str | None) -> "Cart":
        """This cart, if it is what the customer agreed to (else 412): with `If-Match`, the
        version they read must still be the cart's; without (or `*`), no line may cost more
        than when the customer set it."""
        if if_match is not None and if_match.strip() != "*":
            if not _matches(if_match, self.etag):
                raise CartChanged(self.etag)
            return self
        risen = self.prices_risen()
        if risen:
            raise PricesRose(risen, self.etag)
        return self

    def without(self, revisions: frozenset[str]) -> "Cart":
        """The cart less these line versions (lines an order already took)."""
        return self.model_copy(
            update={"items": tuple(line for line in self.items if line.revision not in revisions)}
        )


def _matches(if_match: str, etag: str | None) -> bool:
    """RFC 9110 strong comparison against a list of entity tags: a weak tag (`W/"…"`) never matches."""
    return etag is not None and etag in (tag.strip() for tag in if_match.split(","))
