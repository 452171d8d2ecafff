"""Each Terraform module's README, terraform-docs style, and the module index of terraform/README.md.

    .venv/bin/python scripts/terraform_docs.py           # rewrite the generated parts
    .venv/bin/python scripts/terraform_docs.py --check   # exit 1 if one is stale

terraform/modules/<m>/README.md opens with a hand-written part (what the module is for, its
design notes); between its BEGIN/END markers follow the module's examples/ (each example's
README.md line), Requirements and Providers (versions.tf), the Modules it calls and its
Resources, Inputs (variables.tf) and Outputs (outputs.tf), read with python-hcl2.
terraform/README.md's module reference, between the same markers, is generated too: one row
per module linking its README, who calls it (an environment: public; only modules or
bootstrap: internal) and the first paragraph of its hand-written part. A module without a
README gets one with no prose yet; tests/terraform/test_docs.py asks for it and keeps
everything fresh.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

from shop_tools.paths import REPO

TERRAFORM = REPO / "terraform"
BEGIN = "<!-- BEGIN GENERATED MODULE DOCS (scripts/terraform_docs.py) -->"
END = "<!-- END GENERATED MODULE DOCS -->"
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
HEREDOC = re.compile(r"<<-?(\w+)\n(.*)\n\s*\1", re.S)


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


def _text(description: str) -> str:
    """A description as one line: a heredoc's markers and indentation dropped."""
    heredoc = HEREDOC.fullmatch(description.strip())
    return " ".join(textwrap.dedent(heredoc.group(2)).split()) if heredoc else description


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(value: Any) -> str:
    return f"`{_cell(_expression(value))}`"


def _parsed(path: Path) -> dict[str, Any]:
    return _parsed_version(path, path.stat().st_mtime_ns)


@cache
def _parsed_version(path: Path, mtime_ns: int) -> dict[str, Any]:
    """One parse per version of a file (python-hcl2 is slow; the modules are read many times)."""
    with path.open() as handle:
        return _plain(hcl2.load(handle))  # type: ignore[no-any-return]


def _blocks(directory: Path, kind: str) -> list[tuple[str, dict[str, Any], Path]]:
    """Named blocks (variable, output, module) of the .tf files of one directory, in file order."""
    found = []
    for path in sorted(directory.glob("*.tf")):
        for entry in _parsed(path).get(kind, []):
            found += [(name, body, path) for name, body in entry.items()]
    return found


def _requirements(module: Path) -> list[str]:
    settings = _parsed(module / "versions.tf")["terraform"][0]
    providers = {
        name: body for entry in settings.get("required_providers", []) for name, body in entry.items()
    }
    lines = ["## Requirements", "", "| name | version |", "|---|---|"]
    lines.append(f"| terraform | {_code(settings.get('required_version', 'any'))} |")
    lines += [f"| {name} | {_code(body.get('version', 'any'))} |" for name, body in providers.items()]
    lines += ["", "## Providers", "", "| name | source | configurations the caller passes |", "|---|---|---|"]
    for name, body in providers.items():
        configurations = [name, *(_expression(alias) for alias in body.get("configuration_aliases", []))]
        lines.append(f"| {name} | `{body['source']}` | {', '.join(f'`{c}`' for c in configurations)} |")
    return lines


def _composition(module: Path) -> list[str]:
    """The modules it calls (linked to their READMEs), then its resources and data sources."""
    lines = []
    calls = _blocks(module, "module")
    if calls:
        lines += ["## Modules", "", "| name | source |", "|---|---|"]
        lines += [f"| `{name}` | [{body['source']}]({body['source']}/README.md) |" for name, body, _ in calls]
        lines.append("")
    lines += ["## Resources", "", "| name | type |", "|---|---|"]
    for kind, prefix, label in (("resource", "", "resource"), ("data", "data.", "data source")):
        for path in sorted(module.glob("*.tf")):
            for entry in _parsed(path).get(kind, []):
                lines += [f"| `{prefix}{t}.{n}` | {label} |" for t, named in entry.items() for n in named]
    return lines


def _inputs(module: Path) -> list[str]:
    lines = ["## Inputs", "", "| name | description | type | default | required |", "|---|---|---|---|---|"]
    for name, body, _ in _blocks(module, "variable"):
        required = "default" not in body
        default = "n/a" if required else _code(body["default"])
        description = _cell(_text(body.get("description", "")))
        kind = _code(body.get("type", "any"))
        lines.append(f"| `{name}` | {description} | {kind} | {default} | {'yes' if required else 'no'} |")
    return lines


