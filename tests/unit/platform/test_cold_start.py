"""The collector pauses for a cold start only inside a Lambda runtime, and the first
invocation's end resumes it, with init's objects frozen, whatever the invocation did."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from shop.platform import cold_start


@pytest.fixture(autouse=True)
def restore_collector() -> Iterator[None]:
    yield
    cold_start.resume_collection()
    gc.unfreeze()
    gc.enable()


def test_outside_a_lambda_runtime_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_RUNTIME_API", raising=False)
    cold_start.pause_collection()
    assert gc.isenabled()


def test_the_first_invocation_ends_the_pause_and_freezes_what_init_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
    cold_start.pause_collection()
    assert not gc.isenabled()
    seen: list[bool] = []

    @cold_start.ends_cold_start
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(gc.isenabled())
        return event

    assert handler({"n": 1}, None) == {"n": 1}
    assert seen == [False]  # the first invocation still ran paused
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_a_failed_first_invocation_resumes_collection_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
    cold_start.pause_collection()

    @cold_start.ends_cold_start
    def handler(event: dict[str, Any], context: Any) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        handler({}, None)
    assert gc.isenabled()


def test_a_collector_someone_else_disabled_stays_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
    gc.disable()
    cold_start.pause_collection()
    cold_start.resume_collection()
    assert not gc.isenabled()
