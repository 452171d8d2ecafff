"""`python -m shop.local.worker <package.module.function>`: one execution environment.

It imports the handler once (the init phase), says so, then runs one event at a time as
the runtime sends them, and exits when the runtime closes its pipe. Messages are
length-prefixed JSON on stdin and on the original stdout; the handler's own output (its
logs, a traceback) goes to stderr, as a Lambda function's goes to its log group.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import resource
import signal
import sys
import time
import traceback
from typing import Any

from shop.local.child_process import receive_message, send_message
from shop.local.lambda_context import LambdaContext


def main(dotted_path: str) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the stack stops us
    replies = os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    requests = sys.stdin.fileno()
    began = time.perf_counter()
    try:
        if os.environ.get("SHOP_CHAOS"):  # the chaos suite's fault plan: see shop/local/chaos.py
            from shop.local.chaos import install

            function = install(dotted_path, lambda: _import(dotted_path))
        else:
            function = _import(dotted_path)
    except Exception as exc:  # a service not written yet, or one that fails at import
        send_message(replies, {"unavailable": f"{dotted_path} cannot be loaded: {exc!r}"})
        return 1
    with contextlib.suppress(BrokenPipeError):  # the runtime stopped us: nothing left to answer
        _serve(function, requests, replies, began)
    return 0


def _serve(function: Any, requests: int, replies: int, began: float) -> None:
    send_message(replies, {"init_ms": (time.perf_counter() - began) * 1000})
    while (request := receive_message(requests)) is not None:
        reply = _run(function, request)
        try:
            send_message(replies, reply)
        except (TypeError, ValueError) as exc:  # Lambda serialises the result: one it cannot is an error
            error = {"errorType": "Runtime.MarshalError", "errorMessage": f"the result is not JSON: {exc}"}
            send_message(replies, {"error": error, "max_memory_mb": reply["max_memory_mb"]})


def _import(dotted_path: str) -> Any:
    module_name, _, attribute = dotted_path.rpartition(".")
    function = getattr(importlib.import_module(module_name), attribute, None)
    if not module_name or not callable(function):
        raise ImportError(f"no handler {attribute!r} in {module_name!r}")
    return function


def _run(function: Any, request: dict[str, Any]) -> dict[str, Any]:
    context = LambdaContext(**request["context"])
    reply: dict[str, Any]
    try:
        reply = {"result": function(request["event"], context)}
    except Exception as exc:
        # As Lambda logs an unhandled error, and answers the invoker with its type and message.
        print(f"[ERROR] {type(exc).__name__}: {exc}", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        reply = {"error": {"errorType": type(exc).__name__, "errorMessage": str(exc)}}
    reply["max_memory_mb"] = _max_memory_mb()
    return reply


def _max_memory_mb() -> int:
    """This process's peak resident memory (VmHWM: getrusage would report the stack's own peak,
    inherited across the fork that started this process)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (
        1024 * 1024 if sys.platform == "darwin" else 1024
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
