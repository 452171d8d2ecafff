"""Cold start held in CI, measured as `make bench` measures it (init + first invocation as a
ratio to the boto3 floor, scripts/bench.py), with fewer runs than the bench's seven.

The goal is 1.3x for every function and `make bench` fails above it; today the queue
consumers, the relay, meta, analytics' HTTP function and users' consumer meet it, and the
other HTTP functions are at 1.30-1.41x (README, "Measured"). This test holds the line where
it is: no function may get slower than CEILING, and the functions that meet the goal
(AT_GOAL) keep it, each within a noise margin (three runs here, against seven).
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import bench

pytestmark = pytest.mark.slow

RUNS = 3
NOISE_MARGIN = 1.15
CEILING = 1.45  # the slowest event measured 1.41x (payments' Stripe webhook; bench.py --runs 7)
AT_GOAL = {
    "meta:http",
    "analytics:http",
    "catalog:events",
    "cart:events",
    "orders:events",
    "payments:events",
    "users:events",
    "analytics:events",
    "outbox-relay",
}


def test_no_function_starts_slower_than_today_and_those_at_the_goal_keep_it() -> None:
    rows, _ = bench.measure_all(RUNS, zips=False)
    over = {
        f"{row.scenario.function} {row.scenario.label}": round(row.ratio, 2)
        for row in rows
        if row.ratio > CEILING * NOISE_MARGIN
        or (row.scenario.function in AT_GOAL and row.ratio > bench.BUDGET_RATIO * NOISE_MARGIN)
    }
    allowed = f"ceiling {CEILING}x, goal {bench.BUDGET_RATIO}x for {sorted(AT_GOAL)}"
    assert not over, f"slower than allowed ({allowed}): {over}"


def test_the_floors_repeat_the_calls_the_handler_made() -> None:
    rows, _ = bench.measure_all(1, only=["catalog", "payments"], zips=False)
    answered = {row.scenario.label: row.outcome for row in rows}
    assert answered["GET /products/{id}"] == 200
    assert answered["OrderPlaced"] == []  # no batch item failure
    assert answered["POST /payments/webhooks/stripe"] == 204  # verified and recorded, not the sandbox's 404
    reads = [row for row in rows if row.scenario.label.startswith("GET")]
    assert all(run["outcome"] == 0 for row in reads for run in row.floor + row.lean)
    # the lean floor makes the same calls without boto3 and with the collector paused: cheaper
    assert "boto3" not in bench.LEAN_FLOOR_PROBE
    assert all(row.median("lean", "cpu") < row.median("floor", "cpu") for row in reads)
