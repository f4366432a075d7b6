"""The misconception catalog: known-buggy versions of each exercise, as patches of the reference.

Each day has a module ``tests/misconceptions/<day module>.py`` with these names:

``MUTANTS``
    a list of :class:`Mutant`: a mistake from CURRICULUM.md written as text replacements
    inside the reference function (or class) of its exercise, with a one-sentence
    diagnosis and a one-sentence fix. Replacements must lie in code, never in a comment or
    a docstring.
``NO_MUTANT``
    a dict exercise id -> why no mutant fits it (``kata verify`` requires each exercise to
    have a mutant or a reason).
``PROBES``
    a dict exercise id -> ``probe(module) -> dict``, a function of the day's
    ``tests/probes`` module that calls the exercise on fixed, seeded inputs and returns its
    named outputs as plain data.

Mutants serve twice: ``kata verify`` plants each one in a copy of the reference and proves
the checks reject it and name it, and when a learner's check fails, the learner's outputs
on the probe inputs (computed in the sandboxed worker) are compared here, in the judge,
with the reference's and every mutant's (computed here: they are the kata's own code) to
name the mistake.
"""
from __future__ import annotations

import ast
import contextlib
import importlib
import io
import signal
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .impl import NAMED_TREES, ReferenceTree

#: Outputs agree when every entry is within these tolerances (float64 noise, not bugs).
MATCH_RTOL = 1e-6
MATCH_ATOL = 1e-9


class CatalogError(ValueError):
    """A mutant no longer applies to the reference; the message says which and why."""


@dataclass(frozen=True)
class Mutant:
    """A known mistake: ``patch`` (pairs of old and new text) plants it in the reference ``exercise``."""
    exercise: str
    id: str
    mistake: str
    fix: str
    patch: tuple[tuple[str, str], ...]
    planted: bool = False  # one of the bugs a repair exercise's stub ships with (grader/stubs.py)

    def __post_init__(self):
        object.__setattr__(self, "patch", tuple(tuple(pair) for pair in self.patch))
        if not self.patch or not all(len(pair) == 2 and all(isinstance(t, str) for t in pair) for pair in self.patch):
            raise CatalogError(f"{self.exercise}:{self.id}: patch must be a list of (old, new) text pairs.")

    @property
    def key(self) -> str:
        return f"{self.exercise}:{self.id}"

    def as_dict(self) -> dict:
        return {"id": self.id, "mistake": self.mistake, "fix": self.fix}


def mutant(exercise: str, id: str, mistake: str, fix: str, *patch: tuple[str, str]) -> Mutant:
    """Deprecated positional shorthand (the catalogs are moving to ``Mutant(...)`` with keywords)."""
    return Mutant(exercise=exercise, id=id, mistake=mistake, fix=fix, patch=patch)


def load_day_catalog(module_stem: str):
    """``(mutants, probes, reasons for no mutant)`` of one day; empty when the day has no catalog module."""
    try:
        module = importlib.import_module(f"tests.misconceptions.{module_stem}")
    except ModuleNotFoundError as exc:
        if exc.name in (f"tests.misconceptions.{module_stem}",):
            return [], {}, {}
        raise
    return (list(getattr(module, "MUTANTS", [])), dict(getattr(module, "PROBES", {})),
            dict(getattr(module, "NO_MUTANT", {})))


def patched_source(source: str, symbol: str, patch, label: str = "") -> str:
    """Apply ``patch`` inside the top-level definition of ``symbol``; each old text must occur once there."""
    tree = ast.parse(source)
    node = next((n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == symbol), None)
    if node is None:
        raise CatalogError(f"{label}: the reference defines no top-level {symbol!r}.")
    lines = source.splitlines(keepends=True)
    start = node.lineno - 1 - len(node.decorator_list)
    head, body, tail = "".join(lines[:start]), "".join(lines[start:node.end_lineno]), "".join(lines[node.end_lineno:])
    for old, new in patch:
        starts = [i for i in range(len(body)) if body.startswith(old, i)]
        in_code = [i for i in starts if not _in_prose(body, i)]
        if len(in_code) != 1:
            prose = len(starts) - len(in_code)
            where = f" (and {prose} times in comments or docstrings)" if prose else ""
            raise CatalogError(f"{label}: {old!r} occurs {len(in_code)} times in the code of the reference {symbol}"
                               f"{where}; it must occur exactly once there.")
        at = in_code[0]
        body = body[:at] + new + body[at + len(old):]
    return head + body + tail


def _in_prose(code: str, offset: int) -> bool:
    """Whether ``offset`` of ``code`` (a definition's text) falls in a comment or a docstring."""
    import io
    import textwrap
    import tokenize
    dedented = textwrap.dedent(code)
    shift = len(code.splitlines(keepends=True)[0]) - len(dedented.splitlines(keepends=True)[0])
    starts = [0]
    for line in dedented.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    spans = []
    tree = ast.parse(dedented)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            value = getattr(first, "value", None)
            if isinstance(first, ast.Expr) and isinstance(value, ast.Constant) and isinstance(value.value, str):
                spans.append((first.lineno, first.col_offset, first.end_lineno, first.end_col_offset))
    for token in tokenize.generate_tokens(io.StringIO(dedented).readline):
        if token.type == tokenize.COMMENT:
            spans.append((*token.start, *token.end))
    lines_before = code[:offset].count("\n")
    column = offset - (code.rfind("\n", 0, offset) + 1) - shift
    position = (lines_before + 1, column)
    return any((l0, c0) <= position < (l1, c1) for l0, c0, l1, c1 in spans)


