"""scripts/package.py builds byte-identical zips from the same sources.

Uses `--no-deps` (source zips only): no download, a few seconds. The dependencies layer
is built by `make package` (uv export + uv pip install for python3.12 arm64) and is
reproducible by the same zip writer.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from shop.resources import Resources
from tests.terraform.hcl import REPO

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

SCRIPT = REPO / "scripts" / "package.py"


def build(out: Path, *options: str) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--no-deps", "--out", str(out), *options],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sha256" in result.stdout  # the summary
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.glob("*.zip"))}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict[str, str]]:
    first_dir = tmp_path_factory.mktemp("dist-a")
    first = build(first_dir)
    second = build(tmp_path_factory.mktemp("dist-b"))
    return first_dir, first, second


def test_two_builds_are_byte_identical(builds: tuple[Path, dict[str, str], dict[str, str]]) -> None:
    _, first, second = builds
    assert first == second


def test_one_zip_per_service_and_the_relay(
    builds: tuple[Path, dict[str, str], dict[str, str]], shop_resources: Resources
) -> None:
    _, first, _ = builds
    assert set(first) == {f"{service.name}.zip" for service in shop_resources.services} | {"relay.zip"}


def test_zip_entries_are_normalised_and_clean(
    builds: tuple[Path, dict[str, str], dict[str, str]], shop_resources: Resources
) -> None:
    out, _, _ = builds
    services = {service.name for service in shop_resources.services}
    for path in out.glob("*.zip"):
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            files = [n for n in names if not n.endswith("/")]
            assert files == sorted(files), path.name
            assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
            assert {info.external_attr >> 16 for info in infos if not info.is_dir()} == {0o100644}
            assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
            assert not [n for n in names if n.startswith(("shop/local/", "shop/tests/"))]
            assert all(n.startswith("shop/") for n in names)
            assert "shop/__init__.py" in names
            assert "shop/kernel/__init__.py" in names
            packaged = {n.split("/")[1] for n in names if n.count("/") >= 2}
            name = path.stem
            if name == "relay":
                assert not packaged & services
            else:
                assert packaged & services == {name}, f"{name}.zip holds {packaged & services}"


def test_bytecode_builds_are_reproducible_and_used(tmp_path: Path) -> None:
    """`--compile-with` ships unchecked-hash .pyc that Python loads instead of compiling."""
    first = build(tmp_path / "a", "--compile-with", sys.executable, "--only", "cart")
    assert first == build(tmp_path / "b", "--compile-with", sys.executable, "--only", "cart")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(tmp_path / "a" / "cart.zip") as archive:
        archive.extractall(unpacked)
        pyc = [n for n in archive.namelist() if n.endswith(".pyc")]
    assert pyc
    assert all("/__pycache__/" in name for name in pyc)
    header = (unpacked / pyc[0]).read_bytes()[4:8]
    assert int.from_bytes(header, "little") == 0b01  # hash-based, source never checked
    probe = subprocess.run(
        [sys.executable, "-v", "-c", "import shop.kernel.money"],
        env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"code object from '{unpacked}/shop/kernel/__pycache__/money." in probe.stderr
