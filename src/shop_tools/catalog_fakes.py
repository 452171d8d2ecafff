"""In-memory stand-ins for the catalog's ports, with the same all-or-nothing and
at-most-once behaviour the DynamoDB adapters get from conditions and transactions (the contract
suite holds them to the adapters). Shared by the unit tests and the recommendations' offline
evaluation, which replays a generated history through them: one copy, here in src."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from shop.catalog.domain.errors import (
    OutOfStock,
    ProductNotFound,
    ReservationChanged,
    ReservationExists,
    SkuTaken,
)
from shop.catalog.domain.product import Product, ProductQuery
from shop.catalog.domain.reservation import Reservation, ReservationStatus
from shop.catalog.domain.similarity import Candidate, Counts, Neighbourhood, PairCounts, best_sellers
from shop.catalog.ports import Position
from shop.kernel.change import Change
from shop.kernel.events import EventData


class FakeProducts:
    def __init__(self) -> None:
        self.items: dict[str, Product] = {}
        self.skus: dict[str, str] = {}

    def add(self, product: Product) -> None:
        if product.sku in self.skus:
            raise SkuTaken(product.sku)
        self.skus[product.sku] = product.product_id
        self.items[product.product_id] = product

    def get(self, product_id: str) -> Product | None:
        return self.items.get(product_id)

    def get_many(self, product_ids: Sequence[str]) -> list[Product]:
        return [self.items[pid] for pid in product_ids if pid in self.items]

    def update(self, product: Product, changed: frozenset[str]) -> None:
        current = self._listed(product.product_id)
        self.items[product.product_id] = current.model_copy(
            update={field: getattr(product, field) for field in [*changed, "updated_at"]}
        )

    def remove(self, product: Product) -> None:
        current = self._listed(product.product_id)
        del self.skus[current.sku]
        self.items[product.product_id] = current.model_copy(
            update={"deleted": True, "updated_at": product.updated_at}
        )

    def page(self, query: ProductQuery, after: Position | None) -> tuple[list[Product], Position | None]:
        listed = sorted(
            (p for p in self.items.values() if query.matches(p)), key=lambda p: (p.name_key, p.product_id)
        )
        if after is not None:
            listed = [p for p in listed if (p.name_key, p.product_id) > (after["name"], after["id"])]
        page = listed[: query.limit]
        more = len(listed) > query.limit
        return page, ({"name": page[-1].name_key, "id": page[-1].product_id} if more else None)

    def _listed(self, product_id: str) -> Product:
        current = self.items.get(product_id)
        if current is None or current.deleted:
            raise ProductNotFound(product_id)
        return current


class FakeInventory:
    def __init__(self, products: FakeProducts) -> None:
        self.products = products
        self.reservations: dict[str, Reservation] = {}
        self.published: list[EventData] = []
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.orders: Counter[str] = Counter()
        self.units: Counter[str] = Counter()
        self.reads = 0

    def reserve(self, change: Change[Reservation]) -> None:
        reservation = change.after
        if reservation.order_id in self.reservations:
            raise ReservationExists(reservation.order_id)
        taken: dict[str, Product] = {}
        short: list[str] = []
        for line in reservation.lines:
            product = self.products.items.get(line.product_id)
            try:
                if product is None:
                    raise OutOfStock([line.product_id])
                taken[line.product_id] = product.reserve(line.quantity)
            except OutOfStock:
                short.append(line.product_id)
        if short:
            raise OutOfStock(short)
        self.products.items.update(taken)
        self.reservations[reservation.order_id] = reservation
        self.published.extend(change.events)

    def record(self, change: Change[Reservation]) -> None:
        reservation = change.after
        if reservation.order_id in self.reservations:
            raise ReservationExists(reservation.order_id)
        self.reservations[reservation.order_id] = reservation
        self.published.extend(change.events)

    def find(self, order_id: str) -> Reservation | None:
        self.reads += 1
        return self.reservations.get(order_id)

    def release(self, change: Change[Reservation]) -> None:
        self._move(change)
        for line in change.after.lines:
            self.products.items[line.product_id] = self.products.items[line.product_id].release(line.quantity)
        assert change.before is not None
        if change.before.status is ReservationStatus.CONFIRMED:
            self._count(change.before, -1)

    def confirm(self, change: Change[Reservation]) -> None:
        self._move(change)
        self._count(change.after, 1)

    def _count(self, reservation: Reservation, sign: int) -> None:
        for line in reservation.sold():
            self.orders[line.product_id] += sign
            self.units[line.product_id] += sign * line.quantity
        for pair in reservation.bought_together():
            self.pairs[pair] += sign

    def _move(self, change: Change[Reservation]) -> None:
        assert change.before is not None
        reservation = change.after
        current = self.reservations.get(reservation.order_id)
        if current is None or current.status is not change.before.status:
            raise ReservationChanged(f"reservation of {reservation.order_id} changed")
        self.reservations[reservation.order_id] = reservation
        self.published.extend(change.events)


class FakeCoOccurrences:
    """Reads the counts FakeInventory adds up on confirmation; keeps the co-views itself."""

    def __init__(self, inventory: FakeInventory) -> None:
        self.inventory = inventory
        self.pair_views: Counter[tuple[str, str]] = Counter()
        self.views: Counter[str] = Counter()
        self.viewed: set[tuple[str, date, frozenset[str]]] = set()  # who viewed which pair when
        self.popular_reads = 0

    def neighbourhood(self, product_id: str) -> Neighbourhood | None:
        product = self.inventory.products.items.get(product_id)
        if product is None:
            return None
        partner_ids = {b for a, b in [*self.inventory.pairs, *self.pair_views] if a == product_id}
        partners = tuple(
            PairCounts(
                partner_id=b,
                orders=self.inventory.pairs[product_id, b],
                views=self.pair_views[product_id, b],
            )
            for b in sorted(partner_ids)
        )
        return Neighbourhood(product=product, counts=self._counts(product_id), partners=partners)

    def candidates(self, product_ids: Sequence[str]) -> list[Candidate]:
        items = self.inventory.products.items
        return [
            Candidate(product=items[pid], counts=self._counts(pid)) for pid in product_ids if pid in items
        ]

    def popular(self, limit: int) -> list[str]:
        self.popular_reads += 1
        return best_sellers({pid: self._counts(pid) for pid in self.inventory.units}, limit)

    def record_view(self, previous_id: str, product_id: str, *, viewer_id: str, day: date) -> None:
        viewed = (viewer_id, day, frozenset((previous_id, product_id)))
        if viewed in self.viewed:
            return
        self.viewed.add(viewed)
        self.pair_views.update([(previous_id, product_id), (product_id, previous_id)])
        self.views.update([previous_id, product_id])

    def _counts(self, product_id: str) -> Counts:
        return Counts(
            orders=self.inventory.orders[product_id],
            units=self.inventory.units[product_id],
            views=self.views[product_id],
        )
