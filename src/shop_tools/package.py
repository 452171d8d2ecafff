"""Build the Lambda deployment packages, reproducibly.

    .venv/bin/python scripts/package.py [--out dist] [--no-deps] [--only NAME ...]

Output (what terraform/environments/* read):

    dist/<service>.zip  one per service of src/shop/resources.json: the `shop`
                        package with kernel, platform and that service only
                        (meta serves the OpenAPI document from the file
                        `make openapi` generated, so it needs no other service)
    dist/relay.zip      the outbox relay: kernel + platform
    dist/layer.zip      Lambda layer with the runtime dependencies pinned in
                        uv.lock, for python3.12 on arm64 (under python/)

Source comes from src/shop only; tests, __pycache__, *.pyc and the embedded
local stack (src/shop/local) are left out.

Dependencies: `uv export --frozen --no-dev --no-default-groups
--no-emit-project --no-hashes` turns uv.lock into pinned requirements, then
`uv pip install --target ... --python-platform aarch64-manylinux2014
--python-version 3.12 --only-binary :all: --no-deps` installs exactly those
wheels for the Lambda runtime (markers are evaluated for the target, not for
this machine). `--installer pip` uses `pip install --platform
manylinux2014_aarch64 --implementation cp --python-version 3.12
--only-binary=:all: --target ...` instead. uv is looked up in $UV, PATH,
<repo>/.tools/bin (the Makefile bootstraps it there). Both only contact the
package index.

Reproducible: entries sorted, every timestamp 1980-01-01 00:00:00, fixed
permissions (0644 files, 0755 directories), no directory-order or umask
dependence; the same inputs give byte-identical zips, so Terraform's
source_code_hash (filebase64sha256) does not change and nothing redeploys.

`--no-deps` skips the layer (source zips only: fast, no network), which is
what tests/terraform/test_package.py uses.

`--compile-with PYTHON` also ships bytecode: Lambda's file system is read-only, so
without `.pyc` every cold start compiles every module it imports (measured here:
≈435 ms instead of ≈160 ms for `import boto3` alone). PYTHON must be the runtime's
version (python3.12; the deploy pipeline has it, this machine may not); the `.pyc`
are unchecked-hash based (no timestamps: reproducible; never stale, since a zip's
sources never change) and name their source by its path on Lambda.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from shop.resources import load_resources
from shop_tools.paths import REPO, SRC

PACKAGE = SRC / "shop"
RESOURCES = PACKAGE / "resources.json"

SHARED = ("kernel", "platform")  # packages every function gets
EXCLUDED_DIRS = {"__pycache__", "tests", "test", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
EXCLUDED_SUFFIXES = {".pyc", ".pyo"}
EXCLUDED_NAMES = {".DS_Store"}

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644
DIR_MODE = 0o040755

TARGET_PYTHON = "3.12"
FUNCTION_ROOT = "/var/task"  # where Lambda unpacks a function's zip
LAYER_ROOT = "/opt"  # ... and a layer's

# Runs under the target Python: compiles (archive name, source) pairs into a directory.
COMPILER = """
import importlib.util, json, py_compile, sys
root, staging = sys.argv[1], sys.argv[2]
for name, source in json.load(sys.stdin):
    py_compile.compile(
        source,
        cfile=staging + "/" + importlib.util.cache_from_source(name),
        dfile=root + "/" + name,
        doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
"""
TARGET_PLATFORM_PIP = "manylinux2014_aarch64"
TARGET_PLATFORM_UV = "aarch64-manylinux2014"


def log(message: str) -> None:
    print(message, flush=True)


# --------------------------------------------------------------------------- zips


def _included(path: Path, root: Path) -> bool:
    rel = path.relative_to(root)
    if any(part in EXCLUDED_DIRS for part in rel.parts[:-1]):
        return False
    return path.suffix not in EXCLUDED_SUFFIXES and path.name not in EXCLUDED_NAMES


def walk_files(root: Path) -> Iterator[Path]:
    """Every file under root (sorted, symlinks followed), minus the exclusions."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if d not in EXCLUDED_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and _included(path, root):
                yield path


def write_zip(destination: Path, entries: Iterable[tuple[str, Path]]) -> None:
    """Write (archive name, file) pairs as a deterministic zip."""
    files = dict(entries)  # archive name -> path (later wins; names are unique)
    names = sorted(files)
    directories = sorted(
        {"/".join(name.split("/")[:i]) + "/" for name in names for i in range(1, name.count("/") + 1)}
    )
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_suffix(destination.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for directory in directories:
            info = zipfile.ZipInfo(directory, date_time=FIXED_DATE)
            info.create_system = 3
            info.external_attr = (DIR_MODE << 16) | 0x10
            archive.writestr(info, b"")
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.create_system = 3
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name].read_bytes(), compresslevel=9)
    tmp.replace(destination)


def source_entries(packages: Iterable[str]) -> list[tuple[str, Path]]:
    """`shop/__init__.py`, the shop-level data files and the given subpackages."""
    entries: list[tuple[str, Path]] = []
    for path in sorted(PACKAGE.iterdir()):
        if path.is_file() and _included(path, PACKAGE):
            entries.append((f"shop/{path.name}", path))
    for package in packages:
        root = PACKAGE / package
        if not root.is_dir():
            log(f"  ! src/shop/{package} does not exist (yet): skipped")
            continue
        for path in walk_files(root):
            entries.append((f"shop/{package}/{path.relative_to(root).as_posix()}", path))
    return entries


