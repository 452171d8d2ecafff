"""Property-based fuzzing of the whole API from its own OpenAPI document (schemathesis).

Against one embedded local stack, every operation of GET /openapi.json is driven with
schema-valid and schema-violating input (wrong types, missing and extra fields, huge strings,
non-JSON bodies, unexpected media types and methods; schemathesis's examples, coverage and
fuzzing phases) three ways: anonymous (or with a forged token), as a signed-in customer, and,
on the admin routes, as the admin. Every answer must:

- never be a 5xx (docs/api.md: bad input never yields a 5xx);
- have a documented status code, content type and, where the document gives one, body schema;
- if 4xx, be an RFC 9457 problem: `application/problem+json`, `{type, title, status, detail}`
  with `status` equal to the HTTP status;
- never carry a traceback.

Statefully too: schemathesis follows the document's OpenAPI links (create product → get it /
put it in the cart → check out → get / cancel the order) through sequences of calls as the
admin (who may also shop), with the same checks on every answer.

Bounded and reproducible: a fixed seed, derandomized generation, no example database, at most
MAX_EXAMPLES fuzzed cases per operation and role and STATEFUL_EXAMPLES call sequences of at most
STATEFUL_STEPS calls. Run with `-s` to see the case counts.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.slow

SEED = 20261126
# fuzzed cases per operation and role (the examples and coverage phases add their own)
MAX_EXAMPLES = int(os.environ.get("SHOP_FUZZ_MAX_EXAMPLES", "100"))
STATEFUL_EXAMPLES = int(os.environ.get("SHOP_FUZZ_STATEFUL_EXAMPLES", "30"))
STATEFUL_STEPS = 8
# The checkout journey the links describe (scripts/openapi.py: LINKS)
JOURNEY = frozenset({"createProduct", "getProduct", "setCartItem", "createOrder", "getOrder", "cancelOrder"})
TIMEOUT = 30
PROBLEM_FIELDS = frozenset({"type", "title", "status", "detail"})
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/', "site-packages/")

# Not positive_data_acceptance: rules the schema cannot state (password strength, https image
# URLs, a checkout needs a non-empty cart) reject schema-valid input with a 4xx, as docs/api.md says.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

_calls: Counter[str] = Counter()
_statuses: Counter[int] = Counter()


def problem_details(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Every 4xx is an RFC 9457 problem whose `status` is the HTTP status."""
    if not 400 <= response.status_code < 500:
        return
    content_type = (response.headers.get("content-type") or [""])[0].split(";")[0].strip().lower()
    assert content_type == "application/problem+json", f"{response.status_code} answered as {content_type!r}"
    body = response.json()
    assert isinstance(body, dict), f"problem body is not an object: {body!r}"
    missing = PROBLEM_FIELDS - body.keys()
    assert not missing, f"problem body lacks {sorted(missing)}: {body!r}"
    assert body["status"] == response.status_code, (
        f"problem status {body['status']} on a {response.status_code}"
    )


def no_traceback(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
    text = response.text or ""
    for marker in TRACEBACK_MARKERS:
        assert marker not in text, f"the body leaks a traceback ({marker!r}): {text[:500]}"


@pytest.fixture(scope="module")
def stack_url() -> Iterator[str]:
    from shop.local.orchestration.stack import EmbeddedStack

    with EmbeddedStack(port=0, seed=True) as stack:
        report = stack.seed_report
        assert report is not None
        assert report.ok, report.summary()
        yield stack.url


@pytest.fixture(scope="module")
def tokens(stack_url: str) -> dict[str, str]:
    """Bearer headers of a fresh customer (one product in the cart) and of the seeded admin."""
    from shop.local.orchestration.seed import DEFAULT_ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD

    email = f"fuzz-{uuid.uuid4().hex[:10]}@example.com"
    password = "Fuzzing12345"
    signup = requests.post(
        f"{stack_url}/users", json={"email": email, "password": password, "name": "Fuzz"}, timeout=TIMEOUT
    )
    assert signup.status_code == 201, signup.text
    customer = _login(stack_url, email, password)
    admin = _login(
        stack_url,
        os.environ.get("SHOP_ADMIN_EMAIL", DEFAULT_ADMIN_EMAIL),
        os.environ.get("SHOP_ADMIN_PASSWORD", DEFAULT_ADMIN_PASSWORD),
    )
    product = requests.get(f"{stack_url}/products", params={"limit": 1}, timeout=TIMEOUT).json()["items"][0]
    added = requests.put(
        f"{stack_url}/cart/items/{product['product_id']}",
        json={"quantity": 1},
        headers={"Authorization": customer},
        timeout=TIMEOUT,
    )
    assert added.status_code == 200, added.text
    return {"customer": customer, "admin": admin}


def _login(url: str, email: str, password: str) -> str:
    answer = requests.post(f"{url}/auth/login", json={"email": email, "password": password}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return f"Bearer {answer.json()['access_token']}"


@pytest.fixture(scope="module")
def api_schema(stack_url: str) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",  # positive and negative data
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "phases": {"stateful": {"enabled": False}},  # unbounded in time; single calls only
        }
    )
    served = requests.get(f"{stack_url}/openapi.json", timeout=TIMEOUT)
    assert served.status_code == 200, served.text
    # from_dict, not from_url: from_url leaves out the operation that serves the document
    loaded = schemathesis.openapi.from_dict(served.json(), config=config)
    loaded.config.update(base_url=stack_url, request_timeout=TIMEOUT)
    return loaded


