"""The grader as a library: ``grade(manifest, selection, impl) -> Report``.

One grading session: stage the submission (only its day files, into a fresh folder), start a
sandboxed worker, run the selected check suites with pytest in this process (the judge, see
:mod:`grader.judge`), name catalogued mistakes, and build the report. ``grade_many`` grades
several implementations in one session, sharing the worker (``kata verify`` uses it).
"""
from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import REPO_ROOT
from .impl import display_path, resolve_tree
from .results import ExerciseResult, exercise_results
from .sandbox.client import Limits
from .sandbox.session import Sandbox, probe_sources
from .sandbox.staging import stage, unstage

CHECKS_DIR = REPO_ROOT / "tests" / "checks"
PROBES_DIR = REPO_ROOT / "tests" / "probes"


class GradingError(RuntimeError):
    """The check suites could not be run at all (a problem of the kata, not of the learner)."""


@dataclass
class Target:
    """One implementation to grade in a session, and the exercises wanted from it."""
    folder: Path
    exercises: list[str]
    display: str = ""


@dataclass
class Graded:
    """What one session found for one target."""
    target: Target
    results: dict[str, ExerciseResult]
    records: list = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    display: str = ""


@dataclass
class Session:
    graded: list[Graded]
    sandbox: dict
    limits: Limits
    duration: float
    restarts: int = 0


def grade(manifest, selection: str, impl, *, limits: Limits | None = None, total_seconds: float = 900.0,
          diagnose: bool = True):
    """Grade ``selection`` of ``impl`` (a folder, ``exercises`` or ``solutions``) and return its Report."""
    from .report import Report

    limits = limits or Limits()
    selected = manifest.select(selection)
    folder = resolve_tree(impl)
    needed = [ex.id for ex in manifest.with_dependencies([ex.id for ex in selected])]
    start = time.monotonic()
    target = Target(folder=folder, exercises=needed, display=display_path(folder))
    try:
        session = run_session(manifest, [target], limits=limits, total_seconds=total_seconds, diagnose=diagnose)
        graded, failure = session.graded[0], None
    except GradingError as exc:
        session, graded, failure = None, Graded(target=target, results={}, display=target.display), str(exc)
    except Exception as exc:  # a bug of the grader: still write a report that says so, never crash
        import traceback
        detail = "".join(traceback.format_exception(exc)[-4:])
        session, graded = None, Graded(target=target, results={}, display=target.display)
        failure = f"the grader failed ({type(exc).__name__}: {str(exc)[:300]}); please report this.\n{detail}"
    reason = (f"the checks could not run: {failure.splitlines()[0]}" if failure else "no check ran for this exercise.")
    chosen = [graded.results.get(ex.id) or ExerciseResult(exercise=ex, status="error", message=reason)
              for ex in selected]
    return Report.build(results=chosen, implementation=graded.display or target.display, selection=selection,
                        duration=time.monotonic() - start, records=graded.records,
                        sandbox=session.sandbox if session else {}, limits=limits, ignored=graded.ignored,
                        failure=failure)


def run_session(manifest, targets: list[Target], *, limits: Limits, total_seconds: float = 900.0,
                diagnose: bool = True, checks_dir: Path = CHECKS_DIR, probes_dir: Path = PROBES_DIR) -> Session:
    """Grade every target in one pytest session with one (restartable) worker."""
    import pytest

    from .catalog import Catalog
    from .judge import JudgePlugin

    start = time.monotonic()
    labels = [f"kataimpl{k}" if len(targets) > 1 else "impl" for k in range(len(targets))]
    modules_of = {}
    for label, target in zip(labels, targets):
        modules_of[label] = sorted({manifest.day_of(ex).module for ex in target.exercises},
                                   key=lambda m: m)
    all_modules = {day.module for day in manifest.days}
    staged = []
    try:
        for label, target in zip(labels, targets):
            staged.append(stage(target.folder, all_modules, label=label,
                                display=target.display or display_path(target.folder)))
        sandbox = Sandbox(staged, limits, probe_sources(probes_dir))
        catalog = Catalog(manifest) if diagnose and Catalog.available() else None
        plugin = JudgePlugin(sandbox, {lb: set(t.exercises) for lb, t in zip(labels, targets)}, modules_of,
                             total_seconds=total_seconds, catalog=catalog)
        days = sorted({manifest.day_of(ex).module for t in targets for ex in t.exercises})
        files = [Path(checks_dir) / f"test_{module}.py" for module in days]
        files = [str(f) for f in files if f.is_file()]
        try:
            if files:
                code = _pytest_main(pytest, files, plugin, manifest)
                if plugin.collection_errors or code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
                    detail = "\n".join(plugin.collection_errors) or f"pytest ended with {code!r}"
                    raise GradingError(f"the check suite could not start:\n{detail}")
        finally:
            sandbox.close()
        graded = []
        for label, target, staged_impl in zip(labels, targets, staged):
            records = [r for r in plugin.records if r.impl == label]
            diagnoses = {ex: m for (lb, ex), m in plugin.diagnoses.items() if lb == label and m is not None}
            results = exercise_results(manifest, records, diagnoses)
            graded.append(Graded(target=target, results=results, records=records, ignored=staged_impl.ignored,
                                 display=staged_impl.display))
        status = dict(sandbox.status)
        return Session(graded=graded, sandbox=status, limits=limits, duration=time.monotonic() - start,
                       restarts=sandbox.restarts)
    finally:
        for staged_impl in staged:
            unstage(staged_impl)


@contextlib.contextmanager
def sandboxed(manifest, impl, *, limits: Limits | None = None):
    """The implementation ``impl`` in a sandboxed worker, for code outside the checks (plots, compare).

    Yields a :class:`grader.judge.Implementation`: ``.module("day01_linear")`` gives the
    learner's module as a proxy whose calls run in the worker.
    """
    from .judge import Implementation

    folder = resolve_tree(impl)
    modules = {day.module for day in manifest.days if day.exercises}
    staged = stage(folder, modules, label="impl", display=display_path(folder))
    sandbox = Sandbox([staged], limits or Limits(seconds=120.0, cpu_seconds=240.0), probe_sources(PROBES_DIR))
    try:
        yield Implementation(sandbox, "impl")
    finally:
        sandbox.close()
        unstage(staged)


def _pytest_main(pytest, files, plugin, manifest):
    args = [*files, "-c", str(REPO_ROOT / "pyproject.toml"), "--rootdir", str(REPO_ROOT), "-s",
            "-p", "no:terminal", "-p", "no:cacheprovider", "-p", "no:faulthandler", "-p", "no:warnings",
            "-p", "no:logging", "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:doctest",
            "-o", "python_files=test_*.py", "-o", "addopts=", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    from . import judge
    with _environment(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"):
        return pytest.main(args, plugins=[plugin, judge, judge.day_fixtures(manifest)])


@contextlib.contextmanager
def _environment(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
