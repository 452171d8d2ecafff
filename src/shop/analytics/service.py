"""Use cases of the analytics service: project an order or cart event, report a window of hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from shop.analytics.domain import projection
from shop.analytics.domain.errors import FactsChanged
from shop.analytics.domain.events import CartStarted, OrderCancelled, OrderConfirmed, OrderPlaced
from shop.analytics.domain.hours import hours_until
from shop.analytics.domain.projection import Counted, OrderFacts
from shop.analytics.domain.report import AnalyticsReport, report
from shop.analytics.domain.saga import queue_health
from shop.analytics.ports import Projections, Queues
from shop.kernel.clock import Clock
from shop.kernel.retry import retry_on_conflict


def count_cart_started(event: CartStarted, *, projections: Projections) -> None:
    projections.count_cart(projection.cart_started(event))


def count_placed(event: OrderPlaced, *, projections: Projections) -> None:
    _project(event.order_id, lambda facts: projection.placed(facts, event), projections)


def count_confirmed(event: OrderConfirmed, at: datetime, *, projections: Projections) -> None:
    _project(event.order_id, lambda facts: projection.confirmed(facts, event, at), projections)


def count_cancelled(event: OrderCancelled, at: datetime, *, projections: Projections) -> None:
    _project(event.order_id, lambda facts: projection.cancelled(facts, event, at), projections)


def _project(order_id: str, apply: Callable[[OrderFacts], Counted | None], projections: Projections) -> None:
    """Read the order's facts, apply the event, write conditionally; a concurrent event of
    the same order makes us read again. A redelivered event finds its fact and stops."""

    def project_once() -> None:
        facts = projections.facts(order_id)
        change = apply(facts)
        if change is not None:
            projections.record(facts, change)

    retry_on_conflict(project_once, conflict=FactsChanged)


def dashboard(hours: int, *, projections: Projections, queues: Queues, clock: Clock) -> AnalyticsReport:
    """The last `hours` hours, the current one included, and the queues as they are now."""
    window = hours_until(clock.now(), hours)
    totals = projections.hours(window[0], window[-1])
    return report(window, totals, queue_health(queues.depths(), queues.prefix))
