"""One execution environment: a process forked from the fork server (see fork_server.py).

It imports the handler (the init phase), says how long that took, then runs one event at
a time as the runtime sends them (length-prefixed JSON over a pair of pipes), and exits
when the runtime closes its pipe. The handler's own output (its logs, a traceback) goes to
stderr, as a Lambda function's goes to its log group. The fork server imports this module
before any environment starts: keep it light.
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

from shop.local.runtime.child_process import receive_message, send_message
from shop.local.runtime.lambda_context import LambdaContext, function_name_for


def main(dotted_path: str, environment: dict[str, str], requests: int, replies: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the stack stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a handler's prints are its logs
    os.environ.clear()
    os.environ.update(environment)  # the stack's variables as they are now
    # botocore puts it in every request's user-agent: the emulator's meter knows the caller
    os.environ["AWS_SDK_UA_APP_ID"] = function_name_for(dotted_path)
    began = time.perf_counter()
    try:
        if os.environ.get("SHOP_CHAOS"):  # the chaos suite's fault plan: see shop/local/test_support/chaos.py
            from shop.local.test_support.chaos import install

            function = install(dotted_path, lambda: _import(dotted_path))
        else:
            function = _import(dotted_path)
    except Exception as exc:  # a service not written yet, or one that fails at import
        with contextlib.suppress(BrokenPipeError):
            send_message(replies, {"unavailable": f"{dotted_path} cannot be loaded: {exc!r}"})
        return
    with contextlib.suppress(BrokenPipeError):  # the runtime stopped us: nothing left to answer
        send_message(replies, {"init_ms": (time.perf_counter() - began) * 1000})
        while (request := receive_message(requests)) is not None:
            reply = _run(function, request)
            try:
                send_message(replies, reply)
            except (TypeError, ValueError) as exc:  # Lambda serialises the result: one it cannot is an error
                error = {
                    "errorType": "Runtime.MarshalError",
                    "errorMessage": f"the result is not JSON: {exc}",
                }
                send_message(replies, {"error": error, "max_memory_mb": reply["max_memory_mb"]})


def _import(dotted_path: str) -> Any:
    module_name, _, attribute = dotted_path.rpartition(".")
    function = getattr(importlib.import_module(module_name), attribute, None)
    if not module_name or not callable(function):
        raise ImportError(f"no handler {attribute!r} in {module_name!r}")
    return function


def _run(function: Any, request: dict[str, Any]) -> dict[str, Any]:
    context = LambdaContext(**request["context"])
    began = time.process_time()
    reply: dict[str, Any]
    try:
        reply = {"result": function(request["event"], context)}
    except Exception as exc:
        # As Lambda logs an unhandled error, and answers the invoker with its type and message.
        print(f"[ERROR] {type(exc).__name__}: {exc}", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        reply = {"error": {"errorType": type(exc).__name__, "errorMessage": str(exc)}}
    reply["max_memory_mb"] = _max_memory_mb()
    reply["cpu_ms"] = (time.process_time() - began) * 1000  # what Lambda's CPU share would scale
    return reply


def _max_memory_mb() -> int:
    """This process's peak resident memory (VmHWM: getrusage would report the fork server's
    peak, inherited by the fork that started this process)."""
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
