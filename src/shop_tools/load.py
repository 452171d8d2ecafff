"""`make load`: a bounded, headless locust run of shoppers against the local stack, with the figures.

    make load ARGS="--users 30 --buyers 1 --duration 60"

Target: an embedded stack this script starts (loopback, seeded; its logs go to stack.log), or the
deployment SHOP_API_URL names (set it only to one of your own). Steps:
1. set-up, outside the measured window: on the embedded stack the seeded products get ample stock
   (so checkouts measure the runtime, not a sold-out catalog); the catalog is read; every customer
   registers and logs in, waiting out 429s and 503s as their Retry-After says;
2. locust (scripts/locustfile.py) in its own process for --duration seconds, a progress line every
   10 s; users still in a checkout then get --stop-timeout seconds to see their order settle;
3. the figures, from the request log the locustfile writes: req/s, p50/p95/p99 and errors per
   route, errors by status, orders confirmed per minute, 202→CONFIRMED p50/p95; printed, and
   written to the results directory (summary.txt, routes.csv, requests.csv, load.png).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import requests

from shop_tools.paths import SCRIPTS

LOCUSTFILE = SCRIPTS / "locustfile.py"  # where locust expects its entry file
REQUEST_TIMEOUT_SECONDS = 30.0
SETUP_TIMEOUT_SECONDS = 300.0
MAX_RETRY_AFTER_SECONDS = 10.0
PROGRESS_SECONDS = 10.0
RESTOCK_TO = 100_000
CHART_BINS = 40
MAX_ERROR_KINDS = 8  # the summary names the commonest errors: status, route, what the answer said
ORDER_RATE_SECONDS = 10.0  # the chart's orders/min: confirmations in the trailing 10 s
ID_IN_PATH = re.compile(r"/[0-9A-Za-z-]{20,}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make load ARGS=...", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=30, help="concurrent users (default %(default)s)")
    parser.add_argument(
        "--buyers",
        type=float,
        default=0.5,
        help="share of the users who sign in and check out; the rest browse anonymously "
        "(0..1, default %(default)s)",
    )
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--duration", type=int, default=60, help="measured seconds (default %(default)s)")
    parser.add_argument(
        "--stop-timeout",
        type=int,
        default=20,
        help="seconds users in a checkout get after the window to see their order settle",
    )
    parser.add_argument("--out", type=Path, default=Path(".reports/load"), help="results directory")
    args = parser.parse_args(argv)
    if args.users < 1 or not 0 <= args.buyers <= 1 or args.duration < 5 or args.spawn_rate <= 0:
        parser.error("need --users ≥ 1, 0 ≤ --buyers ≤ 1, --duration ≥ 5, --spawn-rate > 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in ("requests.csv", "routes.csv", "summary.txt", "load.png", "locust.log", "stack.log"):
        (args.out / stale).unlink(missing_ok=True)
    external = os.environ.get("SHOP_API_URL", "").rstrip("/")
    if external:
        return measure(args, external, f"SHOP_API_URL={external}", admin=None, console=sys.stdout)
    with stack_output_to(args.out / "stack.log") as console:
        print("==> starting an embedded stack (its logs: stack.log)", file=console)
        import shop.local
        from shop.local.orchestration.stack import EmbeddedStack

        with EmbeddedStack(port=0, seed=True) as stack:
            report = stack.seed_report
            if report is None or not report.ok:
                print(f"error: seeding failed:\n{report and report.summary()}", file=console)
                return 2
            where = f"embedded stack {stack.url} (shop.local from {Path(shop.local.__file__).parent})"
            admin = (stack.admin_email, stack.admin_password)
            status = measure(args, stack.url, where, admin=admin, console=console)
            print("==> stopping the embedded stack", file=console)
        return status


@contextmanager
def stack_output_to(path: Path) -> Iterator[TextIO]:
    """Point file descriptors 1 and 2 at `path` (the stack's handlers print JSON logs there, and any
    process it starts inherits them); yield the terminal for this script's own lines."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    console = os.fdopen(os.dup(1), "w", buffering=1)
    with path.open("ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    try:
        yield console
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)
        console.close()


