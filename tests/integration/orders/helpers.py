"""Hand-built API Gateway HTTP API (payload 2.0) events and SQS batches, and a counter of
DynamoDB requests (botocore `before-call` hooks) to hold the budgets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shop.kernel.events import Event


def http_event(
    method: str,
    path: str,
    *,
    route: str,
    user: str | None = "customer-1",
    admin: bool = False,
    body: Any = None,
    headers: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    all_headers = {"content-type": "application/json", **(headers or {})}
    if user is not None:
        all_headers.setdefault("authorization", f"Bearer token-of-{user}")
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {route}",
        "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": all_headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"},
            "requestId": "req-1",
            "routeKey": f"{method} {route}",
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }
    if user is not None:
        claims = {"sub": user, **({"cognito:groups": "[admin]"} if admin else {})}
        event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    if path_parameters:
        event["pathParameters"] = path_parameters
    if query:
        event["queryStringParameters"] = query
    return event


def sqs_batch(*events: Event, message_ids: list[str] | None = None) -> dict[str, Any]:
    ids = message_ids or [f"m-{index}" for index in range(len(events))]
    return {
        "Records": [
            {
                "messageId": message_id,
                "receiptHandle": f"rh-{message_id}",
                "body": event.model_dump_json(),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders",
                "awsRegion": "us-east-1",
            }
            for message_id, event in zip(ids, events, strict=True)
        ]
    }


class RequestCounter:
    def __init__(self) -> None:
        self.operations: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    @property
    def count(self) -> int:
        return len(self.operations)


@contextmanager
def counting_dynamodb() -> Iterator[RequestCounter]:
    from shop.platform.aws import client

    counter = RequestCounter()
    events = client("dynamodb").meta.events
    events.register("before-call.dynamodb", counter)
    try:
        yield counter
    finally:
        events.unregister("before-call.dynamodb", counter)


def body_of(response: dict[str, Any]) -> Any:
    return json.loads(response["body"]) if response.get("body") else None