def _outputs(module: Path) -> list[str]:
    lines = ["## Outputs", "", "| name | description |", "|---|---|"]
    lines += [
        f"| `{name}` | {_cell(_text(body.get('description', '')))} |"
        for name, body, _ in _blocks(module, "output")
    ]
    return lines


def _examples(module: Path) -> list[str]:
    examples = sorted(p for p in (module / "examples").glob("*") if (p / "main.tf").is_file())
    if not examples:
        return []
    lines = ["## Examples", "", "| example | what it shows |", "|---|---|"]
    for example in examples:
        readme = example / "README.md"
        line = readme.read_text().strip().splitlines()[0] if readme.is_file() else ""
        lines.append(f"| [{example.name}](examples/{example.name}/) | {_cell(line)} |")
    return [*lines, ""]


def module_docs(module: Path) -> str:
    """The generated part of one module's README."""
    parts = [
        _examples(module),
        _requirements(module),
        [""],
        _composition(module),
        [""],
        _inputs(module),
        [""],
        _outputs(module),
    ]
    return "\n".join(line for part in parts for line in part) + "\n"


def callers(terraform: Path) -> dict[str, list[str]]:
    """Module name -> the configurations that call it (environments, bootstrap, modules), by
    directory; an example calls its module too, but is no user of it."""
    found: dict[str, list[str]] = {}
    configurations = {
        p.parent
        for p in terraform.rglob("*.tf")
        if not {".terraform", "examples"} & set(p.relative_to(terraform).parts)
    }
    for directory in sorted(configurations):
        for _, body, path in _blocks(directory, "module"):
            called = (path.parent / body["source"]).resolve()
            if called.parent == (terraform / "modules").resolve():
                caller = str(directory.relative_to(terraform))
                found.setdefault(called.name, [])
                if caller not in found[called.name]:
                    found[called.name].append(caller)
    return found


def public_modules(terraform: Path = TERRAFORM) -> set[str]:
    """Public: an environment calls it (it has examples/); internal: only modules compose it."""
    return {m for m, by in callers(terraform).items() if any(c.startswith("environments/") for c in by)}


def prose(readme: str) -> str:
    """The hand-written part of a module README: what lies between its title and the markers."""
    return readme.split(BEGIN, 1)[0].split("\n", 1)[-1].strip()


def index(terraform: Path, readmes: dict[str, str]) -> str:
    """terraform/README.md's generated module reference: public modules first."""
    called, public = callers(terraform), public_modules(terraform)
    lines = ["| module | called by | what it is for |", "|---|---|---|"]
    order = sorted(readmes, key=lambda m: (m not in public, m))
    for module in order:
        summary = " ".join(prose(readmes[module]).split("\n\n", 1)[0].split())
        summary = LINK.sub(r"\1", summary)  # relative to the module's directory: text only here
        by = ", ".join(f"`{c}`" for c in called.get(module, [])) or "nothing"
        lines.append(f"| [`{module}`](modules/{module}/README.md) | {by} | {_cell(summary)} |")
    return "\n".join(lines) + "\n"


def _filled(text: str, generated: str) -> str:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n\n" + generated + "\n" + text[end:]


def fresh(terraform: Path = TERRAFORM) -> dict[Path, str]:
    """Every README as it should read: each module's, then terraform/README.md."""
    modules = sorted(p for p in (terraform / "modules").iterdir() if (p / "variables.tf").is_file())
    readmes = {}
    for module in modules:
        path = module / "README.md"
        current = path.read_text() if path.is_file() else f"# modules/{module.name}\n\n{BEGIN}\n{END}\n"
        readmes[path] = _filled(current, module_docs(module))
    top = terraform / "README.md"
    readmes[top] = _filled(top.read_text(), index(terraform, {p.parent.name: t for p, t in readmes.items()}))
    return readmes


def _outdated(readmes: dict[Path, str]) -> list[Path]:
    return [p for p, text in readmes.items() if not p.is_file() or p.read_text() != text]


def stale(terraform: Path = TERRAFORM) -> list[Path]:
    """The READMEs whose generated part (or which themselves) are missing or out of date."""
    return _outdated(fresh(terraform))


def main(argv: list[str] | None = None, terraform: Path = TERRAFORM) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a README is stale")
    args = parser.parse_args(argv)
    readmes = fresh(terraform)
    outdated = _outdated(readmes)
    if args.check:
        for path in outdated:
            stale_file = path.relative_to(terraform.parent)
            print(f"{stale_file} is stale: run .venv/bin/python scripts/terraform_docs.py", file=sys.stderr)
        return 1 if outdated else 0
    for path in outdated:
        path.write_text(readmes[path])
    return 0
