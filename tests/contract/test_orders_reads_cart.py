"""Consumer orders, provider cart: `GET /cart` answers every field checkout reads, and a
line the cart cannot sell any more (here: its product deleted) reaches checkout as an
`unavailable` line, which checkout refuses rather than ordering less than the cart shows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shop.kernel.address import Address
from shop.kernel.events import Event
from shop.orders.adapters.cart_api import HttpCartReader
from shop.orders.domain.cart import Cart
from shop.orders.domain.errors import CartNotOrderable
from shop.orders.domain.model import Order
from tests.contract.conftest import Providers, delete_product, new_product
from tests.contract.expectations import assert_meets
from tests.support.http_events import sqs_batch

pytestmark = pytest.mark.integration

ADDRESS = Address(line1="1 Main St", city="Lyon", postal_code="69001", country="FR")


def cart_with_a_deleted_product(providers: Providers) -> tuple[str, str]:
    kept, retired = new_product(providers, "KEPT"), new_product(providers, "RETIRED")
    for product_id in (kept, retired):
        status, body = providers.call("PUT", f"/cart/items/{product_id}", user="alice", body={"quantity": 2})
        assert status == 200, body
    delete_product(providers, retired)
    return kept, retired


def test_the_cart_answers_what_checkout_reads(providers: Providers) -> None:
    cart_with_a_deleted_product(providers)
    status, body = providers.call("GET", "/cart", user="alice")
    assert status == 200
    assert_meets(Cart, body)


def test_checkout_refuses_a_cart_whose_product_was_deleted(providers: Providers) -> None:
    kept, retired = cart_with_a_deleted_product(providers)
    cart = HttpCartReader().read("Bearer alice")
    assert [line.product_id for line in cart.items] == [kept]
    assert [line.product_id for line in cart.unavailable] == [retired]
    with pytest.raises(CartNotOrderable, match=retired):
        Order.place(
            order_id="o-1",
            customer_id="alice",
            cart=cart,
            shipping_address=ADDRESS,
            payment_token="tok_visa",
            at=datetime(2026, 3, 1, tzinfo=UTC),
        )


def test_checkout_reads_the_carts_version_each_lines_version_and_the_price_it_was_set_at(
    providers: Providers,
) -> None:
    kept, _ = cart_with_a_deleted_product(providers)
    cart = HttpCartReader().read("Bearer alice")
    (line,) = cart.items
    assert line.product_id == kept
    assert line.revision
    assert line.price_when_added == line.unit_price
    assert cart.etag is not None
    assert cart.etag.startswith('"')
    assert HttpCartReader().read("Bearer alice").etag == cart.etag


def test_checkout_reads_the_cart_as_it_heard_so_the_cart_never_asks_orders_back(providers: Providers) -> None:
    product_id = new_product(providers, "BOOK")
    assert providers.call("PUT", f"/cart/items/{product_id}", user="alice", body={"quantity": 1})[0] == 200
    checkout = {"shipping_address": ADDRESS.model_dump(), "payment_token": "tok_visa"}
    status, order = providers.call("POST", "/orders", user="alice", body=checkout)
    assert status == 202, order
    from shop.cart.handlers.events import handler as cart_queue

    heard = {"order_id": order["order_id"], "customer_id": "alice", "placed_at": order["created_at"]}
    assert cart_queue(sqs_batch([Event(event_type="OrderPlaced", correlation_id="c", data=heard)]), None) == {
        "batchItemFailures": []
    }
    providers.asked.clear()

    HttpCartReader().read("Bearer alice")

    assert [path.split("?")[0] for path in providers.asked] == ["/cart", "/products"]