@pytest.fixture(scope="module", autouse=True)
def summary() -> Iterator[None]:
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    statuses = dict(sorted(_statuses.items()))
    print(f"\nfuzzed {sum(_calls.values())} requests in {elapsed:.0f} s; statuses {statuses}")
    for label, count in sorted(_calls.items()):
        print(f"  {count:5d}  {label}")


schema = schemathesis.pytest.from_fixture("api_schema")


def _call(case: schemathesis.Case, role: str, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else None
    response = case.call_and_validate(
        headers=headers, checks=CHECKS, additional_checks=[problem_details, no_traceback]
    )
    _calls[f"{role:9s} {case.operation.label}"] += 1  # with the coverage phase's unexpected methods
    _statuses[response.status_code] += 1


@schema.parametrize()
def test_anonymous(case: schemathesis.Case) -> None:
    _call(case, "anonymous", None)


@schema.parametrize()
def test_customer(case: schemathesis.Case, tokens: dict[str, str]) -> None:
    _call(case, "customer", tokens["customer"])


@schema.include(func=lambda ctx: ctx.operation.definition.raw.get("x-shop-auth") == "admin").parametrize()
def test_admin(case: schemathesis.Case, tokens: dict[str, str]) -> None:
    _call(case, "admin", tokens["admin"])


def test_checkout_journey_statefully(stack_url: str, tokens: dict[str, str]) -> None:
    config = schemathesis.Config.from_dict(
        {"seed": SEED, "generation": {"mode": "positive", "deterministic": True, "database": "none"}}
    )
    served = requests.get(f"{stack_url}/openapi.json", timeout=TIMEOUT).json()
    journey = schemathesis.openapi.from_dict(served, config=config).include(
        func=lambda ctx: ctx.operation.definition.raw.get("operationId") in JOURNEY
    )
    journey.config.update(base_url=stack_url, request_timeout=TIMEOUT)
    steps: Counter[str] = Counter()

    class Journey(journey.as_state_machine()):  # type: ignore[misc]
        """Each sequence starts from an empty cart and leaves nothing that the next one could
        trip over: Hypothesis replays sequences and wants the same answers to the same calls,
        which state left by an earlier sequence, or the saga's timing, would change."""

        def setup(self) -> None:
            self.idempotency_key = uuid.uuid4().hex
            emptied = requests.delete(
                f"{stack_url}/cart", headers={"Authorization": tokens["admin"]}, timeout=TIMEOUT
            )
            assert emptied.status_code == 204, emptied.text

        def before_call(self, case: schemathesis.Case) -> None:
            body = case.body if isinstance(case.body, dict) else None
            if body is None:
                return
            if case.operation.label == "POST /products" and isinstance(body.get("sku"), str):
                body["sku"] = f"{body['sku'][:80]}-{uuid.uuid4().hex[:12]}"  # never "taken" by a replay
                body["stock"] = 1_000_000  # the saga never cancels for stock behind the sequence's back
            if case.operation.label == "POST /orders" and "payment_token" in body:
                body["payment_token"] = "tok_visa"  # nor for payment

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            headers = {"Authorization": tokens["admin"]}
            if case.operation.label == "POST /orders":
                # a second checkout in a sequence finds the first order, whether or not the saga
                # has emptied the cart yet
                headers["Idempotency-Key"] = self.idempotency_key
            return {"headers": headers}

        def after_call(self, response: schemathesis.Response, case: schemathesis.Case) -> None:
            steps[f"{case.operation.label} {response.status_code}"] += 1
            _statuses[response.status_code] += 1

        def validate_response(
            self, response: schemathesis.Response, case: schemathesis.Case, **kwargs: Any
        ) -> None:
            case.validate_response(
                response,
                checks=CHECKS,
                additional_checks=[problem_details, no_traceback],
                transport_kwargs=kwargs,
            )

    Journey.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    print(f"\nstateful: {sum(steps.values())} calls over at most {STATEFUL_EXAMPLES} sequences")
    for label, count in sorted(steps.items()):
        print(f"  {count:5d}  {label}")
    _calls["stateful  checkout journey"] += sum(steps.values())
    # the links were followed as far as a checkout (create product -> put it in the cart ->
    # place the order); how often a sequence goes on to read or cancel that order is up to
    # Hypothesis's draws, which the stateless runs before this one make differ, so it is printed
    assert steps["POST /orders 202"], steps
