"""`terraform validate` of every environment with the real hashicorp/aws provider,
installed from the offline mirror at the version its committed lock file pins."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from shop_tools.terraform_providers import OFFLINE_TFRC, PROVIDER, mirror_path
from tests.terraform.cli import init, offline_environment, terraform
from tests.terraform.hcl import ENVIRONMENTS, REPO, TERRAFORM, normalize

pytestmark = pytest.mark.terraform

ENVIRONMENT_NAMES = sorted(p.name for p in ENVIRONMENTS.iterdir() if (p / "main.tf").is_file())


def test_there_are_environments_to_validate() -> None:
    assert {"aws", "localstack"} <= set(ENVIRONMENT_NAMES)


@pytest.mark.parametrize("environment", ENVIRONMENT_NAMES)
def test_validate_with_the_real_provider(environment: str, tmp_path: Path) -> None:
    env = offline_environment(tmp_path / ".terraform")
    directory = ENVIRONMENTS / environment
    init(directory, env)
    result = terraform(directory, "validate", "-json", "-no-color", env=env)
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
