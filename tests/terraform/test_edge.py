"""Per-client limits on AWS (issue 18, point 7; decision 0008): modules/edge puts CloudFront and an
AWS WAF web ACL in front of the API, one rate-based rule per resources.json throttling.per_client
entry; environments/aws turns it on with `edge_protection` (required in prod: test_fail_closed.py).

The rules themselves are checked by the module's own `terraform test`
(terraform/modules/edge/tests/edge.tftest.hcl: planned with mocked providers against the real
resources.json); here it runs offline, and the wiring around it is read from the parsed HCL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from shop.platform.problems import PROBLEM_TYPES
from tests.terraform.cli import init, offline_environment, terraform
from tests.terraform.hcl import ENVIRONMENTS, MODULES, REPO, blocks, locals_of

pytestmark = pytest.mark.terraform

EDGE = MODULES / "edge"


def calls(directory: Path) -> dict[str, dict[str, object]]:
    return {b.name: b.body for b in blocks("module", directory)}


def test_the_edge_modules_terraform_tests_pass(tmp_path: Path) -> None:
    """In a copy of the module (and of the kms module it uses) beside resources.json: init and
    test write nothing into the repository."""
    modules = tmp_path / "terraform" / "modules"
    for name in ("edge", "kms"):
        shutil.copytree(MODULES / name, modules / name, ignore=shutil.ignore_patterns(".terraform*"))
    (tmp_path / "src" / "shop").mkdir(parents=True)
    shutil.copy(REPO / "src" / "shop" / "resources.json", tmp_path / "src" / "shop")
    # The environments' lock file: the module is tested with the provider they pin.
    shutil.copy(ENVIRONMENTS / "aws" / ".terraform.lock.hcl", modules / "edge")
    env = offline_environment(tmp_path / ".terraform")
    init(modules / "edge", env)
    result = terraform(modules / "edge", "test", "-no-color", env=env, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert "5 passed, 0 failed" in result.stdout, result.stdout[-2000:]


def test_the_429_body_is_the_shops_too_many_requests_problem() -> None:
    (problem,) = [p for p in PROBLEM_TYPES if p.status == 429]
    body = locals_of(EDGE)["too_many_requests"]
    assert (body["type"], body["title"], body["status"]) == (problem.uri, problem.title, 429)
    assert "Retry-After" in body["detail"]


def test_the_environment_feeds_the_rules_from_resources_json_and_only_when_asked() -> None:
    edge = calls(ENVIRONMENTS / "aws")["edge"]
    assert edge["per_client"] == "${local.resources.throttling.per_client}"
    assert edge["count"] == "${var.edge_protection == null ? 0 : 1}"
    assert "aws.us_east_1" in str(edge["providers"])  # the web ACL's region
    (variable,) = [b for b in blocks("variable", ENVIRONMENTS / "aws") if b.name == "edge_protection"]
    assert variable.body["default"] is None  # dev and staging may go without


def test_behind_the_edge_nothing_bypasses_it_and_the_services_call_the_origin() -> None:
    """The execute-api endpoint is off with a custom domain; SHOP_API_URL is that origin domain,
    never CloudFront's name, so no per-client rule can count a service's call to another."""
    shop = calls(ENVIRONMENTS / "aws")["shop"]
    assert shop["api_domain_name"] == (
        "${var.edge_protection == null ? null : var.edge_protection.origin_domain_name}"
    )
    inside = calls(MODULES / "shop")
    assert inside["http_api"]["disable_execute_api_endpoint"] == "${var.api_domain_name != null}"
    assert inside["service"]["api_url"] == "${local.api_url}"
    api_url = locals_of(MODULES / "shop")["api_url"]
    assert (
        api_url
        == '${var.api_domain_name == null ? module.http_api.api_endpoint : "https://${var.api_domain_name}"}'
    )
    (api,) = [b for b in blocks("resource", MODULES / "http_api") if b.type == "aws_apigatewayv2_api"]
    assert api.body["disable_execute_api_endpoint"] == "${var.disable_execute_api_endpoint}"
