"""The cart's use cases: load, decide, save, answer (setting a line into an empty cart
publishes CartStarted, in the same write). Budgets (DynamoDB requests, the
catalog's included): view 2, set 3, remove 3, clear 1, settle an order 2."""

from __future__ import annotations

from shop.cart.domain.errors import ProductUnavailable
from shop.cart.domain.events import OrderConfirmed
from shop.cart.domain.view import PricedCart, over_limit, price
from shop.cart.ports import Carts, ProductCatalog
from shop.kernel.clock import Clock
from shop.kernel.money import AmountTooLarge


def view_cart(customer_id: str, *, carts: Carts, catalog: ProductCatalog, clock: Clock) -> PricedCart:
    now = clock.now()
    cart = carts.get(customer_id)
    ids = list(cart.live_lines(now))
    return price(cart, catalog.products(ids) if ids else {}, now)


def set_item(
    customer_id: str, product_id: str, quantity: int, *, carts: Carts, catalog: ProductCatalog, clock: Clock
) -> PricedCart:
    now = clock.now()
    cart = carts.get(customer_id)
    products = catalog.products([*(pid for pid in cart.live_lines(now) if pid != product_id), product_id])
    product = products.get(product_id)
    if product is None:
        raise ProductUnavailable(product_id)
    change = cart.put(product, quantity, now)
    priced = price(change.after, products, now)
    if over_limit(priced) > over_limit(price(cart, products, now)):
        raise AmountTooLarge(product.price.currency)  # decided before saving: nothing is stored
    carts.save_line(change, product_id, now)
    return priced


def remove_item(
    customer_id: str, product_id: str, *, carts: Carts, catalog: ProductCatalog, clock: Clock
) -> PricedCart:
    now = clock.now()
    cart = carts.get(customer_id)
    updated = cart.remove(product_id, now)
    carts.remove_line(cart, product_id, now)
    ids = list(updated.live_lines(now))
    return price(updated, catalog.products(ids) if ids else {}, now)


def clear_cart(customer_id: str, *, carts: Carts) -> None:
    carts.clear(customer_id)


def settle_order(order: OrderConfirmed, *, carts: Carts, clock: Clock) -> None:
    """A confirmed order takes its lines out of the cart it came from; redelivery finds
    them gone and does nothing. A failed order never gets here: its cart stays whole."""
    now = clock.now()
    cart = carts.get(order.customer_id)
    settled = cart.lines_settled_by(order, now)
    if settled:
        carts.remove_lines(cart, settled, now)
