"""Consumer users, providers cart, orders and payments: the export and the deletion read the
caller's records through the owners' APIs with the caller's token. The real handlers answer
what `HttpCustomerRecords` reads; the fake the users' unit tests use answers alike."""

from __future__ import annotations

from typing import Any

import pytest

from shop.kernel.errors import InvalidInput, NotAuthenticated
from shop.kernel.events import Event
from shop.users.adapters.shop_api import HttpCustomerRecords
from shop.users.domain.records import OrderRecord
from shop.users.ports import CustomerRecords
from tests.contract.conftest import Providers, new_product
from tests.contract.expectations import assert_meets
from tests.support.http_events import sqs_batch
from tests.unit.users.fakes import FakeCustomerRecords

pytestmark = pytest.mark.integration

ADDRESS = {"line1": "1 Main St", "city": "Lyon", "postal_code": "69001", "country": "FR"}


def place_and_pay(providers: Providers, user: str, product_id: str) -> dict[str, Any]:
    status, body = providers.call("PUT", f"/cart/items/{product_id}", user=user, body={"quantity": 1})
    assert status == 200, body
    checkout = {"shipping_address": ADDRESS, "payment_token": "tok_visa"}
    status, order = providers.call("POST", "/orders", user=user, body=checkout)
    assert status == 202, order
    from shop.payments.handlers.events import handler as payments

    requested = Event(
        event_type="PaymentRequested",
        correlation_id="c",
        data={
            "order_id": order["order_id"],
            "customer_id": user,
            "amount": order["total"],
            "payment_token": "tok_visa",
        },
    )
    assert payments(sqs_batch([requested]), None) == {"batchItemFailures": []}
    # no saga runs here: the customer cancels, so the next checkout finds no order in flight
    status, body = providers.call("POST", f"/orders/{order['order_id']}/cancel", user=user)
    assert status == 200, body
    return dict(order)


@pytest.fixture
def shop(providers: Providers) -> tuple[CustomerRecords, list[dict[str, Any]]]:
    """The same records for alice twice: as the providers hold them and as the fake does."""
    product_id = new_product(providers, "BOOK")
    placed = [place_and_pay(providers, "alice", product_id) for _ in range(3)]
    place_and_pay(providers, "bob", product_id)
    return HttpCustomerRecords(), placed


def fake_of(real: CustomerRecords) -> FakeCustomerRecords:
    every = real.orders("Bearer alice", cursor=None, limit=100)
    return FakeCustomerRecords(
        authorization="Bearer alice",
        cart_record=real.cart("Bearer alice"),
        orders_held=list(every.items),
        payments_held={
            order.order_id: real.payments("Bearer alice", order.order_id) for order in every.items
        },
    )


def test_orders_answer_what_the_deletion_decides_on(providers: Providers, shop: Any) -> None:
    status, body = providers.call("GET", "/orders", user="alice")
    assert status == 200
    for order in body["items"]:
        assert_meets(OrderRecord, order)


@pytest.mark.parametrize("backend", ["adapter", "fake"])
def test_the_callers_records_page_by_page(shop: Any, backend: str) -> None:
    real, placed = shop
    records: CustomerRecords = real if backend == "adapter" else fake_of(real)

    seen: list[str] = []
    page = records.orders("Bearer alice", cursor=None, limit=2)
    seen += [order.order_id for order in page.items]
    assert page.next_cursor is not None
    page = records.orders("Bearer alice", cursor=page.next_cursor, limit=2)
    seen += [order.order_id for order in page.items]
    assert page.next_cursor is None
    assert sorted(seen) == sorted(order["order_id"] for order in placed)  # bob's are not alice's
    assert page.items[0].model_dump()["shipping_address"]["city"] == "Lyon"  # the rest passes through

    (payment,) = records.payments("Bearer alice", placed[0]["order_id"])
    assert (payment["order_id"], payment["status"]) == (placed[0]["order_id"], "CAPTURED")
    assert [item["product_id"] for item in records.cart("Bearer alice")["items"]] == [
        placed[0]["lines"][0]["product_id"]
    ]
    with pytest.raises(NotAuthenticated):
        records.cart("Bearer ")


def test_a_forged_cursor_is_the_callers_mistake(shop: Any) -> None:
    real, _ = shop
    with pytest.raises(InvalidInput) as invalid:
        real.orders("Bearer alice", cursor="forged", limit=2)
    assert invalid.value.field == "cursor"