def measure(
    args: argparse.Namespace, url: str, where: str, *, admin: tuple[str, str] | None, console: TextIO
) -> int:
    customers = round(args.users * args.buyers)
    print(
        f"==> load: {args.users} users ({customers} customers who shop, {args.users - customers} "
        f"anonymous visitors), spawn {args.spawn_rate:g}/s, {args.duration} s against {where}",
        file=console,
    )
    load_at_start = os.getloadavg()[0]  # other work on the machine skews the figures: say how much
    with tempfile.TemporaryDirectory(prefix="shop-load-") as scratch:
        setup_file = Path(scratch) / "setup.json"
        try:
            prepare(url, customers, admin, setup_file, console)
        except SetupFailed as exc:
            print(f"error: set-up failed: {exc}", file=console)
            return 2
        request_log = args.out / "requests.csv"
        if not run_locust(
            args, url, customers=customers, setup_file=setup_file, request_log=request_log, console=console
        ):
            return 1
    run = read_log(request_log)
    if not run.requests:
        print("error: no request was made; see locust.log", file=console)
        return 1
    summary = summarize(run)
    text = (
        f"{summary.render()}\nmachine: {os.cpu_count()} CPUs, load average {load_at_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    print(text, file=console)
    (args.out / "summary.txt").write_text(text + "\n", encoding="utf-8")
    summary.write_routes(args.out / "routes.csv")
    draw_chart(run, args.out / "load.png", title=f"{args.users} users, {where.split(' (', maxsplit=1)[0]}")
    print(f"files: {args.out}/ summary.txt routes.csv requests.csv load.png locust.log", file=console)
    return 0


# -- set-up -----------------------------------------------------------------------------------


class SetupFailed(RuntimeError):
    pass


def prepare(
    url: str, customers: int, admin: tuple[str, str] | None, setup_file: Path, console: TextIO
) -> None:
    began = time.monotonic()
    client = PatientClient(url, deadline=began + SETUP_TIMEOUT_SECONDS)
    if admin is not None:
        token = client.login(*admin)
        restocked = [
            client.expect(200, "PATCH", f"/products/{product['product_id']}", token, {"stock": RESTOCK_TO})
            for product in client.catalog()
        ]
        print(f"    restocked {len(restocked)} products to {RESTOCK_TO}", file=console)
    products = [product for product in client.catalog() if product["stock"] > 0]
    if not products:
        raise SetupFailed("the catalog has no product in stock")
    run = secrets.token_hex(4)
    tokens = []
    for number in range(customers):
        email, password = f"load-{run}-{number}@example.com", f"Load{secrets.token_hex(6)}9"
        client.expect(201, "POST", "/users", None, {"email": email, "password": password, "name": "Load"})
        tokens.append(client.login(email, password))
        if (number + 1) % 10 == 0 or number + 1 == customers:
            print(f"    {number + 1}/{customers} customers registered and signed in", file=console)
    setup_file.write_text(
        json.dumps({"products": products, "search_terms": search_terms(products), "customer_tokens": tokens}),
        encoding="utf-8",
    )
    waits = f", {client.waits} waits on 429/503" if client.waits else ""
    print(f"    set-up took {time.monotonic() - began:.1f} s{waits}", file=console)


def search_terms(products: list[dict[str, Any]]) -> list[str]:
    """Words of the product names (hits) and one word that matches nothing."""
    words = {word.lower() for product in products for word in re.findall(r"[A-Za-z]{4,}", product["name"])}
    return [*sorted(words), "zzzz"]


class PatientClient:
    """Requests that wait out 429 and 503 answers as their Retry-After says, up to a deadline."""

    def __init__(self, url: str, deadline: float) -> None:
        self.url = url
        self.deadline = deadline
        self.http = requests.Session()
        self.waits = 0

    def call(self, method: str, path: str, token: str | None = None, body: Any = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        while True:
            response = self.http.request(
                method, self.url + path, json=body, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS
            )
            if response.status_code not in (429, 503):
                return response
            pause = _retry_after(response)
            if time.monotonic() + pause > self.deadline:
                raise SetupFailed(f"{method} {path}: still {response.status_code} at the set-up deadline")
            self.waits += 1
            time.sleep(pause)

    def expect(self, status: int, method: str, path: str, token: str | None, body: Any = None) -> Any:
        response = self.call(method, path, token, body)
        if response.status_code != status:
            route = ID_IN_PATH.sub("/{id}", path)
            raise SetupFailed(f"{method} {route}: {response.status_code} {response.text[:200]}")
        return response.json() if response.content else None

    def login(self, email: str, password: str) -> str:
        answer = self.expect(200, "POST", "/auth/login", None, {"email": email, "password": password})
        return str(answer["access_token"])

    def catalog(self) -> list[dict[str, Any]]:
        products: list[dict[str, Any]] = []
        path: str | None = "/products?limit=100"
        for _ in range(50):  # bounded: 5000 products are plenty to choose from
            if path is None:
                break
            page = self.expect(200, "GET", path, None)
            products += page["items"]
            path = f"/products?limit=100&cursor={page['next_cursor']}" if page["next_cursor"] else None
        return products


def _retry_after(response: requests.Response) -> float:
    try:
        seconds = float(response.headers.get("Retry-After", "1"))
    except ValueError:  # an HTTP date: not worth parsing for a local stack
        seconds = 1.0
    return min(max(seconds, 0.1), MAX_RETRY_AFTER_SECONDS)


# -- the run ----------------------------------------------------------------------------------


def run_locust(
    args: argparse.Namespace,
    url: str,
    *,
    customers: int,
    setup_file: Path,
    request_log: Path,
    console: TextIO,
) -> bool:
    classes = [
        name for name, count in (("Customer", customers), ("Visitor", args.users - customers)) if count
    ]
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", url,
        "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
        "--run-time", f"{args.duration}s", "--stop-timeout", str(args.stop_timeout),
        "--only-summary", "--exit-code-on-error", "0", "--loglevel", "WARNING", *classes,
    ]  # fmt: skip
    env = {**os.environ, "LOAD_SETUP": str(setup_file), "LOAD_REQUEST_LOG": str(request_log)}
    bound = args.duration + args.stop_timeout + 60
    print(f"==> running locust for {args.duration} s (+ up to {args.stop_timeout} s to settle)", file=console)
    with (args.out / "locust.log").open("wb") as log:
        locust = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        began = time.monotonic()
        progress = Progress(request_log)
        try:
            while True:
                try:
                    locust.wait(PROGRESS_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    if time.monotonic() - began > bound:
                        print(f"error: locust overran its {bound} s bound; stopped", file=console)
                        return False
                    print(f"    {time.monotonic() - began:4.0f} s: {progress.line()}", file=console)
        finally:
            if locust.poll() is None:  # overran, or this script was interrupted
                locust.kill()
                locust.wait()
    if locust.returncode != 0:
        print(f"error: locust exited with {locust.returncode}; see {args.out / 'locust.log'}", file=console)
        return False
    return True


class Progress:
    """What the request log gained since the last line: requests, errors, orders settled."""

    def __init__(self, request_log: Path) -> None:
        self.path = request_log
        self.offset = 0
        self.last = time.monotonic()

    def line(self) -> str:
        if not self.path.exists():
            return "starting"
        with self.path.open("rb") as log:
            log.seek(self.offset)
            data = log.read()
        complete = data[: data.rfind(b"\n") + 1]  # a row being written waits for the next line
        self.offset += len(complete)
        now = time.monotonic()
        elapsed, self.last = now - self.last, now
        fields = [row for row in csv.reader(complete.decode("utf-8").splitlines()) if row[0] != "ended_at"]
        http = [row for row in fields if row[1] not in NOT_REQUESTS]
        errors = sum(1 for row in http if not _ok(int(row[3])))
        confirmed = sum(1 for row in fields if row[1] == "ORDER" and row[2] == "CONFIRMED")
        return f"{len(http) / elapsed:6.1f} req/s, {errors} errors, {confirmed} orders confirmed"


# -- the figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    ended_at: float
    method: str
    route: str
    status: int
    ms: float
    error: str

    @property
    def started_at(self) -> float:
        return self.ended_at - self.ms / 1000


NOT_REQUESTS = ("ORDER", "RUN")  # the log's rows for an order followed, and for locust's start and stop


@dataclass(frozen=True)
class Run:
    requests: list[Row]
    orders: list[Row]  # one per order followed: route = final status, ms = from the 202
    began: float  # when locust started its users
    window: float  # seconds from then until it began to stop them

    @property
    def confirmed(self) -> list[Row]:
        return [row for row in self.orders if row.route == "CONFIRMED"]


def read_log(path: Path) -> Run:
    with path.open(newline="", encoding="utf-8") as log:
        rows = [
            Row(float(r["ended_at"]), r["method"], r["route"], int(r["status"]), float(r["ms"]), r["error"])
            for r in csv.DictReader(log)
        ]
    made = [row for row in rows if row.method not in NOT_REQUESTS]
    marks = {row.route: row.ended_at for row in rows if row.method == "RUN"}
    began = marks.get("start", min((row.started_at for row in made), default=0.0))
    ended = marks.get("stop", max((row.ended_at for row in made), default=began))
    orders = [row for row in rows if row.method == "ORDER"]
    return Run(made, orders, began, max(1.0, ended - began))


def _ok(status: int) -> bool:
    return 200 <= status < 400


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


@dataclass
class RouteFigures:
    route: str
    requests: int
    per_second: float
    p50: float
    p95: float
    p99: float
    errors: int


@dataclass
class Summary:
    window: float  # seconds, from the first request
    routes: list[RouteFigures]  # the last one is "all"
    errors_by_status: Counter[str]
    error_kinds: Counter[tuple[str, str]]  # (status and route, what the answer said)
    orders: Counter[str]  # final status (and reason) of every checkout followed
    placed: int
    confirmed_in_window: int  # confirmations seen by the end of the window
    to_confirmed: list[float]  # ms from 202 to CONFIRMED

    def render(self) -> str:
        head = f"{'route':<44}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
        lines = [f"==> results over a {self.window:.0f} s window", head]
        lines += [
            f"{r.route:<44}{r.requests:>9}{r.per_second:>8.1f}{r.p50:>9.0f}{r.p95:>9.0f}{r.p99:>9.0f}{r.errors:>8}"
            for r in self.routes
        ]
        errors = ", ".join(f"{status} x{n}" for status, n in sorted(self.errors_by_status.items()))
        lines.append(f"errors by status: {errors or 'none'}")
        lines += [
            f"  {where} x{n}: {said}" for (where, said), n in self.error_kinds.most_common(MAX_ERROR_KINDS)
        ]
        outcomes = [f"{status} x{n}" for status, n in sorted(self.orders.items())]
        if self.placed > self.orders.total():  # users stopped while polling, after --stop-timeout
            outcomes.append(f"still polled when locust stopped x{self.placed - self.orders.total()}")
        lines.append(f"orders: {self.placed} placed (202); followed to: {', '.join(outcomes) or 'none'}")
        lines.append(f"orders confirmed per minute: {self.confirmed_in_window / (self.window / 60):.1f}")
        if self.to_confirmed:
            lines.append(
                f"202→CONFIRMED: p50 {percentile(self.to_confirmed, 0.5):.0f} ms, "
                f"p95 {percentile(self.to_confirmed, 0.95):.0f} ms (polls every 0.2 s, backing off to 1 s)"
            )
        else:
            lines.append("202→CONFIRMED: no order confirmed")
        return "\n".join(lines)

    def write_routes(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(("route", "requests", "req_per_s", "p50_ms", "p95_ms", "p99_ms", "errors"))
            for r in self.routes:
                writer.writerow(
                    (
                        r.route,
                        r.requests,
                        f"{r.per_second:.2f}",
                        f"{r.p50:.1f}",
                        f"{r.p95:.1f}",
                        f"{r.p99:.1f}",
                        r.errors,
                    )
                )


def summarize(run: Run) -> Summary:
    http, window = run.requests, run.window
    in_window = [row for row in http if row.ended_at <= run.began + window]
    by_route: dict[str, list[Row]] = defaultdict(list)
    for row in http:
        by_route[f"{row.method} {row.route}"].append(row)
    counted = Counter(f"{row.method} {row.route}" for row in in_window)

    def figures(route: str, group: list[Row], in_window_count: int) -> RouteFigures:
        times = [row.ms for row in group]
        return RouteFigures(
            route,
            len(group),
            in_window_count / window,
            percentile(times, 0.5),
            percentile(times, 0.95),
            percentile(times, 0.99),
            sum(1 for row in group if not _ok(row.status)),
        )

    routes = [figures(route, by_route[route], counted[route]) for route in sorted(by_route)]
    routes.append(figures("all", http, len(in_window)))
    failed = [row for row in http if not _ok(row.status)]
    errors = Counter(
        str(row.status) if row.status else f"no answer ({row.error or 'error'})" for row in failed
    )
    return Summary(
        window=window,
        routes=routes,
        errors_by_status=errors,
        error_kinds=Counter(
            (f"{row.status or 'no answer'} {row.method} {row.route}", row.error) for row in failed
        ),
        orders=Counter(f"{row.route} {row.error}".strip() for row in run.orders),
        placed=sum(
            1 for row in http if row.method == "POST" and row.route == "/orders" and row.status == 202
        ),
        confirmed_in_window=sum(1 for row in run.confirmed if row.ended_at <= run.began + window),
        to_confirmed=[row.ms for row in run.confirmed],
    )


def draw_chart(run: Run, path: Path, title: str) -> None:
    """Latency (p50/p95 of all requests, and 202→CONFIRMED) and throughput over time, in bins."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    width = max(1.0, run.window / CHART_BINS)
    bins: dict[int, list[Row]] = defaultdict(list)
    for row in run.requests:
        bins[int((row.ended_at - run.began) // width)].append(row)
    confirmations: dict[int, list[Row]] = defaultdict(list)
    for row in run.confirmed:
        confirmations[int((row.ended_at - run.began) // width)].append(row)
    keys = sorted(bins.keys() | confirmations.keys())
    mid = [(key + 0.5) * width for key in keys]

    def series(groups: dict[int, list[Row]], share: float) -> list[float]:
        return [
            percentile([row.ms for row in groups[key]], share) if groups[key] else float("nan")
            for key in keys
        ]

    figure, (latency, throughput) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    latency.plot(mid, series(bins, 0.5), label="requests p50")
    latency.plot(mid, series(bins, 0.95), label="requests p95")
    latency.plot(mid, series(confirmations, 0.5), "o-", label="202→CONFIRMED p50")
    latency.set_yscale("log")
    latency.set_ylabel("ms")
    latency.legend(loc="upper left")
    latency.set_title(f"make load: {title}")
    throughput.plot(mid, [len(bins[key]) / width for key in keys], label="requests/s")
    errors = [sum(1 for row in bins[key] if not _ok(row.status)) for key in keys]
    throughput.plot(mid, [n / width for n in errors], label="errors/s")
    throughput.axvline(run.window, color="grey", linestyle=":", label="end of the window")
    throughput.set_ylabel("per second")
    throughput.set_xlabel("seconds since locust started")
    throughput.legend(loc="upper left")
    throughput.set_ylim(bottom=0)
    confirmed_at = [row.ended_at - run.began for row in run.confirmed]
    trailing = [sum(1 for at in confirmed_at if x - ORDER_RATE_SECONDS < at <= x) for x in mid]
    orders = throughput.twinx()
    orders.plot(mid, [n * 60 / ORDER_RATE_SECONDS for n in trailing], color="tab:green", label="orders")
    orders.set_ylabel(f"orders confirmed/min (trailing {ORDER_RATE_SECONDS:.0f} s)", color="tab:green")
    orders.set_ylim(bottom=0)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
