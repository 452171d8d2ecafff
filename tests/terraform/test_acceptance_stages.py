"""Post-deploy acceptance takes no money where money is real (issue 18): prod runs only the @smoke
features, whose scenarios place no order, charge nothing and refund nothing; the full suite (which
charges Stripe's test tokens) runs on dev, whose provider is the sandbox or Stripe in test mode.
The alarm destination comes from a repository variable per stage, not from a committed file."""

from __future__ import annotations

import re

import pytest

from tests.terraform.hcl import REPO
from tests.terraform.test_workflows import load, steps

pytestmark = pytest.mark.terraform

FEATURES = REPO / "features"
# What takes money, or asks for it back: an order, its cancel, a card token
MONEY = re.compile(r"/orders|checkout|tok_|refund|payment token", re.IGNORECASE)


def smoke_scenarios() -> dict[str, list[str]]:
    """The steps of each @smoke scenario (and of its feature's Background), by name; a tag on the
    feature covers all its scenarios."""
    found: dict[str, list[str]] = {}
    for path in sorted(FEATURES.glob("*.feature")):
        tags: set[str] = set()
        feature_smoke = False
        current: list[str] | None = None
        for line in path.read_text().splitlines():
            text = line.strip()
            if text.startswith("@"):
                tags |= set(text.split())
            elif text.startswith("Feature:"):
                feature_smoke, tags = "@smoke" in tags, set()
            elif text.startswith(("Scenario", "Background:")):
                smoke = feature_smoke or "@smoke" in tags
                current = found.setdefault(f"{path.name}: {text}", []) if smoke else None
                tags = set()
            elif current is not None and text:
                current.append(text)
    return found


def test_the_smoke_subset_exists_and_takes_no_money() -> None:
    scenarios = smoke_scenarios()
    assert len(scenarios) >= 5
    for name, lines in scenarios.items():
        assert not [line for line in lines if MONEY.search(line)], f"{name} takes money: {lines}"


def test_prod_runs_the_smoke_subset_and_dev_the_full_suite() -> None:
    jobs = load("deploy.yml")["jobs"]
    assert jobs["dev"]["with"] == {"stage": "dev", "acceptance": "full"}
    assert jobs["prod"]["with"] == {"stage": "prod", "acceptance": "smoke"}


def test_a_stage_runs_the_acceptance_it_is_told_and_nothing_else() -> None:
    workflow = load("stage.yml")
    assert workflow["on"]["workflow_call"]["inputs"]["acceptance"]["required"] is True
    [acceptance] = [
        step for step in workflow["jobs"]["apply"]["steps"] if "Acceptance" in str(step.get("name"))
    ]
    assert acceptance["env"]["ACCEPTANCE"] == "${{ inputs.acceptance }}"
    assert "full) make acceptance ;;" in acceptance["run"]
    assert "smoke) make smoke ;;" in acceptance["run"]
    assert "exit 1" in acceptance["run"]  # anything else fails: never a silent full run in prod


def test_the_smoke_target_selects_the_smoke_marker() -> None:
    makefile = (REPO / "Makefile").read_text()
    [recipe] = re.findall(r"^smoke:.*\n\t(.+)$", makefile, re.MULTILINE)
    assert '-m "smoke and not slow"' in recipe


def test_alarm_emails_come_from_a_repository_variable_of_the_stage() -> None:
    # the plan job has no environment (its approval would come before the plan), so the
    # variable is the repository's, one per stage: ALARM_EMAILS_DEV, ALARM_EMAILS_PROD
    workflow = load("plan.yml")
    assert (
        workflow["env"]["TF_VAR_alarm_emails"]
        == "${{ vars[format('ALARM_EMAILS_{0}', inputs.stage)] || 'null' }}"
    )
    for stage in ("dev", "prod"):
        tfvars = (REPO / "terraform/environments/aws/stages" / f"{stage}.tfvars").read_text()
        assert "alarm_emails" not in re.sub(r"#.*", "", tfvars), (
            f"{stage}.tfvars would override the environment's"
        )
    assert any("terraform plan" in line for line in steps(workflow["jobs"]["plan"]))
