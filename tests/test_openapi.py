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
