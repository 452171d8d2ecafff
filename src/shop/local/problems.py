"""RFC 9457 problem responses the gateway itself answers (before or instead of a handler)."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_body(status: int, detail: str, **extra: Any) -> bytes:
    """`type` is `about:blank`, so `title` is the status phrase, as RFC 9457 asks."""
    document: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    return json.dumps(document).encode("utf-8")