def module_from_source(source: str, name: str, package: str, filename: str) -> types.ModuleType:
    """Execute ``source`` as module ``name`` inside ``package`` (so relative imports work)."""
    module = types.ModuleType(name)
    module.__package__ = package
    module.__file__ = filename
    sys.modules[name] = module
    exec(compile(source, filename, "exec"), module.__dict__)
    return module


def _normalise(value):
    if isinstance(value, (str, bool, type(None))):
        return value
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        return tuple(value)  # a list of words (exception names, verdicts): compared as it is
    try:
        array = np.asarray(value)
    except Exception:  # an object left in the worker, or anything else that is not numbers
        return object()
    if array.dtype == object or array.dtype.kind not in "biuf":
        return object()
    return array.astype(float)


def same_outputs(a: dict, b: dict, rtol: float = MATCH_RTOL, atol: float = MATCH_ATOL) -> bool:
    """True when two probe results agree on every output (shapes, NaNs and infinities included)."""
    if not isinstance(a, dict) or not isinstance(b, dict) or a.keys() != b.keys():
        return False
    for key in a:
        x, y = _normalise(a[key]), _normalise(b[key])
        if isinstance(x, np.ndarray) and isinstance(y, np.ndarray):
            if x.shape != y.shape or not np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True):
                return False
        elif isinstance(x, dict) and isinstance(y, dict):
            if not same_outputs(x, y, rtol, atol):
                return False
        elif type(x) is not type(y) or x != y:  # different kinds of output never match
            return False
    return True


class _Deadline(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the block after ``seconds`` (main thread, POSIX); a no-op elsewhere."""
    if seconds is None or not hasattr(signal, "setitimer") or not _in_main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise _Deadline()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    old_timer = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_timer[0]:
            signal.setitimer(signal.ITIMER_REAL, *old_timer)


def _in_main_thread() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()


def run_probe(probe, module, seconds: float = 5.0):
    """Call a probe quietly; ``None`` when the code under it raised, printed nothing useful or hung."""
    sink = io.StringIO()
    try:
        with time_limit(seconds), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), \
                np.errstate(all="ignore"):
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return probe(module)
    except KeyboardInterrupt:
        raise
    except BaseException:  # learner code may raise anything, even SystemExit
        return None


class Catalog:
    """Mutants and probes of the whole course, with the reference they are planted in."""

    @staticmethod
    def available(reference: str | Path = NAMED_TREES["solutions"]) -> bool:
        """Whether this copy of the kata has the reference (a copy handed to learners may not)."""
        return Path(reference).is_dir()

    def __init__(self, manifest, reference: str | Path = NAMED_TREES["solutions"]):
        self.manifest = manifest
        self.reference_folder = Path(reference)
        self.mutants: dict[str, list[Mutant]] = {}
        self.probes: dict = {}
        self.no_mutant: dict[str, str] = {}
        for day in manifest.days:
            mutants, probes, reasons = load_day_catalog(day.module)
            for m in mutants:
                self.mutants.setdefault(m.exercise, []).append(m)
            self.probes.update(probes)
            self.no_mutant.update(reasons)
        self._reference: ReferenceTree | None = None
        self._mutant_modules: dict[str, types.ModuleType] = {}
        self._outputs: dict[str, dict | None] = {}

    def all_mutants(self) -> list[Mutant]:
        return [m for ex in self.manifest.exercises for m in self.mutants.get(ex.id, [])]

    # -- building ---------------------------------------------------------------
    @property
    def reference(self) -> ReferenceTree:
        if self._reference is None:
            self._reference = ReferenceTree(self.reference_folder)
        return self._reference

    def mutant_source(self, m: Mutant) -> tuple[str, Path]:
        """The reference day module's text with ``m`` planted, and the file it came from."""
        day = self.manifest.day_of(m.exercise)
        path = self.reference_folder / f"{day.module}.py"
        symbol = self.manifest.exercise(m.exercise).name
        return patched_source(path.read_text(encoding="utf-8"), symbol, m.patch, label=m.key), path

    def mutant_module(self, m: Mutant) -> types.ModuleType:
        if m.key not in self._mutant_modules:
            _ = self.reference  # the package must exist for the mutant's relative imports
            source, path = self.mutant_source(m)
            name = f"kata_reference._mutant_{m.exercise.replace('.', '_')}_{m.id}"
            self._mutant_modules[m.key] = module_from_source(source, name, "kata_reference", str(path))
        return self._mutant_modules[m.key]

    # -- probing ----------------------------------------------------------------
    def reference_outputs(self, exercise_id: str):
        key = f"{exercise_id}:reference"
        if key not in self._outputs:
            module = self.reference.module(self.manifest.day_of(exercise_id).module)
            self._outputs[key] = run_probe(self.probes[exercise_id], module)
        return self._outputs[key]

    def mutant_outputs(self, m: Mutant):
        if m.key not in self._outputs:
            self._outputs[m.key] = run_probe(self.probes[m.exercise], self.mutant_module(m))
        return self._outputs[m.key]

    def diagnose_outputs(self, exercise_id: str, learner) -> Mutant | None:
        """The catalog mistake whose probe outputs ``learner`` reproduces, if exactly one does."""
        if exercise_id not in self.probes or not self.mutants.get(exercise_id) or not isinstance(learner, dict):
            return None
        reference = self.reference_outputs(exercise_id)
        if reference is not None and same_outputs(learner, reference):
            return None
        matches = [m for m in self.mutants[exercise_id]
                   if (out := self.mutant_outputs(m)) is not None and same_outputs(learner, out)]
        return matches[0] if len(matches) == 1 else None
