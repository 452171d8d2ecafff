"""The catalog's integration tests call its handlers with the shared event builders;
the order events it consumes, and its stock as stored."""

from __future__ import annotations

from typing import Any

from shop.kernel.events import Event
from shop.platform.aws import client
from tests.support.http_events import api_request, json_body, sqs_batch

TABLE = "catalog"
ADMIN = {"sub": "admin-1", "cognito:groups": "[admin]"}
CUSTOMER = {"sub": "customer-1"}


def call(method: str, path: str, **kwargs: Any) -> tuple[int, Any, dict[str, str]]:
    from shop.catalog.handlers.http import handler

    response = handler(api_request(method, path, **kwargs), None)
    return response["statusCode"], json_body(response), response.get("headers") or {}


def consume(*events: Event) -> dict[str, Any]:
    from shop.catalog.handlers.events import handler

    return handler(sqs_batch(events), None)


def order_event(event_type: str, order_id: str, lines: list[tuple[str, int]] | None = None) -> Event:
    data: dict[str, Any] = {"order_id": order_id, "customer_id": "c1"}
    if lines is not None:
        data["lines"] = [
            {
                "product_id": product_id,
                "name": "whatever",
                "quantity": quantity,
                "unit_price": {"amount": 100, "currency": "EUR"},
                "line_total": {"amount": 100 * quantity, "currency": "EUR"},
            }
            for product_id, quantity in lines
        ]
    if event_type == "OrderCancelled":
        data["reason"] = "CUSTOMER_CANCELLED"
    return Event(event_type=event_type, correlation_id=f"corr-{order_id}", data=data)


def stock_of(product_id: str) -> int:
    item = client("dynamodb").get_item(
        TableName=TABLE, Key={"pk": {"S": f"PRODUCT#{product_id}"}, "sk": {"S": "PRODUCT"}}
    )["Item"]
    return int(item["stock"]["N"])
