"""Reading again after a lost race, the one way every service does it.

A use case reads, decides and writes on condition that what it read still holds. When a
concurrent change wins, the write raises the service's conflict error; `retry_on_conflict`
runs the whole use case again (read, decide, write) a few times, then lets the conflict go:
an HTTP request answers 409, a queued event comes back to be tried later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

ATTEMPTS = 3


def retry_on_conflict(use_case: Callable[[], T], *, conflict: type[Exception], attempts: int = ATTEMPTS) -> T:
    for _ in range(attempts - 1):
        try:
            return use_case()
        except conflict:
            continue
    return use_case()
