"""The Terraform CLI with the real AWS provider.

`terraform validate`, `plan`, `apply` and `test` need the provider binary: from the filesystem
mirror terraform/offline.tfrc names where this machine has it (the offline machines and CI),
from the registry otherwise (a laptop or runner with network access), as the Makefile decides.
Where the CLI is missing, or neither source has the provider, the tests that need them FAIL
with one line saying so: a check that did not run must never look like a pass (install
Terraform >= 1.11, see terraform/README.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from shop_tools.terraform_providers import provider_source


def terraform_binary() -> str:
    """The `terraform` on PATH, or a one-line failure: validate / plan did NOT run."""
    binary = shutil.which("terraform")
    if binary is None:
        pytest.fail(
            "NOT RUN: no `terraform` on PATH, so terraform validate/plan did not run "
            "(install Terraform >= 1.11)",
            pytrace=False,
        )
    return binary


def offline_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """os.environ with the offline settings; TF_DATA_DIR keeps .terraform/ out of the repository."""
    return {
        **os.environ,
        "CHECKPOINT_DISABLE": "1",
        **provider_source(),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "TF_DATA_DIR": str(data_dir),
        **extra,
    }


def terraform(
    directory: Path, *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [terraform_binary(), f"-chdir={directory}", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def init(directory: Path, env: dict[str, str]) -> None:
    """init against the committed lock file (never rewritten), from the mirror or the registry."""
    result = terraform(directory, "init", "-backend=false", "-lockfile=readonly", "-no-color", env=env)
    source = "the mirror" if "TF_CLI_CONFIG_FILE" in provider_source() else "the registry (no mirror here)"
    assert result.returncode == 0, (
        f"terraform init from {source} failed in {directory.name} (another platform than the lock "
        f"file's? see terraform/README.md):\n{result.stdout[-3000:]}\n{result.stderr}"
    )


def managed_resources(directory: Path, *state_args: str, env: dict[str, str]) -> list[str]:
    """The addresses of what the state manages (data sources left out)."""
    result = terraform(directory, "state", "list", *state_args, env=env)
    assert result.returncode == 0, result.stderr
    return [
        line
        for line in result.stdout.splitlines()
        if line and ".data." not in line and not line.startswith("data.")
    ]
