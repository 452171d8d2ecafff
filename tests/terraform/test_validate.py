"""`terraform validate` of every environment and of every public module's example with the real
hashicorp/aws provider, installed from the offline mirror at the version the environments'
committed lock files pin."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from shop_tools.terraform_providers import OFFLINE_TFRC, PROVIDER, mirror_path
from tests.terraform.cli import init, offline_environment, terraform
from tests.terraform.hcl import ENVIRONMENTS, MODULES, REPO, TERRAFORM, normalize

pytestmark = pytest.mark.terraform

ENVIRONMENT_NAMES = sorted(p.name for p in ENVIRONMENTS.iterdir() if (p / "main.tf").is_file())
EXAMPLES = sorted(str(p.parent.relative_to(TERRAFORM)) for p in MODULES.glob("*/examples/*/main.tf"))
ROOTS = [f"environments/{name}" for name in ENVIRONMENT_NAMES] + EXAMPLES


def test_there_are_environments_to_validate() -> None:
    assert {"aws", "localstack"} <= set(ENVIRONMENT_NAMES)


def test_there_are_examples_to_validate() -> None:
    assert {"modules/shop/examples/minimal", "modules/edge/examples/in_front_of_the_shop"} <= set(EXAMPLES)


def validate(root: str, scratch: Path) -> subprocess.CompletedProcess[str]:
    """An environment in place; an example in a copy of the modules beside resources.json, with
    the environments' lock file (examples commit none): init writes nothing into the repository."""
    directory = TERRAFORM / root
    if root in EXAMPLES:
        shutil.copytree(
            MODULES, scratch / "terraform" / "modules", ignore=shutil.ignore_patterns(".terraform*")
        )
        (scratch / "src" / "shop").mkdir(parents=True)
        shutil.copy(REPO / "src" / "shop" / "resources.json", scratch / "src" / "shop")
        directory = scratch / "terraform" / root
        shutil.copy(ENVIRONMENTS / "aws" / ".terraform.lock.hcl", directory)
    env = offline_environment(scratch / ".terraform")
    init(directory, env)
    return terraform(directory, "validate", "-json", "-no-color", env=env)


@pytest.fixture(scope="module")
def validations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every root at once: the four took 17-28 s here, 31 s one after the other (each validate
    starts the provider and loads its schema)."""
    scratches = [tmp_path_factory.mktemp("validate") for _ in ROOTS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(ROOTS, pool.map(validate, ROOTS, scratches), strict=True))


@pytest.mark.parametrize("root", ROOTS)
def test_validate_with_the_real_provider(
    root: str, validations: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    result = validations[root]
    report = json.loads(result.stdout)
    problems = [f"{d['severity']}: {d['summary']} {d.get('detail', '')}" for d in report["diagnostics"]]
    assert report["valid"], "\n".join(problems)
    assert result.returncode == 0, result.stderr
    assert report["warning_count"] == 0, "\n".join(problems)


@pytest.mark.parametrize("environment", ENVIRONMENT_NAMES)
def test_each_environment_commits_a_lock_file_of_only_the_aws_provider(environment: str) -> None:
    import hcl2

    lock = ENVIRONMENTS / environment / ".terraform.lock.hcl"
    assert lock.is_file(), f"{lock.relative_to(REPO)} is missing: run terraform init and commit it"
    with lock.open() as handle:
        providers = normalize(hcl2.load(handle))["provider"]
    assert [name for entry in providers for name in entry] == [PROVIDER]
    pinned = providers[0][PROVIDER]
    assert re.fullmatch(r"5\.\d+\.\d+", pinned["version"])
    assert pinned["hashes"], "the lock file pins no hash"


def test_offline_config_names_the_mirror_this_machine_has() -> None:
    mirror = mirror_path()
    if not mirror.exists():
        pytest.skip(f"no mirror at {mirror} on this machine: the providers come from the registry")
    pinned = {
        re.search(r'version\s*=\s*"([^"]+)"', (ENVIRONMENTS / e / ".terraform.lock.hcl").read_text()).group(1)  # type: ignore[union-attr]
        for e in ENVIRONMENT_NAMES
    }
    for version in pinned:
        assert (mirror / PROVIDER / version).is_dir() or list(
            (mirror / PROVIDER).glob(f"*_{version}_*.zip")
        ), f"{OFFLINE_TFRC.relative_to(REPO)} names {mirror}, which holds no hashicorp/aws {version}"


def test_no_provider_but_aws_is_required_anywhere() -> None:
    sources = {
        match
        for path in TERRAFORM.rglob("versions.tf")
        for match in re.findall(r'source\s*=\s*"([^"]+)"', path.read_text())
    }
    assert sources == {"hashicorp/aws"}, f"only hashicorp/aws is in the offline mirror, found {sources}"
