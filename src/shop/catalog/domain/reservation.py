"""What was taken from stock for one order, so it is taken once and given back once."""

from collections.abc import Iterable
from enum import StrEnum
from itertools import combinations

from pydantic import BaseModel, ConfigDict, PositiveInt

from shop.catalog.domain.errors import IllegalTransition

# One TransactWriteItems holds 100 operations: the reservation record and its event take two.
MAX_RESERVED_PRODUCTS = 98
# Releasing a confirmed order writes the reservation, gives each line's stock back and takes
# back each counter its confirmation added (a sales counter per product, two per pair): the
# confirmation counts only what that one transaction can take back.
_MAX_RELEASE_WRITES = 100


class ReservationStatus(StrEnum):
    RESERVED = "RESERVED"
    REJECTED = "REJECTED"
    RELEASED = "RELEASED"
    CONFIRMED = "CONFIRMED"


class ReservedLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: str
    quantity: PositiveInt


class Reservation(BaseModel):
    model_config = ConfigDict(frozen=True)

    order_id: str
    status: ReservationStatus
    lines: tuple[ReservedLine, ...] = ()

    @classmethod
    def for_order(cls, order_id: str, lines: Iterable[tuple[str, int]]) -> "Reservation":
        """One line per product (an order may name a product twice), in a stable order."""
        quantities: dict[str, int] = {}
        for product_id, quantity in lines:
            quantities[product_id] = quantities.get(product_id, 0) + quantity
        return cls(
            order_id=order_id,
            status=ReservationStatus.RESERVED,
            lines=tuple(
                ReservedLine(product_id=pid, quantity=qty) for pid, qty in sorted(quantities.items())
            ),
        )

    @classmethod
    def released_in_advance(cls, order_id: str) -> "Reservation":
        """The tombstone of an order cancelled before it was placed: a late placement reserves nothing."""
        return cls(order_id=order_id, status=ReservationStatus.RELEASED)

    @property
    def product_ids(self) -> tuple[str, ...]:
        return tuple(line.product_id for line in self.lines)

    @property
    def holds_stock(self) -> bool:
        return self.status in (ReservationStatus.RESERVED, ReservationStatus.CONFIRMED)

    @property
    def too_large(self) -> bool:
        return len(self.lines) > MAX_RESERVED_PRODUCTS

    def rejected(self) -> "Reservation":
        self._expect(ReservationStatus.RESERVED)
        return self.model_copy(update={"status": ReservationStatus.REJECTED})

    def released(self) -> "Reservation":
        if not self.holds_stock:
            raise IllegalTransition(f"reservation of {self.order_id} is {self.status}, holds no stock")
        return self.model_copy(update={"status": ReservationStatus.RELEASED})

    def confirmed(self) -> "Reservation":
        self._expect(ReservationStatus.RESERVED)
        return self.model_copy(update={"status": ReservationStatus.CONFIRMED})

    def sold(self) -> tuple[ReservedLine, ...]:
        """The lines whose sale a confirmation counts: all of them, but in an order of more
        than 49 products, those that fit beside the stock its release gives back."""
        return self.lines[: max(_MAX_RELEASE_WRITES - 1 - len(self.lines), 0)]

    def bought_together(self) -> list[tuple[str, str]]:
        """Both directions of the pairs of distinct products a confirmation counts: every pair,
        capped to what fits in the transaction that releases the confirmed order."""
        room = max(_MAX_RELEASE_WRITES - 1 - len(self.lines) - len(self.sold()), 0) // 2
        pairs = list(combinations(sorted(set(self.product_ids)), 2))[:room]
        return [directed for a, b in pairs for directed in ((a, b), (b, a))]

    def _expect(self, status: ReservationStatus) -> None:
        if self.status is not status:
            raise IllegalTransition(f"reservation of {self.order_id} is {self.status}, not {status}")
