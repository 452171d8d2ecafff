"""Calls to another service's public HTTP API (cart → catalog, orders → cart): the only
way a service reads what another owns."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from shop.kernel.errors import Unavailable
from shop.platform.context import correlation_id
from shop.platform.settings import setting

# A call ends within the HTTP functions' 10 s timeout (terraform/modules/shop), so a service
# that is down is a problem+json 503 of ours, not the gateway's bare one: refused or slow
# connections are retried (cheap), an answer that does not come is waited for once.
CONNECT_SECONDS, READ_SECONDS, CONNECT_RETRIES = 1.0, 5.0, 2


@cache
def _pool() -> Any:
    import urllib3  # shipped with botocore: no extra dependency

    return urllib3.PoolManager(
        maxsize=10,
        timeout=urllib3.Timeout(connect=CONNECT_SECONDS, read=READ_SECONDS),
        retries=urllib3.Retry(total=CONNECT_RETRIES, read=0, backoff_factor=0.05, status_forcelist=()),
    )


def reset_pool() -> None:
    """Drop pooled connections (after a SnapStart restore they are dead)."""
    _pool.cache_clear()


class ApiResponse:
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}  # names in lower case


def get_json(
    path: str, *, params: dict[str, str] | None = None, authorization: str | None = None
) -> ApiResponse:
    """GET `path` of the shop API; 5xx or a network failure raises Unavailable."""
    headers = {"Accept": "application/json", "X-Request-Id": correlation_id()}
    if authorization:
        headers["Authorization"] = authorization
    base = setting("SHOP_API_URL").rstrip("/")
    try:
        response = _pool().request("GET", base + path, fields=params, headers=headers)
    except Exception as error:  # urllib3's errors: connection refused, timeout, ...
        raise Unavailable(f"the shop API did not answer: {type(error).__name__}") from error
    if response.status >= 500:
        raise Unavailable(f"the shop API answered {response.status} for {path}")
    body = json.loads(response.data) if response.data else None
    return ApiResponse(
        response.status, body, {name.lower(): value for name, value in response.headers.items()}
    )
