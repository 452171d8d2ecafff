"""Mutation score of every domain module and of the kernel, each against its own unit tests.

    make mutation                                          # every area, fresh
    .venv/bin/python scripts/mutation.py --area kernel --area payments
    .venv/bin/python scripts/mutation.py --floor 90        # exit 1 if a module scores less

An area is `src/shop/kernel` or one service's `domain/`; its tests are `tests/unit/<area>` and
nothing else, so a rule is only counted as held when its own area's tests hold it. mutmut 3
runs each area in its own work directory, `mutants/<area>/` (git ignores `mutants/`):
symlinks to src/ and tests/ and a copy of pyproject.toml with that area's `[tool.mutmut]`.
Each run starts fresh: mutmut keeps old verdicts of functions that did not change even when
the tests did, so a cached survivor could hide a new test.

Score = killed / (mutants - listed equivalents); killed counts timeouts too. Survivors are
printed with their changed lines (`cd mutants/<area> && ../../.venv/bin/mutmut show <name>`
shows the diff). Equivalent mutants (no observable change) are listed once, with the
reason, in tests/mutation/equivalents.toml: each names its function and the mutated line, not
mutmut's number (which shifts as a function changes); a listed equivalent that no longer
survives is reported so the list stays true. mutmut mutates function bodies only: constants and
field constraints (`MAX_AMOUNT`, `Field(ge=0)`) are held by tests that state the documented
values, and a function that runs only while its module is imported (a `StringConstraints`
factory, a table built at import) cannot be switched to its mutants, which are listed whole.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from shop_tools.paths import REPO, SRC

AREAS = ("kernel", "users", "catalog", "cart", "orders", "payments", "analytics")
WORK = REPO / "mutants"
EQUIVALENTS = REPO / "tests" / "mutation" / "equivalents.toml"
FLOOR = 90.0
# mutmut's exit codes (mutmut.stats): 1 and 3 a failing test, the rest a timeout or a crash.
KILLED = frozenset({1, 3, 24, -24, 36, 152, 255, -9, -11, 37})
_SUFFIX = re.compile(r"__mutmut_\d+$")


def area_sources(area: str) -> Path:
    return SRC / "shop" / area if area == "kernel" else SRC / "shop" / area / "domain"


def mutmut_config(area: str) -> str:
    only = area_sources(area).relative_to(REPO).as_posix()
    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        f'only_mutate = ["{only}/*"]\n'
        f'pytest_add_cli_args_test_selection = ["tests/unit/{area}"]\n'
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
    )


def prepare(area: str, root: Path = WORK) -> Path:
    work = root / area
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in ("src", "tests"):
        (work / name).symlink_to(REPO / name)
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (work / "pyproject.toml").write_text(pyproject + mutmut_config(area), encoding="utf-8")
    return work


def run_mutmut(work: Path, max_children: int) -> None:
    mutmut = Path(sys.executable).parent / "mutmut"  # `python -m mutmut` is refused by mutmut
    with (work / "run.log").open("w", encoding="utf-8") as log:
        done = subprocess.run(
            [str(mutmut), "run", "--max-children", str(max_children)],
            check=False,
            cwd=work,
            stdout=log,
            stderr=log,
        )
    if done.returncode != 0:
        raise SystemExit(f"mutmut failed in {work} (exit {done.returncode}): see {work / 'run.log'}")


@dataclass(frozen=True)
class Equivalent:
    function: str  # as printed: shop.kernel.money Money._checked
    mutated: str  # the mutant's line(s), stripped, joined by " / "; "*": every mutant of the function
    why: str


def load_equivalents(path: Path = EQUIVALENTS) -> list[Equivalent]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Equivalent(e["function"], e["mutated"], e["why"]) for e in data.get("equivalent", [])]


def function_of(mutant: str) -> str:
    """`shop.kernel.money.xǁMoneyǁ_checked__mutmut_5` → `shop.kernel.money Money._checked`."""
    module, _, generated = _SUFFIX.sub("", mutant).rpartition(".")
    name = generated[2:].replace("ǁ", ".") if generated.startswith("xǁ") else generated[2:]
    return f"{module} {name}"


def mutated_lines(diff: str) -> str:
    added = (line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++"))
    return " / ".join(line[1:].strip() for line in added)


@dataclass
class ModuleScore:
    path: str
    mutants: int = 0
    killed: int = 0
    equivalent: int = 0
    survivors: list[tuple[str, str]] = field(default_factory=list)  # (mutant, diff)

    @property
    def score(self) -> float:
        counted = self.mutants - self.equivalent
        return 100.0 if counted == 0 else 100.0 * self.killed / counted


@contextmanager
def _inside(work: Path) -> Iterator[None]:
    here = Path.cwd()
    os.chdir(work)
    try:
        yield
    finally:
        os.chdir(here)


def scores(
    area: str, work: Path, equivalents: Sequence[Equivalent], matched: set[Equivalent]
) -> list[ModuleScore]:
    from mutmut.configuration import reset_config
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    listed = {(e.function, e.mutated): e for e in equivalents}
    found = []
    with _inside(work):
        reset_config()  # mutmut reads the work directory's pyproject.toml
        for meta in sorted((work / "mutants" / area_sources(area).relative_to(REPO)).glob("*.py.meta")):
            path = meta.relative_to(work / "mutants").as_posix().removesuffix(".meta")
            module = ModuleScore(path)
            for mutant, exit_code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
                module.mutants += 1
                if exit_code in KILLED:
                    module.killed += 1
                    continue
                diff = get_diff_for_mutant(mutant, path=path)
                function = function_of(mutant)
                equivalent = listed.get((function, mutated_lines(diff))) or listed.get((function, "*"))
                if equivalent:
                    module.equivalent += 1
                    matched.add(equivalent)
                else:
                    module.survivors.append((mutant, diff))
            if module.mutants:
                found.append(module)
    return found


def report(modules: Sequence[ModuleScore], floor: float) -> list[ModuleScore]:
    print(f"{'module':<44} {'mutants':>7} {'killed':>6} {'equiv':>5} {'score':>6}")
    for m in modules:
        flag = "" if m.score >= floor else "  < floor"
        print(f"{m.path:<44} {m.mutants:>7} {m.killed:>6} {m.equivalent:>5} {m.score:>5.1f}%{flag}")
    for m in modules:
        for mutant, diff in m.survivors:
            changed = [line for line in diff.splitlines()[2:] if line[:1] in "+-"]
            print(f"survived: {function_of(mutant)} ({mutant})", *changed, sep="\n    ")
    return [m for m in modules if m.score < floor]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--area", action="append", choices=AREAS, help="one area (repeatable); default all")
    parser.add_argument("--floor", type=float, default=FLOOR, help="minimum score of each module, in %%")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--work", type=Path, default=WORK, help="where the areas' work directories go")
    args = parser.parse_args(argv)
    equivalents = load_equivalents()
    matched: set[Equivalent] = set()
    modules: list[ModuleScore] = []
    for area in args.area or AREAS:
        print(f"==> mutating {area_sources(area).relative_to(REPO)} against tests/unit/{area}", flush=True)
        work = prepare(area, args.work)
        run_mutmut(work, args.max_children)
        modules += scores(area, work, equivalents, matched)
    below = report(modules, args.floor)
    ran = {m.path.split("/")[2] for m in modules}
    stale = [e for e in equivalents if e not in matched and e.function.split(".")[1] in ran]
    for e in stale:
        print(f"\nlisted as equivalent but not a survivor now (remove it): {e.function}: {e.mutated}")
    if below:
        print(f"\nbelow {args.floor:.0f} %: " + ", ".join(m.path for m in below))
    return 1 if below or stale else 0
