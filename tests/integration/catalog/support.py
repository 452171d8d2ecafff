"""Builders for the catalog's integration tests: API Gateway v2 events, SQS events, a
DynamoDB request counter and table inspection."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from shop.kernel.events import Event
from shop.platform.aws import client
from shop.platform.dynamo import from_item

TABLE = "catalog"
ADMIN = {"sub": "admin-1", "cognito:groups": "[admin]"}
CUSTOMER = {"sub": "customer-1"}


class DynamoRequests:
    """Counts the requests the shared DynamoDB client makes (botocore before-call hook)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        client("dynamodb").meta.events.register("before-call.dynamodb", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.names.append(model.name)

    def take(self) -> list[str]:
        taken, self.names = self.names, []
        return taken


def http_event(
    method: str,
    path: str,
    *,
    body: Any = None,
    query: dict[str, str] | None = None,
    claims: dict[str, str] | None = None,
) -> dict[str, Any]:
    request_context: dict[str, Any] = {
        "requestId": "req-1",
        "routeKey": f"{method} {path}",
        "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"},
        "stage": "$default",
    }
    if claims:
        request_context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": {"accept": "application/json"},
        "requestContext": request_context,
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    if body is not None:
        event["body"] = json.dumps(body)
        event["headers"]["content-type"] = "application/json"
    return event


def call(method: str, path: str, **kwargs: Any) -> tuple[int, Any, dict[str, str]]:
    from shop.catalog.handlers.http import handler

    response = handler(http_event(method, path, **kwargs), None)
    body = json.loads(response["body"]) if response.get("body") else None
    return response["statusCode"], body, response.get("headers") or {}


def sqs_event(*events: Event) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"m-{index}",
                "receiptHandle": "handle",
                "body": event.model_dump_json(),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:shop-catalog",
                "awsRegion": "us-east-1",
            }
            for index, event in enumerate(events)
        ]
    }


def consume(*events: Event) -> dict[str, Any]:
    from shop.catalog.handlers.events import handler

    return handler(sqs_event(*events), None)


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


def table_items() -> list[dict[str, Any]]:
    return [from_item(item) for item in client("dynamodb").scan(TableName=TABLE)["Items"]]


def outbox_events() -> list[dict[str, Any]]:
    return [json.loads(item["event"]) for item in table_items() if item["pk"].startswith("OUTBOX#")]


def stock_of(product_id: str) -> int:
    item = client("dynamodb").get_item(
        TableName=TABLE, Key={"pk": {"S": f"PRODUCT#{product_id}"}, "sk": {"S": "PRODUCT"}}
    )["Item"]
    return int(item["stock"]["N"])
