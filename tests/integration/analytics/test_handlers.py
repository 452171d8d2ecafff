"""The analytics Lambda entry points on moto: the queue handler projects events once, the
admin reads them over HTTP and everyone else is refused. (The page that shows them, GET
/admin/dashboard, is meta's: tests/test_dashboard_page.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shop.kernel.events import Event
from shop.platform.aws import client
from tests.conftest import create_table
from tests.support.dynamodb import DynamoCalls, dynamodb_calls
from tests.support.http_events import api_request, json_body, sqs_batch

pytestmark = pytest.mark.integration

ADMIN = {"sub": "admin-1", "cognito:groups": "[admin]"}
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def calls(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoCalls]:
    monkeypatch.setenv("ANALYTICS_TABLE_NAME", create_table("shop-analytics"))
    sqs = client("sqs")
    sqs.create_queue(QueueName="shop-orders-events")
    dlq = sqs.create_queue(QueueName="shop-orders-events-dlq")["QueueUrl"]
    sqs.send_message(QueueUrl=dlq, MessageBody="poison")
    with dynamodb_calls() as counted:
        yield counted


def line(quantity: int = 2) -> dict[str, Any]:
    price = {"amount": 1250, "currency": "EUR"}
    return {
        "product_id": "p1",
        "name": "Mug",
        "quantity": quantity,
        "unit_price": price,
        "line_total": {"amount": 1250 * quantity, "currency": "EUR"},
    }


def cart_started(cart_id: str) -> Event:
    data = {"cart_id": cart_id, "customer_id": "c1", "started_at": NOW.isoformat()}
    return Event(event_type="CartStarted", correlation_id="c", data=data, occurred_at=NOW)


def order_events(order_id: str) -> list[Event]:
    total = {"amount": 2500, "currency": "EUR"}
    placed = {
        "order_id": order_id,
        "customer_id": "c1",
        "lines": [line()],
        "total": total,
        "placed_at": NOW.isoformat(),
    }
    confirmed = {"order_id": order_id, "customer_id": "c1", "lines": [line()], "total": total}
    return [
        Event(event_type="OrderPlaced", correlation_id="c", data=placed, occurred_at=NOW),
        Event(
            event_type="OrderConfirmed",
            correlation_id="c",
            data=confirmed,
            occurred_at=NOW + timedelta(seconds=1),
        ),
    ]


def deliver(*events: Event) -> dict[str, Any]:
    from shop.analytics.handlers.events import handler

    return handler(sqs_batch(events), None)


def http(
    path: str, claims: dict[str, Any] | None = ADMIN, query: dict[str, str] | None = None
) -> dict[str, Any]:
    from shop.analytics.handlers.http import handler

    return handler(api_request("GET", path, claims=claims, query=query), None)


def test_events_projected_once_are_what_the_admin_reads(calls: DynamoCalls) -> None:
    events = [cart_started("k1"), cart_started("k2"), *order_events("o1")]
    assert deliver(*events, *reversed(events)) == {"batchItemFailures": []}  # redelivered, out of order

    response = http("/admin/analytics", query={"hours": "2"})

    assert response["statusCode"] == 200
    body = json_body(response)
    assert len(body["hours"]) == 2
    assert sum(h["placed"] for h in body["hours"]) == 1
    assert body["conversion"] == {"carts": 2, "orders": 1, "confirmed": 1, "cancelled": {}}
    assert body["revenue"] == [{"currency": "EUR", "confirmed": "2500", "refunded": "0", "net": "2500"}]
    assert body["top_products"] == [{"product_id": "p1", "name": "Mug", "units": 2}]
    assert body["latency"]["confirmations"] == 1
    assert body["latency"]["p50_ms"] == 1076  # 1 s: the bucket bound at or above it
    assert {"name": "orders-events", "waiting": 0, "in_flight": 0, "dead_letters": 1} in body["queues"]


def test_each_saga_step_and_the_report_stay_within_the_request_budgets(calls: DynamoCalls) -> None:
    placed, confirmed = order_events("o2")
    for _ in range(2):  # the second time, a redelivery
        calls.reset()
        deliver(cart_started("k3"))
        assert calls.count <= 2
    calls.reset()
    deliver(placed)
    assert calls.count <= 2
    calls.reset()
    deliver(confirmed)
    assert calls.count <= 2
    calls.reset()
    http("/admin/analytics")
    assert calls.count <= 3


@pytest.mark.parametrize(("claims", "status"), [(None, 401), ({"sub": "customer-1"}, 403)])
def test_only_an_admin_reads_the_figures(
    calls: DynamoCalls, claims: dict[str, Any] | None, status: int
) -> None:
    response = http("/admin/analytics", claims=claims)
    assert response["statusCode"] == status
    assert response["headers"]["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("hours", ["0", "169", "many"])
def test_a_window_out_of_range_is_a_400(calls: DynamoCalls, hours: str) -> None:
    response = http("/admin/analytics", query={"hours": hours})
    assert response["statusCode"] == 400
    assert json_body(response)["errors"][0]["field"] == "hours"


def test_a_malformed_event_fails_alone(calls: DynamoCalls) -> None:
    bad = Event(event_type="OrderPlaced", correlation_id="c", data={"order_id": "o3"})
    result = deliver(bad, order_events("o4")[0])
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-0"}]}
