"""Cold start held in CI, measured as `make bench` measures it (init + first invocation as a
ratio to the boto3 floor, shop_tools/bench.py), with fewer runs than the bench's seven.

The goal is 1.3x for every function and `make bench` fails above it. It is not met, and is
out of reach with the design card's libraries: on their own, with no shop code, they measure
1.18-1.31x of the floor for the functions that call one AWS service (the bench's libraries
floor; README, "Measured"). This test holds the line where it is: no event may get slower
than CEILING; the functions measured at the goal (AT_GOAL) stay near it; and the shop's own
code, the part it controls, may not grow past SHOP_CEILING of the libraries floor. Each
limit has a noise margin (three runs here, against seven).
"""

import pytest

from shop_tools import bench

pytestmark = pytest.mark.slow

RUNS = 3
NOISE_MARGIN = 1.15
CEILING = 1.45  # the slowest event measured 1.41-1.45x (payments' Stripe webhook; bench.py --runs 7)
# The handler over the libraries floor: 0.96-1.14x, and 1.17x for the webhook (which imports stripe)
SHOP_CEILING = 1.2
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


def test_cold_starts_hold_todays_line() -> None:
    rows, _ = bench.measure_all(RUNS, zips=False)
    over = {
        f"{row.scenario.function} {row.scenario.label}": round(row.ratio, 2)
        for row in rows
        if row.ratio > CEILING * NOISE_MARGIN
        or (row.scenario.function in AT_GOAL and row.ratio > bench.BUDGET_RATIO * NOISE_MARGIN)
    }
    allowed = f"ceiling {CEILING}x, goal {bench.BUDGET_RATIO}x for {sorted(AT_GOAL)}"
    assert not over, f"slower than allowed ({allowed}): {over}"
    heavier = {
        f"{row.scenario.function} {row.scenario.label}": round(row.shop_ratio, 2)
        for row in rows
        if row.shop_ratio > SHOP_CEILING * NOISE_MARGIN
    }
    assert not heavier, f"the shop's own code costs more than {SHOP_CEILING}x its libraries: {heavier}"


def test_the_floors_repeat_the_calls_the_handler_made() -> None:
    rows, _ = bench.measure_all(1, only=["catalog", "payments"], zips=False)
    answered = {row.scenario.label: row.outcome for row in rows}
    assert answered["GET /products/{id}"] == 200
    assert answered["OrderPlaced"] == []  # no batch item failure
    assert answered["POST /payments/webhooks/stripe"] == 204  # verified and recorded, not the sandbox's 404
    reads = [row for row in rows if row.scenario.label.startswith("GET")]
    assert all(run["outcome"] == 0 for row in reads for run in row.floor + row.lean)
    # the lean floor makes the same calls without boto3 and with the collector paused: cheaper
    assert "boto3" not in bench.LEAN_FLOOR.source([])
    assert all(row.median("lean", "cpu") < row.median("floor", "cpu") for row in reads)
    # the libraries floor is the lean floor and the libraries, without a line of the shop
    assert "shop" not in bench.LIBRARIES_FLOOR.source([])
    assert all(run["outcome"] == 0 for row in reads for run in row.libraries)
    assert all(row.median("libraries", "cpu") > row.median("lean", "cpu") for row in reads)


def test_each_library_adds_to_the_lean_floor_in_turn() -> None:
    measured = bench.measure_each_library(3, only=["cart"])
    assert measured, "no event measured"
    for _, ratios in measured:
        assert list(ratios) == ["lean", "+pydantic", "+dependency-injector", "+Powertools"]
        # pydantic alone is tens of milliseconds, the whole set more (medians of three runs)
        assert ratios["lean"] < ratios["+pydantic"] < ratios["+Powertools"]
