"""The events Lambda hands the handlers, for calling a handler in-process (the tests, the cold-start
bench): API Gateway HTTP API (payload 2.0) requests made by the local gateway's own builder, and
SQS batches shaped like the local pollers' (and Lambda's) records."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any
from urllib.parse import urlencode

from shop.kernel.events import Event
from shop.local.edge.gateway import Gateway
from shop.local.edge.route_table import Match
from shop.local.event_sources.queue_poller import sqs_record
from shop.local.runtime.lambda_runtime import ACCOUNT_ID
from shop.resources import REGION, Route, load_resources

REQUEST_ID = "req-1"


@cache
def _gateway() -> Gateway:
    return Gateway(load_resources().routes)


def _match(method: str, path: str) -> Match:
    """The resources.json route, as the gateway matches it; a path it does not describe
    (a test app's own routes, an unknown path) keeps `METHOD path` as its route key."""
    matched = _gateway().router.match(method, path)
    if isinstance(matched, Match):
        return matched
    return Match(Route(method=method, path=path, auth="public", service="test", handler=""), {})


def api_request(  # noqa: PLR0917 - a request's parts, in the order callers write them
    method: str,
    path: str,
    body: Any = None,
    claims: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    *,
    request_id: str = REQUEST_ID,
) -> dict[str, Any]:
    """The event the local gateway passes a handler for this request, the token already
    verified: `claims` (as the handler sees them) land in `requestContext.authorizer.jwt`.
    A `str` body is sent as it is, anything else as JSON; a body is `application/json`
    unless `headers` name another content type."""
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    raw_body = b""
    if body is not None:
        raw_body = (body if isinstance(body, str) else json.dumps(body)).encode()
        lowered.setdefault("content-type", "application/json")
    return _gateway().build_event(
        method=method,
        raw_path=path,
        raw_query=urlencode(query or {}),
        headers=lowered,
        body=raw_body,
        matched=_match(method, path),
        request_id=request_id,
        source_ip="127.0.0.1",
        authorizer=None if claims is None else {"jwt": {"claims": claims, "scopes": None}},
    )


def sqs_batch(
    events: Iterable[Event | str],
    *,
    message_ids: Sequence[str] | None = None,
    queue: str = "shop-test-events",
) -> dict[str, Any]:
    """An SQS event of one record per event (a `str` is sent as the raw body), message
    ids `m-0`, `m-1`, ... unless given."""
    bodies = [event if isinstance(event, str) else event.model_dump_json() for event in events]
    ids = list(message_ids) if message_ids is not None else [f"m-{index}" for index in range(len(bodies))]
    queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{queue}"
    messages = [
        {
            "MessageId": message_id,
            "ReceiptHandle": f"rh-{message_id}",
            "Body": body,
            "Attributes": {"ApproximateReceiveCount": "1"},
            "MD5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
        }
        for message_id, body in zip(ids, bodies, strict=True)
    ]
    return {"Records": [sqs_record(message, queue_arn) for message in messages]}
