"""Every Terraform module has its README (terraform-docs style): a hand-written part, then the
part scripts/terraform_docs.py generates from its .tf files, kept fresh; terraform/README.md's
module reference links each one; every public module (one an environment calls) has examples/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from shop_tools import terraform_docs
from tests.terraform.hcl import MODULES, TERRAFORM, parse
from tests.test_docs_links import broken_links

pytestmark = pytest.mark.terraform

MODULE_NAMES = sorted(p.name for p in MODULES.iterdir() if (p / "variables.tf").is_file())


def test_every_readme_is_fresh() -> None:
    assert terraform_docs.stale() == [], "stale: run .venv/bin/python scripts/terraform_docs.py"


def test_the_check_fails_when_a_variable_is_added_without_regenerating(tmp_path: Path) -> None:
    copy = tmp_path / "terraform"
    shutil.copytree(TERRAFORM, copy, ignore=shutil.ignore_patterns(".terraform*"))
    with (copy / "modules" / "table" / "variables.tf").open("a") as variables:
        variables.write('\nvariable "added" {\n  description = "New."\n  type        = string\n}\n')
    readme = copy / "modules" / "table" / "README.md"
    assert terraform_docs.stale(copy) == [readme]
    assert terraform_docs.main(["--check"], copy) == 1
    assert terraform_docs.main([], copy) == 0
    assert terraform_docs.stale(copy) == []
    assert "| `added` | New. | `string` | n/a | yes |" in readme.read_text()


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_each_module_readme_says_what_it_is_for_and_lists_its_interface(module: str) -> None:
    readme = MODULES / module / "README.md"
    assert readme.is_file(), f"modules/{module} has no README.md: run scripts/terraform_docs.py"
    text = readme.read_text()
    assert text.startswith(f"# modules/{module}\n")
    assert len(terraform_docs.prose(text)) > 80, f"modules/{module}/README.md: say what it is for"
    generated = text.split(terraform_docs.BEGIN, 1)[1]
    for kind in ("variable", "output"):  # the module's own files, not its examples'
        for path in (MODULES / module).glob("*.tf"):
            for name in (name for entry in parse(path).get(kind, []) for name in entry):
                assert f"| `{name}` |" in generated, f"modules/{module}: {kind} {name} missing"
    assert not broken_links(readme), f"modules/{module}/README.md links to nothing: {broken_links(readme)}"


def test_the_module_reference_links_every_module_readme() -> None:
    readme = TERRAFORM / "README.md"
    reference = readme.read_text().split(terraform_docs.BEGIN, 1)[1].split(terraform_docs.END, 1)[0]
    for module in MODULE_NAMES:
        assert f"](modules/{module}/README.md)" in reference, f"modules/{module} missing"
    assert not broken_links(readme), f"terraform/README.md links to nothing: {broken_links(readme)}"


def test_the_public_modules_are_those_an_environment_calls_and_each_has_an_example() -> None:
    public = terraform_docs.public_modules()
    assert {"shop", "edge"} <= public
    for module in MODULE_NAMES:
        examples = sorted((MODULES / module).glob("examples/*/main.tf"))
        if module in public:
            assert examples, f"modules/{module} is public: give it an examples/<name>/"
        else:
            assert not examples, f"modules/{module} is internal (no environment calls it): no examples"
    for example in MODULES.glob("*/examples/*"):
        assert {"main.tf", "versions.tf", "README.md"} <= {p.name for p in example.iterdir()}, example


@pytest.mark.parametrize("example", sorted(MODULES.glob("*/examples/*/")), ids=lambda p: p.name)
def test_every_example_sends_every_api_to_the_emulator_with_dummy_credentials(example: Path) -> None:
    """Configured like environments/localstack: an apply can reach no AWS account."""
    providers = [
        body
        for path in example.glob("*.tf")
        for entry in parse(path).get("provider", [])
        for body in entry.values()
    ]
    assert providers, f"{example}: no provider configured, so it would use the caller's AWS credentials"
    for provider in providers:
        assert (provider["access_key"], provider["secret_key"]) == ("test", "test"), example
        assert provider["skip_credentials_validation"] is True, example
        (endpoints,) = provider["endpoints"]
        assert set(endpoints.values()) == {"${var.endpoint}"}, example
    (variable,) = [
        e["endpoint"] for p in example.glob("*.tf") for e in parse(p).get("variable", []) if "endpoint" in e
    ]
    assert variable["default"].startswith("http://localhost:"), example
