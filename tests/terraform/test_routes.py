"""Routes: generated with for_each from resources.json, with the right authorization, and
resources.json agrees with the REST contract the repository documents (docs/api.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shop.resources import Resources
from tests.terraform.hcl import MODULES, blocks, locals_of

API_MD = Path(__file__).resolve().parents[2] / "docs" / "api.md"

pytestmark = pytest.mark.terraform

EXPECTED_AUTHORIZATION = {"public": "NONE", "customer": "JWT", "admin": "JWT"}


def described_routes(shop_resources: Resources) -> dict[str, tuple[str, str]]:
    """Route key -> (auth, service), the way modules/shop builds local.routes."""
    routes: dict[str, tuple[str, str]] = {}
    for route in shop_resources.routes:
        assert route.route_key not in routes, (
            f"{route.route_key} is described twice (merge() would silently keep one)"
        )
        routes[route.route_key] = (route.auth, route.service)
    return routes


def test_routes_are_generated_from_resources_json_with_for_each() -> None:
    """A route per var.routes, with its authorization and target: terraform/modules/http_api/tests."""
    shop = locals_of(MODULES / "shop")
    assert shop["services"] == "${var.resources.services}"
    routes = shop["routes"]
    for fragment in (
        "for name, svc in local.services",
        "for route in svc.routes",
        "route.method",
        "route.path",
        "route.auth",
        "function = name",
    ):
        assert fragment in routes.replace("\\", ""), fragment
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["http_api"]
    assert call["routes"] == "${local.routes}"


def test_every_route_gets_the_authorization_of_its_auth(shop_resources: Resources) -> None:
    routes = described_routes(shop_resources)
    assert routes
    for key, (auth, service) in routes.items():
        assert auth in EXPECTED_AUTHORIZATION, f"{key}: unknown auth {auth}"
        assert shop_resources.service(service)
    admin = [k for k, (auth, _) in routes.items() if auth == "admin"]
    assert admin
    assert all(EXPECTED_AUTHORIZATION["admin"] == "JWT" for _ in admin)


def contract_routes(api_md: Path) -> dict[str, str]:
    """`METHOD /path` -> auth from the route tables of api.md (query strings dropped)."""
    routes = {}
    row = re.compile(r"^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|\s*(\w+)\s*\|", re.MULTILINE)
    for method, path, auth in row.findall(api_md.read_text()):
        routes[f"{method} {path.split('?')[0]}"] = auth
    return routes


def test_resources_json_matches_the_api_contract(shop_resources: Resources) -> None:
    contract = contract_routes(API_MD)
    assert len(contract) >= 20, "the route tables of docs/api.md were not found"
    described = {key: auth for key, (auth, _) in described_routes(shop_resources).items()}
    missing = sorted(set(contract) - set(described))
    assert not missing, f"routes of docs/api.md missing from resources.json: {missing}"
    wrong = {key: (described[key], auth) for key, auth in contract.items() if described[key] != auth}
    assert not wrong, f"auth differs from docs/api.md (resources.json, api.md): {wrong}"
    undocumented = sorted(set(described) - set(contract))
    assert not undocumented, (
        f"routes of resources.json not in docs/api.md (document them there): {undocumented}"
    )
