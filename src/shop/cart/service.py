"""The cart's use cases: load, decide, save, answer (setting a line into an empty cart
publishes CartStarted, in the same write). Budgets (DynamoDB requests, the catalog's and
orders' included): view 2 (3 when it asks orders about the order it shows pending), set 3,
remove 3, clear 2, note an order (placed, settled, cancelled) 2."""

from __future__ import annotations

from datetime import datetime

from shop.cart.domain.cart import Cart, CartLine, OrderMark
from shop.cart.domain.errors import CartChanged, ProductUnavailable
from shop.cart.domain.events import OrderCancelled, OrderConfirmed, OrderPlaced
from shop.cart.domain.view import PricedCart, over_limit, price
from shop.cart.ports import Carts, PlacedOrders, ProductCatalog
from shop.kernel.clock import Clock
from shop.kernel.money import AmountTooLarge
from shop.kernel.retry import retry_on_conflict


def view_cart(
    customer_id: str,
    *,
    carts: Carts,
    catalog: ProductCatalog,
    clock: Clock,
    orders: PlacedOrders | None = None,
    authorization: str = "",
) -> PricedCart:
    """The cart at current prices. With `orders`, an order the cart shows pending is checked
    there, so one that just ended is shown ended, without the lines it took; without (checkout
    reads the cart so, holding its own record of the order in flight), as the cart heard of it."""
    now = clock.now()
    cart = carts.get(customer_id)
    pending = cart.pending_order()
    if pending and orders is not None:
        order = orders.find(pending, authorization)
        if order is not None and order.final:
            cart = cart.ended(pending, order.taken)
    ids = list(cart.live_lines(now))
    return price(cart, catalog.products(ids) if ids else {}, now)


def set_item(
    customer_id: str, product_id: str, quantity: int, *, carts: Carts, catalog: ProductCatalog, clock: Clock
) -> PricedCart:
    # another tab, or the saga emptying the cart, may change it between read and write
    return retry_on_conflict(
        lambda: _set_item(customer_id, product_id, quantity, carts=carts, catalog=catalog, clock=clock),
        conflict=CartChanged,
    )


def _set_item(
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
    return retry_on_conflict(
        lambda: _remove_item(customer_id, product_id, carts=carts, catalog=catalog, clock=clock),
        conflict=CartChanged,
    )


def _remove_item(
    customer_id: str, product_id: str, *, carts: Carts, catalog: ProductCatalog, clock: Clock
) -> PricedCart:
    now = clock.now()
    cart = carts.get(customer_id)
    updated = cart.remove(product_id, now)
    carts.remove_line(cart, product_id, now)
    ids = list(updated.live_lines(now))
    return price(updated, catalog.products(ids) if ids else {}, now)


def clear_cart(customer_id: str, *, carts: Carts, clock: Clock) -> None:
    """Every line goes; the order in flight stays shown (it holds the checkout meanwhile)."""
    retry_on_conflict(lambda: _clear_cart(customer_id, carts=carts, clock=clock), conflict=CartChanged)


def _clear_cart(customer_id: str, *, carts: Carts, clock: Clock) -> None:
    cart = carts.get(customer_id)
    if cart.lines:
        carts.remove_lines(cart, clock.now())


def drop_cart(customer_id: str, *, carts: Carts) -> None:
    """A deleted customer's cart goes whole, what it heard of their orders too."""
    carts.clear(customer_id)


def settle_order(order: OrderConfirmed, *, carts: Carts, clock: Clock) -> None:
    """A confirmed order takes exactly its line versions out of the cart it came from and
    is no longer pending; redelivery finds both done and writes nothing. A failed order never
    gets here: its cart stays whole."""
    now = clock.now()
    cart = carts.get(order.customer_id)
    _note(cart, order, final=True, settled=cart.lines_settled_by(order, now), carts=carts, now=now)


def note_order_placed(order: OrderPlaced, *, carts: Carts, clock: Clock) -> None:
    """GET /cart shows the order pending until its end is heard of (a late OrderPlaced of an
    order already final changes nothing)."""
    _note(carts.get(order.customer_id), order, final=False, settled=[], carts=carts, now=clock.now())


def note_order_cancelled(order: OrderCancelled, *, carts: Carts, clock: Clock) -> None:
    _note(carts.get(order.customer_id), order, final=True, settled=[], carts=carts, now=clock.now())


def _note(
    cart: Cart, order: OrderPlaced, *, final: bool, settled: list[CartLine], carts: Carts, now: datetime
) -> None:
    mark = OrderMark(placed_at=order.placed_at, final=final)
    known = cart.orders.get(order.order_id)
    if settled or known is None or (final and not known.final):
        carts.note_order(cart, order.order_id, mark, settled, now)
