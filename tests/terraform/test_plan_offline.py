"""`make plan ENV=aws STAGE=dev` (issue 21): the real `aws` environment, its stage file and lock
file, planned against the embedded emulator through a generated override in a copy of the
repository; docs/operations.md gives the count it prints."""

from __future__ import annotations

import re

import pytest

from shop_tools import plan
from tests.terraform.hcl import ENVIRONMENTS, REPO

pytestmark = [pytest.mark.terraform, pytest.mark.slow]


def test_make_plan_prints_the_dev_deployment_offline(capfd: pytest.CaptureFixture[str]) -> None:
    assert plan.main(["--env", "aws", "--stage", "dev"]) == 0
    out = re.sub(r"\x1b\[[0-9;]*m", "", capfd.readouterr().out)
    (count,) = re.findall(r"^Plan: (\d+) to add, 0 to change, 0 to destroy\.$", out, re.MULTILINE)
    documented = re.search(
        r"`make plan ENV=aws STAGE=dev`[^.]*?(\d+) resources", (REPO / "docs" / "operations.md").read_text()
    )
    assert documented, "docs/operations.md gives dev's count"
    assert int(count) == int(documented.group(1))
    assert not list(ENVIRONMENTS.glob("aws/*override*")), "the repository is never edited"


def test_the_override_replaces_the_backend_and_every_providers_credentials() -> None:
    override = plan.override()
    assert 'backend "local" {}' in override
    providers = re.findall(r'provider "aws" \{\n(  alias = "(\w+)"\n)?', override)
    assert [alias for _, alias in providers] == ["", "secondary", "us_east_1"]
    versions = (ENVIRONMENTS / "aws" / "versions.tf").read_text()
    assert sorted(re.findall(r'alias\s*=\s*"(\w+)"', versions)) == ["secondary", "us_east_1"]
    assert override.count('access_key                  = "test"') == 3
