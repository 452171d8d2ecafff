"""checkov over terraform/: zero failed checks; every suppression is inline with a reason."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.terraform.hcl import TERRAFORM, tf_files

pytestmark = pytest.mark.terraform

SKIP = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(:?)(.*)")


def test_checkov_finds_no_failures(checkov_report: dict[str, Any]) -> None:
    failures = [
        f"{f['check_id']} {f['resource']} ({f['file_path']}:{f['file_line_range'][0]}): {f.get('check_name')}"
        for f in checkov_report["failed_checks"]
    ]
    assert not failures, "checkov failures (fix them or skip inline with a reason):\n" + "\n".join(failures)


def test_checkov_parsed_everything(checkov_report: dict[str, Any]) -> None:
    for summary in checkov_report["summary"]:
        assert summary.get("parsing_errors", 0) == 0, summary
        assert summary.get("resource_count", 0) >= 40, summary


def test_every_checkov_skip_has_a_reason() -> None:
    skips = []
    for path in tf_files(TERRAFORM):
        for line in path.read_text().splitlines():
            match = SKIP.search(line)
            if match:
                skips.append(match)
                assert match.group(2) == ":", f"{path}: {line.strip()}"
                assert len(match.group(3).strip()) > 20, f"{path}: {line.strip()}"
    assert skips  # the scan works
