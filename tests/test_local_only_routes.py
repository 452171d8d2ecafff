"""/_local/ (the embedded stack's mailbox) exists only on the embedded stack: no route of the
resource description, no path of the OpenAPI document and nothing Terraform deploys names it."""

from __future__ import annotations

import json
from pathlib import Path

from shop.local.edge.gateway import LOCAL_PREFIX
from shop.resources import load_resources

REPO = Path(__file__).resolve().parents[1]


def test_no_route_of_the_resource_description_is_local() -> None:
    assert [route.route_key for route in load_resources().routes if route.path.startswith(LOCAL_PREFIX)] == []


def test_the_openapi_document_has_no_local_path() -> None:
    document = json.loads((REPO / "src/shop/meta/openapi.json").read_text())
    assert [path for path in document["paths"] if path.startswith(LOCAL_PREFIX)] == []
    assert LOCAL_PREFIX not in json.dumps(document)


def test_terraform_names_no_local_path() -> None:
    files = [path for path in (REPO / "terraform").rglob("*") if path.suffix in (".tf", ".json", ".tfvars")]
    assert files
    assert [str(path) for path in files if LOCAL_PREFIX in path.read_text()] == []
