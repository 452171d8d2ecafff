"""Every service keeps the template docs/architecture.md describes (payments is the example):
the same files, the handlers thin and alike, and no service inventing its own way of doing what
the platform or the kernel already does. Each rule is a function over source text, so the
negative tests below can show it failing on a made-up offender."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from shop.resources import load_resources

SRC = Path(__file__).resolve().parents[3] / "src" / "shop"
SERVICES = {service.name: service for service in load_resources().services if service.name != "meta"}
HTTP_SERVICES = sorted(service.name for service in load_resources().services if service.http_handler)
ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete"}

TEMPLATE = [
    "domain/__init__.py",
    "domain/errors.py",
    "domain/events.py",
    "ports.py",
    "service.py",
    "adapters/__init__.py",
    "handlers/__init__.py",
    "handlers/http.py",
    "container.py",
]
HANDLER_MODULES = {"__init__.py", "http.py", "events.py"}


def missing_files(root: Path, consumes: bool) -> list[str]:
    wanted = TEMPLATE + (["handlers/events.py"] if consumes else [])
    return [name for name in wanted if not (root / name).is_file()]


def extra_handler_modules(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "handlers").glob("*.py") if p.name not in HANDLER_MODULES)


def misnamed_queue_entries(source: str) -> list[str]:
    """The table given to `sqs_handler` maps each event type to `on_<event_type in snake case>`."""
    wrong = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "sqs_handler":
            table = next(arg for arg in node.args if isinstance(arg, ast.Dict))
            for key, value in zip(table.keys, table.values, strict=True):
                event_type = str(key.value) if isinstance(key, ast.Constant) else "?"
                expected = "on_" + re.sub(r"(?<!^)(?=[A-Z])", "_", event_type).lower()
                if not (isinstance(value, ast.Name) and value.id == expected):
                    wrong.append(f"{event_type} → {ast.unparse(value)} (want {expected})")
    return wrong


def retry_loops(source: str) -> list[int]:
    """A loop that catches an error and goes round again is a hand-written retry: services use
    `kernel.retry.retry_on_conflict`. (A loop without a `try`, such as paging, is fine.)"""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.For | ast.While)
        and any(isinstance(inner, ast.Try) for inner in ast.walk(node))
    ]


def hand_built_answers(source: str) -> list[int]:
    """Handlers answer with models, `Response` or `no_content()`; the platform builds the Lambda
    answer. A dict literal with a `statusCode` key is one built by hand."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Dict)
        and any(isinstance(key, ast.Constant) and key.value == "statusCode" for key in node.keys)
    ]


def undocumented_routes(source: str) -> list[str]:
    """Every route declares what it answers with `responses=documented(...)` (platform.http),
    its problems described from the service's one table: never a dict written out per route."""
    wrong = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", None) in ROUTE_DECORATORS:
                responses = next((kw.value for kw in decorator.keywords if kw.arg == "responses"), None)
                if not (
                    isinstance(responses, ast.Call) and getattr(responses.func, "id", None) == "documented"
                ):
                    wrong.append(node.name)
    return wrong


def json_answers_not_by_the_helper(source: str) -> list[int]:
    """A JSON answer with a status or headers of its own is `json_response(...)`: a `Response(...)`
    naming the JSON media type is a second way of writing it."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "Response"
        and any(
            (isinstance(arg, ast.Constant) and arg.value == "application/json")
            or (isinstance(arg, ast.Name) and arg.id == "JSON_MEDIA_TYPE")
            for arg in [*node.args, *(kw.value for kw in node.keywords)]
        )
    ]


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_the_template_files(name: str) -> None:
    root = SRC / name
    assert missing_files(root, bool(SERVICES[name].consumes)) == []
    assert extra_handler_modules(root) == []


@pytest.mark.parametrize("name", sorted(name for name in SERVICES if SERVICES[name].consumes))
def test_queue_entries_are_on_event_functions(name: str) -> None:
    assert misnamed_queue_entries((SRC / name / "handlers" / "events.py").read_text()) == []


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_no_service_writes_its_own_retry_loop(name: str) -> None:
    assert retry_loops((SRC / name / "service.py").read_text()) == []


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_no_handler_builds_its_answer_by_hand(name: str) -> None:
    for module in (SRC / name / "handlers").glob("*.py"):
        assert hand_built_answers(module.read_text()) == [], module.name


@pytest.mark.parametrize("name", HTTP_SERVICES)
def test_every_route_documents_its_answers_with_documented(name: str) -> None:
    assert undocumented_routes((SRC / name / "handlers" / "http.py").read_text()) == []


@pytest.mark.parametrize("name", HTTP_SERVICES)
def test_json_answers_go_through_json_response(name: str) -> None:
    assert json_answers_not_by_the_helper((SRC / name / "handlers" / "http.py").read_text()) == []


# Each rule fails on an offender.
def test_a_missing_or_extra_file_is_seen(tmp_path: Path) -> None:
    (tmp_path / "handlers").mkdir()
    (tmp_path / "handlers" / "business_metrics.py").write_text("")
    assert "service.py" in missing_files(tmp_path, consumes=True)
    assert "handlers/events.py" in missing_files(tmp_path, consumes=True)
    assert extra_handler_modules(tmp_path) == ["business_metrics.py"]


def test_a_factory_in_the_queue_table_is_seen() -> None:
    source = 'handler = sqs_handler("orders", {"StockReserved": _consume(X, f), "OrderPlaced": on_placed})'
    assert misnamed_queue_entries(source) == [
        "StockReserved → _consume(X, f) (want on_stock_reserved)",
        "OrderPlaced → on_placed (want on_order_placed)",
    ]


def test_a_retry_loop_written_in_a_service_is_seen() -> None:
    source = """
def set_item(carts):
    for _ in range(3):
        try:
            return carts.save()
        except CartChanged:
            continue

def every_page(pages):
    while True:
        page = pages.next()
        if page is None:
            return
"""
    assert retry_loops(source) == [3]


def test_an_answer_built_by_hand_is_seen() -> None:
    source = 'def get_cart():\n    return {"statusCode": 200, "body": "{}"}\n'
    assert hand_built_answers(source) == [2]


def test_an_inline_response_dict_or_a_route_without_responses_is_seen() -> None:
    source = """
@app.get("/things/<thing_id>", responses={200: {"description": "The thing"}, 404: {"description": "No"}})
def get_thing(thing_id): ...

@app.get("/things")
def list_things(): ...

@app.delete("/things/<thing_id>", responses=documented(204, "Deleted", _PROBLEMS, 404))
def delete_thing(thing_id): ...
"""
    assert undocumented_routes(source) == ["get_thing", "list_things"]


def test_a_json_answer_built_around_the_helper_is_seen() -> None:
    source = """
def create():
    return Response(status_code=201, content_type="application/json", body=thing)

def accept():
    return Response(202, JSON_MEDIA_TYPE, thing)

def page():
    return Response(status_code=200, content_type=HTML, body=text)
"""
    assert json_answers_not_by_the_helper(source) == [3, 6]
