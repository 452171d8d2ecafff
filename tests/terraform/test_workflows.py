"""The pipeline (.github/workflows): checks before any plan, plans as pull-request
artifacts, apply on main with prod behind its environment's approval, OIDC only, and a
post-deploy acceptance run with a throw-away admin that is always removed. The plan the
reviewers approve is held by test_reviewed_plan.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.terraform.hcl import REPO

pytestmark = pytest.mark.terraform

WORKFLOWS = REPO / ".github" / "workflows"


def load(name: str) -> dict[str, Any]:
    # PyYAML reads the key `on` as True (YAML 1.1); keep it as the string GitHub means.
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    if True in document:
        document["on"] = document.pop(True)
    return document  # type: ignore[no-any-return]


def steps(job: dict[str, Any]) -> list[str]:
    """Each step as one searchable line: its name, action and command."""
    return [" ".join(str(step.get(key, "")) for key in ("name", "uses", "run")) for step in job["steps"]]


def index(lines: list[str], text: str) -> int:
    found = [i for i, line in enumerate(lines) if text in line]
    assert found, f"no step with {text!r}"
    return found[0]


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_every_workflow_parses_and_has_jobs(path: Path) -> None:
    document = load(path.name)
    assert document["on"], path.name
    assert document["jobs"], path.name


def test_no_long_lived_aws_keys_anywhere() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        text = path.read_text()
        for forbidden in ("aws-access-key-id", "aws-secret-access-key", "AWS_SECRET_ACCESS_KEY"):
            assert forbidden not in text, f"{path.name}: {forbidden}"


def test_ci_runs_every_check_before_the_pull_request_plan() -> None:
    ci = load("ci.yml")
    assert "pull_request" in ci["on"]
    assert "workflow_call" in ci["on"]
    jobs = ci["jobs"]
    assert set(jobs["plan"]["needs"]) == {"lint", "unit", "integration", "terraform"}
    assert "make lint" in steps(jobs["lint"])[-1]
    assert "make unit" in steps(jobs["unit"])[-1]
    assert "make integration" in steps(jobs["integration"])[-1]
    terraform = steps(jobs["terraform"])
    assert index(terraform, "make terraform-check") < index(terraform, "make terraform-slow")
    assert jobs["plan"]["if"] == "github.event_name == 'pull_request'"
    assert jobs["plan"]["permissions"]["id-token"] == "write"
    assert jobs["plan"]["uses"] == "./.github/workflows/plan.yml"


def test_deploy_applies_dev_then_prod_after_the_checks() -> None:
    deploy = load("deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    jobs = deploy["jobs"]
    assert jobs["checks"]["uses"] == "./.github/workflows/ci.yml"
    assert (jobs["dev"]["needs"], jobs["dev"]["with"]["stage"]) == ("checks", "dev")
    assert (jobs["prod"]["needs"], jobs["prod"]["with"]["stage"]) == ("dev", "prod")
    for stage in ("dev", "prod"):
        assert jobs[stage]["uses"] == "./.github/workflows/stage.yml"
    assert deploy["permissions"]["id-token"] == "write"


def test_a_stage_applies_in_its_protected_environment_and_cleans_up_its_admin() -> None:
    stage = load("stage.yml")
    job = stage["jobs"]["apply"]
    assert job["environment"] == "${{ inputs.stage }}", "prod waits for the environment's reviewers"
    lines = steps(job)
    order = [
        "configure-aws-credentials",
        "terraform init -lockfile=readonly",
        "terraform apply tfplan",
        "Stage outputs",
        "pipeline_admin.py create",
        "make acceptance",
        "pipeline_admin.py delete",
    ]
    positions = [index(lines, text) for text in order]
    assert positions == sorted(positions), dict(zip(order, positions, strict=True))
    cleanup = job["steps"][index(lines, "pipeline_admin.py delete")]
    assert cleanup["if"].startswith("always()")
    credentials = job["steps"][index(lines, "configure-aws-credentials")]["with"]
    assert credentials["role-to-assume"] == "${{ secrets.AWS_DEPLOY_ROLE }}"
    assert set(stage["on"]["workflow_call"]["outputs"]) >= {"api_url", "user_pool_id", "user_pool_client_id"}
