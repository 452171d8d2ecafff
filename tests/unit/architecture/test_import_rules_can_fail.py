"""import-linter's contracts (pyproject.toml) pass on the code (`make lint`); here each rule
that keeps a service in its template is shown to fail: a copy of the package with one
offending import added, checked with the same contracts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

OFFENCES = {
    "a handler importing an adapter": (
        "shop/payments/handlers/http.py",
        "import shop.payments.adapters.dynamo_payments",
        "Handlers reach adapters only through the container BROKEN",
    ),
    "an adapter importing the service": (
        "shop/payments/adapters/dynamo_payments.py",
        "import shop.payments.service",
        "independent siblings, ports, domain BROKEN",
    ),
    "a domain importing the platform": (
        "shop/cart/domain/cart.py",
        "import shop.platform.http",
        "Domains are pure: no AWS, no framework, no outer layer BROKEN",
    ),
    "a service importing another": (
        "shop/orders/service.py",
        "import shop.cart.service",
        "Services do not import each other BROKEN",
    ),
}


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def copy_of_the_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("src")
    shutil.copytree(REPO / "src" / "shop", root / "shop", ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.mark.parametrize("offence", OFFENCES)
def test_each_rule_can_fail(copy_of_the_package: Path, offence: str) -> None:
    module, bad_import, verdict = OFFENCES[offence]
    path = copy_of_the_package / module
    original = path.read_text()
    path.write_text(original + f"\n{bad_import}  # the offence under test\n")
    try:
        result = lint_imports(copy_of_the_package)
    finally:
        path.write_text(original)
    assert result.returncode != 0, result.stdout
    assert verdict in " ".join(result.stdout.split()), result.stdout
