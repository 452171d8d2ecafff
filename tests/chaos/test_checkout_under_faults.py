"""Checkouts over HTTP while faults are injected at every saga step (shop/local/test_support/chaos.py):
DynamoDB throttling and transaction conflicts, failed SNS publishes in the relay, consumers
crashing mid-batch, environments killed mid-invocation, duplicated and delayed deliveries.
A few poison messages are dropped into the queues too. Once the queues drain, the invariants
are checked over HTTP and the emulator's APIs:

- stock never negative (watched during the run) and conserved: initial = on hand + reserved +
  sold, nothing left reserved, and sold = what the confirmed orders hold;
- every order in a final state, with a final payment status that matches it;
- exactly one capture per confirmed order; none for a cancelled one, or one then refunded;
- every outbox event published at least once;
- the DLQs hold the poison messages and nothing else.

Run `make chaos` (with -s: the summary of faults injected and invariants checked).
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from shop.local.test_support import chaos
from tests.chaos.harness import SHIPPING_ADDRESS, Api, Emulator, events_of

pytestmark = [pytest.mark.slow, pytest.mark.timeout(480)]

SEED = 20261130
BUYERS = 8
ORDERS_PER_BUYER = 4
PRODUCTS = 4
STOCK = 12
DECLINED_SHARE = 0.2  # checkouts paid with a card the provider declines
CANCEL_AT_ONCE_SHARE = 0.15  # cancelled right after the 202, racing the saga
CANCEL_CONFIRMED_SHARE = 0.15  # cancelled once confirmed: the money goes back
POISON_QUEUES = ("catalog", "orders", "payments")
# Failed messages come back after the visibility timeout; the DLQ takes them after
# max_receive_count receives. Shorter than resources.json's 30 s so a run stays short, and
# more receives than its 5 so that injected faults alone cannot push a healthy message there.
VISIBILITY_TIMEOUT_SECONDS = 6
MAX_RECEIVE_COUNT = 10
RATES = {
    "dynamodb_throttle": 0.03,
    "transaction_conflict": 0.06,
    "sns_publish_failure": 0.06,
    "consumer_crash": 0.2,
    "environment_killed": 0.006,
    "duplicate_delivery": 0.1,
    "delayed_delivery": 0.1,
}
LIMITS = dict.fromkeys(RATES, 80)
SETTLE_SECONDS = 150.0
SUMMARY = Path(__file__).resolve().parents[2] / ".reports" / "chaos.txt"
DRAIN_SECONDS = 120.0
FINAL_ORDER = frozenset({"CONFIRMED", "CANCELLED"})
FINAL_PAYMENT = {
    "CONFIRMED": frozenset({"CAPTURED"}),
    "CANCELLED": frozenset({"NOT_REQUIRED", "DECLINED", "REFUNDED"}),
}


@dataclass
class Placed:
    order_id: str
    token: str
    cancel: str  # "", "at_once" or "confirmed"
    final: dict[str, Any] = field(default_factory=dict)


class FaultPlan:
    """The plan file the stack's processes read (see shop.local.test_support.chaos)."""

    def __init__(self, directory: Path, queues: list[str]) -> None:
        self.path = directory / "plan.json"
        self.log = directory / "faults.jsonl"
        self.plan: dict[str, Any] = {
            "enabled": False,
            "seed": SEED,
            "log": str(self.log),
            "rates": RATES,
            "limits": LIMITS,
            "queues": queues,
        }
        self._write()

    def enable(self, enabled: bool) -> None:
        self.plan["enabled"] = enabled
        self._write()

    def injected(self) -> dict[str, int]:
        return chaos.injected(str(self.log))

    def _write(self) -> None:
        staged = self.path.with_suffix(".tmp")
        staged.write_text(json.dumps(self.plan))
        staged.replace(self.path)  # atomic: a reader sees the old plan or the new one


