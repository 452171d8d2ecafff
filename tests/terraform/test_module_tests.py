"""The modules' contracts in Terraform's own test framework (issue 21): each module's
`tests/*.tftest.hcl` plans or applies it against `mock_provider "aws"` (nothing reaches AWS) and
asserts naming, IAM scoping (on the arguments of aws_iam_policy_document: a mocked data source
renders no JSON), encryption and alarms, with at least one refused input per contract
(`expect_failures` on a variable's validation). Run here offline, in a copy of terraform/modules
with the environments' lock file, so init writes nothing into the repository.

modules/secrets, and modules/shop that calls it, open an ephemeral resource (the cursor key's
random value), which `mock_provider` cannot mock before Terraform 1.12 (hashicorp/terraform#38608):
their tests plan with the real provider against the embedded emulator (moto on 127.0.0.1, started
once for them; AWS_ENDPOINT_URL sends every call to it) and create nothing; marked slow.
modules/edge's tests need resources.json beside them: tests/terraform/test_edge.py runs them.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from shop_tools.plan import emulator, emulator_settings, package_without_dependencies
from tests.terraform.cli import init, offline_environment, terraform
from tests.terraform.hcl import ENVIRONMENTS, MODULES, REPO

pytestmark = pytest.mark.terraform

TESTED = sorted(p.parent.parent.name for p in MODULES.glob("*/tests/*.tftest.hcl") if p.parts[-3] != "edge")
# Modules whose plan opens an ephemeral resource, which mock_provider refuses (see above).
EMULATED = ["secrets", "shop"]
MOCKED = [module for module in TESTED if module not in EMULATED]


def test_every_module_has_terraform_tests_with_a_refused_input() -> None:
    modules = {p.name for p in MODULES.iterdir() if (p / "main.tf").is_file()} - {"edge"}
    assert set(TESTED) == modules, modules ^ set(TESTED)
    for module in TESTED:
        text = "".join(p.read_text() for p in (MODULES / module / "tests").glob("*.tftest.hcl"))
        # The emulated ones configure the real provider with dummy credentials, never AWS's.
        provider = 'access_key                  = "test"' if module in EMULATED else 'mock_provider "aws"'
        assert provider in text, module
        assert "expect_failures = [var." in text, f"{module}: no failing-case run"


def run_tests(directory: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    # The environments' lock file: the module is tested with the provider they pin.
    shutil.copy(ENVIRONMENTS / "aws" / ".terraform.lock.hcl", directory)
    env = offline_environment(directory / ".terraform", **settings)
    init(directory, env)
    return terraform(directory, "test", "-no-color", env=env, timeout=300)


def modules_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """terraform/modules copied to where it is in the repository (relative paths hold)."""
    copy = tmp_path_factory.mktemp("repository") / "terraform" / "modules"
    shutil.copytree(MODULES, copy, ignore=shutil.ignore_patterns(".terraform*", "edge"))
    return copy


def assert_passed(module: str, result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    files = (MODULES / module / "tests").glob("*.tftest.hcl")
    runs = sum(len(re.findall(r'^run "', p.read_text(), re.MULTILINE)) for p in files)
    assert f"Success! {runs} passed, 0 failed." in result.stdout, result.stdout[-2000:]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every mocked module's tests at once: each run mostly waits for its provider to start."""
    copy = modules_copy(tmp_path_factory)
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(MOCKED, pool.map(run_tests, [copy / module for module in MOCKED]), strict=True))


@pytest.fixture(scope="module")
def emulated_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """The emulated modules' tests, against one emulator started for them, beside resources.json
    and the zips that modules/shop's tests read where the repository has them."""
    copy = modules_copy(tmp_path_factory)
    repository = copy.parent.parent
    (repository / "src" / "shop").mkdir(parents=True)
    shutil.copy(REPO / "src" / "shop" / "resources.json", repository / "src" / "shop")
    package_without_dependencies(repository / "dist")
    with emulator() as endpoint, ThreadPoolExecutor(max_workers=2) as pool:
        run = functools.partial(run_tests, **emulator_settings(endpoint))
        return dict(zip(EMULATED, pool.map(run, [copy / module for module in EMULATED]), strict=True))


@pytest.mark.parametrize("module", MOCKED)
def test_the_modules_terraform_tests_pass(
    module: str, results: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    assert_passed(module, results[module])


# Slow: their plans against the emulator cost ~35 s more than the mocked ones (docs/testing.md).
@pytest.mark.slow
@pytest.mark.parametrize("module", EMULATED)
def test_the_emulated_modules_terraform_tests_pass(
    module: str, emulated_results: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    assert_passed(module, emulated_results[module])
