"""EMF business metrics of the orders service, derived from the events a change caused
(CloudWatch reads them from the function's log; the dashboard and alarms chart them)."""

from __future__ import annotations

from collections.abc import Iterable

from aws_lambda_powertools.metrics import MetricUnit

from shop.kernel.events import EventData
from shop.orders.domain.events import OrderCancelled, OrderConfirmed, OrderPlaced
from shop.platform.observability import metrics


class EmfBusinessMetrics:
    """Implements ports.BusinessMetrics."""

    def record(self, events: Iterable[EventData]) -> None:
        """Add one metric per business event and flush them (one EMF line per call)."""
        board = metrics("orders")
        added = False
        for event in events:
            if isinstance(event, OrderPlaced):
                board.add_metric(name="OrdersPlaced", unit=MetricUnit.Count, value=1)
            elif isinstance(event, OrderConfirmed):
                board.add_metric(name="OrdersConfirmed", unit=MetricUnit.Count, value=1)
                board.add_metric(name="Revenue", unit=MetricUnit.NoUnit, value=event.total.amount)
            elif isinstance(event, OrderCancelled):
                board.add_metric(name="OrdersCancelled", unit=MetricUnit.Count, value=1)
            else:
                continue
            added = True
        if added:
            board.flush_metrics()
            board.clear_metrics()  # flush keeps them when metrics are disabled (locally)
