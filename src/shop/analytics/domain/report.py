"""What the dashboard shows for a window of hours, merged from the hours' running totals."""

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from shop.analytics.domain.hours import HourTotals, add_counts
from shop.analytics.domain.latency import percentile_ms
from shop.analytics.domain.saga import QueueHealth

TOP_PRODUCTS = 10


class OrdersInHour(BaseModel):
    model_config = ConfigDict(frozen=True)

    hour: str
    placed: int
    confirmed: int
    cancelled: int


class RevenueOfCurrency(BaseModel):
    """Minor units as decimal strings: exact in JSON readers that hold numbers as doubles."""

    model_config = ConfigDict(frozen=True)

    currency: str
    confirmed: str
    refunded: str
    net: str


class ConversionFunnel(BaseModel):
    """Carts → orders → confirmed, each counted in the hour it happened: carts started
    (CartStarted), orders placed, orders confirmed, and orders cancelled by reason."""

    model_config = ConfigDict(frozen=True)

    carts: int
    orders: int
    confirmed: int
    cancelled: dict[str, int]


class ConfirmationLatency(BaseModel):
    """202→CONFIRMED, between the order's placed_at and its OrderConfirmed event; each
    percentile is the upper bound of its histogram bucket (None: no sample)."""

    model_config = ConfigDict(frozen=True)

    confirmations: int
    p50_ms: int | None
    p90_ms: int | None
    p99_ms: int | None


class ProductSales(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: str
    name: str
    units: int


class AnalyticsReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    hours: list[OrdersInHour]
    revenue: list[RevenueOfCurrency]
    conversion: ConversionFunnel
    latency: ConfirmationLatency
    queues: list[QueueHealth]
    top_products: list[ProductSales]


def report(window: list[str], totals: Iterable[HourTotals], queues: list[QueueHealth]) -> AnalyticsReport:
    """`window` is every hour to show, oldest first; hours without totals show zeros."""
    by_hour = {hour: HourTotals(hour=hour) for hour in window}
    for part in totals:
        if part.hour in by_hour:
            by_hour[part.hour] = by_hour[part.hour] + part
    hours = list(by_hour.values())
    cancelled: dict[str, int] = {}
    revenue: dict[str, int] = {}
    refunded: dict[str, int] = {}
    units: dict[str, int] = {}
    latency: dict[int, int] = {}
    names: dict[str, str] = {}
    for hour in hours:
        cancelled = add_counts(cancelled, hour.cancelled)
        revenue = add_counts(revenue, hour.revenue)
        refunded = add_counts(refunded, hour.refunded)
        units = add_counts(units, hour.units)
        latency = add_counts(latency, hour.latency)
        names.update(hour.names)
    ranked = sorted((product for product in units.items() if product[1] > 0), key=lambda pu: (-pu[1], pu[0]))
    return AnalyticsReport(
        hours=[
            OrdersInHour(
                hour=h.hour, placed=h.placed, confirmed=h.confirmed, cancelled=sum(h.cancelled.values())
            )
            for h in hours
        ],
        revenue=[
            RevenueOfCurrency(
                currency=currency,
                confirmed=str(revenue.get(currency, 0)),
                refunded=str(refunded.get(currency, 0)),
                net=str(revenue.get(currency, 0) - refunded.get(currency, 0)),
            )
            for currency in sorted(revenue.keys() | refunded.keys())
        ],
        conversion=ConversionFunnel(
            carts=sum(h.carts for h in hours),
            orders=sum(h.placed for h in hours),
            confirmed=sum(h.confirmed for h in hours),
            cancelled=dict(sorted(cancelled.items())),
        ),
        latency=ConfirmationLatency(
            confirmations=sum(latency.values()),
            p50_ms=percentile_ms(latency, 0.5),
            p90_ms=percentile_ms(latency, 0.9),
            p99_ms=percentile_ms(latency, 0.99),
        ),
        queues=queues,
        top_products=[
            ProductSales(product_id=product_id, name=names.get(product_id, ""), units=count)
            for product_id, count in ranked[:TOP_PRODUCTS]
        ],
    )
