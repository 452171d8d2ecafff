"""The shoppers `make load` simulates, for locust (run by scripts/load.py in a process of its own, so
gevent's monkey-patching never reaches the stack under test).

Two kinds of user:
- `Visitor`: anonymous; lists products (sometimes by category, sometimes the next page), searches
  with `?q=`, opens a product and its recommendations.
- `Customer`: signed in (scripts/load.py registered and logged in every customer before the
  measured window, so per-route rate limits on sign-up and login never land in it); browses like
  a visitor, and shops: puts 1-3 products in the cart, checks out (`POST /orders`), polls the
  order until CONFIRMED or CANCELLED, now and then cancels it, and looks at the order history.

Every request is appended to the CSV named by LOAD_REQUEST_LOG, one row each: when it ended,
method, route template, status, milliseconds, error (a problem's detail, or why there was no
answer). So is every checkout's outcome (method ORDER, route = the final status, milliseconds
from the 202 to it, error = the cancellation reason), and locust's start and stop (method RUN),
which bound the measured window. scripts/load.py computes the figures from that file.
LOAD_SETUP names the JSON file with the catalog and the customers' tokens.
"""

from __future__ import annotations

import csv
import json
import os
import random
import time
from typing import Any

from locust import FastHttpUser, between, events, task

REQUEST_TIMEOUT_SECONDS = 30.0  # API Gateway gives up on a Lambda integration after 29 s
SETTLE_TIMEOUT_SECONDS = 60.0  # an order not final by then is reported as unsettled
FIRST_POLL_SECONDS = 0.2  # order polls start fast (to time the saga) and back off to 1 s
CANCEL_SHARE = 0.1  # share of confirmed orders the customer cancels (refund path)
ADDRESS = {"line1": "1 Load Street", "city": "Berlin", "postal_code": "10115", "country": "DE"}
LOG_COLUMNS = ("ended_at", "method", "route", "status", "ms", "error")

_setup: dict[str, Any] = json.loads(open(os.environ["LOAD_SETUP"], encoding="utf-8").read())  # noqa: SIM115
_products: list[dict[str, Any]] = _setup["products"]
_search_terms: list[str] = _setup["search_terms"]
_categories: list[str] = sorted({product["category"] for product in _products})
_unused_tokens: list[str] = list(_setup["customer_tokens"])

_rng = random.Random()  # noqa: S311 - picks the shoppers' moves; nothing secret

_log_file = open(os.environ["LOAD_REQUEST_LOG"], "a", newline="", encoding="utf-8", buffering=1)  # noqa: SIM115
_log = csv.writer(_log_file)
if _log_file.tell() == 0:
    _log.writerow(LOG_COLUMNS)


def _record(method: str, route: str, status: int, ms: float, error: str = "") -> None:
    _log.writerow((f"{time.time():.3f}", method, route, status, f"{ms:.1f}", error))


@events.request.add_listener
def _on_request(
    request_type: str, name: str, response_time: float, response: Any, exception: Any, **_: Any
) -> None:
    status = getattr(response, "status_code", 0) or 0
    if status >= 400:
        error = _problem_detail(response.text or "")
    elif exception is not None and not status:  # no answer: geventhttpclient wraps a timeout
        error = "timeout" if "timed out" in str(exception) else type(exception).__name__
    else:
        error = ""
    _record(request_type, name, status, response_time, error)


def _problem_detail(text: str) -> str:
    """What an error answer says (a problem's detail), short."""
    try:
        problem = json.loads(text)
    except ValueError:
        return text[:100]
    return str(problem.get("detail") or problem.get("title") or "")[:100] if isinstance(problem, dict) else ""


@events.test_start.add_listener
def _on_test_start(**_: Any) -> None:
    _record("RUN", "start", 0, 0)


@events.test_stopping.add_listener
def _on_test_stopping(**_: Any) -> None:  # the measured window ends; users may still settle orders
    _record("RUN", "stop", 0, 0)


@events.quitting.add_listener
def _on_quitting(**_: Any) -> None:
    _log_file.close()


class Visitor(FastHttpUser):
    """Anonymous browsing."""

    wait_time = between(1, 3)
    network_timeout = REQUEST_TIMEOUT_SECONDS
    connection_timeout = REQUEST_TIMEOUT_SECONDS

    def _json(self, method: str, path: str, route: str, body: Any = None) -> Any:
        """The decoded body of a 2xx answer, else None (the request is logged either way)."""
        response = self.client.request(method, path, name=route, json=body, headers=self._headers())
        if not 200 <= response.status_code < 300 or not response.content:
            return None
        return response.json()

    def _headers(self) -> dict[str, str]:
        return {}

    @task(4)
    def browse(self) -> None:
        query = f"?category={_rng.choice(_categories)}" if _rng.random() < 0.5 else ""
        page = self._json("GET", f"/products{query}", "/products")
        cursor = page and page.get("next_cursor")
        if cursor and _rng.random() < 0.3:
            sep = "&" if query else "?"
            self._json("GET", f"/products{query}{sep}cursor={cursor}", "/products")

    @task(2)
    def search(self) -> None:
        self._json("GET", f"/products?q={_rng.choice(_search_terms)}", "/products?q=")

    @task(4)
    def view_product(self) -> None:
        product_id = _rng.choice(_products)["product_id"]
        self._json("GET", f"/products/{product_id}", "/products/{product_id}")
        self._json("GET", f"/products/{product_id}/recommendations", "/products/{product_id}/recommendations")


class Customer(Visitor):
    """Signed in: browses, and shops."""

    fixed_count = len(_unused_tokens)  # one per token; visitors make up the rest of --users

    def on_start(self) -> None:
        self.token = _unused_tokens.pop()  # scripts/load.py starts exactly one customer per token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @task(3)
    def shop(self) -> None:
        for product in _rng.sample(_products, k=_rng.randint(1, 3)):
            self._json(
                "PUT",
                f"/cart/items/{product['product_id']}",
                "/cart/items/{product_id}",
                {"quantity": _rng.randint(1, 2)},
            )
        cart = self._json("GET", "/cart", "/cart")
        if not (cart and cart["items"]):
            return  # the cart could not be filled or read (errors, logged): nothing to check out
        order = self._json(
            "POST", "/orders", "/orders", {"shipping_address": ADDRESS, "payment_token": "tok_visa"}
        )
        if order is None:
            return
        status = self._follow(order["order_id"])
        if status == "CONFIRMED" and _rng.random() < CANCEL_SHARE:
            self._json("POST", f"/orders/{order['order_id']}/cancel", "/orders/{order_id}/cancel")

    @task(1)
    def order_history(self) -> None:
        self._json("GET", "/orders", "/orders")

    def _follow(self, order_id: str) -> str:
        """Poll the order until it is final (or the bound passes); log the outcome and its latency."""
        accepted = time.perf_counter()
        pause = FIRST_POLL_SECONDS
        status, reason = "UNSETTLED", ""
        while time.perf_counter() - accepted < SETTLE_TIMEOUT_SECONDS:
            time.sleep(pause)  # gevent-patched: yields to the other users
            pause = min(1.0, pause * 1.5)
            order = self._json("GET", f"/orders/{order_id}", "/orders/{order_id}")
            if order is not None and order["status"] in ("CONFIRMED", "CANCELLED"):
                status, reason = order["status"], order.get("cancellation_reason") or ""
                break
        _record("ORDER", status, 0, (time.perf_counter() - accepted) * 1000, reason)
        return status
