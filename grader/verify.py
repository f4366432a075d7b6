"""``kata verify``: prove that manifest, stubs, solutions, checks and catalog agree.

1. every day with exercises has a stub and a solution; each stub is exactly the stub
   derived from its solution (same signatures and docstrings, bodies that raise
   NotImplementedError with the exercise id); no stray files in either tree;
2. every exercise has at least two hints and at least one check;
3. every check ends "not started" on the stubs and passes on the solutions;
4. every catalog mistake applies to the reference, differs from it and from the other
   mistakes of its exercise on the probe inputs, and, planted in a copy of the solutions,
   is rejected by the checks and named in the report.
The last line reads ``verify: N passed, M failed``.
"""
from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import REPO_ROOT
from .catalog import Catalog, CatalogError, same_outputs
from .results import exercise_results
from .runner import run_checks
from .stubs import stub_source

EXERCISES = REPO_ROOT / "exercises"
SOLUTIONS = REPO_ROOT / "solutions"
_ALLOWED_EXTRA = {"README.md", "__init__.py"}


class Tally:
    def __init__(self):
        self.passed, self.failures = 0, []

    def ok(self, condition: bool, what: str, why: str = "") -> bool:
        if condition:
            self.passed += 1
        else:
            self.failures.append(f"{what}: {why}" if why else what)
            print(f"FAIL {what}" + (f": {why}" if why else ""), flush=True)
        return condition


def verify(manifest, selection: str = "all", *, jobs: int = 2, mutants: bool = True,
           exercises_dir: Path = EXERCISES, solutions_dir: Path = SOLUTIONS) -> int:
    tally = Tally()
    chosen = manifest.select(selection)
    days = sorted({manifest.day(ex.day) for ex in chosen}, key=lambda d: d.number)
    print(f"verify: {len(days)} days, {len(chosen)} exercises", flush=True)
    _check_trees(manifest, days, tally, exercises_dir, solutions_dir, strays=selection == "all")
    ids = [ex.id for ex in chosen]

    stub_run = run_checks(ids, exercises_dir)
    checks_per_exercise: dict[str, int] = {}
    for nodeid, ex_id in stub_run.collected:
        checks_per_exercise[ex_id] = checks_per_exercise.get(ex_id, 0) + 1
        tally.ok(ex_id in ids, f"{nodeid} grades {ex_id}", "no such exercise selected in kata.toml")
    for ex in chosen:
        tally.ok(len(ex.hints) >= 2, f"{ex.id} has progressive hints", f"only {len(ex.hints)} hint")
        tally.ok(checks_per_exercise.get(ex.id, 0) > 0, f"{ex.id} has checks", "no test is marked with it")
    for entry in stub_run.tests:
        verdict = (entry.get("metadata") or {}).get("verdict") or {}
        tally.ok(verdict.get("kind") == "not_started", f"on the stubs, {entry['nodeid']} says not started",
                 f"it ended {verdict.get('kind')}: {verdict.get('message', '')[:200]}")
    print(f"  stubs: {len(stub_run.tests)} checks run ({stub_run.duration:.1f} s)", flush=True)

    solution_run = run_checks(ids, solutions_dir)
    for entry in solution_run.tests:
        verdict = (entry.get("metadata") or {}).get("verdict") or {}
        tally.ok(entry.get("outcome") == "passed", f"on the solutions, {entry['nodeid']} passes",
                 verdict.get("message", "")[:300])
    print(f"  solutions: {len(solution_run.tests)} checks run ({solution_run.duration:.1f} s)", flush=True)

    if mutants:
        _check_catalog(manifest, tally, jobs, solutions_dir, set(ids))
    print(f"verify: {tally.passed} passed, {len(tally.failures)} failed")
    return 0 if not tally.failures else 1


