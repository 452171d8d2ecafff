"""What the catalog needs from the outside world, named in its own words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol

from shop.catalog.domain.product import Product, ProductQuery
from shop.kernel.change import Change

if TYPE_CHECKING:  # the queue's and the recommendations' models: not built at the products' cold start
    from shop.catalog.domain.reservation import Reservation
    from shop.catalog.domain.similarity import Candidate, Neighbourhood

# Where a listing page ended; opaque above the adapter (the HTTP layer signs it into a cursor).
Position = dict[str, str]


class Products(Protocol):
    def add(self, product: Product) -> None:
        """Store a new product and claim its SKU; raises SkuTaken."""

    def get(self, product_id: str) -> Product | None:
        """The product, deleted or not; None if there never was one."""

    def get_many(self, product_ids: Sequence[str]) -> list[Product]:
        """Those of the products that exist (deleted ones too), in any order."""

    def update(self, product: Product, changed: frozenset[str]) -> None:
        """Write the `changed` fields of a listed product; raises ProductNotFound if it went away."""

    def remove(self, product: Product) -> None:
        """Soft-delete: out of listings, SKU freed; raises ProductNotFound if already gone."""

    def page(self, query: ProductQuery, after: Position | None) -> tuple[list[Product], Position | None]:
        """One page of listed products sorted by name, and where the next page starts."""


class Inventory(Protocol):
    def reserve(self, change: Change[Reservation]) -> None:
        """Take every line of the new reservation from listed products' stock and record it
        with its events, all or nothing.

        Raises ReservationExists if the order already has a record, OutOfStock otherwise."""

    def record(self, change: Change[Reservation]) -> None:
        """Record a new reservation that holds no stock (a rejection or a tombstone) with its
        events; raises ReservationExists."""

    def find(self, order_id: str) -> Reservation | None: ...

    def release(self, change: Change[Reservation]) -> None:
        """Give the lines back and record `change.after` (RELEASED) if the stored reservation
        is still in `change.before`'s status, and take back, when it was CONFIRMED, exactly the
        counts its confirmation added; raises ReservationChanged otherwise."""

    def confirm(self, change: Change[Reservation]) -> None:
        """Record `change.after` (CONFIRMED) if still RESERVED and count, once, each sold line
        (an order, its units) and each pair bought together (`Reservation.sold`,
        `bought_together`); raises ReservationChanged otherwise."""


class CoOccurrences(Protocol):
    def neighbourhood(self, product_id: str) -> Neighbourhood | None:
        """The product (deleted or not) with its counts and its pairs' counts; None if there never was one."""

    def candidates(self, product_ids: Sequence[str]) -> list[Candidate]:
        """Those of the products that exist (deleted ones too), with their counts, in any order."""

    def popular(self, limit: int) -> list[str]:
        """Products with the most confirmed units, best first (deleted ones too)."""

    def record_view(self, previous_id: str, product_id: str, *, viewer_id: str, day: date) -> None:
        """Count one co-view of the pair (of listed products: the caller checks) if the viewer has
        not viewed the pair, in either direction, on that day. Best effort: a recommendation
        signal may be lost, so this never raises."""
