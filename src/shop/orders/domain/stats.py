"""The admin's figures: orders per status, revenue (confirmed and shipped orders; a
refunded order no longer counts) and units sold per product — kept as running totals
that every order change adjusts by its delta.

Revenue is kept per currency (amounts in different currencies never add up) and is not
bounded by one amount's MAX_AMOUNT: a running total may pass what a single order can be
(the stored counters are DynamoDB numbers, 38 digits)."""

from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shop.kernel.money import Currency
from shop.orders.domain.model import Order, OrderStatus

_EARNING = frozenset({OrderStatus.CONFIRMED, OrderStatus.SHIPPED})
BASE_CURRENCY = "EUR"  # the shop's own currency: `Stats.revenue` is in it


@dataclass(frozen=True)
class StatsDelta:
    """What one order change adds to the running totals (negative numbers subtract)."""

    orders: dict[OrderStatus, int] = field(default_factory=dict)
    revenue: dict[str, int] = field(default_factory=dict)  # currency → minor units
    units: dict[str, int] = field(default_factory=dict)  # product id → units
    names: dict[str, str] = field(default_factory=dict)  # product id → name


def delta_of(before: Order | None, after: Order) -> StatsDelta:
    orders: dict[OrderStatus, int] = {}
    if before is None:
        orders[after.status] = 1
    elif before.status is not after.status:
        orders = {before.status: -1, after.status: 1}
    sign = _earns(after) - _earns(before)
    if not sign:
        return StatsDelta(orders=orders)
    units: dict[str, int] = {}
    for line in after.lines:
        units[line.product_id] = units.get(line.product_id, 0) + sign * line.quantity
    return StatsDelta(
        orders=orders,
        revenue={after.total.currency: sign * after.total.amount},
        units=units,
        names={line.product_id: line.name for line in after.lines},
    )


def _earns(order: Order | None) -> int:
    return int(order is not None and order.status in _EARNING)


# The admin's figures are built on their first use (defer_build), not at every cold start of
# the orders API: only GET /admin/stats reads them.
_ADMIN_ONLY = ConfigDict(frozen=True, defer_build=True)


class TopProduct(BaseModel):
    model_config = _ADMIN_ONLY

    product_id: str
    name: str
    quantity: int


class Revenue(BaseModel):
    model_config = _ADMIN_ONLY

    amount: Annotated[
        int, Field(ge=0, description="Minor units; a running total, not capped as one price is")
    ]
    currency: Currency


class Stats(BaseModel):
    model_config = _ADMIN_ONLY

    orders: dict[OrderStatus, Annotated[int, Field(ge=0)]]
    revenue: Revenue
    revenue_by_currency: tuple[Revenue, ...]
    top_products: tuple[TopProduct, ...]


def summarize(totals: list[StatsDelta], top: int = 10) -> Stats:
    """Merge running totals (one per shard) into the figures the admin sees."""
    orders = dict.fromkeys(OrderStatus, 0)
    revenue: dict[str, int] = {}
    units: dict[str, int] = {}
    names: dict[str, str] = {}
    for part in totals:
        for status, count in part.orders.items():
            orders[status] += count
        for currency, amount in part.revenue.items():
            revenue[currency] = revenue.get(currency, 0) + amount
        for product_id, quantity in part.units.items():
            units[product_id] = units.get(product_id, 0) + quantity
        names.update(part.names)
    ranked = sorted(((q, p) for p, q in units.items() if q > 0), key=lambda qp: (-qp[0], qp[1]))[:top]
    return Stats(
        orders={status: max(count, 0) for status, count in orders.items()},
        revenue=Revenue(amount=max(revenue.get(BASE_CURRENCY, 0), 0), currency=BASE_CURRENCY),
        revenue_by_currency=tuple(
            Revenue(amount=amount, currency=currency)
            for currency, amount in sorted(revenue.items())
            if amount > 0
        ),
        top_products=tuple(TopProduct(product_id=p, name=names.get(p, ""), quantity=q) for q, p in ranked),
    )
