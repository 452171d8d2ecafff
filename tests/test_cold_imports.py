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


def built_models(dotted_handler: str) -> set[str]:
    """The shop's pydantic models whose validators exist once the handler is imported."""
    module = dotted_handler.rsplit(".", 1)[0]
    probe = (
        f"import sys, json, pydantic, {module}\n"
        "def every(cls): return [cls] + [m for sub in cls.__subclasses__() for m in every(sub)]\n"
        "print(json.dumps(sorted(f'{m.__module__}.{m.__qualname__}' for m in every(pydantic.BaseModel)"
        " if m.__module__.startswith('shop.') and m.__pydantic_complete__)))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout))


# What the commonest cold start of each API reads is built at import; what only other routes,
# the events or the admin read is built on first use (defer_build).
READ_AT_IMPORT = {
    "orders": "shop.orders.domain.model.Order",
    "users": "shop.users.domain.model.UserProfile",
}
BUILT_ON_FIRST_USE = {
    "orders": {
        "shop.orders.handlers.http.PlaceOrderRequest",
        "shop.orders.domain.cart.Cart",
        "shop.orders.domain.events.OrderPlaced",
        "shop.orders.domain.events.StockReserved",
        "shop.kernel.events.Event",
        "shop.kernel.money.AcceptedMoney",
        "shop.platform.pagination.Page",
        "shop.orders.domain.stats.Stats",
    },
    "users": {
        "shop.users.domain.model.NewAccount",
        "shop.users.domain.model.Credentials",
        "shop.users.domain.records.DataExport",
        "shop.users.domain.notifications.Notification",
        "shop.users.handlers.http.TokenResponse",
        "shop.users.handlers.http.DataExportView",
        "shop.kernel.events.Event",
    },
}


@pytest.mark.parametrize("service", sorted(BUILT_ON_FIRST_USE))
def test_an_api_builds_at_import_only_the_models_its_commonest_read_needs(service: str) -> None:
    built = built_models(str(RESOURCES.service(service).http_handler))
    assert READ_AT_IMPORT[service] in built  # the probe sees what is built
    assert not built & BUILT_ON_FIRST_USE[service]
