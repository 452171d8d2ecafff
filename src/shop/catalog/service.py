"""The catalog's use cases: load through the ports, let the domain decide, save, tell.

The stock use cases (the queue's function) and the recommendations import their domain
modules when first called: the products' routes, the cold starts that matter, build none of
their models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from shop.catalog.domain.errors import (
    IllegalTransition,
    OutOfStock,
    ProductNotFound,
    ReservationChanged,
    ReservationExists,
)
from shop.catalog.domain.product import NewProduct, Product, ProductChanges, ProductQuery
from shop.catalog.ports import CoOccurrences, Inventory, Position, Products
from shop.kernel.clock import Clock
from shop.kernel.ids import new_id

if TYPE_CHECKING:
    from shop.catalog.domain.events import OrderCancelled, OrderConfirmed, OrderPlaced

MAX_RECOMMENDATIONS = 5
# Best sellers are read when fewer partners than this are known: deleted ones may drop out.
_ENOUGH_PARTNERS = MAX_RECOMMENDATIONS + 5


def list_products(
    query: ProductQuery, after: Position | None, *, products: Products
) -> tuple[list[Product], Position | None]:
    return products.page(query, after)


def products_by_ids(product_ids: Sequence[str], *, products: Products) -> list[Product]:
    """The requested products that exist, deleted ones included, in the order asked for."""
    wanted = list(dict.fromkeys(product_ids))
    found = {product.product_id: product for product in products.get_many(wanted)}
    return [found[product_id] for product_id in wanted if product_id in found]


def get_product(product_id: str, *, products: Products) -> Product:
    product = products.get(product_id)
    if product is None or product.deleted:
        raise ProductNotFound(product_id)
    return product


def record_view(
    product_id: str,
    previous_id: str,
    viewer_id: str,
    *,
    products: Products,
    co_occurrences: CoOccurrences,
    clock: Clock,
) -> None:
    """A signed-in customer went from `previous_id`'s page to this product's: a co-view, counted
    once per customer, pair and day, so one account cannot outweigh the shop's buyers."""
    from shop.catalog.domain.similarity import co_viewed

    pair = co_viewed(previous_id, product_id)
    # One read of both, outside the count's transaction: a check of `previous_id`'s item in it
    # would make its reservations fail as busy whenever its page's visitors move on.
    listed = {p.product_id for p in products.get_many(pair or (product_id,)) if not p.deleted}
    if product_id not in listed:
        raise ProductNotFound(product_id)
    if pair is not None and previous_id in listed:  # a made-up id would leave counters behind
        co_occurrences.record_view(*pair, viewer_id=viewer_id, day=clock.now().date())


def create_product(new: NewProduct, *, products: Products, clock: Clock) -> Product:
    product = Product.create(new, product_id=new_id(), now=clock.now())
    products.add(product)
    return product


def revise_product(product_id: str, changes: ProductChanges, *, products: Products, clock: Clock) -> Product:
    product = get_product(product_id, products=products)
    revised = product.revise(changes, now=clock.now())
    if revised is not product:
        products.update(revised, frozenset(changes.given()))
    return revised


def delete_product(product_id: str, *, products: Products, clock: Clock) -> None:
    product = get_product(product_id, products=products)
    products.remove(product.remove(now=clock.now()))


def recommendations(product_id: str, *, co_occurrences: CoOccurrences) -> list[Product]:
    """The most similar products, topped up with best sellers; never a deleted one."""
    from shop.catalog.domain.similarity import recommend, shortlist

    seen = co_occurrences.neighbourhood(product_id)
    if seen is None or seen.product.deleted:
        raise ProductNotFound(product_id)
    partners = shortlist(seen.partners)
    popular = co_occurrences.popular(_ENOUGH_PARTNERS) if len(partners) < _ENOUGH_PARTNERS else []
    wanted = list(dict.fromkeys([*(pair.partner_id for pair in partners), *popular]))
    found = {candidate.product.product_id: candidate for candidate in co_occurrences.candidates(wanted)}
    chosen = recommend(
        product_id,
        seen.counts,
        partners,
        totals={pid: candidate.counts for pid, candidate in found.items()},
        popular=popular,
        listed={pid for pid, candidate in found.items() if not candidate.product.deleted},
        limit=MAX_RECOMMENDATIONS,
    )
    return [found[pid].product for pid in chosen]


def reserve_stock(order: OrderPlaced, *, inventory: Inventory) -> None:
    """All lines or none; a redelivered or already cancelled order changes nothing."""
    from shop.catalog.domain import stock

    try:
        inventory.reserve(stock.reserve(order))
    except ReservationExists:
        return
    except OutOfStock as short:
        try:
            inventory.record(stock.reject(order, short.product_ids))
        except ReservationExists:
            return


def release_stock(order: OrderCancelled, *, inventory: Inventory) -> None:
    """Give back exactly what was reserved, once; before any reservation, leave a tombstone."""
    from shop.catalog.domain import stock

    reservation = inventory.find(order.order_id)
    if reservation is None:
        try:
            inventory.record(stock.release_in_advance(order.order_id))
        except ReservationExists as raced:  # placed meanwhile: decide again on redelivery
            raise ReservationChanged(f"order {order.order_id} was placed while being cancelled") from raced
        return
    try:
        released = stock.release(reservation)
    except IllegalTransition:  # already released or rejected: nothing is held
        return
    inventory.release(released)


def confirm_stock(order: OrderConfirmed, *, inventory: Inventory) -> None:
    """The reserved units are sold: count the sales and the products bought together, once."""
    from shop.catalog.domain import stock

    reservation = inventory.find(order.order_id)
    if reservation is None:
        return
    try:
        confirmed = stock.confirm(reservation)
    except IllegalTransition:  # confirmed before, or cancelled meanwhile
        return
    inventory.confirm(confirmed)
