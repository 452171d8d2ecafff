"""`make cost` counts right, and its counts per order do not creep up.

Each test runs the tool as `make cost` does (`scripts/cost.py`, in a process of its own: the
emulator's meter is installed when the stack starts) and reads the counts it writes.
- One checkout: what the meter counted equals what the saga's steps say (the events of
  resources.json and their consumers) and what the request-budget test measures per step
  (tests/perf/test_budgets.py, the table in docs/performance.md).
- The regression line: every deterministic count per order of a 10-order run stays within 10%
  of the figures committed in scripts/cost_counts.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from shop.local.runtime.lambda_context import function_name_for
from shop.resources import load_resources
from shop_tools.cost import usage_from
from shop_tools.cost_deployment import deployment
from shop_tools.cost_model import Prices, bill
from shop_tools.paths import REPO, SCRIPTS

pytestmark = pytest.mark.acceptance

GROWTH_ALLOWED = 1.10
# A customer's first order, confirmed: the events it causes, in the saga's order
JOURNEY = (
    "UserRegistered",
    "CartStarted",
    "OrderPlaced",
    "StockReserved",
    "PaymentRequested",
    "PaymentCaptured",
    "OrderConfirmed",
)
# DynamoDB requests per saga step, as the request-budget test measures them (docs/performance.md)
STEP_REQUESTS = {
    ("analytics", "CartStarted"): 1,
    ("analytics", "OrderPlaced"): 2,
    ("analytics", "OrderConfirmed"): 2,
    ("catalog", "OrderPlaced"): 1,  # a new reservation: one transaction
    ("catalog", "OrderConfirmed"): 2,
    ("cart", "OrderPlaced"): 2,
    ("cart", "OrderConfirmed"): 2,
    ("orders", "StockReserved"): 2,
    ("orders", "PaymentCaptured"): 2,
    ("payments", "PaymentRequested"): 2,
    ("users", "OrderConfirmed"): 2,
}


def run_cost_tool(tmp_path: Path, orders: int, seed: int = 7) -> dict[str, Any]:
    subprocess.run(
        [
            sys.executable,
            str(SCRIPTS / "cost.py"),
            "--orders",
            str(orders),
            "--seed",
            str(seed),
            "--out",
            str(tmp_path),
        ],
        check=True,
        cwd=REPO,
        capture_output=True,
        timeout=600,
    )
    counts: dict[str, Any] = json.loads((tmp_path / "counts.json").read_text(encoding="utf-8"))
    return counts


def test_one_checkout_is_counted_as_its_saga_steps_and_their_budgets_say(tmp_path: Path) -> None:
    counts = run_cost_tool(tmp_path, orders=1)
    played, meter = counts["played"], counts["usage"]["meter"]
    assert (played["confirmed"], played["declined"], played["abandoned_carts"]) == (1, 0, 0)
    resources = load_resources()
    consumers = {service.name: service for service in resources.consumers}

    expected_deliveries = {
        service.queue_name: sum(event in service.consumes for event in JOURNEY)
        for service in consumers.values()
    }
    assert meter["deliveries"] == {queue: n for queue, n in expected_deliveries.items() if n}
    assert meter["published"] == {
        resources.events_topic_name: len(JOURNEY),
        resources.notifications_topic_name: 1,
    }

    functions = counts["usage"]["functions"]
    requests: Counter[str] = Counter()
    for caller, service, _operation, count in meter["requests"]:
        requests[caller] += count if service == "dynamodb" else 0
    for name, service in consumers.items():
        function = function_name_for(str(service.events_handler))
        steps = [event for event in JOURNEY if event in service.consumes]
        assert functions.get(function, {}).get("invocations", 0) == len(steps), function  # batches of one
        assert requests[function] == sum(STEP_REQUESTS[name, event] for event in steps), function
    # POST /orders writes once (its cart and catalog reads are theirs); the order is read twice
    assert requests[function_name_for(str(resources.service("orders").http_handler))] == 1 + 2

    lines = bill(usage_from(counts["usage"]), deployment("dev"), Prices.load())
    sqs = sum(line.quantity for line in lines if line.service == "sqs")
    assert sqs == 3 * sum(expected_deliveries.values())  # SNS's send, the poller's receive and delete


def test_counts_per_order_stay_within_ten_percent_of_the_committed_figures(tmp_path: Path) -> None:
    committed = json.loads((SCRIPTS / "cost_counts.json").read_text(encoding="utf-8"))
    counts = run_cost_tool(tmp_path, orders=committed["orders"], seed=committed["seed"])
    grown = {
        name: (figure, counts["per_order"][name])
        for name, figure in committed["per_order"].items()
        if counts["per_order"][name] > figure * GROWTH_ALLOWED
    }
    assert not grown, (
        f"counts per order grew more than 10% (committed, now): {grown}; now {counts['per_order']}"
    )
