"""The events Lambda hands the handlers, built for tests (the builders live in src, where the
cold-start bench uses them too), and a handler response's body."""

from __future__ import annotations

import json
from typing import Any

from shop.local.test_support.lambda_events import api_request, sqs_batch

__all__ = ["api_request", "json_body", "sqs_batch"]


def json_body(response: dict[str, Any]) -> Any:
    """A handler response's body, decoded; None when it has none."""
    return json.loads(response["body"]) if response.get("body") else None
