"""scripts/ holds entry points only: each `scripts/<tool>.py` calls `shop_tools.<tool>.main()`,
so the tools' code lives in src/shop_tools under ruff and mypy --strict, and tests import it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
# locust loads its users from a file it is given: the load test's entry file stays a file
LOCUST_ENTRY = "locustfile.py"
ENTRY_POINTS = sorted(path for path in SCRIPTS.glob("*.py") if path.name != LOCUST_ENTRY)


def thin_entry_point(tool: str) -> str:
    return (
        f'"""Entry point of shop_tools.{tool} (the tool and its documentation live there)."""\n\n'
        f"from shop_tools.{tool} import main\n\n"
        'if __name__ == "__main__":\n'
        "    raise SystemExit(main())\n"
    )


@pytest.mark.parametrize("script", ENTRY_POINTS, ids=[path.stem for path in ENTRY_POINTS])
def test_a_script_only_calls_its_tool(script: Path) -> None:
    assert ast.dump(ast.parse(script.read_text())) == ast.dump(ast.parse(thin_entry_point(script.stem))), (
        f"{script.name}: move its code to src/shop_tools/{script.name} and leave the entry point"
    )


def test_every_tool_is_reached_by_its_entry_point() -> None:
    assert ENTRY_POINTS, "no entry points in scripts/"
    for script in ENTRY_POINTS:
        assert (SCRIPTS.parent / "src" / "shop_tools" / script.name).is_file(), script.name
