"""The local gateway's CORS, as API Gateway HTTP API answers with resources.json's `cors`
section: preflights for any path, allowed origins echoed on every answer, others left bare."""

from __future__ import annotations

import json

import pytest

from shop.local.edge.cors import CorsPolicy, local_policy
from shop.local.edge.gateway import Gateway
from shop.resources import Route, load_resources

RESOURCES = load_resources()
CORS = RESOURCES.cors
GATEWAY = Gateway((Route("GET", "/things", "public", "things", "nowhere.handler"),))


def preflight(origin: str, path: str = "/products", method: str = "POST") -> dict[str, str]:
    headers = [("Origin", origin), ("Access-Control-Request-Method", method)]
    answer = GATEWAY.handle("OPTIONS", path, headers, b"")
    assert answer.status == 204
    assert answer.body == b""
    return dict(answer.headers)


def test_resources_json_has_the_section_with_local_origins_for_make_run() -> None:
    assert CORS is not None
    assert CORS.local_allow_origins == ("http://localhost:*", "http://127.0.0.1:*")
    assert CORS.allow_origins == ()  # a deployment names its own
    assert local_policy().allow_origins == CORS.local_allow_origins


@pytest.mark.parametrize("origin", ["http://localhost:3000", "http://127.0.0.1:8080", "http://localhost:1"])
def test_a_preflight_from_a_local_origin_is_allowed_for_any_path(origin: str) -> None:
    for path in ("/products", "/orders/abc/cancel", "/no/such/route"):
        headers = preflight(origin, path)
        assert headers["Access-Control-Allow-Origin"] == origin
        assert headers["Access-Control-Allow-Methods"].split(",") == list(CORS.allow_methods)  # type: ignore[union-attr]
        assert set(headers["Access-Control-Allow-Headers"].split(",")) >= {"authorization", "content-type"}
        assert headers["Access-Control-Max-Age"] == str(CORS.max_age_seconds)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "origin",
    [
        "https://localhost:3000",
        "http://localhost",
        "http://localhost:3000.evil.example",
        "http://evil.example:3000",
        "null",
    ],
)
def test_a_preflight_from_another_origin_gets_no_cors_headers(origin: str) -> None:
    headers = preflight(origin)
    assert not [name for name in headers if name.lower().startswith("access-control-")]


def test_an_options_request_that_is_no_preflight_goes_to_the_router() -> None:
    answer = GATEWAY.handle("OPTIONS", "/things", [("Origin", "http://localhost:3000")], b"")
    assert answer.status == 405
    assert answer.header("Allow") == "GET"
    assert answer.header("Access-Control-Allow-Origin") == "http://localhost:3000"  # readable by the page


def test_answers_to_an_allowed_origin_carry_allow_origin_and_expose_headers() -> None:
    answer = GATEWAY.handle("GET", "/nowhere", [("Origin", "http://127.0.0.1:5173")], b"")
    assert answer.status == 404
    assert json.loads(answer.body)["type"] == "/problems/not-found"
    assert answer.header("Access-Control-Allow-Origin") == "http://127.0.0.1:5173"
    assert set(answer.header("Access-Control-Expose-Headers").split(",")) == set(CORS.expose_headers)  # type: ignore[union-attr]
    assert answer.header("Vary") == "Origin"


def test_answers_without_an_origin_or_to_another_one_carry_none() -> None:
    for headers in ([], [("Origin", "https://shop.example")]):
        answer = GATEWAY.handle("GET", "/nowhere", headers, b"")
        assert answer.header("Access-Control-Allow-Origin") is None


def test_a_deployment_policy_allows_exactly_its_origins() -> None:
    policy = CorsPolicy(("https://shop.example",), ("GET",), (), (), 60)
    assert policy.allows("https://shop.example")
    assert not policy.allows("https://shop.example:8443")
    assert not policy.allows("http://localhost:3000")
