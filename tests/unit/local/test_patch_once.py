"""A moto patch is applied once per process, however many threads install it at once."""

from __future__ import annotations

import threading
import time

import pytest

from shop.local.emulator.patches.once import applied_once


def test_the_patch_runs_on_the_first_call_only_across_threads() -> None:
    runs: list[int] = []

    @applied_once
    def install() -> None:
        time.sleep(0.05)  # a slow patch: the other threads arrive while it runs
        runs.append(1)

    threads = [threading.Thread(target=install) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    install()
    assert runs == [1]


def test_a_patch_that_fails_is_tried_again() -> None:
    attempts: list[int] = []

    @applied_once
    def install() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise ImportError("moto not importable yet")

    with pytest.raises(ImportError):
        install()
    install()
    install()
    assert attempts == [1, 1]
