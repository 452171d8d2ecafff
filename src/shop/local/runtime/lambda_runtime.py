"""Execution environments like Lambda's: each function runs in worker processes of its own
(see worker.py), forked on first use (a cold start) and reused while warm; concurrent
invocations of one function get more environments, up to a per-function limit. Past the
limit an invocation waits for an environment to free up, and gives up (a throttle) after
`wait_seconds`. A crashed or timed-out environment is replaced by the next invocation.

Handler modules keep per-invocation state at module level (a Powertools resolver's
`current_event`, a batch processor's records); one environment runs one event at a time
and no two functions share a process, so that state is never shared, as on Lambda.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from shop.local.runtime.child_process import child_environment, receive_message, send_message
from shop.local.runtime.lambda_context import ACCOUNT_ID, LambdaContext, function_name_for

__all__ = ["ACCOUNT_ID", "LambdaContext", "Runtime", "function_name_for", "register_handler"]

Handler = Callable[[dict[str, Any], Any], Any]

log = logging.getLogger("shop.local.runtime")

DEFAULT_MAX_ENVIRONMENTS = 4
DEFAULT_TIMEOUT_SECONDS = 30.0
IDLE_SECONDS = 10 * 60  # Lambda reclaims an environment left idle for some minutes
INIT_TIMEOUT_SECONDS = 60.0


class HandlerUnavailable(Exception):
    """The handler's module cannot be imported (yet): the service is not there."""


class Throttled(Exception):
    """Every environment of the function stayed busy for as long as the caller would wait."""


class FunctionError(Exception):
    """The invocation failed: the handler raised, its environment crashed or timed out."""

    def __init__(self, error_type: str, message: str, *, environment_survives: bool = False) -> None:
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type
        self.environment_survives = environment_survives  # a raised exception; not a crash or timeout


# In-process handlers by dotted path (tests): they run in this process, one event at a time.
_cache: dict[str, Handler] = {}
_in_process_locks: dict[Handler, threading.Lock] = {}
_cache_lock = threading.Lock()


def register_handler(dotted_path: str, function: Handler) -> None:
    """Run `function` in this process wherever `dotted_path` is named (tests; nothing else)."""
    with _cache_lock:
        _cache[dotted_path] = function


