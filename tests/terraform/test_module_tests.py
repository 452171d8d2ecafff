"""The modules' contracts in Terraform's own test framework (issue 21): each module's
`tests/*.tftest.hcl` plans or applies it against `mock_provider "aws"` (nothing reaches AWS) and
asserts naming, IAM scoping (on the arguments of aws_iam_policy_document: a mocked data source
renders no JSON), encryption and alarms, with at least one refused input per contract
(`expect_failures` on a variable's validation). Run here offline, in a copy of terraform/modules
with the environments' lock file, so init writes nothing into the repository.

modules/edge's tests need resources.json beside them: tests/terraform/test_edge.py runs them.
modules/secrets, and modules/shop that calls it, open an ephemeral resource (the cursor key's
random value), which `mock_provider` cannot mock before Terraform 1.12 (hashicorp/terraform#38608):
they have no terraform test yet, and their contracts stay with the Python checks and the emulator
apply (tests/terraform/test_apply.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.terraform.cli import init, offline_environment, terraform
from tests.terraform.hcl import ENVIRONMENTS, MODULES

pytestmark = pytest.mark.terraform

TESTED = sorted(p.parent.parent.name for p in MODULES.glob("*/tests/*.tftest.hcl") if p.parts[-3] != "edge")
# Modules whose plan opens an ephemeral resource, which mock_provider refuses (see above).
UNMOCKABLE = {"secrets", "shop"}


def test_every_module_has_terraform_tests_with_a_refused_input() -> None:
    modules = {p.name for p in MODULES.iterdir() if (p / "main.tf").is_file()} - {"edge"}
    assert set(TESTED) == modules - UNMOCKABLE, (modules - UNMOCKABLE) ^ set(TESTED)
    for module in TESTED:
        text = "".join(p.read_text() for p in (MODULES / module / "tests").glob("*.tftest.hcl"))
        assert 'mock_provider "aws"' in text, module
        assert "expect_failures = [var." in text, f"{module}: no failing-case run"


def run_tests(directory: Path) -> subprocess.CompletedProcess[str]:
    # The environments' lock file: the module is tested with the provider they pin.
    shutil.copy(ENVIRONMENTS / "aws" / ".terraform.lock.hcl", directory)
    env = offline_environment(directory / ".terraform")
    init(directory, env)
    return terraform(directory, "test", "-no-color", env=env, timeout=300)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every module's tests at once: each run mostly waits for its provider to start."""
    copy = tmp_path_factory.mktemp("modules") / "modules"
    shutil.copytree(MODULES, copy, ignore=shutil.ignore_patterns(".terraform*", "edge"))
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(TESTED, pool.map(run_tests, [copy / module for module in TESTED]), strict=True))


@pytest.mark.parametrize("module", TESTED)
def test_the_modules_terraform_tests_pass(
    module: str, results: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    result = results[module]
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    files = (MODULES / module / "tests").glob("*.tftest.hcl")
    runs = sum(len(re.findall(r'^run "', p.read_text(), re.MULTILINE)) for p in files)
    assert f"Success! {runs} passed, 0 failed." in result.stdout, result.stdout[-2000:]
