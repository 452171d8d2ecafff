"""The cold-start budget of `make bench`, held in CI: every function's init + first
invocation within 1.3x the boto3 floor (scripts/bench.py), with a margin for this shared
machine's noise and fewer runs than the bench's seven."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import bench

pytestmark = pytest.mark.slow

RUNS = 3
NOISE_MARGIN = 1.15


def test_every_function_starts_within_budget_of_the_boto3_floor() -> None:
    rows, _ = bench.measure_all(RUNS, zips=False)
    limit = bench.BUDGET_RATIO * NOISE_MARGIN
    over = {
        f"{row.scenario.function} {row.scenario.label}": round(row.ratio, 2)
        for row in rows
        if row.ratio > limit
    }
    assert not over, f"over {limit:.2f}x the floor: {over}"


def test_the_floor_repeats_the_calls_the_handler_made() -> None:
    rows, _ = bench.measure_all(1, only=["catalog"], zips=False)
    answered = {row.scenario.label: row.outcome for row in rows}
    assert answered["GET /products/{id}"] == 200
    assert answered["OrderPlaced"] == []  # no batch item failure
    assert all(
        run["outcome"] == 0 for row in rows for run in row.floor if row.scenario.label.startswith("GET")
    )
