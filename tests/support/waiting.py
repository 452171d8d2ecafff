"""Waiting for what background threads (the local stack's pollers and relay) do."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def within(seconds: float, condition: Callable[[], bool]) -> None:
    """Polls `condition` until it holds; fails the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def eventually(check: Callable[[], T | None], seconds: float = 20.0) -> T:
    """Polls `check` until it answers something other than None, and returns that."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value is not None:
            return value
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.1)
