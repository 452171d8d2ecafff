"""Sum the JUnit reports of `make test`'s stages into one closing line.

.venv/bin/python scripts/test_summary.py .reports
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main() -> int:
    reports = sorted(Path(sys.argv[1] if len(sys.argv) > 1 else ".reports").glob("*.xml"))
    if not reports:
        print("no test reports found", file=sys.stderr)
        return 1
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    for report in reports:
        suite = ET.parse(report).getroot()  # noqa: S314 - our own pytest's report
        suite = suite if suite.tag == "testsuite" else suite.find("testsuite")  # type: ignore[assignment]
        tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        passed = tests - skipped - failed
        print(f"  {report.stem:<16} {passed:5d} passed {failed:3d} failed {skipped:3d} skipped")
        totals["passed"] += passed
        totals["failed"] += failed
        totals["skipped"] += skipped
    print(f"Total: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 1 if totals["failed"] else 0
