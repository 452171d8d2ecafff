"""The served OpenAPI document is generated from the code, is a valid OpenAPI 3.1 document and
tells a client developer everything: ids, tags, security, constraints, examples, problems."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from pydantic import ValidationError

from shop.kernel.address import Address
from shop.platform.problems import PROBLEM_TYPES
from shop.resources import load_resources
from shop_tools import openapi

METHODS = {"get", "put", "post", "patch", "delete"}


def committed_document() -> dict[str, Any]:
    return json.loads(resources.files("shop.meta").joinpath("openapi.json").read_text())  # type: ignore[no-any-return]


DOCUMENT = committed_document()


def operations() -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def schema_validator(schema: dict[str, Any]) -> OAS31Validator:
    """A validator for a schema of the document, its `$ref`s resolved against the document."""
    return OAS31Validator({**schema, "components": DOCUMENT["components"]})


def test_committed_document_is_what_the_code_generates() -> None:
    assert json.loads(openapi.build_document()) == DOCUMENT, "stale: run `make openapi`"


def test_the_document_is_valid_openapi_3_1() -> None:
    assert str(DOCUMENT["openapi"]).startswith("3.1")
    validate(DOCUMENT)  # raises, naming the first error, if not


def test_one_schema_per_model() -> None:
    names = DOCUMENT["components"]["schemas"]
    assert not [name for name in names if name.endswith(("-Input", "-Output"))]
    titles = [schema.get("title", name) for name, schema in names.items()]
    assert len(titles) == len(set(titles)), "two schemas share a title: generated clients would clash"


# Routes a function serves under another service's tag: meta serves the analytics page.
TAGGED_ELSEWHERE = {("GET", "/admin/dashboard"): "analytics"}


def test_every_route_is_documented_with_its_auth_and_its_service_tag() -> None:
    paths = DOCUMENT["paths"]
    resources = load_resources()
    for route in resources.routes:
        operation = paths[route.path][route.method.lower()]
        tag = TAGGED_ELSEWHERE.get((route.method, route.path), route.service)
        assert operation["tags"] == [tag], route
        assert operation["x-shop-auth"] == route.auth
        if route.auth == "public":
            assert "security" not in operation, route
        else:
            assert operation["security"] == [{"bearerAuth": []}], route
    assert {tag["name"] for tag in DOCUMENT["tags"]} == {service.name for service in resources.services}
    scheme = DOCUMENT["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")


def test_operation_ids_are_explicit_unique_camel_case() -> None:
    ids = [operation["operationId"] for _, operation in operations()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]*)*", op_id) for op_id in ids), ids
    by_route = {route: operation["operationId"] for route, operation in operations()}
    assert by_route["GET /products"] == "listProducts"
    assert by_route["POST /orders"] == "createOrder"


def test_every_error_is_a_problem_and_the_gateway_answers_are_documented() -> None:
    for where, operation in operations():
        responses = operation["responses"]
        # 408 a request that stops arriving, 413/415 a body (any method's) too large or not JSON
        assert {"400", "408", "413", "414", "415", "429", "431", "500", "503"} <= responses.keys(), where
        for status, response in responses.items():
            assert "X-Request-Id" in response["headers"], (where, status)
            if int(status) >= 400:
                media = response["content"]
                assert list(media) == ["application/problem+json"], (where, status)
                assert media["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
                example = media["application/problem+json"]["example"]
                assert example["status"] == int(status), where
                schema_validator(media["application/problem+json"]["schema"]).validate(example)
            if status == "204":
                assert "content" not in response, where
        assert "Retry-After" in responses["429"]["headers"], where
        if "{" in where:
            assert "404" in responses, where
        if operation["x-shop-auth"] != "public":
            assert "401" in responses, where
        if operation["x-shop-auth"] == "admin":
            assert "403" in responses, where


def test_x_request_id_is_a_required_header_of_every_response() -> None:
    """Every answer carries it, the gateway's own problems too (test_local_gateway.py holds that)."""
    document = committed_document()
    assert document["components"]["headers"]["X-Request-Id"]["required"] is True
    for where, operation in operations():
        for status, response in operation["responses"].items():
            assert response["headers"]["X-Request-Id"] == {"$ref": "#/components/headers/X-Request-Id"}, (
                where,
                status,
            )


def test_the_problem_types_are_the_vocabulary_the_code_uses() -> None:
    documented = DOCUMENT["components"]["schemas"]["Problem"]["properties"]["type"]["examples"]
    assert documented == [problem_type.uri for problem_type in PROBLEM_TYPES] + ["about:blank"]


def test_what_a_handler_declares_survives_the_generator() -> None:
    paths = DOCUMENT["paths"]
    checkout = paths["/orders"]["post"]["responses"]
    assert {"202", "409", "422", "503"} <= checkout.keys()  # 422: an empty cart, not invalid input
    assert "200" not in checkout
    assert "Location" in checkout["202"]["headers"]
    assert "422" in paths["/cart/items/{product_id}"]["put"]["responses"]
    assert "401" in paths["/auth/login"]["post"]["responses"]
    assert "409" in paths["/users"]["post"]["responses"]


def json_media(operation: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(what, media type object) of the JSON request body and JSON success responses."""
    found = []
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        found.append(("request", body))
    for status, response in operation["responses"].items():
        media = response.get("content", {}).get("application/json")
        if int(status) < 400 and media and media["schema"]:  # `{}`: any JSON (the document itself)
            found.append((status, media))
    return found


def test_every_json_request_and_answer_has_an_example_that_fits_its_schema() -> None:
    missing = []
    for where, operation in operations():
        for what, media in json_media(operation):
            if "example" not in media:
                missing.append(f"{where} {what}")
                continue
            schema_validator(media["schema"]).validate(media["example"])
    assert not missing, f"add examples in scripts/openapi_examples.json for: {missing}"


def test_the_constraints_the_server_enforces_are_in_the_schema() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    quantity = schemas["SetQuantity"]["properties"]["quantity"]
    assert (quantity["minimum"], quantity["maximum"]) == (1, 99)
    for route in ("/products", "/orders"):
        (limit,) = [p for p in DOCUMENT["paths"][route]["get"]["parameters"] if p["name"] == "limit"]
        assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 100)
    token = schemas["PlaceOrderRequest"]["properties"]["payment_token"]
    assert token["pattern"].startswith("^tok_")
    assert set(schemas["OrderStatus"]["enum"]) == {"PENDING", "RESERVED", "CONFIRMED", "SHIPPED", "CANCELLED"}


@pytest.mark.parametrize(
    "postal_code", ["75002", "SW1A 1AA", "10-950", "A", "", " ", "-75", "75_002", "1" * 17]
)
def test_the_address_schema_accepts_what_the_server_accepts(postal_code: str) -> None:
    address = {"line1": "1 Main St", "city": "Paris", "postal_code": postal_code, "country": "FR"}
    by_schema = schema_validator({"$ref": "#/components/schemas/Address"}).is_valid(address)
    try:
        Address.model_validate(address)
        by_server = True
    except ValidationError:
        by_server = False
    assert by_schema == by_server
