"""Concurrency as a decision (issue 21, docs/decisions/0009-concurrency-budget.md): prod reserves
concurrency for every function from a budget that leaves the account's unreserved pool at least
100 of its default 1,000; the checkout path gets the most, everything else is capped; every SQS
consumer caps its event source's concurrency, never above its function's reservation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shop.resources import Resources
from tests.terraform.hcl import ENVIRONMENTS, MODULES, blocks, normalize, one, parse, resources

pytestmark = pytest.mark.terraform

ACCOUNT_CONCURRENCY = 1000  # a Lambda account's default quota (new accounts may have less)
UNRESERVED_FLOOR = 100  # Lambda refuses a reservation that leaves less unreserved
# POST /orders and what it waits on: the cart read, the catalog lookup, the saga's steps
CHECKOUT_PATH = {("orders", "http"), ("cart", "http"), ("catalog", "http")} | {
    (service, "events") for service in ("orders", "catalog", "payments")
}


def one_call(directory: Path, name: str) -> dict[str, Any]:
    [call] = [b.body for b in blocks("module", directory) if b.name == name]
    return call


def prod_stage() -> dict[str, Any]:
    return normalize(parse(ENVIRONMENTS / "aws" / "stages" / "prod.tfvars"))  # type: ignore[no-any-return]


def prod_functions() -> dict[str, dict[str, dict[str, Any]]]:
    return prod_stage()["functions"]  # type: ignore[no-any-return]


def reservations(shop_resources: Resources) -> dict[tuple[str, str], int | None]:
    """Every function's reservation in prod, by (service, http|events), the relay's as
    ("outbox_relay", "streams")."""
    functions = prod_functions()
    found: dict[tuple[str, str], int | None] = {
        ("outbox_relay", "streams"): prod_stage().get("relay_reserved_concurrency")
    }
    consumers = set(shop_resources.consumers)
    for service in shop_resources.services:
        for kind in ["http"] + (["events"] if service in consumers else []):
            found[(service.name, kind)] = (
                functions.get(service.name, {}).get(kind, {}).get("reserved_concurrency")
            )
    return found


def test_prod_reserves_for_every_function_within_the_budget(shop_resources: Resources) -> None:
    reserved = reservations(shop_resources)
    assert len(reserved) == 14
    assert not [key for key, value in reserved.items() if not value], "every function is reserved (capped)"
    total = sum(value or 0 for value in reserved.values())
    assert total <= ACCOUNT_CONCURRENCY - UNRESERVED_FLOOR, total


def test_the_checkout_path_gets_more_than_any_other_function(shop_resources: Resources) -> None:
    reserved = reservations(shop_resources)
    path = [reserved[key] or 0 for key in CHECKOUT_PATH if key[1] == "http"]
    others = [value or 0 for key, value in reserved.items() if key not in CHECKOUT_PATH and key[1] == "http"]
    assert min(path) > max(others), reserved


def test_every_consumer_caps_its_event_source_within_its_reservation(shop_resources: Resources) -> None:
    for name, sizing in prod_functions().items():
        events = sizing.get("events", {})
        if "maximum_concurrency" in events:
            assert events["maximum_concurrency"] <= events["reserved_concurrency"], name
    [mapping] = resources("aws_lambda_event_source_mapping", MODULES / "service")
    scaling = one(mapping.body, "scaling_config")
    assert scaling["maximum_concurrency"] == "${var.events_function.maximum_concurrency}"
    variables = normalize(parse(MODULES / "service" / "variables.tf"))
    [events_function] = [v["events_function"] for v in variables["variable"] if "events_function" in v]
    assert "maximum_concurrency = optional(number, " in str(events_function["type"])


def test_the_relay_gets_its_reservation_from_the_stage() -> None:
    """One execution per stream shard (parallelization_factor 1): without its own reservation a
    burst elsewhere could leave the outbox unread."""
    relay = one_call(MODULES / "shop", "outbox_relay")
    assert relay["reserved_concurrency"] == "${var.relay_reserved_concurrency}"
    for call in ("shop", "secondary"):
        environment = one_call(ENVIRONMENTS / "aws", call)
        assert environment["relay_reserved_concurrency"] == "${var.relay_reserved_concurrency}", call
    function = one_call(MODULES / "outbox_relay", "function")
    assert function["reserved_concurrency"] == "${var.reserved_concurrency}"
