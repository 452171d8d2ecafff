"""The lean resolver (platform/routing.py) promises to answer as Powertools'
`APIGatewayHttpResolver(enable_validation=True)` does (decisions/0001). Here both get the same
routes — every route of every service, with the handlers replaced by a probe that records
what it was called with — and the same events: valid bodies (the OpenAPI examples), bad
JSON, bodies of the wrong shape, bad query and path values, wrong methods, unknown paths, and
gzip. They must route alike, refuse alike (the same error types at the same locations), and
call the handler with the same validated arguments. A synthetic app adds what no shop route
exercises in a unit test: answers, their serialization, status codes, cache control and gzip.

Not compared, because neither resolver does it: CORS preflights and the JWT check (the gateway
answers them before a function runs; tests/unit/local and tests/integration/local hold those).
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
from importlib import import_module, resources
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler import Response as PowertoolsResponse
from aws_lambda_powertools.event_handler.exceptions import NotFoundError as PowertoolsNotFound
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestValidationError as PowertoolsInvalid,
)
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    ValidationException as PowertoolsValidationException,
)
from pydantic import BaseModel, ConfigDict, Field

from shop.platform import routing
from shop_tools import openapi
from shop_tools.openapi import powertools_app
from tests.support.http_events import api_request

EXAMPLES: dict[str, Any] = json.loads(openapi.EXAMPLES.read_text())
RESOURCES = json.loads(resources.files("shop").joinpath("resources.json").read_text())
PATH_VALUE = "01JD0000000000000000000000"
NO_CONTEXT: Any = None  # neither resolver reads the Lambda context


class Reached(Exception):
    """The probe in place of a handler: validation passed, with these arguments."""

    def __init__(self, arguments: dict[str, Any]) -> None:
        super().__init__()
        self.arguments = arguments


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _errors(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": e["type"], "loc": [str(part) for part in e["loc"]], "msg": e["msg"]} for e in items]


def _answers(app: Any, invalid: type[Exception], not_found: type[Exception], response: type) -> None:
    """The same three outcomes on either resolver, as plain JSON."""

    @app.exception_handler(Reached)
    def _reached(error: Reached) -> Any:
        return response(status_code=299, content_type="application/json", body={"called": error.arguments})

    @app.exception_handler(invalid)
    def _invalid(error: Any) -> Any:
        return response(
            status_code=422, content_type="application/json", body={"errors": _errors(error.errors())}
        )

    @app.exception_handler(not_found)
    def _missing(_: Exception) -> Any:
        return response(status_code=404, content_type="application/json", body={"missing": True})


def _probe(func: Any) -> Any:
    @functools.wraps(func)
    def probe(**arguments: Any) -> Any:
        raise Reached({name: _plain(value) for name, value in arguments.items()})

    return probe


def _pair(routes: list[routing.Route]) -> tuple[routing.HttpResolver, APIGatewayHttpResolver]:
    lean = routing.HttpResolver()
    for route in routes:
        lean.route(route.rule, route.method, **route.options)(_probe(route.func))
    reference = powertools_app(lean)
    _answers(lean, routing.RequestValidationError, routing.NotFoundError, routing.Response)
    _answers(reference, PowertoolsInvalid, PowertoolsNotFound, PowertoolsResponse)
    return lean, reference


def _outcome(answer: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
    body = answer.get("body") or ""
    if answer.get("isBase64Encoded"):
        body = gzip.decompress(base64.b64decode(body)).decode()
    headers = {name.lower(): value for name, value in (answer.get("headers") or {}).items()}
    kept = {
        name: headers[name]
        for name in ("content-type", "content-encoding", "cache-control")
        if name in headers
    }
    return answer["statusCode"], json.loads(body) if body else None, kept


def _service_routes() -> dict[str, list[routing.Route]]:
    apps = {}
    for name, service in sorted(RESOURCES["services"].items()):
        module = import_module(service["http_handler"].rsplit(".", 1)[0])
        apps[name] = list(module.app.routes)
    return apps


SERVICE_ROUTES = _service_routes()


def _path(rule: str) -> str:
    return "/".join(PATH_VALUE if part.startswith("<") else part for part in rule.split("/"))


def _events(route: routing.Route) -> list[tuple[str, dict[str, Any]]]:
    path = _path(route.rule)
    example = EXAMPLES.get(route.options.get("operation_id", ""), {}).get("request")
    events = [
        ("as documented", api_request(route.method, path, body=example)),
        ("no body", api_request(route.method, path)),
        ("bad json", api_request(route.method, path, body="{")),
        ("a list", api_request(route.method, path, body=[])),
        ("empty object", api_request(route.method, path, body={})),
        ("unknown field", api_request(route.method, path, body={**(example or {}), "unexpected": 1})),
        ("a string", api_request(route.method, path, body="just text")),
        ("bad limit", api_request(route.method, path, query={"limit": "many"})),
        ("limit out of range", api_request(route.method, path, query={"limit": "0"})),
        ("empty path value", api_request(route.method, _path(route.rule).replace(PATH_VALUE, " "))),
        ("another method", api_request("PATCH" if route.method != "PATCH" else "PUT", path)),
    ]
    if isinstance(example, dict):
        for field in example:
            wrong = {**example, field: [1, 2]}
            events.append((f"{field} of the wrong type", api_request(route.method, path, body=wrong)))
    return events


CASES = [
    pytest.param(service, index, id=f"{route.method} {route.rule}")
    for service, routes in SERVICE_ROUTES.items()
    for index, route in enumerate(routes)
]


@pytest.mark.parametrize(("service", "index"), CASES)
def test_every_route_is_routed_validated_and_called_alike(service: str, index: int) -> None:
    lean, reference = _pair(SERVICE_ROUTES[service])
    route = SERVICE_ROUTES[service][index]
    for what, event in _events(route):
        assert _outcome(lean.resolve(event, None)) == _outcome(reference.resolve(event, NO_CONTEXT)), what


def test_the_comparison_sees_a_difference() -> None:
    """A resolver that validated differently would be caught: here the lean side alone is
    given a stricter rule for the same route."""
    strict = routing.HttpResolver()

    @strict.get("/things/<thing_id>")
    def _strict(thing_id: Annotated[str, routing.Path(max_length=2)]) -> None: ...

    loose = routing.HttpResolver()

    @loose.get("/things/<thing_id>")
    def _loose(thing_id: str) -> None: ...

    lean, _ = _pair(strict.routes)
    _, reference = _pair(loose.routes)
    event = api_request("GET", "/things/abc")
    assert _outcome(lean.resolve(event, None)) != _outcome(reference.resolve(event, NO_CONTEXT))


# What no shop route shows without AWS behind it: how answers are built.
class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    count: int = Field(ge=0)


def _answering_app() -> routing.HttpResolver:
    app = routing.HttpResolver()

    @app.get("/things/<thing_id>", cache_control="max-age=60", compress=True)
    def get_thing(thing_id: str) -> Thing:
        return Thing(name=thing_id, count=3)

    @app.get("/things")
    def list_things(limit: Annotated[int, routing.Query(ge=1, le=5)] = 2) -> list[Thing]:
        return [Thing(name=str(n), count=n) for n in range(limit)]

    @app.post("/things", status_code=201)
    def add_thing(thing: Annotated[Thing, routing.Body()]) -> Thing:
        return thing

    @app.put("/things/<thing_id>")
    def replace_thing(thing_id: str, thing: Annotated[Thing, routing.Body()]) -> routing.Response[Thing]:
        return routing.Response(202, "application/json", thing, headers={"Location": f"/things/{thing_id}"})

    @app.delete("/things/<thing_id>")
    def delete_thing(thing_id: str) -> routing.Response[None]:
        return routing.Response(204, "application/json", None)

    @app.get("/broken")
    def broken() -> Thing:
        return {"name": "", "count": -1}  # type: ignore[return-value]  # an answer off its own model

    return app


ANSWERS = [
    ("GET", "/things/ab", None, {"accept-encoding": "gzip"}),
    ("GET", "/things/ab", None, {}),
    ("GET", "/things", None, {}),
    ("POST", "/things", {"name": "x", "count": 1}, {}),
    ("POST", "/things", {"name": "", "count": -1}, {}),
    ("PUT", "/things/ab", {"name": "x", "count": 1}, {}),
    ("DELETE", "/things/ab", None, {}),
    ("GET", "/nothing", None, {}),
    ("GET", "/broken", None, {}),
]


@pytest.mark.parametrize(("method", "path", "body", "headers"), ANSWERS)
def test_answers_are_built_alike(method: str, path: str, body: Any, headers: dict[str, str]) -> None:
    app = _answering_app()
    reference = powertools_app(app)
    # a broken answer is our ResponseValidationError (Powertools' too once
    # `response_validation_error_http_code` is set): the same errors either way
    _answers(app, routing.ValidationException, routing.NotFoundError, routing.Response)
    _answers(reference, PowertoolsValidationException, PowertoolsNotFound, PowertoolsResponse)
    event = api_request(method, path, body=body, headers=headers)
    assert _outcome(app.resolve(event, None)) == _outcome(reference.resolve(event, NO_CONTEXT))
