"""What Lambda gives a handler locally: the function imported by dotted path, and a context."""

from __future__ import annotations

import importlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shop.local.resources import REGION

Handler = Callable[[dict[str, Any], Any], Any]

ACCOUNT_ID = "123456789012"


class HandlerUnavailable(Exception):
    """The handler's module cannot be imported (yet): the service is not there."""


class FunctionBusy(Exception):
    """The function's one execution environment stayed busy for too long (a throttle on AWS)."""


_cache: dict[str, Handler] = {}
_cache_lock = threading.Lock()


def load_handler(dotted_path: str) -> Handler:
    """`package.module.function` → the function, imported once per process."""
    with _cache_lock:
        cached = _cache.get(dotted_path)
        if cached is not None:
            return cached
        module_name, _, attribute = dotted_path.rpartition(".")
        if not module_name:
            raise HandlerUnavailable(f"not a dotted path: {dotted_path!r}")
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # a service not written yet, or one that fails at import
            raise HandlerUnavailable(f"{module_name} cannot be imported: {exc!r}") from exc
        function: Handler | None = getattr(module, attribute, None)
        if not callable(function):
            raise HandlerUnavailable(f"{module_name} has no handler {attribute!r}")
        _cache[dotted_path] = function
        return function


def register_handler(dotted_path: str, function: Handler) -> None:
    """Use `function` wherever `dotted_path` is named (tests; nothing else)."""
    with _cache_lock:
        _cache[dotted_path] = function


_environments: dict[Handler, threading.Lock] = {}


def invoke(function: Handler, event: dict[str, Any], context: Any, wait_seconds: float = 60.0) -> Any:
    """Call `function` the way one Lambda execution environment would: one event at a time.

    Handlers keep per-invocation state at module level (a Powertools resolver's
    `current_event`, a batch processor's records), which Lambda never shares between
    concurrent events; locally all invocations share one module, so they take turns.
    """
    with _cache_lock:
        environment = _environments.setdefault(function, threading.Lock())
    if not environment.acquire(timeout=wait_seconds):
        raise FunctionBusy(f"{getattr(function, '__module__', '?')} stayed busy for {wait_seconds:.0f}s")
    try:
        return function(event, context)
    finally:
        environment.release()


def function_name_for(dotted_path: str) -> str:
    """`shop.catalog.handlers.http.handler` → `shop-catalog-http`, as Terraform names it."""
    parts = dotted_path.split(".")
    if len(parts) >= 4 and parts[0] == "shop" and parts[2] == "handlers":
        return f"shop-{parts[1]}-{parts[3]}"
    return "shop-" + "-".join(parts[1:-1] or parts)


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that Powertools and the handlers read."""

    function_name: str
    memory_limit_in_mb: int = 512
    timeout_seconds: float = 30.0
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    def __post_init__(self) -> None:
        if not self.log_group_name:
            self.log_group_name = f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self._started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


def context_for(dotted_path: str, timeout_seconds: float = 30.0) -> LambdaContext:
    return LambdaContext(function_name=function_name_for(dotted_path), timeout_seconds=timeout_seconds)
