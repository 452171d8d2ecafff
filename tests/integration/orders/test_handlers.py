"""The orders Lambda handlers end to end on moto, through hand-built API Gateway v2 events
and SQS batches; the cart is faked by overriding the container's CartReader."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from dependency_injector import providers

from shop.kernel.events import Event
from shop.orders.domain.cart import Cart, UnavailableLine
from tests.conftest import create_table
from tests.support.dynamodb import dynamodb_calls, outbox_events
from tests.support.http_events import api_request, json_body, sqs_batch
from tests.unit.orders.fakes import cart_of, eur

pytestmark = pytest.mark.integration

TABLE = "orders-it"
ADDRESS = {"line1": "1 Main St", "city": "Lyon", "postal_code": "69001", "country": "FR"}
CHECKOUT = {"shipping_address": ADDRESS, "payment_token": "tok_visa"}


class Carts:
    """One cart per customer, read by the token the handler passes on."""

    def __init__(self) -> None:
        self.carts: dict[str, Cart] = {}
        self.tokens: list[str] = []

    def read(self, authorization: str) -> Cart:
        self.tokens.append(authorization)
        return self.carts.get(authorization.removeprefix("Bearer token-of-"), Cart())


@pytest.fixture
def carts(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Carts]:
    from shop.orders.handlers import events, http

    monkeypatch.setenv("ORDERS_TABLE_NAME", TABLE)
    create_table(TABLE, stream=True)
    fake = Carts()
    with http.container.carts.override(providers.Object(fake)):
        yield fake
    assert events.container is not None


def call(
    method: str,
    path: str,
    *,
    user: str | None = "customer-1",
    admin: bool = False,
    body: Any = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """As `user` (their bearer token, which the handler passes on to the cart, and its claims)."""
    from shop.orders.handlers.http import handler

    claims = None
    if user is not None:
        claims = {"sub": user, **({"cognito:groups": "[admin]"} if admin else {})}
        headers = {"authorization": f"Bearer token-of-{user}", **(headers or {})}
    return handler(api_request(method, path, body, claims, headers, query), None)


def consume(*events: Event) -> dict[str, Any]:
    from shop.orders.handlers.events import handler

    return handler(sqs_batch(events), None)


def place(user: str = "customer-1", body: Any = None, key: str | None = None) -> dict[str, Any]:
    headers = {"idempotency-key": key} if key else None
    return call("POST", "/orders", user=user, body=CHECKOUT if body is None else body, headers=headers)


def get(order_id: str, user: str = "customer-1") -> dict[str, Any]:
    return call("GET", f"/orders/{order_id}", user=user)


def post_action(order_id: str, action: str, user: str = "customer-1", admin: bool = False) -> dict[str, Any]:
    return call("POST", f"/orders/{order_id}/{action}", user=user, admin=admin)


def outbox_events_of(kind: str) -> list[dict[str, Any]]:
    return [event for event in outbox_events(TABLE) if event["event_type"] == kind]


def saga(kind: str, **data: Any) -> Event:
    return Event(event_type=kind, correlation_id="corr-1", data=data)


def test_checkout_answers_202_with_a_pending_order_in_one_dynamodb_request(carts: Carts) -> None:
    carts.carts["customer-1"] = cart_of(("p-1", 1999, 2))
    with dynamodb_calls() as counter:
        response = place()
    assert response["statusCode"] == 202, response["body"]
    order = json_body(response)
    assert response["headers"]["Location"] == f"/orders/{order['order_id']}"
    assert order["status"] == "PENDING"
    assert order["total"] == {"amount": 3998, "currency": "EUR"}
    assert order["lines"][0] == {
        "product_id": "p-1",
        "name": "Product p-1",
        "unit_price": {"amount": 1999, "currency": "EUR"},
        "quantity": 2,
        "line_total": {"amount": 3998, "currency": "EUR"},
        "revision": None,  # the cart line's version, when the cart names one
    }
    assert order["payment"] == {"status": "PENDING", "payment_id": None}
    assert order["history"][0]["status"] == "PENDING"
    assert order["created_at"].endswith("Z")
    assert "payment_token" not in order
    assert "customer_id" not in order
    assert counter.operations == ["TransactWriteItems"]  # + GET /cart's 2 = 3
    assert carts.tokens == ["Bearer token-of-customer-1"]
    (placed,) = outbox_events_of("OrderPlaced")
    assert placed["data"]["customer_id"] == "customer-1"
    assert placed["correlation_id"] == "req-1"


@pytest.mark.parametrize(
    "body",
    [
        {"shipping_address": ADDRESS},
        {"shipping_address": {**ADDRESS, "country": "France"}, "payment_token": "tok_visa"},
        {"shipping_address": ADDRESS, "payment_token": "4242424242424242"},
        {**CHECKOUT, "unexpected": 1},
        "{not json",
        [],
    ],
)
def test_bad_checkout_bodies_are_400(carts: Carts, body: Any) -> None:
    carts.carts["customer-1"] = cart_of(("p-1", 100, 1))
    response = place(body=body)
    assert response["statusCode"] == 400, response
    assert response["headers"]["Content-Type"] == "application/problem+json"


def test_an_empty_cart_is_422(carts: Carts) -> None:
    response = place()
    assert response["statusCode"] == 422
    assert "empty" in json_body(response)["detail"]


def test_an_idempotency_key_retry_returns_the_same_order_within_budget(carts: Carts) -> None:
    carts.carts["customer-1"] = cart_of(("p-1", 500, 1))
    first = json_body(place(key="key-1"))
    with dynamodb_calls() as counter:
        again = place(key="key-1")  # the cart still holds the line: the put meets the order
    assert again["statusCode"] == 202
    assert json_body(again)["order_id"] == first["order_id"]
    assert counter.operations == ["TransactWriteItems"]
    carts.carts["customer-1"] = Cart()  # the cart service emptied it on OrderPlaced
    with dynamodb_calls() as counter:
        later = place(key="key-1")
    assert json_body(later)["order_id"] == first["order_id"]
    assert counter.operations == ["BatchGetItem"]  # the key's order and the checkout, one read
    assert len(outbox_events_of("OrderPlaced")) == 1
    other_body = {**CHECKOUT, "payment_token": "tok_mastercard"}
    conflict = place(key="key-1", body=other_body)
    assert conflict["statusCode"] == 409
    assert json_body(conflict)["errors"][0]["field"] == "Idempotency-Key"


def test_orders_are_private_to_their_customer(carts: Carts) -> None:
    carts.carts["customer-1"] = cart_of(("p-1", 500, 1))
    order_id = json_body(place())["order_id"]
    assert get(order_id)["statusCode"] == 200
    assert get(order_id, user="customer-2")["statusCode"] == 404
    assert post_action(order_id, "cancel", user="customer-2")["statusCode"] == 404
    assert get("no-such-order")["statusCode"] == 404
    assert json_body(get(order_id))["status"] == "PENDING"


def test_listing_is_paginated_with_signed_cursors_scoped_to_the_customer(carts: Carts) -> None:
    carts.carts["customer-1"] = cart_of(("p-1", 500, 1))
    placed = []
    for index in range(3):  # each cancelled before the next: a cart has one order in flight
        placed.append(json_body(place(key=f"k-{index}"))["order_id"])
        assert post_action(placed[-1], "cancel")["statusCode"] == 200

    def page(user: str, **query: str) -> dict[str, Any]:
        return call("GET", "/orders", user=user, query=query)

    first = page("customer-1", limit="2")
    assert first["statusCode"] == 200
    cursor = json_body(first)["next_cursor"]
    assert cursor
    second = page("customer-1", limit="2", cursor=cursor)
    seen = [o["order_id"] for o in json_body(first)["items"] + json_body(second)["items"]]
    assert sorted(seen) == sorted(placed)
    assert page("customer-2", cursor=cursor)["statusCode"] == 400  # a borrowed cursor
    assert page("customer-1", cursor=cursor[:-3] + "abc")["statusCode"] == 400  # a forged one
    assert page("customer-1", limit="0")["statusCode"] == 400
    assert json_body(page("customer-2"))["items"] == []


def test_the_saga_runs_to_confirmed_and_each_event_twice_has_one_effect(carts: Carts) -> None:
    carts.carts["customer-1"] = cart_of(("p-1", 1000, 3))
    order_id = json_body(place())["order_id"]
    reserved = saga("StockReserved", order_id=order_id, lines=[{"product_id": "p-1", "quantity": 3}])
    with dynamodb_calls() as counter:
        assert consume(reserved) == {"batchItemFailures": []}
    assert counter.count == 2
    consume(reserved)  # redelivered
    (requested,) = outbox_events_of("PaymentRequested")
    assert requested["data"] == {
        "order_id": order_id,
        "customer_id": "customer-1",
        "amount": {"amount": 3000, "currency": "EUR"},
        "payment_token": "tok_visa",
    }
    captured = saga(
        "PaymentCaptured",
        order_id=order_id,
        payment_id="pay-1",
        amount={"amount": 3000, "currency": "EUR"},
        provider_reference="ch_1",
    )
    with dynamodb_calls() as counter:
        consume(captured, captured)
    assert counter.count <= 4  # two deliveries, ≤ 2 each
    assert len(outbox_events_of("OrderConfirmed")) == 1
    order = json_body(get(order_id))
    assert order["status"] == "CONFIRMED"
    assert order["payment"] == {"status": "CAPTURED", "payment_id": "pay-1"}
    assert [h["status"] for h in order["history"]] == ["PENDING", "RESERVED", "CONFIRMED"]


def test_stock_rejected_and_declined_payments_cancel(carts: Carts) -> None:
    carts.carts["customer-1"] = carts.carts["customer-2"] = cart_of(("p-1", 1000, 1))
    short = json_body(place(key="a"))["order_id"]
    declined = json_body(place("customer-2", key="b"))["order_id"]
    consume(
        saga("StockRejected", order_id=short, product_ids=["p-1"]),
        saga("StockReserved", order_id=declined, lines=[]),
    )
    consume(saga("PaymentDeclined", order_id=declined, payment_id="pay-2", reason="card_declined"))
    assert json_body(get(short))["cancellation_reason"] == "OUT_OF_STOCK"
    assert json_body(get(declined, "customer-2"))["cancellation_reason"] == "PAYMENT_DECLINED"
    reasons = sorted(e["data"]["reason"] for e in outbox_events_of("OrderCancelled"))
    assert reasons == ["OUT_OF_STOCK", "PAYMENT_DECLINED"]


def test_cancel_of_a_confirmed_order_refunds_and_ship_needs_admin(carts: Carts) -> None:
    carts.carts["customer-1"] = carts.carts["customer-2"] = cart_of(("p-1", 1000, 1))
    refunded = json_body(place(key="a"))["order_id"]
    shipped = json_body(place("customer-2", key="b"))["order_id"]
    for order_id in (refunded, shipped):
        consume(saga("StockReserved", order_id=order_id, lines=[]))
        consume(saga("PaymentCaptured", order_id=order_id, payment_id=f"pay-{order_id}"))
    with dynamodb_calls() as counter:
        cancelled = post_action(refunded, "cancel")
    assert counter.count == 2
    assert cancelled["statusCode"] == 200
    assert json_body(cancelled)["status"] == "CANCELLED"
    assert json_body(cancelled)["payment"]["status"] == "REFUND_PENDING"
    (refund,) = outbox_events_of("RefundRequested")
    assert refund["data"]["payment_id"] == f"pay-{refunded}"
    assert post_action(refunded, "cancel")["statusCode"] == 409
    consume(saga("PaymentRefunded", order_id=refunded, payment_id=f"pay-{refunded}"))
    assert json_body(get(refunded))["payment"]["status"] == "REFUNDED"

    assert post_action(shipped, "ship")["statusCode"] == 403
    assert post_action(shipped, "ship", user="boss", admin=True)["statusCode"] == 200
    assert post_action(shipped, "ship", user="boss", admin=True)["statusCode"] == 409
    assert post_action("missing", "ship", user="boss", admin=True)["statusCode"] == 404
    assert post_action(shipped, "cancel", "customer-2")["statusCode"] == 409

    with dynamodb_calls() as counter:
        stats = call("GET", "/admin/stats", user="boss", admin=True)
    assert counter.count == 1
    assert json_body(stats) == {
        "orders": {"PENDING": 0, "RESERVED": 0, "CONFIRMED": 0, "SHIPPED": 1, "CANCELLED": 1},
        "revenue": {"amount": 1000, "currency": "EUR"},
        "revenue_by_currency": [{"amount": 1000, "currency": "EUR"}],
        "top_products": [{"product_id": "p-1", "name": "Product p-1", "quantity": 1}],
    }
    assert call("GET", "/admin/stats")["statusCode"] == 403


def test_a_poison_message_fails_alone(carts: Carts) -> None:
    carts.carts["customer-1"] = cart_of(("p-1", 1000, 1))
    order_id = json_body(place())["order_id"]
    bad = saga("PaymentCaptured", order_id=order_id)  # no payment_id
    result = consume(bad, saga("StockReserved", order_id=order_id, lines=[]))
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-0"}]}
    assert json_body(get(order_id))["status"] == "RESERVED"


def test_a_second_checkout_while_one_is_in_flight_is_409_naming_it(carts: Carts) -> None:
    carts.carts["customer-1"] = cart_of(("p-1", 1000, 1))
    first = json_body(place(key="tab-1"))["order_id"]

    refused = place(key="tab-2")

    assert refused["statusCode"] == 409
    assert refused["headers"]["Location"] == f"/orders/{first}"
    assert json_body(refused)["order_id"] == first
    assert json_body(refused)["type"] == "/problems/conflict"
    assert place(key="tab-1")["statusCode"] == 202  # the same key replays the first answer
    assert len(outbox_events_of("OrderPlaced")) == 1


@pytest.mark.parametrize(
    "cart",
    [Cart(), Cart(unavailable=(UnavailableLine(product_id="p-gone"),))],
    ids=["empty", "every-line-unavailable"],
)
def test_while_one_is_in_flight_a_cart_with_nothing_to_order_is_409_naming_it_within_budget(
    carts: Carts, cart: Cart
) -> None:
    carts.carts["customer-1"] = cart_of(("p-1", 1000, 1))
    first = json_body(place(key="tab-1"))["order_id"]
    carts.carts["customer-1"] = cart

    with dynamodb_calls() as counter:
        refused = place(key="tab-2")

    assert (refused["statusCode"], json_body(refused)["order_id"]) == (409, first)
    assert refused["headers"]["Location"] == f"/orders/{first}"
    assert counter.operations == ["BatchGetItem"]  # with the cart's read and the catalog's: 3
    assert place(key="tab-1")["statusCode"] == 202  # the same key replays the first answer


def test_a_stale_if_match_or_a_risen_price_is_412_and_nothing_is_saved(carts: Carts) -> None:
    line = cart_of(("p-1", 1500, 1)).items[0].model_copy(update={"price_when_added": eur(1000)})
    carts.carts["customer-1"] = Cart(items=(line,), etag='"now"')

    stale = call("POST", "/orders", body=CHECKOUT, headers={"if-match": '"seen"'})
    risen = place()

    assert (stale["statusCode"], stale["headers"]["ETag"]) == (412, '"now"')
    assert json_body(stale)["type"] == "/problems/precondition-failed"
    assert (risen["statusCode"], risen["headers"]["ETag"]) == (412, '"now"')
    assert json_body(risen)["product_ids"] == ["p-1"]
    assert outbox_events_of("OrderPlaced") == []
    accepted = call("POST", "/orders", body=CHECKOUT, headers={"if-match": '"now"'})
    assert accepted["statusCode"] == 202
    assert json_body(accepted)["total"] == {"amount": 1500, "currency": "EUR"}