def _check_trees(manifest, days, tally, exercises_dir, solutions_dir, strays: bool) -> None:
    modules = {f"{d.module}.py" for d in manifest.days if d.exercises}
    for folder in (exercises_dir, solutions_dir) if strays else ():
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or path.name == "__pycache__":
                continue
            tally.ok(path.name in modules or path.name in _ALLOWED_EXTRA,
                     f"{folder.name}/{path.name} belongs to a day", "stray file: not a day module of kata.toml")
    for day in days:
        stub_path, solution_path = exercises_dir / f"{day.module}.py", solutions_dir / f"{day.module}.py"
        if not tally.ok(stub_path.is_file() and solution_path.is_file(), f"day {day.number} has both trees",
                        f"need exercises/{day.module}.py and solutions/{day.module}.py"):
            continue
        expected = stub_source(solution_path.read_text(encoding="utf-8"), {ex.name: ex.id for ex in day.exercises})
        actual = stub_path.read_text(encoding="utf-8")
        tally.ok(actual == expected, f"exercises/{day.module}.py is the stub of its solution",
                 _first_difference(actual, expected) + f" (kata stubgen day{day.number} rewrites it)")
        source = solution_path.read_text(encoding="utf-8")
        for ex in day.exercises:
            tally.ok(f"def {ex.name}(" in source or f"class {ex.name}" in source,
                     f"solutions/{day.module}.py defines {ex.name}")


def _first_difference(actual: str, expected: str) -> str:
    for number, (a, e) in enumerate(zip(actual.splitlines(), expected.splitlines()), start=1):
        if a != e:
            return f"line {number} is {a.strip()!r}, expected {e.strip()!r}"
    return "the files differ in length"


def _outputs_or_none(catalog, m):
    """A mutant's probe outputs; None when it does not apply (reported on its own line)."""
    try:
        return catalog.mutant_outputs(m)
    except CatalogError:
        return None


def _check_catalog(manifest, tally, jobs, solutions_dir, ids) -> None:
    catalog = Catalog(manifest, solutions_dir)
    planted = []
    for m in catalog.all_mutants():
        if m.exercise not in ids:
            continue
        if not tally.ok(m.exercise in catalog.probes, f"{m.key} has a probe", "add one to PROBES"):
            continue
        try:
            outputs = catalog.mutant_outputs(m)
        except CatalogError as exc:
            tally.ok(False, f"{m.key} applies to the reference", str(exc))
            continue
        reference = catalog.reference_outputs(m.exercise)
        tally.ok(reference is not None, f"{m.exercise} probe runs on the reference")
        tally.ok(outputs is None or reference is None or not same_outputs(outputs, reference),
                 f"{m.key} differs from the reference on the probe")
        twins = [o.id for o in catalog.mutants[m.exercise]
                 if o is not m and outputs is not None and (other := _outputs_or_none(catalog, o)) is not None
                 and same_outputs(outputs, other)]
        tally.ok(not twins, f"{m.key} can be told apart", f"same probe outputs as {', '.join(twins)}")
        planted.append(m)

    def grade_mutant(m):
        with tempfile.TemporaryDirectory(prefix="kata-mutant-") as tmp:
            tree = Path(tmp) / "submission"
            shutil.copytree(solutions_dir, tree, ignore=shutil.ignore_patterns("__pycache__"))
            source, path = catalog.mutant_source(m)
            (tree / path.name).write_text(source, encoding="utf-8")
            run = run_checks([e.id for e in manifest.with_dependencies([m.exercise])], tree)
            return exercise_results(manifest, run.tests).get(m.exercise)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for m, result in zip(planted, pool.map(grade_mutant, planted)):
            status = result.status if result else "missing"
            named = (result.misconception or {}).get("id") if result else None
            if tally.ok(status in ("failed", "error", "timeout"), f"{m.key} is rejected by the checks",
                        f"its exercise ended {status}"):
                tally.ok(named == m.id, f"{m.key} is named to the learner",
                         f"the report named {named!r}; first message: {result.message[:200]}")
    print(f"  catalog: {len(planted)} mistakes planted", flush=True)
