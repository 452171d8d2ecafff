"""Parsed view of terraform/ for the structural rules.

Needs python-hcl2 >= 7 (the dev group). It keeps string quotes (`'"Active"'`), quotes
block labels and adds `__is_block__` markers; `normalize` removes them, so the rules
compare plain strings and labels. Expressions stay as `${...}` strings.

checkov's fork bc-python-hcl2 installs the same `hcl2` package with an older output
format; if it shadows python-hcl2 the rules would fail confusingly, so importing this
module fails with a clear message instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest

if int(str(getattr(hcl2, "__version__", "0")).split(".")[0]) < 7:
    pytest.fail(
        f"the `hcl2` module is {getattr(hcl2, '__version__', '?')} (bc-python-hcl2, checkov's fork?): "
        "the Terraform rules need python-hcl2 >= 7 (uv sync --group dev)",
        pytrace=False,
    )

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
MODULES = TERRAFORM / "modules"
ENVIRONMENTS = TERRAFORM / "environments"

_MARKERS = {"__is_block__", "__start_line__", "__end_line__", "__comments__", "__inline_comments__"}


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1].replace('\\"', '"')
    return text


def normalize(value: Any) -> Any:
    if isinstance(value, dict):
        return {_unquote(k): normalize(v) for k, v in value.items() if k not in _MARKERS}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, str):
        return _unquote(value)
    return value


@cache
def parse(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        return normalize(hcl2.load(handle))  # type: ignore[no-any-return]


def tf_files(root: Path = TERRAFORM) -> list[Path]:
    return sorted(p for p in root.rglob("*.tf") if ".terraform" not in p.parts)


@dataclass(frozen=True)
class Block:
    kind: str  # resource, data, module, variable, output, locals ...
    type: str  # aws_lambda_function (resources, data); "" otherwise
    name: str
    body: dict[str, Any]
    path: Path

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}: {self.kind} {self.type} {self.name}".replace("  ", " ")


def blocks(kind: str, root: Path = TERRAFORM) -> Iterator[Block]:
    for path in tf_files(root):
        for entry in parse(path).get(kind, []):
            if kind in ("resource", "data"):
                for type_, named in entry.items():
                    for name, body in named.items():
                        yield Block(kind, type_, name, body, path)
            elif kind in ("module", "variable", "output"):
                for name, body in entry.items():
                    yield Block(kind, "", name, body, path)
            else:
                yield Block(kind, "", "", entry, path)


def resources(type_: str, root: Path = TERRAFORM) -> list[Block]:
    return [b for b in blocks("resource", root) if b.type == type_]


def one(body: dict[str, Any], block: str) -> dict[str, Any]:
    """The single nested block `block` of a body (python-hcl2 gives a list of one)."""
    value = body.get(block)
    if isinstance(value, list):
        assert len(value) == 1, f"expected one {block} block, got {len(value)}"
        value = value[0]
    assert isinstance(value, dict), f"missing {block} block"
    return value


def locals_of(path_or_dir: Path) -> dict[str, Any]:
    paths = tf_files(path_or_dir) if path_or_dir.is_dir() else [path_or_dir]
    merged: dict[str, Any] = {}
    for path in paths:
        for entry in parse(path).get("locals", []):
            merged.update(entry)
    return merged


def walk(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
