"""The checkout saga's decisions on stock, each a Change of one order's reservation with the
event it causes: reserve for a placed order (or reject it when short), release for a
cancelled one, confirm for a confirmed one."""

from __future__ import annotations

from collections.abc import Iterable

from shop.catalog.domain.errors import OutOfStock
from shop.catalog.domain.events import OrderPlaced, StockRejected, StockReserved
from shop.catalog.domain.reservation import Reservation
from shop.kernel.change import Change


def reserve(order: OrderPlaced) -> Change[Reservation]:
    reservation = order.reservation()
    if reservation.too_large:
        raise OutOfStock(reservation.product_ids)
    return Change(None, reservation, (StockReserved.for_(reservation),))


def reject(order: OrderPlaced, short: Iterable[str]) -> Change[Reservation]:
    rejected = order.reservation().rejected()
    return Change(None, rejected, (StockRejected.because(order.order_id, short),))


def release_in_advance(order_id: str) -> Change[Reservation]:
    return Change(None, Reservation.released_in_advance(order_id))


def release(reservation: Reservation) -> Change[Reservation]:
    """Raises IllegalTransition if the reservation holds no stock."""
    return Change(reservation, reservation.released())


def confirm(reservation: Reservation) -> Change[Reservation]:
    """Raises IllegalTransition unless the reservation is RESERVED."""
    return Change(reservation, reservation.confirmed())
