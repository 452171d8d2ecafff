"""Execution environments like Lambda's: a worker process per environment, cold on first use
and reused while warm, more of them for concurrent events up to a limit, replaced when one
crashes or times out; one REPORT line per invocation."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psutil
import pytest

from shop.local.edge.gateway import Gateway
from shop.local.runtime.lambda_runtime import FunctionError, HandlerUnavailable, Runtime, Throttled
from shop.resources import Route
from tests.support.waiting import within

pytestmark = pytest.mark.integration

FUNCTIONS = "tests.integration.local.functions"
ECHO = f"{FUNCTIONS}.echo"


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    runtime = Runtime(max_environments=2, environment=lambda: {"ECHO_TABLE_NAME": "shop-echo"})
    yield runtime
    runtime.stop()


def test_a_cold_start_then_the_warm_environment_is_reused(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="shop.local.runtime")
    first = runtime.invoke(ECHO, {})
    second = runtime.invoke(ECHO, {})
    assert second["pid"] == first["pid"] != psutil.Process().pid
    assert [first["invocations"], second["invocations"]] == [1, 2]
    assert first["table"] == "shop-echo"  # the environment the stack sets
    assert first["function_name"] == "shop-integration-local-functions"
    assert 0 < first["remaining_ms"] <= 30_000
    reports = [r.getMessage() for r in caplog.records if r.getMessage().startswith("REPORT")]
    assert len(reports) == 2
    assert "Init Duration" in reports[0]
    assert "Init Duration" not in reports[1]
    assert "Max Memory Used" in reports[1]


def test_concurrent_events_get_more_environments_up_to_the_limit(runtime: Runtime) -> None:
    runtime.invoke(ECHO, {})  # one warm
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: runtime.invoke(ECHO, {"sleep": 0.5}), range(4)))
    assert len({result["pid"] for result in results}) == 2  # the limit: the others waited
    assert runtime.environments() == {ECHO: 2}


def test_past_the_limit_a_caller_that_will_not_wait_is_throttled() -> None:
    runtime = Runtime(max_environments=1)
    try:
        runtime.invoke(ECHO, {})
        busy = threading.Thread(target=runtime.invoke, args=(ECHO, {"sleep": 1.5}))
        busy.start()
        with pytest.raises(Throttled):
            runtime.invoke(ECHO, {}, wait_seconds=0.3)
        busy.join()
        assert runtime.invoke(ECHO, {})["invocations"] == 3
    finally:
        runtime.stop()


def test_a_handler_error_is_reported_and_the_environment_stays(runtime: Runtime) -> None:
    with pytest.raises(FunctionError) as raised:
        runtime.invoke(f"{FUNCTIONS}.boom", {})
    assert raised.value.error_type == "RuntimeError"
    with pytest.raises(FunctionError, match="MarshalError"):
        runtime.invoke(f"{FUNCTIONS}.unserialisable", {})
    assert runtime.environments()[f"{FUNCTIONS}.boom"] == 1


def test_a_crashed_environment_is_replaced(runtime: Runtime) -> None:
    with pytest.raises(FunctionError) as raised:
        runtime.invoke(f"{FUNCTIONS}.crash", {})
    assert raised.value.error_type == "Runtime.ExitError"
    assert runtime.environments()[f"{FUNCTIONS}.crash"] == 0
    warm = runtime.invoke(ECHO, {})
    assert runtime.invoke(ECHO, {})["pid"] == warm["pid"]


def test_a_timed_out_environment_is_stopped_and_replaced(runtime: Runtime) -> None:
    first = runtime.invoke(ECHO, {})
    with pytest.raises(FunctionError) as raised:
        runtime.invoke(ECHO, {"sleep": 5}, timeout_seconds=0.5)
    assert raised.value.error_type == "Sandbox.Timedout"
    assert not psutil.pid_exists(first["pid"]) or psutil.Process(first["pid"]).status() == "zombie"
    assert runtime.invoke(ECHO, {})["pid"] != first["pid"]


def test_a_module_that_cannot_be_imported_is_unavailable(runtime: Runtime) -> None:
    with pytest.raises(HandlerUnavailable, match="cannot be loaded"):
        runtime.invoke("shop.not_written_yet.handlers.http.handler", {})
    assert runtime.environments()["shop.not_written_yet.handlers.http.handler"] == 0


def test_stop_ends_every_environment_busy_or_idle() -> None:
    runtime = Runtime(max_environments=2)
    busy = threading.Thread(target=_swallow, args=(runtime, {"sleep": 30}))
    busy.start()
    within(30, lambda: len(runtime.pids()) == 1)
    runtime.invoke(ECHO, {})  # the first is busy: a second environment, idle after this
    assert len(runtime.pids()) == 2
    processes = [psutil.Process(pid) for pid in runtime.pids()]
    runtime.stop()
    _gone, alive = psutil.wait_procs(processes, timeout=3)
    assert not alive
    busy.join(3)
    assert not busy.is_alive()
    with pytest.raises(HandlerUnavailable):
        runtime.invoke(ECHO, {})


def _swallow(runtime: Runtime, event: dict[str, Any]) -> None:
    with contextlib.suppress(FunctionError):
        runtime.invoke(ECHO, event)


def _route(name: str) -> Route:
    return Route(method="GET", path=f"/{name}", auth="public", service="tests", handler=f"{FUNCTIONS}.{name}")


def test_the_gateway_answers_a_failed_function_as_api_gateway_does() -> None:
    routes = (_route("http_echo"), _route("crash"), _route("boom"))
    runtime = Runtime(max_environments=1)
    gateway = Gateway(routes, runtime=runtime)
    try:
        for name in ("crash", "boom"):
            response = gateway.handle("GET", f"/{name}", [], b"")
            assert response.status == 500
            assert response.header("Content-Type") == "application/problem+json"
            assert b"Internal Server Error" in response.body
            assert b"secret" not in response.body
        assert gateway.handle("GET", "/http_echo", [], b"").status == 200
    finally:
        runtime.stop()
