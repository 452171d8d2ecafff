"""Consumer cart, provider orders: `GET /orders/{order_id}` answers every field the cart reads
of the order it shows pending (its status, its history, each line's version), with the
customer's own token, and the cart's adapter reads it as the cart means it."""

from __future__ import annotations

from typing import Any

import pytest

from shop.cart.adapters.orders_api import HttpPlacedOrders
from shop.cart.domain.orders import PlacedOrder
from shop.kernel.events import Event
from tests.contract.conftest import Providers, new_product
from tests.contract.expectations import assert_meets
from tests.support.http_events import sqs_batch

pytestmark = pytest.mark.integration

ADDRESS = {"line1": "1 Main St", "city": "Lyon", "postal_code": "69001", "country": "FR"}


def placed(providers: Providers) -> tuple[dict[str, Any], str]:
    """An order alice placed of her cart's one line; that line's version."""
    product_id = new_product(providers, "BOOK")
    status, cart = providers.call("PUT", f"/cart/items/{product_id}", user="alice", body={"quantity": 1})
    assert status == 200, cart
    checkout = {"shipping_address": ADDRESS, "payment_token": "tok_visa"}
    status, order = providers.call("POST", "/orders", user="alice", body=checkout)
    assert status == 202, order
    return order, str(cart["items"][0]["revision"])


def confirm(order_id: str) -> None:
    from shop.orders.handlers.events import handler as orders

    for event_type, extra in (("StockReserved", {}), ("PaymentCaptured", {"payment_id": "pay-1"})):
        event = Event(event_type=event_type, correlation_id="c", data={"order_id": order_id, **extra})
        assert orders(sqs_batch([event]), None) == {"batchItemFailures": []}


def test_orders_answer_what_the_cart_reads(providers: Providers) -> None:
    order, _ = placed(providers)
    status, body = providers.call("GET", f"/orders/{order['order_id']}", user="alice")
    assert status == 200
    assert_meets(PlacedOrder, body)


def test_the_carts_adapter_reads_an_order_in_flight_then_confirmed_with_the_line_versions_it_took(
    providers: Providers,
) -> None:
    order, revision = placed(providers)
    in_flight = HttpPlacedOrders().find(order["order_id"], "Bearer alice")
    assert in_flight is not None
    assert (in_flight.final, in_flight.taken) == (False, frozenset())

    confirm(order["order_id"])

    confirmed = HttpPlacedOrders().find(order["order_id"], "Bearer alice")
    assert confirmed is not None
    assert (confirmed.status, confirmed.final, confirmed.taken) == ("CONFIRMED", True, frozenset({revision}))


def test_the_carts_adapter_cannot_tell_of_another_customers_order(providers: Providers) -> None:
    order, _ = placed(providers)
    assert HttpPlacedOrders().find(order["order_id"], "Bearer mallory") is None
