"""The garbage collector during a cold start.

Init builds some 70,000-80,000 objects (pydantic models, botocore's service data, the routes)
that live as long as the execution environment. While init and the first invocation run,
the cyclic collector would scan them over and over and free next to nothing: 15-60 ms of a
250 ms cold start (`make bench`). So inside a Lambda runtime, collection pauses when
`shop` is first imported and resumes when the first invocation ends, with what init built
frozen out of later scans (as gc.freeze's documentation advises for long-lived state).
Frozen too, never freed: the cyclic garbage of the cold start, some 530 objects (measured on
four functions), where collecting it first would cost 40-50 ms. Elsewhere (tests, tools)
nothing changes.
"""

from __future__ import annotations

import gc
import os

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (mypy reads it so), without importing typing
if TYPE_CHECKING:  # nothing but gc and os before the pause: typing alone is 6 ms of imports
    from collections.abc import Callable
    from typing import Any, TypeVar

    Handler = TypeVar("Handler", bound=Callable[[dict[str, Any], Any], Any])


class _Pause:
    active = False


def pause_collection() -> None:
    """At the start of init, in a Lambda runtime (which sets AWS_LAMBDA_RUNTIME_API)."""
    if os.environ.get("AWS_LAMBDA_RUNTIME_API") and gc.isenabled():
        gc.disable()
        _Pause.active = True


def resume_collection() -> None:
    """Once the cold start is over: freeze what it built, collect again. Idempotent."""
    if _Pause.active:
        _Pause.active = False
        gc.freeze()
        gc.enable()


def ends_cold_start(handler: Handler) -> Handler:
    """The Lambda entry point: the end of its first invocation ends the cold start."""
    from functools import wraps

    @wraps(handler)
    def invoke(event: dict[str, Any], context: Any) -> Any:
        try:
            return handler(event, context)
        finally:
            resume_collection()

    return invoke  # type: ignore[return-value]
