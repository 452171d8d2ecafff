"""terraform/README.md lists every module's inputs and outputs as scripts/terraform_docs.py
generates them from the .tf files: the section is fresh and complete."""

from __future__ import annotations

import pytest

from shop_tools import terraform_docs
from tests.terraform.hcl import MODULES, REPO, blocks

pytestmark = pytest.mark.terraform


def test_the_generated_section_is_fresh() -> None:
    readme = terraform_docs.README.read_text()
    assert terraform_docs.render(readme) == readme, (
        "terraform/README.md is stale: run .venv/bin/python scripts/terraform_docs.py"
    )


def test_every_input_and_output_of_every_module_is_listed() -> None:
    readme = (REPO / "terraform" / "README.md").read_text()
    for module in sorted(p for p in MODULES.iterdir() if p.is_dir()):
        section = readme.split(f"### `modules/{module.name}`", 1)
        assert len(section) == 2, f"modules/{module.name} is not documented"
        body = section[1].split("\n### ", 1)[0]
        for kind in ("variable", "output"):
            for block in blocks(kind, module):
                assert f"| `{block.name}` |" in body, f"modules/{module.name}: {kind} {block.name} missing"
