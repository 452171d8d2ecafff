"""Generate src/shop/meta/openapi.json: the OpenAPI 3.1 document of the whole API.

Each service's routes are described by Powertools' resolver, fed at build time with the
declarations of the lean resolver the functions run (platform/routing.py: the same paths,
options, markers and pydantic models); this merges them, gives each operation its service's
tag, its security and every problem the gateway or the platform can answer for it (one
Problem schema, with examples from the problem vocabulary), and adds the request and
response examples of openapi_examples.json.
`--check` fails if the committed document is stale.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import json
import os
import sys
from importlib import import_module
from typing import Annotated, Any, get_args, get_origin, get_type_hints

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler import Response as PowertoolsResponse
from aws_lambda_powertools.event_handler.openapi import params
from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from shop.platform import routing
from shop.platform.http import MAX_BODY_BYTES
from shop.platform.problems import PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, problem
from shop.resources import load_resources
from shop_tools.paths import SCRIPTS, SRC

DOCUMENT = SRC / "shop" / "meta" / "openapi.json"
EXAMPLES = SCRIPTS / "openapi_examples.json"

DESCRIPTION = """\
A serverless shop: users, catalog, cart, orders (an asynchronous checkout) and payments.

* **JSON** in and out, UTF-8; request bodies up to 64 KiB.
* **Money** is `{"amount": 1999, "currency": "EUR"}`: an integer in minor units, never a float.
* **Timestamps** are RFC 3339 UTC strings; **ids** are opaque strings chosen by the server.
* **Lists** take `?limit=` (1..100, default 20) and `?cursor=` (the `next_cursor` of the
  previous page, opaque and tamper-safe) and answer `{"items": [...], "next_cursor": ...}`.
* **Auth**: `Authorization: Bearer <access_token>` from `POST /auth/login`, verified at the
  gateway. Operations with a lock need a signed-in customer; those tagged *(admin)* need a
  user in the `admin` group.
* **Errors** are RFC 9457 problem details (`application/problem+json`): `type`, `title`,
  `status`, `detail` and, for invalid fields, `errors: [{field, message}]`. Each `type` is a
  page of this API, `/problems/{slug}`, saying what it means and what to do. Besides what
  an operation lists, any path answers 405 (with `Allow`) for a method it does not have.
* **Every response** carries `X-Request-Id` (yours, if you sent one): quote it when reporting a fault.
* **On AWS, API Gateway's own answers are the exception**: its 401 (the token refused), 404 (no
  such route; it never answers 405), 413 (a body over 10 MB), 429 (throttled) and 503 (the
  function did not answer in time) are `{"message": ...}` with an `apigw-requestid` header,
  no `X-Request-Id`.
