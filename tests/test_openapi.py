"""The served OpenAPI document is generated from the code and describes every route."""

import json
import runpy
from importlib import resources
from pathlib import Path

from tests.conftest import resource_description

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "openapi.py"


def committed_document() -> dict[str, object]:
    return json.loads(resources.files("shop.meta").joinpath("openapi.json").read_text())  # type: ignore[no-any-return]


def test_committed_document_is_what_the_code_generates() -> None:
    build_document = runpy.run_path(str(SCRIPT))["build_document"]
    assert json.loads(build_document()) == committed_document(), "stale: run `make openapi`"


def test_every_route_is_documented_with_its_auth() -> None:
    document = committed_document()
    assert str(document["openapi"]).startswith("3.1")
    paths = document["paths"]
    assert isinstance(paths, dict)
    for service in resource_description()["services"].values():
        for route in service["routes"]:
            operation = paths[route["path"]][route["method"].lower()]
            assert operation["x-shop-auth"] == route["auth"]
            assert ("security" in operation) == (route["auth"] != "public")


def test_every_error_is_a_problem_and_the_platform_answers_are_documented() -> None:
    paths = committed_document()["paths"]
    assert isinstance(paths, dict)
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            where = f"{method.upper()} {path}"
            assert "400" in responses, where
            for status, response in responses.items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (where, status)
                if status == "204":
                    assert "content" not in response, where
            if "requestBody" in operation:
                assert {"413", "415"} <= responses.keys(), where
            if "{" in path:
                assert "404" in responses, where


def test_what_a_handler_declares_survives_the_generator() -> None:
    paths = committed_document()["paths"]
    assert isinstance(paths, dict)
    checkout = paths["/orders"]["post"]["responses"]
    assert {"202", "409", "422", "503"} <= checkout.keys()  # 422: an empty cart, not invalid input
    assert "200" not in checkout
    assert "422" in paths["/cart/items/{product_id}"]["put"]["responses"]
    assert "401" in paths["/auth/login"]["post"]["responses"]
    assert "409" in paths["/users"]["post"]["responses"]
