"""The cart's Lambda handlers end to end: hand-built API Gateway v2 and SQS events, moto for
DynamoDB and a tiny catalog HTTP server, with the DynamoDB requests of each operation counted."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from dependency_injector import providers

from shop.cart.domain.cart import IDLE_LIFETIME
from shop.kernel.clock import FixedClock
from shop.kernel.events import Event
from tests.integration.cart.conftest import CatalogServer
from tests.support.dynamodb import DynamoCalls, outbox_events, table_items
from tests.support.http_events import api_request, json_body, sqs_batch

pytestmark = pytest.mark.integration

# What the catalog spends on each ids lookup (one BatchGetItem), per docs/conventions.md.
CATALOG_REQUESTS_PER_CALL = 1


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def http(cart_table: str, catalog_server: CatalogServer, clock: FixedClock) -> Iterator[Any]:
    from shop.cart.handlers import http as module

    catalog_server.add("book", amount=1500)
    catalog_server.add("pen", amount=199)
    catalog_server.add("hat", amount=900, currency="USD")
    catalog_server.add("retired", deleted=True)
    with module.container.clock.override(providers.Object(clock)):
        yield module.handler


@pytest.fixture
def events(http: Any, clock: FixedClock) -> Iterator[Any]:
    from shop.cart.handlers import events as module

    with module.container.clock.override(providers.Object(clock)):
        yield module.handler


def request(
    handler: Any,
    method: str,
    path: str,
    *,
    user: str | None = "alice",
    body: Any = None,
    raw: str | None = None,
    query: dict[str, str] | None = None,
) -> tuple[int, Any]:
    claims = {"sub": user, "cognito:groups": "[]"} if user else None
    event = api_request(
        method, path, raw if raw is not None else body, claims, {"x-request-id": "req-1"}, query
    )
    response = handler(event, None)
    return response["statusCode"], json_body(response)


def test_an_empty_cart(http: Any, dynamodb_requests: DynamoCalls, catalog_server: CatalogServer) -> None:
    status, body = request(http, "GET", "/cart")

    assert status == 200
    assert body == {
        "items": [],
        "total": {"amount": 0, "currency": "EUR"},
        "item_count": 0,
        "unavailable": [],
        "pending_order": None,
    }
    assert dynamodb_requests.operations == ["GetItem"]
    assert catalog_server.requests == []


def test_putting_items_and_reading_them_back_within_budget(
    http: Any, dynamodb_requests: DynamoCalls, catalog_server: CatalogServer
) -> None:
    assert request(http, "PUT", "/cart/items/book", body={"quantity": 2})[0] == 200
    # the line that starts the cart is written with its CartStarted: one transaction
    assert dynamodb_requests.take() == ["GetItem", "TransactWriteItems"]
    assert [event["event_type"] for event in outbox_events("cart")] == ["CartStarted"]
    dynamodb_requests.reset()
    catalog_server.requests.clear()

    status, body = request(http, "PUT", "/cart/items/pen", body={"quantity": 3})

    assert status == 200
    assert all(item["revision"] for item in body["items"])
    assert [
        {name: value for name, value in item.items() if name != "revision"} for item in body["items"]
    ] == [
        {
            "product_id": "book",
            "name": "Product book",
            "unit_price": {"amount": 1500, "currency": "EUR"},
            "quantity": 2,
            "line_total": {"amount": 3000, "currency": "EUR"},
            "price_when_added": {"amount": 1500, "currency": "EUR"},
        },
        {
            "product_id": "pen",
            "name": "Product pen",
            "unit_price": {"amount": 199, "currency": "EUR"},
            "quantity": 3,
            "line_total": {"amount": 597, "currency": "EUR"},
            "price_when_added": {"amount": 199, "currency": "EUR"},
        },
    ]
    assert body["total"] == {"amount": 3597, "currency": "EUR"}
    assert body["item_count"] == 5
    assert dynamodb_requests.operations == ["GetItem", "UpdateItem"]
    assert len(catalog_server.requests) == 1
    assert len(dynamodb_requests.operations) + CATALOG_REQUESTS_PER_CALL * len(catalog_server.requests) <= 3

    dynamodb_requests.reset()
    catalog_server.requests.clear()
    status, again = request(http, "GET", "/cart")
    assert (status, again) == (200, body)
    assert len(dynamodb_requests.operations) + len(catalog_server.requests) == 2


@pytest.mark.parametrize(
    "payload",
    [
        {"quantity": 0},
        {"quantity": 100},
        {"quantity": "x"},
        {"quantity": 1.5},
        {"quantity": True},
        {"quantity": "2"},
        {},
    ],
)
def test_a_bad_quantity_is_400_on_the_quantity_field(http: Any, payload: dict[str, Any]) -> None:
    status, body = request(http, "PUT", "/cart/items/book", body=payload)

    assert status == 400
    assert body["status"] == 400
    assert any(error["field"] == "quantity" for error in body["errors"])


@pytest.mark.parametrize("raw", ["{not json", '{"quantity": 1, "extra": true}', "[]"])
def test_a_malformed_body_is_400(http: Any, raw: str) -> None:
    assert request(http, "PUT", "/cart/items/book", raw=raw)[0] == 400


@pytest.mark.parametrize("product_id", ["unknown", "retired", "a%2Cb"])
def test_an_unknown_or_deleted_product_is_404(
    http: Any, dynamodb_requests: DynamoCalls, product_id: str
) -> None:
    status, body = request(http, "PUT", f"/cart/items/{product_id}", body={"quantity": 1})

    assert status == 404
    assert body["title"] == "Product not found"
    assert "UpdateItem" not in dynamodb_requests.operations


def test_a_product_in_another_currency_is_409(http: Any) -> None:
    request(http, "PUT", "/cart/items/book", body={"quantity": 1})

    status, body = request(http, "PUT", "/cart/items/hat", body={"quantity": 1})

    assert status == 409
    assert "EUR" in body["detail"]
    assert "USD" in body["detail"]


def test_the_51st_product_is_422(http: Any, catalog_server: CatalogServer) -> None:
    for index in range(50):
        catalog_server.add(f"p{index}")
        assert request(http, "PUT", f"/cart/items/p{index}", body={"quantity": 1})[0] == 200

    status, body = request(http, "PUT", "/cart/items/book", body={"quantity": 1})

    assert status == 422
    assert "50" in body["detail"]


def test_removing_a_line_within_budget(
    http: Any, dynamodb_requests: DynamoCalls, catalog_server: CatalogServer
) -> None:
    request(http, "PUT", "/cart/items/book", body={"quantity": 1})
    request(http, "PUT", "/cart/items/pen", body={"quantity": 2})
    dynamodb_requests.reset()
    catalog_server.requests.clear()

    status, body = request(http, "DELETE", "/cart/items/book")

    assert status == 200
    assert [item["product_id"] for item in body["items"]] == ["pen"]
    assert body["total"] == {"amount": 398, "currency": "EUR"}
    assert dynamodb_requests.operations == ["GetItem", "UpdateItem"]
    assert len(catalog_server.requests) == 1


def test_removing_a_line_not_in_the_cart_is_404(http: Any) -> None:
    status, body = request(http, "DELETE", "/cart/items/book")

    assert status == 404
    assert body["title"] == "Not in cart"


def test_clearing_the_cart_is_204_within_budget_and_keeps_the_order_in_flight(
    http: Any, events: Any, dynamodb_requests: DynamoCalls
) -> None:
    request(http, "PUT", "/cart/items/book", body={"quantity": 1})
    order = {"order_id": "o1", "customer_id": "alice", "placed_at": "2026-01-01T00:00:00Z"}
    events(sqs_batch([Event(event_type="OrderPlaced", correlation_id="c", data=order)]), None)
    dynamodb_requests.reset()

    status, body = request(http, "DELETE", "/cart")

    assert (status, body) == (204, None)
    assert dynamodb_requests.operations == ["GetItem", "UpdateItem"]
    shown = request(http, "GET", "/cart", query={"pending_order": "heard"})[1]
    assert (shown["items"], shown["pending_order"]) == ([], {"order_id": "o1", "status": "PENDING"})
    assert request(http, "PUT", "/cart/items/hat", body={"quantity": 1})[0] == 200  # any currency again


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/cart"), ("PUT", "/cart/items/book"), ("DELETE", "/cart/items/book"), ("DELETE", "/cart")],
)
def test_anonymous_callers_are_401(http: Any, method: str, path: str) -> None:
    body = {"quantity": 1} if method == "PUT" else None

    assert request(http, method, path, user=None, body=body)[0] == 401


def test_customers_have_separate_carts(http: Any) -> None:
    request(http, "PUT", "/cart/items/book", body={"quantity": 1}, user="alice")
    request(http, "PUT", "/cart/items/pen", body={"quantity": 1}, user="bob")

    assert [item["product_id"] for item in request(http, "GET", "/cart", user="alice")[1]["items"]] == [
        "book"
    ]
    assert [item["product_id"] for item in request(http, "GET", "/cart", user="bob")[1]["items"]] == ["pen"]
    assert request(http, "DELETE", "/cart/items/pen", user="alice")[0] == 404


def test_a_deleted_product_leaves_the_items_and_shows_as_unavailable(
    http: Any, catalog_server: CatalogServer
) -> None:
    request(http, "PUT", "/cart/items/book", body={"quantity": 1})
    request(http, "PUT", "/cart/items/pen", body={"quantity": 2})
    catalog_server.add("pen", deleted=True)

    body = request(http, "GET", "/cart")[1]

    assert [item["product_id"] for item in body["items"]] == ["book"]
    assert body["unavailable"] == [{"product_id": "pen", "quantity": 2, "reason": "product_unavailable"}]
    assert body["total"]["amount"] == 1500
    assert request(http, "DELETE", "/cart/items/pen")[0] == 200


def test_an_idle_cart_expires(http: Any, clock: FixedClock) -> None:
    request(http, "PUT", "/cart/items/book", body={"quantity": 1})
    clock.advance(IDLE_LIFETIME)

    assert request(http, "GET", "/cart")[1]["items"] == []
    assert request(http, "DELETE", "/cart/items/book")[0] == 404


def test_a_catalog_outage_is_503_not_500(http: Any, catalog_server: CatalogServer) -> None:
    catalog_server.status = 500

    status, body = request(http, "PUT", "/cart/items/book", body={"quantity": 1})

    assert status == 503
    assert "traceback" not in json.dumps(body).lower()


def order_confirmed(customer: str, cart: dict[str, Any]) -> Event:
    """The confirmation of an order placed from this answer of GET /cart."""
    return Event(
        event_type="OrderConfirmed",
        correlation_id="corr-1",
        data={
            "order_id": "o1",
            "customer_id": customer,
            "lines": [
                {
                    "product_id": item["product_id"],
                    "name": item["name"],
                    "quantity": item["quantity"],
                    "unit_price": item["unit_price"],
                    "line_total": item["line_total"],
                    "revision": item["revision"],
                }
                for item in cart["items"]
            ],
            "total": cart["total"],
            "placed_at": "2026-01-01T00:00:00Z",
        },
    )


def test_the_etag_is_the_version_of_what_the_cart_shows(http: Any) -> None:
    def etag() -> str:
        answer = http(api_request("GET", "/cart", None, {"sub": "alice", "cognito:groups": "[]"}), None)
        return str(answer["headers"]["ETag"])

    empty = etag()
    put = http(
        api_request("PUT", "/cart/items/book", '{"quantity": 1}', {"sub": "alice", "cognito:groups": "[]"}),
        None,
    )
    assert put["headers"]["ETag"] == etag() != empty
    assert etag() == etag()


def test_order_confirmed_empties_the_ordered_lines_only_and_is_idempotent(
    http: Any, events: Any, clock: FixedClock, dynamodb_requests: DynamoCalls
) -> None:
    request(http, "PUT", "/cart/items/book", body={"quantity": 1})
    request(http, "PUT", "/cart/items/pen", body={"quantity": 2})
    placed = order_confirmed("alice", request(http, "GET", "/cart")[1])
    request(http, "PUT", "/cart/items/pen", body={"quantity": 4})  # changed after checkout: stays
    dynamodb_requests.reset()

    assert events(sqs_batch([placed]), None) == {"batchItemFailures": []}
    assert dynamodb_requests.operations == ["GetItem", "UpdateItem"]

    body = request(http, "GET", "/cart")[1]
    assert [(item["product_id"], item["quantity"]) for item in body["items"]] == [("pen", 4)]

    dynamodb_requests.reset()
    assert events(sqs_batch([placed]), None) == {"batchItemFailures": []}
    assert dynamodb_requests.operations == ["GetItem"]
    assert [item["product_id"] for item in request(http, "GET", "/cart")[1]["items"]] == ["pen"]


def test_a_malformed_event_fails_alone(events: Any, http: Any, clock: FixedClock) -> None:
    request(http, "PUT", "/cart/items/book", body={"quantity": 1})
    broken = Event(event_type="OrderConfirmed", correlation_id="c", data={"order_id": "o2"})

    answer = events(sqs_batch([broken, order_confirmed("alice", request(http, "GET", "/cart")[1])]), None)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-0"}]}
    assert request(http, "GET", "/cart")[1]["items"] == []


def test_concurrent_puts_of_different_products_all_survive(http: Any, catalog_server: CatalogServer) -> None:
    product_ids = [f"c{index}" for index in range(6)]
    for product_id in product_ids:
        catalog_server.add(product_id)
    start = threading.Barrier(len(product_ids))

    def put(product_id: str) -> int:
        start.wait()
        return request(http, "PUT", f"/cart/items/{product_id}", body={"quantity": 1})[0]

    with ThreadPoolExecutor(max_workers=len(product_ids)) as pool:
        statuses = list(pool.map(put, product_ids))

    assert statuses == [200] * len(product_ids)
    body = request(http, "GET", "/cart")[1]
    assert sorted(item["product_id"] for item in body["items"]) == product_ids
    assert body["item_count"] == len(product_ids)


def test_a_deleted_customers_cart_goes(http: Any, events: Any) -> None:
    request(http, "PUT", "/cart/items/book", body={"quantity": 1})
    deleted = Event(event_type="UserDeleted", correlation_id="c", data={"user_id": "alice"})

    assert events(sqs_batch([deleted]), None) == {"batchItemFailures": []}
    assert events(sqs_batch([deleted]), None) == {"batchItemFailures": []}  # redelivered: nothing left

    assert [item["pk"] for item in table_items("cart") if not item["pk"].startswith("OUTBOX#")] == []


def test_the_cart_shows_the_order_in_flight_until_its_end_within_budget(
    http: Any, events: Any, dynamodb_requests: DynamoCalls
) -> None:
    request(http, "PUT", "/cart/items/book", body={"quantity": 1})
    order = {"order_id": "o1", "customer_id": "alice", "placed_at": "2026-01-01T00:00:00Z"}
    before = http(api_request("GET", "/cart", None, {"sub": "alice", "cognito:groups": "[]"}), None)
    dynamodb_requests.reset()

    assert events(sqs_batch([Event(event_type="OrderPlaced", correlation_id="c", data=order)]), None) == {
        "batchItemFailures": []
    }
    assert dynamodb_requests.operations == ["GetItem", "UpdateItem"]
    shown = http(api_request("GET", "/cart", None, {"sub": "alice", "cognito:groups": "[]"}), None)
    assert json_body(shown)["pending_order"] == {"order_id": "o1", "status": "PENDING"}
    assert shown["headers"]["ETag"] != before["headers"]["ETag"]

    cancelled = {**order, "reason": "PAYMENT_DECLINED", "lines": []}
    events(sqs_batch([Event(event_type="OrderCancelled", correlation_id="c", data=cancelled)]), None)
    body = request(http, "GET", "/cart")[1]
    assert body["pending_order"] is None
    assert [item["product_id"] for item in body["items"]] == ["book"]


def placed_order(http: Any, events: Any, catalog_server: CatalogServer, status: str) -> None:
    """Alice's cart of a book and a pen, from which o1 ordered the book; the cart has heard
    o1 was placed, and orders says it is `status` now."""
    request(http, "PUT", "/cart/items/book", body={"quantity": 1})
    request(http, "PUT", "/cart/items/pen", body={"quantity": 2})
    book = request(http, "GET", "/cart")[1]["items"][0]
    order = {"order_id": "o1", "customer_id": "alice", "placed_at": "2026-01-01T00:00:00Z"}
    events(sqs_batch([Event(event_type="OrderPlaced", correlation_id="c", data=order)]), None)
    steps = ["PENDING", "RESERVED", "CONFIRMED"] if status == "CONFIRMED" else ["PENDING", status]
    catalog_server.orders["o1"] = {
        "order_id": "o1",
        "status": status,
        "lines": [{key: book[key] for key in ("product_id", "name", "unit_price", "quantity", "revision")}],
        "history": [{"status": step, "at": "2026-01-01T00:00:00Z"} for step in steps],
    }


def read_cart(http: Any, query: dict[str, str] | None = None) -> tuple[int, Any]:
    claims = {"sub": "alice", "cognito:groups": "[]"}
    event = api_request("GET", "/cart", None, claims, {"authorization": "Bearer alice"}, query=query)
    response = http(event, None)
    return response["statusCode"], json_body(response)


def test_an_order_orders_says_confirmed_is_shown_ended_without_its_lines_within_budget(
    http: Any, events: Any, catalog_server: CatalogServer, dynamodb_requests: DynamoCalls
) -> None:
    placed_order(http, events, catalog_server, "CONFIRMED")
    dynamodb_requests.reset()
    catalog_server.requests.clear()

    status, body = read_cart(http)

    assert status == 200
    assert (body["pending_order"], [item["product_id"] for item in body["items"]]) == (None, ["pen"])
    assert dynamodb_requests.operations == ["GetItem"]
    assert [urlsplit(path).path for path in catalog_server.requests] == ["/orders/o1", "/products"]
    # the cart's read, the catalog's and orders' (one GetItem each on their side)
    assert len(dynamodb_requests.operations) + len(catalog_server.requests) == 3


def test_an_order_orders_says_cancelled_is_shown_ended_and_the_cart_whole(
    http: Any, events: Any, catalog_server: CatalogServer
) -> None:
    placed_order(http, events, catalog_server, "CANCELLED")

    body = read_cart(http)[1]

    assert (body["pending_order"], [item["product_id"] for item in body["items"]]) == (None, ["book", "pen"])


@pytest.mark.parametrize("orders_status", [503, 404])
def test_when_orders_cannot_tell_the_cart_shows_the_order_pending(
    http: Any, events: Any, catalog_server: CatalogServer, orders_status: int
) -> None:
    placed_order(http, events, catalog_server, "CONFIRMED")
    catalog_server.orders_status = orders_status

    status, body = read_cart(http)

    assert status == 200
    assert body["pending_order"] == {"order_id": "o1", "status": "PENDING"}
    assert [item["product_id"] for item in body["items"]] == ["book", "pen"]


def test_checkout_reads_the_cart_as_it_heard_without_asking_orders(
    http: Any, events: Any, catalog_server: CatalogServer
) -> None:
    placed_order(http, events, catalog_server, "CONFIRMED")
    catalog_server.requests.clear()

    status, body = read_cart(http, {"pending_order": "heard"})

    assert status == 200
    assert body["pending_order"] == {"order_id": "o1", "status": "PENDING"}
    assert [item["product_id"] for item in body["items"]] == ["book", "pen"]
    assert [urlsplit(path).path for path in catalog_server.requests] == ["/products"]


def test_an_unknown_view_of_the_pending_order_is_400_naming_it(http: Any) -> None:
    status, body = read_cart(http, {"pending_order": "yes"})

    assert status == 400
    assert [error["field"] for error in body["errors"]] == ["pending_order"]
