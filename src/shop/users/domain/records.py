"""What the other services hold about a customer, as the users service reads it for an
export or before a deletion: the fields it decides on are typed, the rest passes through
as the owner answered it."""

from typing import Any

from pydantic import BaseModel, ConfigDict

from shop.users.domain.model import UserProfile

# An order in any other state still moves (stock, payment): its customer must stay.
SETTLED_STATUSES = frozenset({"CONFIRMED", "CANCELLED", "SHIPPED"})

CartRecord = dict[str, Any]
PaymentRecord = dict[str, Any]


# built on first use (defer_build): only the export reads them
class OrderRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)

    order_id: str
    status: str

    @property
    def settled(self) -> bool:
        return self.status in SETTLED_STATUSES


class OrdersPage(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    items: tuple[OrderRecord, ...]
    next_cursor: str | None = None


class DataExport(BaseModel):
    """Everything the shop holds about one customer: one page of orders, with their payments."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    profile: UserProfile
    cart: CartRecord
    orders: OrdersPage
    payments: tuple[PaymentRecord, ...]