class Runtime:
    """The execution environments of every function of one stack."""

    def __init__(
        self,
        max_environments: int = DEFAULT_MAX_ENVIRONMENTS,
        environment: Callable[[], dict[str, str]] = dict,
    ) -> None:
        self.max_environments = max(1, max_environments)
        self._environment = environment  # the variables a new environment starts with
        self._fork_server = _ForkServer()
        self._functions: dict[str, _Function] = {}
        self._lock = threading.Lock()
        self._stopped = False

    def invoke(
        self,
        handler: str | Handler,
        event: dict[str, Any],
        *,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        wait_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> Any:
        """The handler's result; HandlerUnavailable, Throttled or FunctionError otherwise."""
        if callable(handler):
            return _invoke_in_process(handler, event, _context(getattr(handler, "__name__", "local")))
        with _cache_lock:
            registered = _cache.get(handler)
        if registered is not None:
            return _invoke_in_process(registered, event, _context(handler, timeout_seconds))
        return self._function(handler).invoke(
            event, timeout_seconds=timeout_seconds, wait_seconds=wait_seconds
        )

    def environments(self) -> dict[str, int]:
        """How many environments each function has now (warm or busy)."""
        with self._lock:
            return {name: function.count for name, function in self._functions.items()}

    def pids(self) -> list[int]:
        """The environments' process ids."""
        with self._lock:
            functions = list(self._functions.values())
        return [pid for function in functions for pid in function.pids()]

    def stop(self, timeout: float = 2.0) -> None:
        """Stop every environment, busy or not, within about `timeout` seconds."""
        with self._lock:
            self._stopped = True
            functions = list(self._functions.values())
        environments = [environment for function in functions for environment in function.stop()]
        deadline = time.monotonic() + timeout
        for environment in environments:
            environment.stop(max(0.0, deadline - time.monotonic()))
        self._fork_server.stop(max(0.1, deadline - time.monotonic()))

    def _function(self, dotted_path: str) -> _Function:
        with self._lock:
            if self._stopped:
                raise HandlerUnavailable("the stack is stopping")
            function = self._functions.get(dotted_path)
            if function is None:
                function = _Function(dotted_path, self.max_environments, self._fork_server, self._environment)
                self._functions[dotted_path] = function
            return function


def _context(dotted_path: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> LambdaContext:
    return LambdaContext(function_name=function_name_for(dotted_path), timeout_seconds=timeout_seconds)


def _invoke_in_process(function: Handler, event: dict[str, Any], context: LambdaContext) -> Any:
    with _cache_lock:
        lock = _in_process_locks.setdefault(function, threading.Lock())
    with lock:
        try:
            return function(event, context)
        except Exception as exc:
            log.exception("%s: unhandled exception", context.function_name)
            raise FunctionError(type(exc).__name__, str(exc)) from exc


class _Function:
    """One function's environments: idle ones (most recently used last) and a count of all."""

    def __init__(
        self,
        dotted_path: str,
        limit: int,
        fork_server: _ForkServer,
        environment: Callable[[], dict[str, str]],
    ) -> None:
        self._fork_server = fork_server
        self.dotted_path = dotted_path
        self.name = function_name_for(dotted_path)
        self.limit = limit
        self._environment = environment
        self._idle: list[_Environment] = []
        self._all: set[_Environment] = set()
        self._starting = 0
        self._free = threading.Condition()
        self._stopped = False

    @property
    def count(self) -> int:
        with self._free:
            return len(self._all) + self._starting

    def pids(self) -> list[int]:
        with self._free:
            return [environment.pid for environment in self._all]

    def invoke(self, event: dict[str, Any], *, timeout_seconds: float, wait_seconds: float) -> Any:
        environment = self._acquire(wait_seconds)
        context = _context(self.dotted_path, timeout_seconds)
        healthy = False
        try:
            result = environment.invoke(event, context)
            healthy = True
            return result
        except FunctionError as error:
            healthy = error.environment_survives
            raise
        finally:
            self._release(environment, healthy)

    def _acquire(self, wait_seconds: float) -> _Environment:
        deadline = time.monotonic() + wait_seconds
        with self._free:
            while True:
                if self._stopped:
                    raise HandlerUnavailable("the stack is stopping")
                self._reclaim_idle()
                if self._idle:
                    return self._idle.pop()
                if len(self._all) + self._starting < self.limit:
                    self._starting += 1
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Throttled(
                        f"{self.name}: all {self.limit} environments stayed busy for {wait_seconds:.0f}s"
                    )
                self._free.wait(left)
        try:
            environment = _Environment.start(self.dotted_path, self._fork_server, self._environment())
        except BaseException:
            with self._free:
                self._starting -= 1
                self._free.notify()
            raise
        with self._free:
            self._starting -= 1
            self._all.add(environment)
            if self._stopped:
                environment.stop()
                raise HandlerUnavailable("the stack is stopping")
        return environment

    def _release(self, environment: _Environment, healthy: bool) -> None:
        with self._free:
            if healthy and not self._stopped:
                environment.last_used = time.monotonic()
                self._idle.append(environment)
            else:
                self._all.discard(environment)
                environment.stop()
            self._free.notify()

    def _reclaim_idle(self) -> None:
        """Stop environments idle for long (the oldest are first in the list)."""
        cutoff = time.monotonic() - IDLE_SECONDS
        while self._idle and self._idle[0].last_used < cutoff:
            old = self._idle.pop(0)
            self._all.discard(old)
            old.stop()

    def stop(self) -> list[_Environment]:
        """Refuse new invocations and terminate every environment; the ones to wait for."""
        with self._free:
            self._stopped = True
            environments = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._free.notify_all()
        for environment in environments:
            environment.terminate()  # a busy one's invoker then sees its pipe close
        return environments


class _ForkServer:
    """The process environments are forked from (see fork_server.py), started with the first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: socket.socket | None = None

    def fork(self, dotted_path: str, environment: dict[str, str]) -> tuple[int, int, int]:
        """A new environment's process id, and the pipe ends to write to it and read from it."""
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            with self._lock:
                channel = self._started()
                request = json.dumps({"dotted_path": dotted_path, "environment": environment}).encode()
                socket.send_fds(channel, [request], [to_child_r, from_child_w])
                answer = channel.recv(4096)
        except OSError as exc:
            for fd in (to_child_w, from_child_r):
                os.close(fd)
            self.stop()  # the next environment starts a new fork server
            raise HandlerUnavailable(f"{dotted_path}: the fork server failed: {exc!r}") from exc
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        if not answer:
            os.close(to_child_w)
            os.close(from_child_r)
            self.stop()
            raise HandlerUnavailable(f"{dotted_path}: the fork server exited")
        return int(json.loads(answer)["pid"]), to_child_w, from_child_r

    def _started(self) -> socket.socket:
        if self._channel is not None:
            return self._channel
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._process = subprocess.Popen(  # noqa: S603 - our interpreter and our module
            [sys.executable, "-m", "shop.local.runtime.fork_server", str(theirs.fileno())],
            stdin=subprocess.DEVNULL,
            pass_fds=[theirs.fileno()],
            env=child_environment(),
        )
        theirs.close()
        ours.settimeout(INIT_TIMEOUT_SECONDS)
        if not ours.recv(4096):
            raise OSError("the fork server did not start")
        ours.settimeout(None)
        self._channel = ours
        return ours

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def stop(self, timeout: float = 1.0) -> None:
        channel, process = self._channel, self._process
        self._channel = self._process = None
        if channel is not None:
            channel.close()  # it exits at end of input
        if process is not None:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class _Environment:
    """One worker process, forked from the fork server (see worker.py)."""

    def __init__(self, dotted_path: str, pid: int, to_child: int, from_child: int, init_ms: float) -> None:
        self.dotted_path = dotted_path
        self.pid = pid
        self.to_child = to_child
        self.from_child = from_child
        self.init_ms: float | None = init_ms  # reported with the first invocation only
        self.last_used = time.monotonic()

    @classmethod
    def start(cls, dotted_path: str, server: _ForkServer, environment: dict[str, str]) -> _Environment:
        pid, to_child, from_child = server.fork(dotted_path, {**os.environ, **environment})
        try:
            hello = receive_message(from_child, time.monotonic() + INIT_TIMEOUT_SECONDS)
        except TimeoutError:
            hello = None
        if hello is None or "unavailable" in hello:
            cls(dotted_path, pid, to_child, from_child, 0.0).stop()
            reason = hello["unavailable"] if hello else f"{dotted_path}: the environment did not start"
            raise HandlerUnavailable(reason)
        return cls(dotted_path, pid, to_child, from_child, float(hello["init_ms"]))

    def invoke(self, event: dict[str, Any], context: LambdaContext) -> Any:
        """The handler's result; FunctionError if it raised, crashed or timed out."""
        request_id = context.aws_request_id
        began = time.perf_counter()
        reply: dict[str, Any] | None
        try:
            send_message(self.to_child, {"event": event, "context": _wire(context)})
            reply = receive_message(self.from_child, time.monotonic() + context.timeout_seconds)
        except TimeoutError:
            self._report(request_id, began, None, "timed out")
            raise FunctionError(
                "Sandbox.Timedout", f"the function timed out after {context.timeout_seconds:.0f}s"
            ) from None
        except OSError:  # the pipe broke or was closed: the process is gone
            reply = None
        if reply is None:
            self._report(request_id, began, None, "crashed")
            raise FunctionError("Runtime.ExitError", "the environment exited")
        self._report(request_id, began, reply.get("max_memory_mb"), cpu_ms=reply.get("cpu_ms"))
        if "error" in reply:
            error = reply["error"]
            raise FunctionError(
                str(error.get("errorType")), str(error.get("errorMessage")), environment_survives=True
            )
        return reply.get("result")

    def terminate(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)

    def _report(
        self,
        request_id: str,
        began: float,
        max_memory_mb: int | None,
        failure: str = "",
        cpu_ms: float | None = None,
    ) -> None:
        duration_ms = (time.perf_counter() - began) * 1000
        init = f"\tInit Duration: {self.init_ms:.2f} ms" if self.init_ms is not None else ""
        memory = f"\tMax Memory Used: {max_memory_mb} MB" if max_memory_mb is not None else ""
        status = f"\tStatus: {failure}" if failure else ""
        log.info(
            "REPORT RequestId: %s\tFunction: %s\tDuration: %.2f ms%s%s%s",
            request_id,
            function_name_for(self.dotted_path),
            duration_ms,
            init,
            memory,
            status,
            extra={
                "request_id": request_id,
                "function": function_name_for(self.dotted_path),
                "duration_ms": round(duration_ms, 2),
                "init_duration_ms": round(self.init_ms, 2) if self.init_ms is not None else None,
                "max_memory_mb": max_memory_mb,
                "cpu_ms": round(cpu_ms, 2) if cpu_ms is not None else None,
            },
        )
        self.init_ms = None

    def stop(self, timeout: float = 1.0) -> None:
        """Terminate it (its invoker, if any, sees its pipe close); kill it past `timeout`."""
        self.terminate()
        deadline = time.monotonic() + timeout
        while _exists(self.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        for fd in (self.to_child, self.from_child):
            with contextlib.suppress(OSError):
                os.close(fd)


def _wire(context: LambdaContext) -> dict[str, Any]:
    fields = asdict(context)
    fields.pop("_started")
    return fields


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
