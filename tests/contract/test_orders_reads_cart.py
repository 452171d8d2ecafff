"""Consumer orders, provider cart: `GET /cart` answers every field checkout reads, and a
line the cart cannot sell any more (here: its product deleted) reaches checkout as an
`unavailable` line, which checkout refuses rather than ordering less than the cart shows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shop.kernel.address import Address
from shop.orders.adapters.cart_api import HttpCartReader
from shop.orders.domain.cart import Cart
from shop.orders.domain.errors import CartNotOrderable
from shop.orders.domain.model import Order
from tests.contract.conftest import Providers, delete_product, new_product
from tests.contract.expectations import assert_meets

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
