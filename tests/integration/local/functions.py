"""Handlers the runtime tests run in real execution environments (worker processes import
them by dotted path: `tests.integration.local.functions.<name>`)."""

from __future__ import annotations

import os
import time
from typing import Any

_invocations = 0  # module state: one environment's own, never another's


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _invocations  # noqa: PLW0603 - the state a Lambda environment keeps between events
    _invocations += 1
    time.sleep(float(event.get("sleep", 0)))
    return {
        "pid": os.getpid(),
        "invocations": _invocations,
        "function_name": context.function_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "table": os.environ.get("ECHO_TABLE_NAME"),
    }


def http_echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": str(os.getpid())}


def boom(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise RuntimeError("secret internal detail")


def crash(event: dict[str, Any], context: Any) -> dict[str, Any]:
    os._exit(3)


def unserialisable(event: dict[str, Any], context: Any) -> Any:
    return {"when": object()}


def fails_at_import(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {}
