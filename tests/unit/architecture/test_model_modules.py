"""Modules that define pydantic models evaluate their annotations when they run: under
`from __future__ import annotations` every field's annotation is a string that pydantic
compiles and evaluates while it builds the class, at every cold start (docs/conventions.md,
"Packages"). Read from source text, so the negative test can show the rule failing."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[3] / "src" / "shop"


def _base_names(node: ast.ClassDef) -> set[str]:
    names = set()
    for base in node.bases:
        target = base.value if isinstance(base, ast.Subscript) else base
        if isinstance(target, ast.Attribute):
            names.add(target.attr)
        elif isinstance(target, ast.Name):
            names.add(target.id)
    return names


def postponing_model_modules(sources: dict[str, str]) -> list[str]:
    """The modules (by name) that define a pydantic model and postpone their annotations."""
    trees = {name: ast.parse(source) for name, source in sources.items()}
    classes = [
        (name, node)
        for name, tree in trees.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    ]
    models = {"BaseModel"}
    grew = True
    while grew:  # a model's subclasses are models, across modules (EventData, Money)
        found = {node.name for _, node in classes if _base_names(node) & models}
        grew = not found <= models
        models |= found
    defining = {name for name, node in classes if _base_names(node) & models}
    return sorted(
        name
        for name in defining
        if any(
            isinstance(node, ast.ImportFrom)
            and node.module == "__future__"
            and any(alias.name == "annotations" for alias in node.names)
            for node in trees[name].body
        )
    )


def test_no_module_defining_models_postpones_its_annotations() -> None:
    sources = {str(path.relative_to(SRC)): path.read_text() for path in SRC.rglob("*.py")}
    assert postponing_model_modules(sources) == []


def test_a_model_module_postponing_its_annotations_is_seen() -> None:
    base = "from pydantic import BaseModel\nclass Payload(BaseModel):\n    x: int\n"
    subclass = (
        "from __future__ import annotations\nfrom base import Payload\nclass Sub(Payload):\n    y: int\n"
    )
    plain = "from __future__ import annotations\nclass NotAModel:\n    z: int\n"
    assert postponing_model_modules({"base.py": base, "sub.py": subclass, "plain.py": plain}) == ["sub.py"]
