"""A use case that loses its conditional write to a concurrent change is run again, three
times in all, then the conflict goes to the caller; any other error goes at once."""

from __future__ import annotations

import pytest

from shop.kernel.retry import retry_on_conflict


class Lost(Exception):
    pass


def flaky(losses: int, calls: list[int]) -> int:
    calls.append(1)
    if len(calls) <= losses:
        raise Lost
    return len(calls)


def test_a_lost_race_is_run_again_until_it_wins() -> None:
    calls: list[int] = []
    assert retry_on_conflict(lambda: flaky(2, calls), conflict=Lost) == 3


def test_after_three_lost_races_the_conflict_goes_to_the_caller() -> None:
    calls: list[int] = []
    with pytest.raises(Lost):
        retry_on_conflict(lambda: flaky(3, calls), conflict=Lost)
    assert len(calls) == 3


def test_another_error_is_not_retried() -> None:
    calls: list[int] = []

    def broken() -> None:
        calls.append(1)
        raise ValueError("not a race")

    with pytest.raises(ValueError, match="not a race"):
        retry_on_conflict(broken, conflict=Lost)
    assert len(calls) == 1
