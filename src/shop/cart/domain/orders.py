"""An order placed from the cart as orders tells it now (`GET /orders/{order_id}`): the
fields the cart reads of it (tests/contract holds orders' answer to them). GET /cart asks
only about the order it shows pending, so that an order that just ended is shown ended,
before the cart hears of it from the orders' events."""

from pydantic import BaseModel, ConfigDict

from shop.cart.domain.events import OrderedLine

_FINAL = frozenset({"CONFIRMED", "SHIPPED", "CANCELLED"})


class Step(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    status: str


class PlacedOrder(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    order_id: str
    status: str
    lines: tuple[OrderedLine, ...]
    history: tuple[Step, ...]

    @property
    def final(self) -> bool:
        return self.status in _FINAL

    @property
    def taken(self) -> frozenset[str]:
        """The cart line versions the order took: those of an order that was confirmed (and
        may be shipped, or cancelled since with a refund: its confirmation took them all the same)."""
        if not any(step.status == "CONFIRMED" for step in self.history):
            return frozenset()
        return frozenset(line.revision for line in self.lines if line.revision)
