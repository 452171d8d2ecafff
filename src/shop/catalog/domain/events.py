"""Events the catalog publishes, and its reading of the orders events it consumes."""

from collections.abc import Iterable
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, PositiveInt

from shop.catalog.domain.reservation import Reservation
from shop.kernel.events import EventData


class StockLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: str
    quantity: int


class StockReserved(EventData):
    event_type: ClassVar[str] = "StockReserved"

    order_id: str
    lines: tuple[StockLine, ...]

    @classmethod
    def for_(cls, reservation: Reservation) -> "StockReserved":
        return cls(
            order_id=reservation.order_id,
            lines=tuple(
                StockLine(product_id=line.product_id, quantity=line.quantity) for line in reservation.lines
            ),
        )


class StockRejected(EventData):
    event_type: ClassVar[str] = "StockRejected"

    order_id: str
    product_ids: tuple[str, ...]

    @classmethod
    def because(cls, order_id: str, product_ids: Iterable[str]) -> "StockRejected":
        return cls(order_id=order_id, product_ids=tuple(product_ids))


class _Consumed(BaseModel):
    """A tolerant reader: only the fields the catalog needs, anything else ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class OrderLine(_Consumed):
    product_id: str
    quantity: PositiveInt


class OrderPlaced(_Consumed):
    order_id: str
    lines: tuple[OrderLine, ...]

    def reservation(self) -> Reservation:
        return Reservation.for_order(self.order_id, ((line.product_id, line.quantity) for line in self.lines))


class OrderCancelled(_Consumed):
    order_id: str


class OrderConfirmed(_Consumed):
    order_id: str