def swagger_ui_entries() -> list[tuple[str, Path]]:
    """The two files of Swagger UI meta's /docs page loads, from the swagger-ui-py package
    (a dev dependency: the rest of it, jinja2 and PyYAML stay out of the layer)."""
    from shop.meta.handlers.http import DOCS_ASSETS, SWAGGER_UI_DIR, swagger_ui_static

    static = swagger_ui_static()
    return [(f"shop/meta/{SWAGGER_UI_DIR}/{name}", static / name) for name in sorted(DOCS_ASSETS)]


def services() -> list[str]:
    return sorted(service.name for service in load_resources(RESOURCES).services)


def function_packages() -> dict[str, list[str]]:
    """Zip name -> shop subpackages it contains."""
    plan = {service: [*SHARED, service] for service in services()}
    plan["relay"] = list(SHARED)
    return plan


# --------------------------------------------------------------------------- dependencies


def find_uv() -> str:
    candidates = [
        os.environ.get("UV"),
        shutil.which("uv"),
        str(REPO / ".tools" / "bin" / "uv"),  # what the Makefile bootstraps
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    sys.exit(
        "package.py: uv not found (set $UV, put it on PATH or in .tools/): it exports the pins from uv.lock"
    )


def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    log("  $ " + " ".join(command))
    return subprocess.run(command, check=True, cwd=REPO, **kwargs)


def export_requirements(uv: str, destination: Path) -> None:
    run(
        [
            uv,
            "export",
            "--frozen",
            "--no-dev",
            "--no-default-groups",
            "--no-emit-project",
            "--no-hashes",
            "--format",
            "requirements-txt",
            "--output-file",
            str(destination),
        ],
        stdout=subprocess.DEVNULL,
    )


def install_dependencies(uv: str, requirements: Path, target: Path, installer: str) -> None:
    if installer == "uv":
        run(
            [
                uv,
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--no-compile",
                "--only-binary",
                ":all:",
                "--python-platform",
                TARGET_PLATFORM_UV,
                "--python-version",
                TARGET_PYTHON,
                "--python",
                sys.executable,
                "--target",
                str(target),
                "-r",
                str(requirements),
            ]
        )
    else:
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--no-compile",
                "--platform",
                TARGET_PLATFORM_PIP,
                "--only-binary=:all:",
                "--python-version",
                TARGET_PYTHON,
                "--implementation",
                "cp",
                "--target",
                str(target),
                "-r",
                str(requirements),
            ]
        )


def layer_entries(site: Path) -> list[tuple[str, Path]]:
    entries = []
    for path in walk_files(site):
        rel = path.relative_to(site)
        if rel.parts[0] in ("bin", ".lock"):  # console scripts (embed paths) and uv's target lock file
            continue
        entries.append((f"python/{rel.as_posix()}", path))
    return entries


# --------------------------------------------------------------------------- main


Entries = list[tuple[str, Path]]


def with_bytecode(entries: Entries, python: str, root: str, staging: Path) -> Entries:
    """The entries plus a `__pycache__/*.pyc` for each `.py`, compiled by `python`."""
    sources = [(name, str(path)) for name, path in entries if name.endswith(".py")]
    log(f"  compiling {len(sources)} modules with {python}")
    command = [python, "-c", COMPILER, root, str(staging)]
    subprocess.run(command, input=json.dumps(sources), text=True, check=True, cwd=REPO)
    compiled = [(path.relative_to(staging).as_posix(), path) for path in sorted(staging.rglob("*.pyc"))]
    return entries + compiled


def digest(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    return hashlib.sha256(data).hexdigest(), base64.b64encode(hashlib.sha256(data).digest()).decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="output directory (default: dist/)")
    parser.add_argument(
        "--no-deps", action="store_true", help="source zips only, no dependencies layer (fast, offline)"
    )
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="build only these zips (service names, relay, layer)"
    )
    parser.add_argument(
        "--installer",
        choices=("uv", "pip"),
        default="uv",
        help="how to install the dependencies (default: uv)",
    )
    parser.add_argument(
        "--compile-with",
        metavar="PYTHON",
        help=f"also ship bytecode compiled by this interpreter (use python{TARGET_PYTHON}, the runtime's)",
    )
    args = parser.parse_args(argv)

    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    built: list[Path] = []

    def package(destination: Path, entries: Entries, root: str) -> None:
        with tempfile.TemporaryDirectory(prefix="shop-pyc-") as staging:
            if args.compile_with:
                entries = with_bytecode(entries, args.compile_with, root, Path(staging))
            write_zip(destination, entries)
        built.append(destination)

    plan = function_packages()
    wanted = set(args.only) if args.only else None
    for name, packages in plan.items():
        if wanted is not None and name not in wanted:
            continue
        log(f"- {name}.zip: shop/{{{', '.join(packages)}}}")
        extra = swagger_ui_entries() if name == "meta" else []
        package(out / f"{name}.zip", source_entries(packages) + extra, FUNCTION_ROOT)

    if not args.no_deps and (wanted is None or "layer" in wanted):
        log(f"- layer.zip: runtime dependencies from uv.lock for python{TARGET_PYTHON} arm64")
        uv = find_uv()
        with tempfile.TemporaryDirectory(prefix="shop-layer-") as tmp:
            requirements = Path(tmp) / "requirements.txt"
            site = Path(tmp) / "site"
            export_requirements(uv, requirements)
            install_dependencies(uv, requirements, site, args.installer)
            package(out / "layer.zip", layer_entries(site), LAYER_ROOT)

    log(f"\nBuilt {len(built)} package(s) in {out} in {time.monotonic() - started:.1f}s:")
    width = max((len(p.name) for p in built), default=0)
    for path in built:
        hexdigest, b64 = digest(path)
        log(f"  {path.name:<{width}}  {path.stat().st_size:>10,} B  sha256 {hexdigest}  (base64 {b64})")
    return 0
