"""The docs stay alive: every relative link in README.md and docs/ reaches a file (and its
heading, when it names one), every `make <target>` they show exists, and every repository path
they name in backticks is there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
MAKE = re.compile(r"`make ([a-z][a-z-]*)")
PATH = re.compile(
    r"`((?:src|tests|features|scripts|terraform|docs)/[\w./-]+\.(?:py|md|json|feature|tf|tfvars|html))(?![\w.])"
)


def anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    headings = re.findall(r"(?m)^#+ (.+)$", text)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def make_targets() -> set[str]:
    return set(re.findall(r"(?m)^([a-z][a-z-]*):", (REPO / "Makefile").read_text(encoding="utf-8")))


def broken_links(page: Path) -> list[str]:
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # a URL, not a file of the repository
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in anchors(linked)):
            broken.append(target)
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_reach_a_file_and_heading(page: Path) -> None:
    assert not broken_links(page), f"{page.name}: links to nothing: {broken_links(page)}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_commands_and_paths_named_exist(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    targets = make_targets()
    unknown = sorted(set(MAKE.findall(text)) - targets)
    missing = sorted({p for p in PATH.findall(text) if not (REPO / p).exists()})
    assert not unknown, f"{page.name} shows make targets the Makefile lacks: {unknown}"
    assert not missing, f"{page.name} names paths that do not exist: {missing}"


def test_the_link_check_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[gone](nowhere.md) [here](#title) [bad](#nothing)\n", encoding="utf-8")
    assert broken_links(page) == ["nowhere.md", "#nothing"]
