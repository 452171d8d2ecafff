"""`make cost`: what a thousand orders cost on AWS, and what the shop costs when nobody buys.

Plays the seeded workload (cost_workload) through an embedded stack whose emulator meters every
AWS request (shop.local.emulator.meter), prices what was served (cost_model) at the memory
sizes and retention of each stage's Terraform (cost_deployment), prints the cost per 1,000
orders and per million API requests by service and by function, the idle floor per stage and
the break-even against an always-on alternative, and writes `counts.json` and `cost.png`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from shop.local.orchestration.stack import EmbeddedStack
from shop.local.runtime.fork_server import PRELOADED
from shop.local.runtime.lambda_context import function_name_for
from shop.resources import Resources, load_resources
from shop_tools.cost_deployment import deployment, stages
from shop_tools.cost_model import (
    COGNITO_FREE_MAU,
    FunctionUse,
    Line,
    Prices,
    Usage,
    always_on,
    bill,
    break_even,
    by,
    idle_floor,
    snapstart,
    total,
)
from shop_tools.cost_workload import ORDERS_PER_CUSTOMER, Played, play, restock
from shop_tools.load import stack_output_to
from shop_tools.paths import REPO

DEFAULT_OUT = REPO / ".reports" / "cost"
THROTTLE_SCALE = 1000.0
_EMF_METRIC = re.compile(r'"Metrics":\s*\[([^\]]*)\]')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1000, help="orders to place (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="the workload's random seed")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="where the counts, chart and stack log go"
    )
    parser.add_argument("--counts", type=Path, help="price a run's counts.json again instead of playing one")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.counts:
        usage = usage_from(json.loads(args.counts.read_text(encoding="utf-8"))["usage"])
    else:
        usage = _play_and_count(args.orders, args.seed, args.out)
    prices = Prices.load()
    report(usage, prices, sys.stdout)
    draw_chart(usage, prices, args.out / "cost.png")
    print(f"\nfiles: {args.out}/ counts.json cost.png stack.log")
    return 0


def _play_and_count(orders: int, seed: int, out: Path) -> Usage:
    log_path = out / "stack.log"
    log_path.unlink(missing_ok=True)
    with stack_output_to(log_path) as console:
        print(f"==> {orders} orders through an embedded stack (its log: {log_path})", file=console)
        began = time.monotonic()
        usage, played = measure(orders, seed, log_path)
        print(f"    played in {time.monotonic() - began:.0f} s: {played}", file=console)
    counts = {"per_order": counts_per_order(usage), "played": asdict(played), "usage": asdict(usage)}
    (out / "counts.json").write_text(json.dumps(counts, indent=1, sort_keys=True), encoding="utf-8")
    return usage


def usage_from(fields: dict[str, Any]) -> Usage:
    """A Usage as counts.json holds it."""
    functions = {name: FunctionUse(**use) for name, use in fields["functions"].items()}
    return Usage(**{**fields, "functions": functions})


class _Records(logging.Handler):
    """The runtime's REPORT records and the gateway's access lines."""

    def __init__(self, resources: Resources) -> None:
        super().__init__(logging.INFO)
        self.functions: dict[str, FunctionUse] = {}
        self.routes: Counter[str] = Counter()
        self._templates = [
            (route.method, re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", route.path) + "$"), route.route_key)
            for route in resources.routes
        ]

    def emit(self, record: logging.LogRecord) -> None:
        fields = record.__dict__
        if "duration_ms" in fields:
            use = self.functions.setdefault(fields["function"], FunctionUse())
            use.invocations += 1
            cpu = float(fields.get("cpu_ms") or 0.0)
            use.cpu_ms += cpu
            use.wait_ms += max(0.0, float(fields["duration_ms"]) - cpu)
            if fields.get("init_duration_ms") is not None:
                use.cold_starts += 1
                use.init_ms += float(fields["init_duration_ms"])
        elif "path" in fields and "method" in fields:
            path = str(fields["path"]).split("?", 1)[0]
            for method, pattern, key in self._templates:
                if method == fields["method"] and pattern.match(path):
                    self.routes[key] += 1
                    break


class MeterMissing(RuntimeError):
    """The stack's emulator counts nothing: another stack without the meter runs in this process."""