* **Browsers**: the API answers CORS preflights for the origins it is configured to allow.
* `POST /orders` answers 202 `PENDING`; poll `GET /orders/{order_id}` until `CONFIRMED` or `CANCELLED`.
"""

TAGS = {
    "meta": "The API itself: health, this document, its interactive docs, the problem types",
    "users": "Sign-up, log-in and the caller's profile",
    "catalog": "Products and stock: public reads, admin writes",
    "cart": "The caller's cart, priced at current catalog prices",
    "orders": "Checkout (asynchronous), the caller's orders, shipping and stats (admin)",
    "payments": "The payments of the caller's orders",
}
SECURITY_SCHEME = "bearerAuth"
# What the platform and the gateway may answer on any route, besides what a handler declares
# (the platform checks a body, whatever the method, before the route runs).
GATEWAY_PROBLEMS = {
    400: "Invalid input: `errors` names each offending field",
    408: "The request stopped arriving: the connection is closed",
    413: f"The body is over {MAX_BODY_BYTES // 1024} KiB",
    414: "The request line is too long",
    415: "The body is not application/json",
    429: "Rate limit exceeded: retry after `Retry-After` seconds",
    431: "A header, or all of them together, is too large",
    500: "Unexpected failure, logged under the `X-Request-Id`",
    503: "The service is busy or unavailable: retry after `Retry-After` seconds",
}
_GENERATED_COMPONENTS = ("HTTPValidationError", "ValidationError", "ResponseValidationError")
_GENERATED_VALIDATION_ERROR = "#/components/schemas/HTTPValidationError"


def build_document() -> str:
    services = sorted(load_resources().services, key=lambda service: service.name)
    merge = OpenAPIMerge(
        title="Shop API",
        version="1.0.0",
        description=DESCRIPTION,
        tags=[service.name for service in services],
        security_schemes={
            SECURITY_SCHEME: HTTPBearer(
                bearerFormat="JWT",
                description="The `access_token` of `POST /auth/login` (or `/auth/refresh`)",
            )
        },
        on_conflict="error",
    )
    # The handlers are read, never run: payments' may load, though its sandbox takes no money
    os.environ.setdefault("SHOP_ALLOW_SANDBOX_PAYMENTS", "true")
    for service in services:
        handler_module = str(service.http_handler).rsplit(".", 1)[0]
        schema = powertools_app(import_module(handler_module).app).get_openapi_schema()
        merge.add_schema(schema.model_dump(by_alias=True, exclude_none=True))  # as add_schema dumps a model
    document: dict[str, Any] = json.loads(merge.get_openapi_json_schema())
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for component in _GENERATED_COMPONENTS:
        schemas.pop(component, None)
    split = sorted(name for name in schemas if name.endswith(("-Input", "-Output")))
    if split:
        raise SystemExit(f"models with different input and output schemas (make them one): {split}")
    schemas["Problem"] = PROBLEM_SCHEMA
    document["components"]["headers"] = HEADERS
    document["tags"] = [
        {"name": name, "description": TAGS.get(name, f"The {name} service")}
        for name in (service.name for service in services)
    ]
    examples = json.loads(EXAMPLES.read_text())
    for service in services:
        for route in service.routes:
            operation = document["paths"][route.path][route.method.lower()]
            operation["tags"] = operation.get("tags") or [service.name]  # a route may name another tag
            describe_errors(operation, route.auth)
            describe_headers(operation, route.auth)
            add_examples(operation, examples.get(operation["operationId"], {}))
    add_links(document)
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


_MARKERS: dict[type[routing.Param], type[params.Param] | type[params.Body]] = {
    routing.Query: params.Query,
    routing.Header: params.Header,
    routing.Path: params.Path,
    routing.Body: params.Body,
}


def powertools_app(app: routing.HttpResolver) -> APIGatewayHttpResolver:
    """Powertools' resolver with the lean resolver's routes: the same path, method and
    options, each handler's signature with Powertools' markers and `Response` in place of ours."""
    described = APIGatewayHttpResolver(enable_validation=True)
    for route in app.routes:
        described.route(route.rule, route.method, **route.options)(_with_powertools_types(route.func))
    return described


def _with_powertools_types(func: Any) -> Any:
    hints = get_type_hints(func, include_extras=True)
    signature = inspect.signature(func)
    parameters = [
        parameter.replace(annotation=_translated(hints.get(name, Any)))
        for name, parameter in signature.parameters.items()
    ]
    returned = hints.get("return", inspect.Signature.empty)
    if get_origin(returned) is routing.Response:
        returned = PowertoolsResponse[get_args(returned)[0]]  # type: ignore[misc]

    @functools.wraps(func)
    def described(*args: Any, **kwargs: Any) -> Any:
        answer = func(*args, **kwargs)
        if isinstance(answer, routing.Response):  # so the resolver can be run, not only described
            return PowertoolsResponse(
                answer.status_code, body=answer.body, headers=answer.headers, compress=answer.compress
            )
        return answer

    described.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters, return_annotation=returned
    )
    return described


def _translated(annotation: Any) -> Any:
    if get_origin(annotation) is not Annotated:
        return annotation
    inner, *metadata = get_args(annotation)
    return Annotated[(inner, *(_powertools_marker(meta) for meta in metadata))]


def _powertools_marker(meta: Any) -> Any:
    if not isinstance(meta, routing.Param):
        return meta
    default = {} if meta.default is ... else {"default": meta.default}
    return _MARKERS[type(meta)](**default, **meta.constraints)


# OpenAPI links: how an answer's ids feed the next call (the checkout journey). Clients and
# schemathesis' stateful fuzzing (tests/perf/test_fuzz_api.py) follow them.
# (operation, status) -> link name -> (target operation, its parameters from the answer)
_PRODUCT_ID = {"product_id": "$response.body#/product_id"}
_ORDER_ID = {"order_id": "$response.body#/order_id"}
LINKS: dict[tuple[str, str], dict[str, tuple[str, dict[str, str]]]] = {
    ("createProduct", "201"): {
        "GetProduct": ("getProduct", _PRODUCT_ID),
        "SetCartItem": ("setCartItem", _PRODUCT_ID),
    },
    ("setCartItem", "200"): {"CreateOrder": ("createOrder", {})},
    ("createOrder", "202"): {"GetOrder": ("getOrder", _ORDER_ID), "CancelOrder": ("cancelOrder", _ORDER_ID)},
    ("getOrder", "200"): {"CancelOrder": ("cancelOrder", _ORDER_ID)},
    ("cancelOrder", "200"): {"GetOrder": ("getOrder", _ORDER_ID)},
}


def add_links(document: dict[str, Any]) -> None:
    operations = {
        operation["operationId"]: operation
        for path in document["paths"].values()
        for operation in path.values()
    }
    for (source, status), links in LINKS.items():
        operations[source]["responses"][status]["links"] = {
            name: {"operationId": target, **({"parameters": parameters} if parameters else {})}
            for name, (target, parameters) in links.items()
        }


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details. `type` is the class of problem, a page of this API "
    "(`/problems/{slug}`); `title` may name the rule that failed more precisely.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "format": "uri-reference",
            # examples, not an enum: a client generated today must still read a type added tomorrow
            "description": "`/problems/{slug}`, a page of this API; `about:blank` for other statuses",
            "examples": [problem_type.uri for problem_type in PROBLEM_TYPES] + ["about:blank"],
        },
        "title": {"type": "string", "minLength": 1},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "The fields at fault: the invalid ones of a 400; the one in the way of a 409 "
            "(`email`, `sku`, `Idempotency-Key`), 412 (`If-Match`, `cart`) or 422 (`cart`)",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {
                        "type": "string",
                        "description": "Dotted path, e.g. `shipping_address.country`",
                    },
                    "message": {"type": "string"},
                },
            },
        },
    },
}
HEADERS: dict[str, Any] = {
    "X-Request-Id": {
        "description": "The request's id: yours if you sent a short token of safe characters, else a new "
        "one; every log line of the request carries it. On every response, the gateway's own problems too",
        "required": True,
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before retrying",
        "schema": {"type": "integer", "minimum": 0},
    },
    "Location": {"description": "The path of the created resource", "schema": {"type": "string"}},
    "ETag": {
        "description": "The version of what the answer shows (strong): send it back as If-Match",
        "schema": {"type": "string"},
    },
    "WWW-Authenticate": {
        "description": "Why the gateway refused the token (a 401 a handler answers has none)",
        "schema": {"type": "string"},
    },
}
_HEADERS_BY_STATUS = {"429": ["Retry-After"], "503": ["Retry-After"]}


# Headers a route answers beyond those of the status: what it created, the cart's version, the
# order in the way (tests/test_openapi_agrees_with_handlers.py reads them in the code).
_HEADERS_BY_OPERATION = {
    "createProduct": {"201": ["Location"]},
    "getCart": {"200": ["ETag"]},
    "setCartItem": {"200": ["ETag"]},
    "removeCartItem": {"200": ["ETag"]},
    "createOrder": {"202": ["Location"], "409": ["Location"], "412": ["ETag"]},
}


def describe_errors(operation: dict[str, Any], auth: str) -> None:
    """Every error is problem+json. Besides what a handler declares, a route documents the
    problems the platform and the gateway answer for it: 400 invalid input (Powertools
    documents 422), 401/403 by its auth, 404 for an unknown id in its path, and
    408/413/414/415/429/431/500/503 anywhere."""
    responses = operation.setdefault("responses", {})
    generated = responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if generated.get("$ref") == _GENERATED_VALIDATION_ERROR:
        del responses["422"]  # a 422 a handler declares (e.g. checkout of an empty cart) stays
    for status, description in GATEWAY_PROBLEMS.items():
        responses.setdefault(str(status), {"description": description})
    if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
        responses.setdefault("404", {"description": "No such resource"})
    if auth != "public":
        operation["security"] = [{SECURITY_SCHEME: []}]
        responses["401"] = {"description": "Missing, invalid or expired bearer token"}
    if auth == "admin":
        responses["403"] = {"description": "Not in the admin group"}
    for status, response in responses.items():
        if status == "204":
            response.pop("content", None)  # no body, whatever the handler's return type says
        elif int(status) >= 400:
            response["content"] = {
                PROBLEM_CONTENT_TYPE: {
                    "schema": {"$ref": "#/components/schemas/Problem"},
                    "example": problem(int(status), response["description"]),
                }
            }
    operation["x-shop-auth"] = auth


def describe_headers(operation: dict[str, Any], auth: str) -> None:
    for status, response in operation["responses"].items():
        names = [
            "X-Request-Id",
            *_HEADERS_BY_STATUS.get(status, []),
            *_HEADERS_BY_OPERATION.get(operation["operationId"], {}).get(status, []),
        ]
        if status == "401" and auth != "public":
            names.append("WWW-Authenticate")  # from the gateway's authorizer
        response["headers"] = {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def add_examples(operation: dict[str, Any], examples: dict[str, Any]) -> None:
    """`request` goes to the JSON request body, `responses` by status to the JSON answers."""
    if "request" in examples:
        operation["requestBody"]["content"]["application/json"]["example"] = examples["request"]
    for status, example in examples.get("responses", {}).items():
        operation["responses"][status]["content"]["application/json"]["example"] = example


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed document is stale")
    args = parser.parse_args()
    document = build_document()
    if args.check:
        if DOCUMENT.read_text() != document:
            print(f"{DOCUMENT} is stale: run `make openapi`", file=sys.stderr)
            return 1
        print(f"{DOCUMENT} is up to date")
        return 0
    DOCUMENT.write_text(document)
    paths = json.loads(document)["paths"]
    print(f"wrote {DOCUMENT} ({len(paths)} paths)")
    return 0
