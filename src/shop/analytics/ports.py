"""What the analytics service needs from outside: its projection store and the saga's queues."""

from __future__ import annotations

from typing import Protocol

from shop.analytics.domain.hours import HourTotals
from shop.analytics.domain.projection import CartCounted, Counted, OrderFacts
from shop.analytics.domain.saga import QueueDepth


class Projections(Protocol):
    def facts(self, order_id: str) -> OrderFacts:
        """What has been counted of the order (nothing yet: all times None)."""

    def record(self, before: OrderFacts, change: Counted) -> None:
        """Save the new facts and add the change's hour deltas, all or nothing; FactsChanged
        if the order's facts are no longer `before` (a concurrent event of the same order)."""

    def count_cart(self, counted: CartCounted) -> None:
        """Note the cart and add its hour delta, all or nothing, unless the cart was counted
        already (a redelivery: nothing changes). One write."""

    def hours(self, first: str, last: str) -> list[HourTotals]:
        """The totals of the hours from `first` to `last` (inclusive) that have any."""


class Queues(Protocol):
    prefix: str  # the name prefix the shop's queues share

    def depths(self) -> list[QueueDepth]: ...
