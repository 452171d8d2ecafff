"""In-memory stand-ins for the analytics ports, with the store's conditional behaviour."""

from __future__ import annotations

from shop.analytics.domain.errors import FactsChanged
from shop.analytics.domain.hours import HourTotals
from shop.analytics.domain.projection import CartCounted, Counted, OrderFacts
from shop.analytics.domain.saga import QueueDepth


class FakeProjections:
    def __init__(self) -> None:
        self.facts_by_order: dict[str, OrderFacts] = {}
        self.carts: set[str] = set()  # the cart ids counted
        self.totals: dict[str, HourTotals] = {}
        self.writes = 0
        self.interleave: list[tuple[OrderFacts, Counted]] = []  # records slipped in before the next write

    def facts(self, order_id: str) -> OrderFacts:
        return self.facts_by_order.get(order_id, OrderFacts(order_id=order_id))

    def record(self, before: OrderFacts, change: Counted) -> None:
        while self.interleave:  # another consumer's write lands between our read and our write
            self._apply(*self.interleave.pop(0))
        current = self.facts(before.order_id)
        if any(getattr(before, f) is None and getattr(current, f) is not None for f in _TIMES):
            raise FactsChanged(before.order_id)
        self._apply(before, change)

    def count_cart(self, counted: CartCounted) -> None:
        self.writes += 1
        if counted.cart_id in self.carts:
            return
        self.carts.add(counted.cart_id)
        self._add(counted.hour)

    def hours(self, first: str, last: str) -> list[HourTotals]:
        return [totals for hour, totals in sorted(self.totals.items()) if first <= hour <= last]

    def _apply(self, before: OrderFacts, change: Counted) -> None:
        self.writes += 1
        self.facts_by_order[before.order_id] = change.facts
        for delta in change.hours:
            self._add(delta)

    def _add(self, delta: HourTotals) -> None:
        self.totals[delta.hour] = self.totals.get(delta.hour, HourTotals(hour=delta.hour)) + delta


_TIMES = ("placed_at", "confirmed_at", "cancelled_at")


class FakeQueues:
    def __init__(self, depths: list[QueueDepth], prefix: str = "shop-") -> None:
        self.prefix = prefix
        self._depths = depths

    def depths(self) -> list[QueueDepth]:
        return list(self._depths)
