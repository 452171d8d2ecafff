"""Cold start held in CI, measured as `make bench` measures it (init + first invocation as a
ratio to the boto3 floor, scripts/bench.py), with fewer runs than the bench's seven.

The goal is 1.3x for every function and `make bench` fails above it; today only meta meets it
(README, "Measured"). Until the HTTP layer stops paying for Powertools' event handler at import,
this test holds the line where it is: no function may get slower than CEILING, and meta, which
meets the goal, keeps it.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import bench

pytestmark = pytest.mark.slow

RUNS = 3
NOISE_MARGIN = 1.15
CEILING = 2.5  # the slowest function measured 2.15x (analytics' dashboard page)
AT_GOAL = {"meta:http"}


def test_no_function_starts_slower_than_today_and_meta_keeps_the_goal() -> None:
    rows, _ = bench.measure_all(RUNS, zips=False)
    over = {
        f"{row.scenario.function} {row.scenario.label}": round(row.ratio, 2)
        for row in rows
        if row.ratio > CEILING * NOISE_MARGIN
        or (row.scenario.function in AT_GOAL and row.ratio > bench.BUDGET_RATIO * NOISE_MARGIN)
    }
    assert not over, f"slower than allowed (ceiling {CEILING}x, goal {bench.BUDGET_RATIO}x for meta): {over}"


def test_the_floor_repeats_the_calls_the_handler_made() -> None:
    rows, _ = bench.measure_all(1, only=["catalog"], zips=False)
    answered = {row.scenario.label: row.outcome for row in rows}
    assert answered["GET /products/{id}"] == 200
    assert answered["OrderPlaced"] == []  # no batch item failure
    assert all(
        run["outcome"] == 0 for row in rows for run in row.floor if row.scenario.label.startswith("GET")
    )
