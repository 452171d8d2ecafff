"""The Terraform CLI with the real AWS provider from the offline filesystem mirror.

`terraform validate`, `plan` and `apply` need the provider binary, which offline machines
get only from the mirror named in terraform/offline.tfrc. Where the CLI or the mirror is
missing, the tests that need them FAIL with one line saying so: a check that did not run
must never look like a pass (install Terraform >= 1.11 and fill the mirror, see
terraform/README.md).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.terraform.hcl import TERRAFORM

OFFLINE_TFRC = TERRAFORM / "offline.tfrc"
PROVIDER = "registry.terraform.io/hashicorp/aws"


def mirror_path() -> Path:
    """The filesystem mirror that offline.tfrc names (its only installation method)."""
    match = re.search(r'filesystem_mirror\s*{[^}]*path\s*=\s*"([^"]+)"', OFFLINE_TFRC.read_text())
    assert match, f"{OFFLINE_TFRC} names no filesystem mirror"
    return Path(match.group(1))


def terraform_binary() -> str:
    """The `terraform` on PATH, or a one-line failure: validate / plan did NOT run."""
    binary = shutil.which("terraform")
    if binary is None:
        pytest.fail(
            "NOT RUN: no `terraform` on PATH, so terraform validate/plan did not run "
            "(install Terraform >= 1.11)",
            pytrace=False,
        )
    mirror = mirror_path()
    if not any((mirror / PROVIDER).glob("*/*/terraform-provider-aws*")) and not any(
        (mirror / PROVIDER).glob("terraform-provider-aws*.zip")
    ):
        pytest.fail(
            f"NOT RUN: no hashicorp/aws provider in the mirror {mirror} (terraform/offline.tfrc), "
            "so terraform validate/plan did not run (fill it: see terraform/README.md)",
            pytrace=False,
        )
    return binary


def offline_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """os.environ with the offline settings; TF_DATA_DIR keeps .terraform/ out of the repository."""
    return {
        **os.environ,
        "CHECKPOINT_DISABLE": "1",
        "TF_CLI_CONFIG_FILE": str(OFFLINE_TFRC),
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
    """init from the mirror only, against the committed lock file (never rewritten)."""
    result = terraform(directory, "init", "-backend=false", "-lockfile=readonly", "-no-color", env=env)
    assert result.returncode == 0, (
        f"terraform init failed in {directory.name}:\n{result.stdout[-3000:]}\n{result.stderr}"
    )
