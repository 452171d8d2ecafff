"""The fixed, seeded month of a small shop that `make cost` prices, played over HTTP.

Per order: a visitor browses (a page of products, a search every other time), opens 1-3
products and the first one's recommendations, puts them in the cart, reads it, checks out, and
reads the order twice (right after the 202, and once the saga is done). One order in 20 pays
with a declined card; one order in 10 is cancelled by its customer once confirmed (a refund);
one visit in 10 ends with a cart left to expire (its TTL deletion is free) and a customer who
does not come back; the others place ORDERS_PER_CUSTOMER orders each, signed in once. Between
orders the workload waits until every stream and queue is empty, so each event travels alone
and the counts repeat run after run.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from shop.local.orchestration.stack import EmbeddedStack

ORDERS_PER_CUSTOMER = 4  # in a month; each customer is one of Cognito's monthly active users
# Which visits take the rarer paths: fixed, so that even a run of 10 orders takes each once
DECLINED_EVERY, DECLINED_AT = 20, 2  # the 3rd order of every 20 pays with a declined card
CANCEL_EVERY, CANCEL_AT = 10, 4  # the 5th of every 10 is cancelled once confirmed
ABANDON_EVERY, ABANDON_AT = 10, 6  # the 7th visit of every 10 leaves its cart
RESTOCK_TO = 100_000
SETTLE_TIMEOUT_SECONDS = 60.0
ADDRESS = {"line1": "1 Cost Street", "city": "Berlin", "postal_code": "10115", "country": "DE"}


class WorkloadFailed(RuntimeError):
    pass


@dataclass
class Played:
    orders: int = 0
    confirmed: int = 0
    declined: int = 0
    cancelled_by_customer: int = 0
    abandoned_carts: int = 0
    customers: int = 0


class Shopper:
    """One HTTP session against the stack; every answer checked."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()

    def call(
        self,
        expect: int,
        method: str,
        path: str,
        token: str | None = None,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> Any:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = self.http.request(method, self.url + path, json=body, headers=sent, timeout=30)
        if response.status_code != expect:
            raise WorkloadFailed(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    def login(self, email: str, password: str) -> str:
        answer = self.call(200, "POST", "/auth/login", body={"email": email, "password": password})
        return str(answer["access_token"])


def restock(stack: EmbeddedStack) -> list[dict[str, Any]]:
    """Ample stock for every seeded product (before the meter starts); the products."""
    shopper = Shopper(stack.url)
    admin = shopper.login(stack.admin_email, stack.admin_password)
    products: list[dict[str, Any]] = shopper.call(200, "GET", "/products?limit=100")["items"]
    for product in products:
        shopper.call(200, "PATCH", f"/products/{product['product_id']}", admin, {"stock": RESTOCK_TO})
    return products


def play(stack: EmbeddedStack, products: list[dict[str, Any]], orders: int, seed: int) -> Played:
    rng = random.Random(seed)  # noqa: S311 - a repeatable workload, no secret
    shopper = Shopper(stack.url)
    settled = _settler(stack)
    played = Played()
    terms = sorted(
        {word.lower() for product in products for word in product["name"].split() if len(word) > 3}
    )
    token, placed = "", 0
    while played.orders < orders:
        if not token:
            token, placed = _new_customer(shopper, rng, played), 0
        basket = _browse(shopper, rng, products, terms)
        for product in basket:
            shopper.call(
                200, "PUT", f"/cart/items/{product['product_id']}", token, {"quantity": rng.randint(1, 2)}
            )
        shopper.call(200, "GET", "/cart", token)
        settled()
        if (played.orders + played.abandoned_carts) % ABANDON_EVERY == ABANDON_AT:  # never back: it expires
            played.abandoned_carts += 1
            token = ""
            continue
        _checkout(shopper, rng, token, settled, played)
        placed += 1
        if placed == ORDERS_PER_CUSTOMER:
            token = ""
    return played


def _new_customer(shopper: Shopper, rng: random.Random, played: Played) -> str:
    email = f"cost-{uuid.UUID(int=rng.getrandbits(128)).hex[:12]}@example.com"
    password = f"Cost{rng.getrandbits(40):x}9"
    shopper.call(201, "POST", "/users", body={"email": email, "password": password, "name": "Cost"})
    played.customers += 1
    return shopper.login(email, password)


def _browse(
    shopper: Shopper, rng: random.Random, products: list[dict[str, Any]], terms: list[str]
) -> list[dict[str, Any]]:
    shopper.call(200, "GET", "/products?limit=20")
    if rng.random() < 0.5:
        shopper.call(200, "GET", f"/products?q={rng.choice(terms)}")
    basket = rng.sample(products, k=rng.randint(1, 3))
    for product in basket:
        shopper.call(200, "GET", f"/products/{product['product_id']}")
    shopper.call(200, "GET", f"/products/{basket[0]['product_id']}/recommendations")
    return basket


def _checkout(
    shopper: Shopper, rng: random.Random, token: str, settled: Callable[[], None], played: Played
) -> None:
    card = "tok_chargeDeclined" if played.orders % DECLINED_EVERY == DECLINED_AT else "tok_visa"
    key = {"Idempotency-Key": str(uuid.UUID(int=rng.getrandbits(128)))}
    body = {"shipping_address": ADDRESS, "payment_token": card}
    order_id = shopper.call(202, "POST", "/orders", token, body, headers=key)["order_id"]
    played.orders += 1
    shopper.call(200, "GET", f"/orders/{order_id}", token)
    settled()
    status = shopper.call(200, "GET", f"/orders/{order_id}", token)["status"]
    if status == "CONFIRMED":
        played.confirmed += 1
        if (played.orders - 1) % CANCEL_EVERY == CANCEL_AT:
            shopper.call(200, "POST", f"/orders/{order_id}/cancel", token)
            played.cancelled_by_customer += 1
            settled()
            shopper.call(200, "GET", f"/orders/{order_id}", token)
    elif status == "CANCELLED":
        played.declined += 1
    else:
        raise WorkloadFailed(f"order {order_id} is {status} after the queues drained")


def _settler(stack: EmbeddedStack) -> Callable[[], None]:
    """Wait until no stream holds an undelivered record and no queue a message (the stack's own
    calls: the meter bills no function for them)."""
    sqs = stack.client("sqs")
    urls = [queue.url for queue in stack.provisioned.queues.values()]
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]

    def busy() -> bool:
        streams = stack.emulator.command("stream_stats")
        if any(count for table, count in streams.items() if table != "shard_iterators"):
            return True
        for url in urls:
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
            if any(int(attributes[name]) for name in names):
                return True
        return False

    def settled() -> None:
        deadline = time.monotonic() + SETTLE_TIMEOUT_SECONDS
        quiet = 0
        while quiet < 2:  # twice in a row: a consumer may be between its receive and its write
            if time.monotonic() > deadline:
                raise WorkloadFailed("the stack did not settle: a stream or a queue stayed busy")
            quiet = 0 if busy() else quiet + 1
            time.sleep(0.05)

    return settled
