"""Cold start held in CI, measured as `make bench` measures it (init + first invocation as a
ratio to the boto3 floor, shop_tools/bench.py), with fewer runs than the bench's seven.

The goal of 1.3x over the floor is out of reach with the design card's libraries: on their
own, with no shop code, they measure 1.18-1.31x of the floor for the functions that call one
AWS service (the bench's libraries floor; docs/performance.md). `make bench` and this test
hold what the shop controls instead: its own code at most bench.SHOP_BUDGET of the libraries
floor; no event slower than bench.REGRESSION_LINE; and the functions measured at the goal
(AT_GOAL) near it. Each limit has a noise margin here (three runs, against the bench's seven).
"""

import subprocess

import pytest

from shop_tools import bench
from shop_tools.paths import REPO, SRC

pytestmark = pytest.mark.slow

RUNS = 3
NOISE_MARGIN = 1.15
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
        if row.ratio > bench.REGRESSION_LINE * NOISE_MARGIN
        or (row.scenario.function in AT_GOAL and row.ratio > bench.GOAL_RATIO * NOISE_MARGIN)
    }
    allowed = f"line {bench.REGRESSION_LINE}x, goal {bench.GOAL_RATIO}x for {sorted(AT_GOAL)}"
    assert not over, f"slower than allowed ({allowed}): {over}"
    heavier = {
        f"{row.scenario.function} {row.scenario.label}": round(row.shop_ratio, 2)
        for row in rows
        if row.shop_ratio > bench.SHOP_BUDGET * NOISE_MARGIN
    }
    assert not heavier, f"the shop's own code costs more than {bench.SHOP_BUDGET}x its libraries: {heavier}"


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
    # the webhook's libraries floor verifies a Stripe event of its own (a probe that raised
    # would have failed the run), as the handler does
    webhook = next(row for row in rows if "stripe" in row.scenario.label)
    assert webhook.scenario.library_floor.libraries[-1] == "stripe"
    assert "stripe.Webhook.construct_event" in webhook.scenario.library_floor.source([])
    assert all(run["outcome"] == 0 for row in reads for run in row.libraries)
    assert all(row.median("libraries", "cpu") > row.median("lean", "cpu") for row in reads)


def test_each_library_adds_to_the_lean_floor_in_turn() -> None:
    measured = bench.measure_each_library(3, only=["cart"])
    assert measured, "no event measured"
    for _, ratios in measured:
        assert list(ratios) == ["lean", "+pydantic", "+dependency-injector", "+Powertools"]
        # pydantic alone is tens of milliseconds, the whole set more (medians of three runs)
        assert ratios["lean"] < ratios["+pydantic"] < ratios["+Powertools"]


def _a_revision_runnable_today() -> tuple[str, str]:
    """The parent of the newest commit that changed a module of src/shop and a file it changed:
    a revision whose code differs from this tree's, taken where uv.lock is this tree's (the
    runtime venv holds today's dependencies only, and an older revision may import one that left)."""
    lock = (REPO / "uv.lock").read_text()
    for commit in _git("log", "--format=%H", "--", "src/shop").split():
        if _git("show", f"{commit}^:uv.lock") != lock:
            continue
        changed = _git("diff", "--name-only", "--diff-filter=M", f"{commit}^", commit, "--", "src/shop")
        # the zips (and so the measured tree) hold no local stack
        modules = [name for name in changed.split() if name.endswith(".py") and "/local/" not in name]
        if modules:
            return f"{commit}^", modules[0]
    raise AssertionError("no commit changed src/shop since uv.lock last changed: commit one")


def test_a_revision_is_measured_from_its_own_tree() -> None:
    before, path = _a_revision_runnable_today()
    inside = path.removeprefix("src/")
    with bench.compiled_sources(bench.runtime_python(), before) as tree:
        measured = (tree / inside).read_text()
        assert measured == _git("show", f"{before}:{path}")
        assert measured != (SRC / inside).read_text()
        assert not (tree / "shop" / "local").exists()  # as the zips hold it
    results = bench.measure_against(1, before, only=["meta"])
    assert {scenario.label for scenario, _ in results} == {
        "GET /health",
        "GET /problems/{slug}",
        "GET /admin/dashboard",
    }
    assert all(set(medians) == {before, "this tree"} for _, medians in results)


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True).stdout


class _Answering:
    """A runner whose every first invocation takes the same time and answers `outcome`."""

    def __init__(self, outcome: object) -> None:
        self.outcome = outcome

    def first_invocation(self, scenario: bench.Scenario) -> dict[str, object]:
        return {"cpu": 0.25, "outcome": self.outcome}


def test_an_ab_whose_sides_answer_differently_is_refused() -> None:
    # a revision failing with a 500 takes a cheaper path, not a faster one
    alike = {"before": _Answering(200), "this tree": _Answering(200)}
    assert bench._interleaved(alike, 2, ["meta"])  # type: ignore[arg-type]
    unlike = {"before": _Answering(500), "this tree": _Answering(200)}
    with pytest.raises(SystemExit, match="answered differently"):
        bench._interleaved(unlike, 2, ["meta"])  # type: ignore[arg-type]