@pytest.fixture
def chaos_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, FaultPlan]]:
    from shop.local.orchestration.stack import EmbeddedStack

    description = json.loads(resources.files("shop").joinpath("resources.json").read_text())
    description["queue_defaults"]["visibility_timeout_seconds"] = VISIBILITY_TIMEOUT_SECONDS
    description["queue_defaults"]["max_receive_count"] = MAX_RECEIVE_COUNT
    resources_path = tmp_path / "resources.json"
    resources_path.write_text(json.dumps(description))
    queues = [
        f"shop-{name}-events" for name, service in description["services"].items() if service["consumes"]
    ]
    plan = FaultPlan(tmp_path, queues)
    monkeypatch.setenv(chaos.PLAN_VARIABLE, str(plan.path))
    with EmbeddedStack(port=0, resources_path=resources_path, throttle_scale=1000) as stack:
        yield stack, plan


def test_checkouts_survive_injected_faults(chaos_stack: tuple[Any, FaultPlan]) -> None:
    from shop.local.orchestration.seed import seed

    stack, plan = chaos_stack
    began = time.monotonic()
    api = Api(stack.url)
    emulator = Emulator(stack)
    audit = emulator.audit_queue()  # before anything is published
    report = seed(
        stack.url, stack.admin_email, stack.admin_password, promote=stack.promote_to_admin, products=[]
    )
    assert report.ok, report.summary()
    admin = api.login(stack.admin_email, stack.admin_password)
    initial = {create_product(api, admin, index): STOCK for index in range(PRODUCTS)}
    buyers = [api.register() for _ in range(BUYERS)]
    poison = drop_poison(emulator)

    plan.enable(True)
    watch = StockWatch(api, list(initial))
    watch.start()
    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        placed = [
            order
            for orders in pool.map(
                lambda pair: shop_as(api, pair[1], list(initial), random.Random(SEED + pair[0])),
                enumerate(buyers),
            )
            for order in orders
        ]
    plan.enable(False)
    watch.stop()
    drained_in = wait_for_drain(emulator, poison)

    published = events_of(emulator.drain(audit))
    violations = [
        *stock_violations(emulator, initial, placed, watch),
        *order_violations(placed),
        *payment_violations(emulator, placed, published),
        *outbox_violations(emulator, published),
        *dlq_violations(emulator, poison),
    ]
    injected = plan.injected()
    print_summary(injected, placed, api, violations, drained_in, time.monotonic() - began)
    assert not violations, "\n".join(violations)
    assert set(injected) >= set(RATES), f"faults never injected: {sorted(set(RATES) - set(injected))}"


# -- the run ----------------------------------------------------------------------------------


def create_product(api: Api, admin: str, index: int) -> str:
    body = {
        "sku": f"CHAOS-{uuid.uuid4().hex[:10].upper()}",
        "name": f"Chaos thing {index}",
        "price": {"amount": 1000 + index, "currency": "EUR"},
        "category": "chaos",
        "stock": STOCK,
    }
    created = api.call("POST", "/products", admin, json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["product_id"])


def drop_poison(emulator: Emulator) -> dict[str, set[str]]:
    """One message no consumer can read per queue named: the DLQ's rightful content."""
    poison: dict[str, set[str]] = {}
    for service in POISON_QUEUES:
        body = json.dumps({"chaos_poison": service, "nonce": uuid.uuid4().hex})
        emulator.sqs.send_message(QueueUrl=emulator.stack.provisioned.queues[service].url, MessageBody=body)
        poison[service] = {body}
    return poison


def shop_as(api: Api, token: str, products: list[str], rng: random.Random) -> list[Placed]:
    placed: list[Placed] = []
    for _ in range(ORDERS_PER_BUYER):
        for product_id in rng.sample(products, rng.randint(1, 2)):
            added = api.call("PUT", f"/cart/items/{product_id}", token, json={"quantity": rng.randint(1, 2)})
            assert added.status_code == 200, added.text
        declined = rng.random() < DECLINED_SHARE
        body = {
            "shipping_address": SHIPPING_ADDRESS,
            "payment_token": "tok_chargeDeclined" if declined else "tok_visa",
        }
        key = {"Idempotency-Key": uuid.uuid4().hex}
        answer = api.call("POST", "/orders", token, json=body, headers=key)
        assert answer.status_code == 202, answer.text
        draw = rng.random()
        cancel = (
            "at_once"
            if draw < CANCEL_AT_ONCE_SHARE
            else "confirmed"
            if draw < CANCEL_AT_ONCE_SHARE + CANCEL_CONFIRMED_SHARE
            else ""
        )
        order = Placed(str(answer.json()["order_id"]), token, cancel)
        if cancel == "at_once":
            cancel_order(api, order)
        order.final = settle(api, order)
        if cancel == "confirmed" and order.final["status"] == "CONFIRMED":
            cancel_order(api, order)
            order.final = settle(api, order)
        placed.append(order)
    return placed