def measure(orders: int, seed: int, log_path: Path | None = None) -> tuple[Usage, Played]:
    """Run the workload on a metered stack: what it served (log bytes and metrics only when the
    stack's output goes to `log_path`)."""
    resources = load_resources()
    os.environ["SHOP_METER"] = "1"
    records = _Records(resources)
    loggers = [logging.getLogger(name) for name in ("shop.local.runtime", "shop.local.access")]
    try:
        # One client plays a month's sign-ups in minutes: no per-client limit may refuse it
        with EmbeddedStack(port=0, seed=True, metrics=True, throttle_scale=THROTTLE_SCALE) as stack:
            products = restock(stack)
            for logger in loggers:
                logger.setLevel(logging.INFO)
                logger.addHandler(records)
            if not stack.emulator.command("meter", reset=True)["installed"]:
                raise MeterMissing("the emulator has no meter: run the workload in a process of its own")
            logged_before = log_path.stat().st_size if log_path else 0
            played = play(stack, products, orders, seed)
            meter = stack.emulator.command("meter")
            log_bytes = log_path.stat().st_size - logged_before if log_path else 0
    finally:
        os.environ.pop("SHOP_METER", None)
        for logger in loggers:
            logger.removeHandler(records)
    usage = Usage(
        orders=played.orders,
        customers=played.customers,
        api_requests=dict(sorted(records.routes.items())),
        functions=dict(sorted(records.functions.items())),
        meter=meter,
        log_bytes=log_bytes,
        custom_metrics=_custom_metrics(log_path) if log_path else 0,
        libraries_init_ms=libraries_init_ms(),
        queue_functions={
            service.queue_name: function_name_for(service.events_handler)
            for service in resources.consumers
            if service.events_handler
        },
    )
    return usage, played


def libraries_init_ms() -> float:
    """CPU time of a fresh interpreter importing what the local fork server preloads: the part of
    a Lambda INIT that the local environments, forked with those libraries loaded, do not pay."""
    code = f"import time\nfor m in {list(PRELOADED)!r}: __import__(m)\nprint(time.process_time() * 1000)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
        for _ in range(3)
    ]
    return sorted(runs)[1]


def _custom_metrics(log_path: Path) -> int:
    """Distinct metric names the functions emitted in EMF (one dimension set each: the service)."""
    names: set[str] = set()
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        if '"_aws"' in line:
            names.update(re.findall(r'"Name":\s*"([^"]+)"', " ".join(_EMF_METRIC.findall(line))))
    return len(names)


# -- the report ----------------------------------------------------------------------------------


