"""Inputs and outputs of every Terraform module, terraform-docs style, into terraform/README.md.

    .venv/bin/python scripts/terraform_docs.py           # rewrite the generated section
    .venv/bin/python scripts/terraform_docs.py --check   # exit 1 if it is stale

Reads terraform/modules/*/variables.tf and outputs.tf (python-hcl2) and replaces what lies
between the BEGIN/END markers of terraform/README.md; tests/terraform/test_docs.py keeps
it fresh.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import hcl2

from shop_tools.paths import REPO

MODULES = REPO / "terraform" / "modules"
README = REPO / "terraform" / "README.md"
BEGIN = "<!-- BEGIN GENERATED MODULE DOCS (scripts/terraform_docs.py) -->"
END = "<!-- END GENERATED MODULE DOCS -->"


def _plain(value: Any) -> Any:
    """python-hcl2's quoting and block markers removed."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"')
    return value


def _expression(value: Any) -> str:
    if value == "":
        return '""'
    if isinstance(value, str):
        return value[2:-1] if value.startswith("${") and value.endswith("}") else value
    return json.dumps(value, separators=(", ", ": "))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _blocks(path: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    if not path.is_file():
        return []
    with path.open() as handle:
        parsed = hcl2.load(handle)
    return [(name, body) for entry in _plain(parsed).get(kind, []) for name, body in entry.items()]


def module_section(module: Path) -> str:
    lines = [f"### `modules/{module.name}`", ""]
    variables = _blocks(module / "variables.tf", "variable")
    lines += ["| input | type | default | description |", "|---|---|---|---|"]
    for name, body in variables:
        default = "required" if "default" not in body else f"`{_cell(_expression(body['default']))}`"
        kind = _cell(_expression(body.get("type", "any")))
        lines.append(f"| `{name}` | `{kind}` | {default} | {_cell(body.get('description', ''))} |")
    lines += ["", "| output | description |", "|---|---|"]
    for name, body in _blocks(module / "outputs.tf", "output"):
        lines.append(f"| `{name}` | {_cell(body.get('description', ''))} |")
    return "\n".join(lines) + "\n"


def generated() -> str:
    modules = sorted(p for p in MODULES.iterdir() if (p / "variables.tf").is_file())
    return "\n".join(module_section(m) for m in modules)


def render(readme: str) -> str:
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return readme[:start] + "\n\n" + generated() + "\n" + readme[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if terraform/README.md is stale")
    args = parser.parse_args(argv)
    current = README.read_text()
    fresh = render(current)
    if args.check:
        if fresh != current:
            print(
                "terraform/README.md is stale: run .venv/bin/python scripts/terraform_docs.py",
                file=sys.stderr,
            )
            return 1
        return 0
    README.write_text(fresh)
    return 0
