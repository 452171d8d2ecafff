"""`make load` end to end, kept short: scripts/load.py starts an embedded stack, runs locust for
20 s with a few shoppers, and must print figures that parse and add up, write the CSVs and the
chart, see orders confirmed, and see no 5xx."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
USERS, BUYERS, DURATION = 8, 0.75, 20  # 6 customers and 2 visitors
ROUTE_ROW = re.compile(
    r"^(?P<route>(?:[A-Z]+ \S+)|all)\s+(?P<requests>\d+)\s+(?P<rps>[\d.]+)"
    r"\s+(?P<p50>\d+)\s+(?P<p95>\d+)\s+(?P<p99>\d+)\s+(?P<errors>\d+)$"
)
RAW_ID = re.compile(r"/[0-9A-Za-z-]{20,}")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("load")
    env = {name: value for name, value in os.environ.items() if name != "SHOP_API_URL"}  # embedded stack
    finished = subprocess.run(
        [sys.executable, "scripts/load.py", "--users", str(USERS), "--buyers", str(BUYERS),
         "--duration", str(DURATION), "--stop-timeout", "15", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr
    print(finished.stdout)
    return finished.stdout, out


def printed_routes(stdout: str) -> dict[str, dict[str, float]]:
    rows = {}
    for line in stdout.splitlines():
        match = ROUTE_ROW.match(line)
        if match:
            fields = match.groupdict()
            route = fields.pop("route")
            rows[route] = {name: float(value) for name, value in fields.items()}
    return rows


def test_the_summary_has_figures_per_route_template_that_add_up(run: tuple[str, Path]) -> None:
    stdout, _ = run
    routes = printed_routes(stdout)
    total = routes.pop("all")
    for route in ("GET /products", "GET /products/{product_id}", "PUT /cart/items/{product_id}",
                  "POST /orders", "GET /orders/{order_id}"):  # fmt: skip
        assert route in routes, stdout
    assert not [route for route in routes if RAW_ID.search(route)], "ids must be grouped by route template"
    assert total["requests"] == sum(figures["requests"] for figures in routes.values())
    assert total["rps"] > 0
    for figures in [total, *routes.values()]:
        assert figures["p50"] <= figures["p95"] <= figures["p99"]


def test_orders_are_confirmed_and_nothing_fails_on_the_server(run: tuple[str, Path]) -> None:
    stdout, _ = run
    errors = re.search(r"^errors by status: (.+)$", stdout, re.MULTILINE)
    assert errors, stdout
    assert not re.search(r"\b5\d\d x|no answer", errors.group(1)), errors.group(0)
    placed = re.search(
        r"^orders: (\d+) placed \(202\); followed to: .*CONFIRMED x(\d+)", stdout, re.MULTILINE
    )
    assert placed, stdout
    assert int(placed.group(1)) >= int(placed.group(2)) >= 1
    per_minute = re.search(r"^orders confirmed per minute: ([\d.]+)$", stdout, re.MULTILINE)
    assert per_minute, stdout
    assert float(per_minute.group(1)) > 0
    latency = re.search(r"^202→CONFIRMED: p50 (\d+) ms, p95 (\d+) ms", stdout, re.MULTILINE)
    assert latency, stdout
    assert 0 < int(latency.group(1)) <= int(latency.group(2))


def test_the_files_match_the_summary(run: tuple[str, Path]) -> None:
    stdout, out = run
    printed = printed_routes(stdout)
    with (out / "routes.csv").open(newline="") as file:
        written = {row["route"]: row for row in csv.DictReader(file)}
    assert set(written) == set(printed)
    for route, row in written.items():
        assert int(row["requests"]) == printed[route]["requests"]
        assert round(float(row["p95_ms"])) == printed[route]["p95"]
    with (out / "requests.csv").open(newline="") as file:
        logged = list(csv.DictReader(file))
    http = [row for row in logged if row["method"] not in ("ORDER", "RUN")]
    assert len(http) == printed["all"]["requests"]
    assert all(float(row["ms"]) >= 0 and int(row["status"]) >= 0 for row in http)
    assert [row for row in logged if row["method"] == "ORDER" and row["route"] == "CONFIRMED"]
    assert [row["route"] for row in logged if row["method"] == "RUN"] == ["start", "stop"]
    chart = (out / "load.png").read_bytes()
    assert chart.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(chart) > 10_000
    assert (out / "summary.txt").read_text().strip() in stdout
