"""``kata verify``: prove that manifest, stubs, solutions, checks and catalog agree.

1. every day with exercises has a stub and a solution; each stub is exactly the stub
   derived from its solution (same signatures and docstrings, bodies that raise
   NotImplementedError with the exercise id); no stray files in either tree;
2. every exercise has at least two hints and at least one check;
3. every check ends "not started" on the stubs and passes on the solutions (the capstone's
   deliverables written first, by a quick capstone run into a temporary folder);
4. every catalog mistake applies to the reference, differs from it and from the other
   mistakes of its exercise on the probe inputs, and, planted in a copy of the solutions,
   is rejected by the checks and named in the report.
The last line reads ``verify: N passed, M failed``.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import REPO_ROOT
from .capstone_command import run_before_grading
from .catalog import Catalog, CatalogError, same_outputs
from .grading import Target, run_session
from .sandbox.client import Limits
from .stubs import day_stub

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


def verify(manifest, selection: str = "all", *, jobs: int | None = None, mutants: bool = True,
           exercises_dir: Path = EXERCISES, solutions_dir: Path = SOLUTIONS) -> int:
    tally = Tally()
    chosen = manifest.select(selection)
    days = sorted({manifest.day(ex.day) for ex in chosen}, key=lambda d: d.number)
    worked = learner_work(days, exercises_dir)
    if worked:
        print(f"verify proves the kata against its untouched stubs, but {exercises_dir.name}/ holds work: "
              f"{', '.join(worked[:3])}{' ...' if len(worked) > 3 else ''} no longer raise NotImplementedError. "
              f"Run it on a fresh clone (or set your work aside with git stash).", file=sys.stderr)
        return 2
    print(f"verify: {len(days)} days, {len(chosen)} exercises", flush=True)
    _check_trees(manifest, days, tally, exercises_dir, solutions_dir, strays=selection == "all")
    if selection == "all":  # the course-wide documents, checked when the whole course is
        from .tables import stale
        for table in stale(manifest):
            tally.ok(False, f"{table} matches kata.toml", "run `kata docs` to regenerate it")
    ids = [ex.id for ex in chosen]

    stubs = run_session(manifest, [Target(exercises_dir, ids, "exercises")], limits=Limits(), diagnose=False)
    stub_records = stubs.graded[0].records
    checks_per_exercise: dict[str, int] = {}
    for record in stub_records:
        checks_per_exercise[record.exercise] = checks_per_exercise.get(record.exercise, 0) + 1
    for ex in chosen:
        tally.ok(len(ex.hints) >= 2, f"{ex.id} has progressive hints", f"only {len(ex.hints)} hint")
        tally.ok(checks_per_exercise.get(ex.id, 0) > 0, f"{ex.id} has checks", "no test is marked with it")
    repair = {ex.id for ex in chosen if ex.repair}
    stub_results = stubs.graded[0].results
    for ex_id in sorted(repair):  # its stub is a broken program to repair: it fails, it is not "not started"
        status = stub_results[ex_id].status if ex_id in stub_results else "missing"
        tally.ok(status == "failed", f"on the stubs, {ex_id} fails (a program to repair)", f"it ended {status}")
    for record in stub_records:
        if record.exercise in repair:
            tally.ok(record.outcome != "not_started", f"on the stubs, {record.nodeid} runs the program to repair",
                     "it says not started")
            continue
        tally.ok(record.kind == "not_started", f"on the stubs, {record.nodeid} says not started",
                 f"it ended {record.kind} (stub {record.stub}): {record.message[:200]}")
    print(f"  stubs: {len(stub_records)} checks run ({stubs.duration:.1f} s)", flush=True)

    with _reports_elsewhere():  # the capstone's deliverables, written for this run only
        run_before_grading(manifest, str(solutions_dir), ids)
        solutions = run_session(manifest, [Target(solutions_dir, ids, "solutions")], limits=Limits(),
                                diagnose=False)
    solution_records = solutions.graded[0].records
    for record in solution_records:
        tally.ok(record.outcome == "passed", f"on the solutions, {record.nodeid} passes", record.message[:300])
    tally.ok(len(solution_records) == len(stub_records), "the same checks run on the stubs and the solutions",
             f"{len(stub_records)} on the stubs, {len(solution_records)} on the solutions")
    print(f"  solutions: {len(solution_records)} checks run ({solutions.duration:.1f} s)", flush=True)

    if mutants:
        _check_catalog(manifest, tally, jobs or os.cpu_count() or 1, solutions_dir, set(ids))
    print(f"verify: {tally.passed} passed, {len(tally.failures)} failed")
    return 0 if not tally.failures else 1


@contextlib.contextmanager
def _reports_elsewhere():
    """Point the reports (and so the capstone's deliverables) at a temporary folder, so that verify
    neither reads a learner's nor leaves any behind."""
    from . import report
    saved = report.REPORTS_DIR
    with tempfile.TemporaryDirectory(prefix="kata-verify-reports-") as folder:
        report.REPORTS_DIR = Path(folder)
        try:
            yield
        finally:
            report.REPORTS_DIR = saved


def learner_work(days, exercises_dir: Path) -> list[str]:
    """Exercise ids whose stub in ``exercises_dir`` was written (its body no longer raises the stub's error)."""
    import ast
    written = []
    for day in days:
        path = exercises_dir / f"{day.module}.py"
        try:
            text = path.read_text(encoding="utf-8")
            ast.parse(text)
        except (OSError, SyntaxError):
            written.append(f"{day.module}.py")
            continue
        written += [ex.id for ex in day.exercises
                    if not ex.repair and f'raise NotImplementedError("{ex.id}")' not in text]
    return written


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
        expected = day_stub(day, solutions_dir)
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
    for ex in manifest.exercises:
        if ex.id in ids:
            reason = catalog.no_mutant.get(ex.id, "")
            tally.ok(bool(catalog.mutants.get(ex.id)) != bool(reason.strip()), f"{ex.id} has a catalogued mistake",
                     "add a Mutant to its catalog, or say in NO_MUTANT why none fits" if not reason.strip()
                     else "it has both mutants and a NO_MUTANT reason; keep one")
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

    with tempfile.TemporaryDirectory(prefix="kata-mutants-") as root:
        shards = [planted[k::jobs] for k in range(jobs) if planted[k::jobs]]
        specs = [([m.key for m in shard], str(solutions_dir), root) for shard in shards]
        with ProcessPoolExecutor(max_workers=len(specs) or 1, mp_context=multiprocessing.get_context("spawn")) as pool:
            outcomes = {key: outcome for part in pool.map(_grade_shard, specs) for key, outcome in part}
    for m in planted:
        status, named, message = outcomes.get(m.key, ("missing", None, "it was never graded"))
        if tally.ok(status in ("failed", "error", "timeout"), f"{m.key} is rejected by the checks",
                    f"its exercise ended {status}"):
            tally.ok(named == m.id, f"{m.key} is named to the learner",
                     f"the report named {named!r}; first message: {message[:200]}")
    print(f"  catalog: {len(planted)} mistakes planted", flush=True)


def _grade_shard(spec):
    """In a fresh process: plant each mutant in its own copy of the solutions and grade them all in one session."""
    from .manifest import load_manifest
    keys, solutions_dir, root = spec
    manifest = load_manifest()
    catalog = Catalog(manifest, solutions_dir)
    by_key = {m.key: m for m in catalog.all_mutants()}
    targets = []
    for key in keys:
        m = by_key[key]
        tree = Path(root) / key.replace(":", "__")
        shutil.copytree(solutions_dir, tree, ignore=shutil.ignore_patterns("__pycache__"))
        source, path = catalog.mutant_source(m)
        (tree / path.name).write_text(source, encoding="utf-8")
        targets.append(Target(tree, [e.id for e in manifest.with_dependencies([m.exercise])], f"mutant {key}"))
    session = run_session(manifest, targets, limits=Limits())
    found = []
    for key, graded in zip(keys, session.graded):
        result = graded.results.get(by_key[key].exercise)
        if result is None:
            found.append((key, ("missing", None, "no check ran")))
        else:
            found.append((key, (result.status, (result.misconception or {}).get("id"), result.message)))
    return found