def cancel_order(api: Api, order: Placed) -> None:
    answer = api.call("POST", f"/orders/{order.order_id}/cancel", order.token)
    # 409: the saga got there first (already cancelled, or not cancellable any more)
    assert answer.status_code in (200, 409), answer.text


def settle(api: Api, order: Placed) -> dict[str, Any]:
    """The order once it and its payment are final (or as it is after SETTLE_SECONDS)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        answer = api.call("GET", f"/orders/{order.order_id}", order.token)
        assert answer.status_code == 200, answer.text
        current: dict[str, Any] = answer.json()
        status = current["status"]
        if status in FINAL_ORDER and current["payment"]["status"] in FINAL_PAYMENT[status]:
            return current
        if time.monotonic() > deadline:
            return current
        time.sleep(0.3)


class StockWatch(threading.Thread):
    """Reads every product's stock over HTTP throughout the run: the lowest seen."""

    def __init__(self, api: Api, products: list[str]) -> None:
        super().__init__(daemon=True)
        self.api = api
        self.products = products
        self.lowest: dict[str, int] = {}
        self.reads = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.5):
            for product_id in self.products:
                answer = self.api.call("GET", f"/products/{product_id}")
                if answer.status_code == 200:
                    stock = int(answer.json()["stock"])
                    self.lowest[product_id] = min(stock, self.lowest.get(product_id, stock))
                    self.reads += 1

    def stop(self) -> None:
        self._stop_event.set()
        self.join(5)


def wait_for_drain(emulator: Emulator, poison: dict[str, set[str]]) -> float:
    """Seconds until the event queues are empty, the poison is in the DLQs and the relay has
    published every outbox record, twice in a row a second apart."""
    began = time.monotonic()
    quiet = 0
    while quiet < 2:
        if time.monotonic() - began > DRAIN_SECONDS:
            pytest.fail(f"the queues did not drain in {DRAIN_SECONDS:.0f}s")
        busy = sum(emulator.in_flight(queue.url) for queue in emulator.queues()) + emulator.relay_backlog()
        dead = sum(emulator.in_flight(emulator.stack.provisioned.queues[s].dlq_url) for s in poison)
        quiet = quiet + 1 if busy == 0 and dead >= len(poison) else 0
        time.sleep(1.0)
    return time.monotonic() - began


# -- the invariants -----------------------------------------------------------------------------


def stock_violations(
    emulator: Emulator, initial: dict[str, int], placed: list[Placed], watch: StockWatch
) -> list[str]:
    items = emulator.scan("catalog")
    on_hand = {item["product_id"]: int(item["stock"]) for item in items if item["sk"] == "PRODUCT"}
    held: dict[str, Counter[str]] = defaultdict(Counter)  # reservation status -> product -> units
    for item in items:
        if item["sk"] == "RESERVATION":
            for line in item.get("lines", []):
                held[item["status"]][line["product_id"]] += int(line["quantity"])
    ordered: Counter[str] = Counter()
    for order in placed:
        if order.final.get("status") == "CONFIRMED":
            for line in order.final["lines"]:
                ordered[line["product_id"]] += int(line["quantity"])
    violations = []
    for product_id, stock in initial.items():
        reserved, sold = held["RESERVED"][product_id], held["CONFIRMED"][product_id]
        if on_hand[product_id] < 0 or watch.lowest.get(product_id, 0) < 0:
            violations.append(f"stock of {product_id} went negative (lowest seen {watch.lowest[product_id]})")
        if stock != on_hand[product_id] + reserved + sold:
            violations.append(
                f"stock of {product_id} not conserved: {stock} != {on_hand[product_id]} on hand "
                f"+ {reserved} reserved + {sold} sold"
            )
        if reserved:
            violations.append(f"{reserved} units of {product_id} still reserved after every order settled")
        if sold != ordered[product_id]:
            violations.append(
                f"{sold} units of {product_id} sold, but confirmed orders hold {ordered[product_id]}"
            )
    if not watch.reads:
        violations.append("the stock was never read during the run")
    return violations


