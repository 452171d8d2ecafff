"""How one event changes the projection, whatever order the events arrive in.

Analytics keeps, per order, the facts it has counted (placed, confirmed, cancelled: each
at most once). An event whose fact is already known is a redelivery and changes nothing;
otherwise it adds to the hours it concerns, and whichever of a pair arrives second adds
what needs both (latency: placed and confirmed; a refund: confirmed and cancelled).
A refund's money goes back in the hour of the cancellation, its units come off the hour they
were sold in: so an event touches its products in one hour only (a store writes an item per
product, and one transaction holds at most 100). A cart has one fact, its start: counted once
per cart id, in the hour it started."""

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from shop.analytics.domain.events import CartStarted, OrderCancelled, OrderConfirmed, OrderPlaced, SoldLine
from shop.analytics.domain.hours import HourTotals, hour_of
from shop.analytics.domain.latency import bucket_of


class OrderFacts(BaseModel):
    """What analytics has counted of one order; each time is set once and never changes."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    placed_at: datetime | None = None
    confirmed_at: datetime | None = None
    cancelled_at: datetime | None = None


class Counted(BaseModel):
    """What an event counts: the order's facts after it, and what it adds to each hour. (Not a
    kernel Change: a projection publishes no events, and its writes are additions.)"""

    model_config = ConfigDict(frozen=True)

    facts: OrderFacts
    hours: tuple[HourTotals, ...]


class CartCounted(BaseModel):
    """What a started cart counts: one cart in the hour it started, once per `cart_id`."""

    model_config = ConfigDict(frozen=True)

    cart_id: str
    hour: HourTotals


def cart_started(event: CartStarted) -> CartCounted:
    return CartCounted(cart_id=event.cart_id, hour=HourTotals(hour=hour_of(event.started_at), carts=1))


def placed(facts: OrderFacts, event: OrderPlaced) -> Counted | None:
    if facts.placed_at is not None:
        return None
    at = event.placed_at
    deltas = [HourTotals(hour=hour_of(at), placed=1)]
    if facts.confirmed_at is not None:
        deltas.append(_latency(at, facts.confirmed_at))
    return _change(facts.model_copy(update={"placed_at": at}), deltas)


def confirmed(facts: OrderFacts, event: OrderConfirmed, at: datetime) -> Counted | None:
    if facts.confirmed_at is not None:
        return None
    currency, amount = event.total.currency, event.total.amount
    deltas = [
        HourTotals(
            hour=hour_of(at),
            confirmed=1,
            revenue={currency: amount},
            units=_units(event.lines, sign=1),
            names={line.product_id: line.name for line in event.lines if line.name},
        )
    ]
    if facts.placed_at is not None:
        deltas.append(_latency(facts.placed_at, at))
    if facts.cancelled_at is not None:  # cancelled after confirmation: the money went back
        deltas.append(HourTotals(hour=hour_of(facts.cancelled_at), refunded={currency: amount}))
        deltas.append(HourTotals(hour=hour_of(at), units=_units(event.lines, sign=-1)))
    return _change(facts.model_copy(update={"confirmed_at": at}), deltas)


def cancelled(facts: OrderFacts, event: OrderCancelled, at: datetime) -> Counted | None:
    if facts.cancelled_at is not None:
        return None
    deltas = [HourTotals(hour=hour_of(at), cancelled={event.reason: 1})]
    if facts.confirmed_at is not None and event.lines:  # only a confirmed order took money
        refunded: dict[str, int] = {}
        for line in event.lines:
            currency = line.line_total.currency
            refunded[currency] = refunded.get(currency, 0) + line.line_total.amount
        deltas.append(HourTotals(hour=hour_of(at), refunded=refunded))
        deltas.append(HourTotals(hour=hour_of(facts.confirmed_at), units=_units(event.lines, sign=-1)))
    return _change(facts.model_copy(update={"cancelled_at": at}), deltas)


def _latency(placed_at: datetime, confirmed_at: datetime) -> HourTotals:
    milliseconds = round((confirmed_at - placed_at).total_seconds() * 1000)
    return HourTotals(hour=hour_of(confirmed_at), latency={bucket_of(milliseconds): 1})


def _units(lines: Sequence[SoldLine], sign: int) -> dict[str, int]:
    units: dict[str, int] = {}
    for line in lines:
        units[line.product_id] = units.get(line.product_id, 0) + sign * line.quantity
    return units


def _change(facts: OrderFacts, deltas: list[HourTotals]) -> Counted:
    """One delta per hour: a transaction may touch an hour's item only once."""
    merged: dict[str, HourTotals] = {}
    for delta in deltas:
        merged[delta.hour] = merged[delta.hour] + delta if delta.hour in merged else delta
    return Counted(facts=facts, hours=tuple(merged.values()))
