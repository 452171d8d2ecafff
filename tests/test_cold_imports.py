"""What each Lambda handler loads at cold start: only its own stack, and none of the
modules it never uses (each probe runs in a fresh interpreter)."""

import json
import os
import subprocess
import sys

import pytest

from shop.resources import load_resources

RESOURCES = load_resources()
EVENTS_HANDLERS = [s.events_handler for s in RESOURCES.services if s.events_handler]
HTTP_HANDLERS = [s.http_handler for s in RESOURCES.services if s.http_handler]
RELAY_HANDLER = RESOURCES.relay_handler
META_HANDLER = str(RESOURCES.service("meta").http_handler)

HTTP_STACK = "shop.platform.routing"
POWERTOOLS_HTTP = "aws_lambda_powertools.event_handler"  # its OpenAPI machinery: build time only
BATCH = "aws_lambda_powertools.utilities.batch"
DATA_CLASSES = "aws_lambda_powertools.utilities.data_classes"  # its __init__ imports ~40 modules
NEVER = ["aws_xray_sdk", "moto", "shop.local", "flask"]  # tracing is off unless SHOP_TRACING=active
# meta serves static pages only (health, the docs, problem pages, the analytics dashboard)
NO_AWS = ["botocore.session", "dependency_injector"]
# the typed model of resources.json: ~12 ms of dataclasses and parsing; the platform reads the
# route auth it needs from the JSON (tests/unit/platform/test_http.py holds the two equal)
TYPED_RESOURCES = "shop.resources"


def loaded_modules(dotted_handler: str) -> set[str]:
    module = dotted_handler.rsplit(".", 1)[0]
    probe = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    env = {k: v for k, v in os.environ.items() if k != "SHOP_TRACING"}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout))


def prefixed(modules: set[str], prefix: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for name in modules)


@pytest.mark.parametrize("handler", [*EVENTS_HANDLERS, RELAY_HANDLER])
def test_queue_and_stream_handlers_load_no_http_stack_and_no_powertools_batch(handler: str) -> None:
    modules = loaded_modules(handler)
    assert not prefixed(modules, BATCH), "use shop.platform.batch: cold start"
    assert not prefixed(modules, DATA_CLASSES)
    assert not prefixed(modules, HTTP_STACK)
    assert not [name for name in NEVER if prefixed(modules, name)]


@pytest.mark.parametrize("handler", HTTP_HANDLERS)
def test_http_handlers_load_no_batch_machinery(handler: str) -> None:
    modules = loaded_modules(handler)
    assert prefixed(modules, HTTP_STACK)
    assert not prefixed(modules, POWERTOOLS_HTTP)
    assert not prefixed(modules, BATCH)
    assert not [name for name in NEVER if prefixed(modules, name)]


@pytest.mark.parametrize("handler", [*HTTP_HANDLERS, *EVENTS_HANDLERS, RELAY_HANDLER])
def test_no_handler_loads_the_typed_resources_model(handler: str) -> None:
    assert TYPED_RESOURCES not in loaded_modules(handler)


def test_the_catalog_api_loads_neither_the_stock_reservations_nor_the_recommendations() -> None:
    # both are imported by their first use; GET/POST /products are the cold starts that matter
    modules = loaded_modules(str(RESOURCES.service("catalog").http_handler))
    deferred = ["reservation", "events", "stock", "similarity"]
    assert not [name for name in deferred if f"shop.catalog.domain.{name}" in modules]


def test_meta_loads_no_aws_session_and_no_container() -> None:
    modules = loaded_modules(META_HANDLER)
    assert not [name for name in NO_AWS if prefixed(modules, name)]


def test_the_orders_api_builds_at_import_only_the_models_an_order_read_needs() -> None:
    # pydantic builds a deferred model's validator on its first use: a checkout, a consumed
    # event, a page of orders, the admin's figures; GET /orders/{id} builds none of them
    module = RESOURCES.service("orders").http_handler.rsplit(".", 1)[0]
    probe = (
        f"import sys, json, pydantic, {module}\n"
        "built = sorted(f'{m.__module__}.{m.__qualname__}' for m in pydantic.BaseModel.__subclasses__()"
        " + [s for c in pydantic.BaseModel.__subclasses__() for s in c.__subclasses__()]"
        " if m.__module__.startswith('shop.') and m.__pydantic_complete__)\n"
        "print(json.dumps(built))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    built = set(json.loads(result.stdout))
    assert "shop.orders.domain.model.Order" in built  # the probe sees what is built
    deferred = {
        "shop.orders.handlers.http.PlaceOrderRequest",
        "shop.orders.domain.cart.Cart",
        "shop.orders.domain.events.OrderPlaced",
        "shop.orders.domain.events.StockReserved",
        "shop.kernel.events.Event",
        "shop.kernel.money.AcceptedMoney",
        "shop.platform.pagination.Page",
        "shop.orders.domain.stats.Stats",
    }
    assert not built & deferred