def order_violations(placed: list[Placed]) -> list[str]:
    violations = []
    for order in placed:
        status, payment = order.final["status"], order.final["payment"]["status"]
        if status not in FINAL_ORDER or payment not in FINAL_PAYMENT[status]:
            violations.append(f"order {order.order_id} ended {status} with payment {payment}")
    return violations


def payment_violations(
    emulator: Emulator, placed: list[Placed], published: list[dict[str, Any]]
) -> list[str]:
    captures: dict[str, set[str]] = defaultdict(set)
    refunds: dict[str, set[str]] = defaultdict(set)
    for event in published:
        if event["event_type"] == "PaymentCaptured":
            captures[event["data"]["order_id"]].add(event["event_id"])
        elif event["event_type"] == "PaymentRefunded":
            refunds[event["data"]["order_id"]].add(event["event_id"])
    recorded = {
        item["order_id"]: item["status"] for item in emulator.scan("payments") if item.get("sk") == "PAYMENT"
    }
    violations = []
    for order in placed:
        order_id, status = order.order_id, order.final["status"]
        taken, given_back = len(captures[order_id]), len(refunds[order_id])
        money = f"{taken} captures, {given_back} refunds, payment {recorded.get(order_id)}"
        if status == "CONFIRMED" and (taken != 1 or given_back or recorded.get(order_id) != "CAPTURED"):
            violations.append(f"confirmed order {order_id}: {money}")
        if (
            status == "CANCELLED"
            and taken
            and (taken != 1 or given_back != 1 or recorded.get(order_id) != "REFUNDED")
        ):
            violations.append(f"cancelled order {order_id}: {money}")
    return violations


def outbox_violations(emulator: Emulator, published: list[dict[str, Any]]) -> list[str]:
    seen = {event["event_id"] for event in published}
    violations = []
    for service in emulator.stack.resources.relay_tables:
        for item in emulator.scan(service):
            if str(item["pk"]).startswith("OUTBOX#"):
                event = json.loads(item["event"])
                if event["event_id"] not in seen:
                    violations.append(
                        f"{service}'s {event['event_type']} {event['event_id']} was never published"
                    )
    return violations


def dlq_violations(emulator: Emulator, poison: dict[str, set[str]]) -> list[str]:
    violations = []
    for queue in emulator.queues():
        bodies = {message["Body"] for message in emulator.drain(queue.dlq_url)}
        expected = poison.get(queue.service, set())
        for body in sorted(bodies - expected):
            violations.append(f"{queue.service}'s DLQ holds a healthy message: {body[:200]}")
        if expected - bodies:
            violations.append(f"{queue.service}'s poison message did not reach its DLQ")
    return violations


def print_summary(
    injected: dict[str, int],
    placed: list[Placed],
    api: Api,
    violations: list[str],
    drained_in: float,
    elapsed: float,
) -> None:
    outcomes = Counter(
        order.final["status"]
        + (f" ({order.final['cancellation_reason']})" if order.final["status"] == "CANCELLED" else "")
        for order in placed
    )
    survived = "all survived" if not violations else f"{len(violations)} invariants violated"
    lines = [
        f"chaos: {len(placed)} orders in {elapsed:.0f} s (queues drained {drained_in:.0f} s after the last)",
        f"  outcomes: {dict(sorted(outcomes.items()))}",
        f"  faults injected ({sum(injected.values())}, {survived}):",
        *(f"    {injected.get(fault, 0):4d}  {fault}" for fault in chaos.FAULTS),
        f"  HTTP answers {dict(sorted(api.statuses.items()))}; retried {dict(sorted(api.retried.items()))}",
    ]
    print("\n" + "\n".join(lines))
    SUMMARY.parent.mkdir(exist_ok=True)
    SUMMARY.write_text("\n".join(lines) + "\n")  # `make chaos` shows it; the run's logs bury stdout
