"""What each Lambda handler loads at cold start: only its own stack, and none of the
modules it never uses (each probe runs in a fresh interpreter)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import resource_description

RESOURCES = resource_description()
EVENTS_HANDLERS = [s["events_handler"] for s in RESOURCES["services"].values() if s.get("events_handler")]
HTTP_HANDLERS = [s["http_handler"] for s in RESOURCES["services"].values()]

PARSER_MODELS = "aws_lambda_powertools.utilities.parser"
HTTP_STACK = "shop.platform.routing"
POWERTOOLS_HTTP = "aws_lambda_powertools.event_handler"  # its OpenAPI machinery: build time only
BATCH = "aws_lambda_powertools.utilities.batch"
NEVER = ["aws_xray_sdk", "moto", "shop.local", "flask"]  # tracing is off unless SHOP_TRACING=active


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


@pytest.mark.parametrize("handler", EVENTS_HANDLERS)
def test_queue_handlers_load_no_http_stack_and_no_parser_models(handler: str) -> None:
    modules = loaded_modules(handler)
    assert prefixed(modules, BATCH)
    assert not prefixed(modules, PARSER_MODELS), "import shop.platform.consumer before pydantic"
    assert not prefixed(modules, HTTP_STACK)
    assert not [name for name in NEVER if prefixed(modules, name)]


@pytest.mark.parametrize("handler", HTTP_HANDLERS)
def test_http_handlers_load_no_batch_machinery(handler: str) -> None:
    modules = loaded_modules(handler)
    assert prefixed(modules, HTTP_STACK)
    assert not prefixed(modules, POWERTOOLS_HTTP)
    assert not prefixed(modules, BATCH)
    assert not [name for name in NEVER if prefixed(modules, name)]