def report(usage: Usage, prices: Prices, out: TextIO) -> None:
    api = sum(usage.api_requests.values())
    invocations = sum(use.invocations for use in usage.functions.values())
    cold = sum(use.cold_starts for use in usage.functions.values())
    print(f"\nPrices: {prices.region}, read {prices.read_on} (scripts/cost_prices.json)", file=out)
    print(
        f"Workload: {usage.orders} orders, {usage.customers} customers, {api} API requests, "
        f"{invocations} invocations ({cold} cold starts), {usage.log_bytes / 1e6:.2f} MB of logs",
        file=out,
    )
    counted = ", ".join(f"{name} {count:g}" for name, count in counts_per_order(usage).items())
    print(f"Per order: {counted}", file=out)
    alternative = total(always_on(prices))
    for stage in stages():
        stage_deployment = deployment(stage)
        lines = bill(usage, stage_deployment, prices)
        per_order = total(lines) / usage.orders
        floor = idle_floor(stage_deployment, prices)
        metrics = usage.custom_metrics * prices.usd["cloudwatch_custom_metric_month"]
        print(f"\n== {stage} ==", file=out)
        cognito = by(lines, "service").get("cognito", 0.0)
        marginal = (total(lines) - cognito) / usage.orders
        print(
            f"per 1,000 orders: ${per_order * 1000:.2f}   per million API requests: "
            f"${total(lines) / api * 1e6:.2f}\n"
            f"  without Cognito's monthly active users (a pool's first 10,000 are free): "
            f"${marginal * 1000:.2f} per 1,000 orders, "
            f"${(total(lines) - cognito) / api * 1e6:.2f} per million API requests",
            file=out,
        )
        _breakdown("by service", by(lines, "service"), usage.orders, out)
        _breakdown("by function", by(lines, "function"), usage.orders, out)
        print(
            f"idle floor: ${total(floor):.2f} a month, plus ${metrics:.2f} for {usage.custom_metrics} "
            "custom metrics once anything is sold",
            file=out,
        )
        for line in floor:
            print(
                f"    {line.service:<16} {line.item:<48} {line.quantity:>12,.0f}  ${line.usd:8.2f}", file=out
            )
        snap = snapstart(usage, stage_deployment, prices)
        print(
            f"SnapStart on every function: ${snap.cache_usd_month:.2f} a month of cached snapshots; "
            f"per 1,000 orders INIT ${snap.init_usd / usage.orders * 1000:.4f} now, restores "
            f"${snap.restore_usd / usage.orders * 1000:.4f} instead",
            file=out,
        )
        fixed = total(floor) + metrics
        orders = break_even(alternative, fixed, marginal, prices, ORDERS_PER_CUSTOMER)
        print(
            f"always-on alternative (2 x t4g.small, ALB, db.t4g.micro Multi-AZ): ${alternative:.2f} a month; "
            f"break-even at {orders:,.0f} orders a month ({orders / ORDERS_PER_CUSTOMER:,.0f} customers; "
            f"Cognito's first {COGNITO_FREE_MAU:,} monthly active users are free)",
            file=out,
        )


def _breakdown(title: str, sums: dict[str, float], orders: int, out: TextIO) -> None:
    print(f"  {title} (per 1,000 orders):", file=out)
    for name, usd in sums.items():
        print(f"    {name:<28} ${usd / orders * 1000:8.3f}", file=out)


def draw_chart(usage: Usage, prices: Prices, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = stages()
    figure, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 4.5), squeeze=False)
    for axis, stage in zip(axes[0], names, strict=True):
        lines: list[Line] = bill(usage, deployment(stage), prices)
        sums = by(lines, "service")
        labels = list(sums)[::-1]
        axis.barh(labels, [sums[label] / usage.orders * 1000 for label in labels])
        axis.set_title(
            f"{stage}: ${total(lines) / usage.orders * 1000:.2f} per 1,000 orders ({prices.region})"
        )
        axis.set_xscale("log")  # Cognito's users at list price would hide everything else
        axis.set_xlabel("USD per 1,000 orders (log scale)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def counts_per_order(usage: Usage) -> dict[str, float]:
    """The counts that repeat run after run, per order: the regression line holds them. The relay's
    invocations and SNS's PublishBatch requests are left out: how many stream records or events
    travel together depends on timing."""
    relay = function_name_for(load_resources().relay_handler)
    units: Counter[str] = Counter()
    dynamodb = 0
    for caller, _table, kind, amount in usage.meter["units"]:
        units["write" if kind == "index_write" else kind] += amount if caller else 0
    for caller, service, _operation, count in usage.meter["requests"]:
        dynamodb += count if caller and service == "dynamodb" else 0
    counts = {
        "api_requests": sum(usage.api_requests.values()),
        "invocations": sum(use.invocations for name, use in usage.functions.items() if name != relay),
        "dynamodb_requests": dynamodb,
        "read_units": units["read"],
        "write_units": units["write"],
        "sns_messages": sum(usage.meter["published"].values()),
        "sqs_deliveries": sum(usage.meter["deliveries"].values()),
    }
    return {name: round(count / usage.orders, 3) for name, count in counts.items()}
