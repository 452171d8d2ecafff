"""The pipeline shows prod its plan (issue 21): each stage is planned by a job of its own, which
keeps the binary plan, its text, the zips it hashed and its commit as an artifact; the apply job,
the only one bound to the stage's environment (so prod's reviewers approve a plan they can read),
applies exactly that artifact and plans nothing itself. Every remote action is pinned by commit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.terraform.hcl import TERRAFORM, blocks
from tests.terraform.test_workflows import WORKFLOWS, index, load, steps

pytestmark = pytest.mark.terraform

ENV = "terraform/environments/aws"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
# `uses: owner/action@<sha> # vX.Y.Z`: the tag a reader looks up, beside the commit that runs
PINNED_LINE = re.compile(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def jobs() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for name, job in load(path.name)["jobs"].items():
            yield path.name, name, job


def remote_uses() -> Iterator[tuple[str, str]]:
    """Every `uses:` of a step or a job that is not a workflow of this repository."""
    for workflow, _, job in jobs():
        found = [job.get("uses")] + [step.get("uses") for step in job.get("steps", [])]
        yield from ((workflow, uses) for uses in found if uses and not uses.startswith("./"))


def test_every_remote_action_is_pinned_by_a_full_commit_sha_with_its_tag_beside_it() -> None:
    used = list(remote_uses())
    assert len(used) >= 6
    unpinned = [(workflow, uses) for workflow, uses in used if not PINNED.match(uses)]
    assert not unpinned, unpinned
    for path in WORKFLOWS.glob("*.yml"):
        for line in path.read_text().splitlines():
            if "uses:" in line and "./" not in line:
                assert PINNED_LINE.search(line.strip()), f"{path.name}: {line.strip()}"


def test_the_apply_job_is_the_only_job_bound_to_an_environment() -> None:
    bound = [(workflow, name, job["environment"]) for workflow, name, job in jobs() if "environment" in job]
    assert bound == [("stage.yml", "apply", "${{ inputs.stage }}")]
    deploy = load("deploy.yml")["jobs"]
    assert deploy["prod"]["uses"] == "./.github/workflows/stage.yml"
    assert deploy["prod"]["with"]["stage"] == "prod"


def test_prod_applies_the_artifact_of_its_own_plan_job_and_plans_nothing_itself() -> None:
    stage = load("stage.yml")["jobs"]
    assert stage["plan"]["uses"] == "./.github/workflows/plan.yml"
    assert stage["plan"]["with"]["stage"] == "${{ inputs.stage }}"
    apply = stage["apply"]
    assert apply["needs"] == "plan"
    lines = steps(apply)
    order = [
        "download-artifact",
        "Refuse a stale plan",
        "configure-aws-credentials",
        "terraform init -lockfile=readonly",
        "terraform apply tfplan",
        "pipeline_admin.py create",
        "pipeline_admin.py delete",
    ]
    positions = [index(lines, text) for text in order]
    assert positions == sorted(positions), dict(zip(order, positions, strict=True))
    download = apply["steps"][index(lines, "download-artifact")]["with"]
    assert download["name"] == "${{ needs.plan.outputs.artifact }}"
    stale = apply["steps"][index(lines, "Refuse a stale plan")]["run"]
    assert "$GITHUB_SHA" in stale
    assert "sha256sum --check" in stale
    for forbidden in ("terraform plan", "make package", "scripts/package.py"):
        assert not [line for line in lines if forbidden in line], f"the apply job runs {forbidden}"


def test_the_plan_job_keeps_plan_text_zips_and_commit_and_shows_the_plan() -> None:
    plan = load("plan.yml")
    assert set(plan["on"]["workflow_call"]["inputs"]) == {"stage"}
    [job] = plan["jobs"].values()
    assert "environment" not in job, "a plan needs no approval: the apply does"
    lines = steps(job)
    order = [
        "configure-aws-credentials",
        "make package",
        "terraform init -lockfile=readonly",
        "terraform plan",
        "terraform show -no-color tfplan",
        "GITHUB_STEP_SUMMARY",
        "sha256sum",
        "upload-artifact",
    ]
    positions = [index(lines, text) for text in order]
    assert positions == sorted(positions), dict(zip(order, positions, strict=True))
    credentials = job["steps"][index(lines, "configure-aws-credentials")]["with"]
    assert credentials["role-to-assume"] == "${{ secrets[format('AWS_PLAN_ROLE_{0}', inputs.stage)] }}"
    upload = job["steps"][index(lines, "upload-artifact")]["with"]
    kept = upload["path"].split()
    assert {
        "dist/*.zip",
        f"{ENV}/tfplan",
        f"{ENV}/plan.txt",
        f"{ENV}/plan.commit",
        f"{ENV}/plan.sha256",
    } <= set(kept)
    assert "terraform apply" not in " ".join(lines)


def test_pull_requests_get_dev_s_plan_alone_and_the_apply_test_runs_in_the_pipeline() -> None:
    """Only dev's plan role trusts pull requests (terraform/bootstrap's pull_request_stages): a
    pull request's workflow may not read prod's state or its cursor key."""
    ci = load("ci.yml")["jobs"]
    plan = ci["plan"]
    assert plan["if"] == "github.event_name == 'pull_request'"
    assert plan["uses"] == "./.github/workflows/plan.yml"
    assert "strategy" not in plan
    (variable,) = [b for b in blocks("variable", TERRAFORM / "bootstrap") if b.name == "pull_request_stages"]
    assert [plan["with"]["stage"]] == variable.body["default"] == ["dev"]
    assert "make terraform-slow" in steps(ci["terraform"])[-1]
