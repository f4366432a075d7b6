"""The judge: runs the check suites with pytest in this process, reaching learner code only through the sandbox.

Checks (``tests/checks/test_dayNN_*.py``) are ordinary pytest functions. Their assertions,
the trusted gradient checker and the catalog's diagnosis all run here, in the judge; the
learner's code runs only in the worker (:mod:`grader.sandbox`). A check gets the learner's
day module from the ``impl`` fixture as a :class:`ModuleProxy`: calling one of its functions
runs it in the worker on copies of the arguments and returns plain data; ``probe`` runs a
function of ``tests/probes`` beside the learner's code for anything that needs callbacks,
objects or state. See tests/README.md for how to write a check.

:class:`JudgePlugin` turns every check into a :class:`CheckRecord` (passed, failed, not
started, error, timeout, or not run), with a one-sentence message.
"""
from __future__ import annotations

import re
import time
import traceback
import zlib
from dataclasses import dataclass

import numpy as np
import pytest

from .sandbox.client import (
    BadAnswer,
    ImportFailed,
    LearnerCpuLimit,
    LearnerExited,
    LearnerRaised,
    LearnerTimeout,
    MissingSymbol,
    Refused,
    SandboxError,
    SandboxUnavailable,
    Unsendable,
    WorkerDied,
)
from .sandbox.session import Remote, Sandbox, shapes_of

#: How long the learner's side of a catalog diagnosis may take.
DIAGNOSIS_SECONDS = 5.0


@dataclass(frozen=True)
class CheckRecord:
    """How one check of one implementation ended."""
    impl: str
    exercise: str
    nodeid: str
    name: str
    outcome: str            # passed | failed | not_started | error | timeout | not_run
    kind: str               # what ended it: passed, failed, not_started, import_error, crash, timeout, not_run
    message: str
    duration: float
    output: str = ""
    output_bytes: int = 0
    output_truncated: bool = False
    stub: str | None = None
    detail: str = ""        # a traceback for --verbose, when one helps
    weight: int = 1         # how much the message tells (tests/checks/expect.py): the grader shows the most


_OUTCOME = {"passed": "passed", "failed": "failed", "not_started": "not_started", "import_error": "error",
            "crash": "error", "timeout": "timeout", "not_run": "not_run"}


# -- what checks see -----------------------------------------------------------------------------
_notes: list[str] = []  # sentences the running check left for its report when it passes


def note(sentence: str) -> None:
    """Keep ``sentence`` as the message of the running check if it passes (tests/checks/expect.note)."""
    _notes.append(str(sentence))


class Implementation:
    """The ``impl`` fixture: one implementation under test, reached through the sandbox."""

    def __init__(self, sandbox: Sandbox, label: str):
        self.sandbox, self.label = sandbox, label

    @property
    def source(self):
        """The implementation's own folder (``exercises/``, a submission): for files the judge reads, such as
        the capstone's deliverables. Its code is never imported from here."""
        return self.sandbox.implementations[self.label].source

    def module(self, stem: str, returns: dict | None = None) -> ModuleProxy:
        """The learner's day module ``stem`` (``day01_linear``); ``returns`` names what each function returns."""
        return ModuleProxy(self, stem, returns or {})


class ModuleProxy:
    """A learner module in the worker: ``proxy.fn(...)`` calls it there, ``proxy.probe(f, ...)`` runs a probe."""

    def __init__(self, impl: Implementation, stem: str, returns: dict):
        self._impl, self._stem, self._returns = impl, stem, returns

    def __getattr__(self, name: str) -> LearnerFunction:
        if name.startswith("__"):
            raise AttributeError(name)
        return LearnerFunction(self._impl, self._stem, name, self._returns.get(name))

    def probe(self, function, *args, **kwargs):
        """``function(<learner module>, *args, **kwargs)`` run in the worker; returns plain data."""
        return self._impl.sandbox.probe(self._impl.label, self._stem, function, args, kwargs)

    def probed(self, function) -> ProbeFunction:
        """The probe ``function`` as a callable, for :func:`numerical_gradient_of`."""
        return ProbeFunction(self, function)


class ProbeFunction:
    """A probe bound to a learner module: calling it runs the probe; ``map`` evaluates it at many points."""

    def __init__(self, module: ModuleProxy, function):
        self._module, self._function, self.__name__ = module, function, function.__name__

    def __call__(self, *args, **kwargs):
        return self._module.probe(self._function, *args, **kwargs)

    def map(self, args, kwargs, path, nudges, output=None) -> list:
        impl = self._module._impl
        return impl.sandbox.map(impl.label, self._module._stem, self._function, args, kwargs, path, nudges, output)


class LearnerFunction:
    """One learner function; calling it runs it in the worker. Passed to another learner function,
    it travels as a reference, so ``train(X, y, day01.svm_loss_vectorized, ...)`` works."""

    def __init__(self, impl: Implementation, stem: str, name: str, returns: str | None):
        self._impl, self._stem, self.__name__, self._returns = impl, stem, name, returns

    def __call__(self, *args, **kwargs):
        try:
            value = self._impl.sandbox.call(self._impl.label, self._stem, self.__name__, args, kwargs)
        except LearnerRaised as exc:
            exc.call = f"`{self.__name__}({shapes_of(args, exc.params, kwargs)})`"
            raise
        return unpack(value, self._returns, f"`{self.__name__}`")

    def map(self, args, kwargs, path, nudges, output=None) -> list:
        """This function evaluated at nudged copies of one argument, in one request (numerical gradients)."""
        try:
            return self._impl.sandbox.map(self._impl.label, self._stem, self.__name__, args, kwargs, path, nudges,
                                          output)
        except LearnerRaised as exc:
            exc.call = f"`{self.__name__}({shapes_of(args, exc.params)})`"
            raise

    def _kata_reference(self) -> dict:
        return {"t": "fn", "impl": self._impl.label, "module": self._stem, "name": self.__name__}


def unpack(value, spec: str | None, who: str):
    """Check ``value`` against a return spec such as ``"(loss, dW, db)"``: a tuple (or list) of that many values."""
    if not spec or not spec.startswith("("):
        return value
    names = [n.strip() for n in spec.strip("()").split(",") if n.strip()]
    if isinstance(value, (tuple, list)) and len(value) == len(names):
        return tuple(value)
    raise Refused(f"{who} returned {describe_value(value)}; it must return a tuple {spec}.")


def describe_value(value) -> str:
    """``a tuple of 3 values``, ``an array of shape (2, 3)``, ``None``: what came back, for a message."""
    if isinstance(value, Remote):
        return value.describe()
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} value{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))[:6]}"
    if isinstance(value, (bool, int, float)):
        return f"the number {value!r}"
    return f"a {type(value).__name__}"


# -- the fixtures every check can use (this module is registered as a plugin beside JudgePlugin) ---------
@pytest.fixture(scope="session")
def impl(request):
    """The implementation under test (one per session, or one per parameter when grading several)."""
    judge = request.config._kata_judge
    label = getattr(request, "param", judge.labels[0])
    return Implementation(judge.sandbox, label)


@pytest.fixture
def rng(request):
    """A Generator seeded from the check's own name: reproducible, and different per check."""
    return np.random.default_rng(zlib.crc32(_check_id(request.node).encode()))


def day_fixtures(manifest):
    """A plugin module with one fixture per day, ``day01`` ... : the learner's module of that day, as a
    proxy, with the ``RETURNS`` table of the check file that asks for it. A check file needs no
    fixture of its own."""
    import types
    module = types.ModuleType("kata_day_fixtures")
    for day in manifest.days:
        def fixture(impl, request, _stem=day.module):
            return impl.module(_stem, returns=getattr(request.module, "RETURNS", {}))
        name = f"day{day.number:02d}"
        fixture.__doc__ = f"The learner's {day.module} module, run in the sandboxed worker."
        setattr(module, name, pytest.fixture(name=name)(fixture))
    return module


# -- the plugin ------------------------------------------------------------------------------------
class CheckUnavailable(Exception):
    """A check cannot run on this machine (the MNIST data is missing, say): an error, not the learner's."""


class NotRun(pytest.skip.Exception):
    """A check that was deliberately not run (its exercise timed out, or the overall time ran out)."""


class JudgePlugin:
    """Registered with ``pytest.main(plugins=[...])`` by :mod:`grader.grading`."""

    def __init__(self, sandbox: Sandbox, wanted: dict[str, set[str]], modules: dict[str, list[str]], *,
                 total_seconds: float, catalog=None):
        self.sandbox = sandbox
        self.wanted = wanted                 # implementation label -> exercise ids to grade
        self.modules = modules               # implementation label -> day modules to import first
        self.labels = list(wanted)
        self.deadline = time.monotonic() + total_seconds
        self.total_seconds = total_seconds
        self.catalog = catalog
        self.records: list[CheckRecord] = []
        self.collected: list[tuple[str, str, str]] = []  # (impl, exercise, nodeid)
        self.stopped: dict[tuple[str, str], str] = {}
        self.diagnoses: dict[tuple[str, str], object] = {}
        self.collection_errors: list[str] = []
        self._phase: dict[str, BaseException | None] = {}
        self._started: dict[str, float] = {}

    # -- configuration and collection ------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config):
        config.addinivalue_line("markers", "exercise(id): the manifest exercise a check grades")
        config.addinivalue_line("markers", "budget(seconds=..., cpu_seconds=...): a check that needs more time than "
                                           "the per-check limit (a training run); the README states it")
        config._kata_judge = self

    def pytest_generate_tests(self, metafunc):
        if "impl" in metafunc.fixturenames and len(self.labels) > 1:
            metafunc.parametrize("impl", self.labels, indirect=True, scope="session", ids=self.labels)

    def pytest_collectreport(self, report):
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext.strip()[-2000:]}")

    def pytest_collection_modifyitems(self, config, items):
        keep, drop = [], []
        for item in items:
            markers = list(item.iter_markers("exercise"))
            if len(markers) != 1 or len(markers[0].args) != 1:
                problem = f"{item.nodeid}: every check needs exactly one @pytest.mark.exercise(id)."
                self.collection_errors.append(problem)
                raise pytest.UsageError(problem)
            exercise = markers[0].args[0]
            label = _label_of(item, self.labels)
            if exercise in self.wanted.get(label, ()):
                item._kata = (label, exercise)
                keep.append(item)
            else:
                drop.append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
        items[:] = keep
        self.collected = [(item._kata[0], item._kata[1], item.nodeid) for item in keep]

    def pytest_collection_finish(self, session):
        # Import every day module first, each under its own time limit, so that a module that
        # hangs or fails at import is reported once, against its file, and costs no check's time.
        for label, stems in self.modules.items():
            for stem in stems:
                try:
                    self.sandbox.import_module(label, stem)
                except ImportFailed:
                    pass
                except SandboxUnavailable as exc:
                    self.collection_errors.append(str(exc))
                    raise pytest.UsageError(str(exc)) from None

    # -- running ------------------------------------------------------------------------------------
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self._phase[item.nodeid] = None
        self._started[item.nodeid] = time.monotonic()
        _notes.clear()
        budget = item.get_closest_marker("budget")
        seconds = budget.kwargs.get("seconds", self.sandbox.limits.seconds) if budget else self.sandbox.limits.seconds
        cpu = budget.kwargs.get("cpu_seconds") if budget else None
        self.sandbox.begin_check(min(seconds, max(0.001, self.deadline - time.monotonic())), cpu_seconds=cpu)
        yield
        output = self.sandbox.end_check()
        self.records.append(self._record(item, output))

    def pytest_runtest_setup(self, item):
        label, exercise = item._kata
        reason = self.stopped.get((label, exercise))
        if reason:
            raise NotRun(reason)
        if time.monotonic() > self.deadline:
            raise NotRun(f"not run: the overall time limit ({self.total_seconds:g} s) ran out before this check.")

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """The phase's report, without pytest's traceback formatting (the verdict is built from the exception)."""
        from _pytest.reports import TestReport
        exc = call.excinfo.value if call.excinfo is not None else None
        if exc is not None and self._phase.get(item.nodeid) is None:
            self._phase[item.nodeid] = exc
            if isinstance(exc, (LearnerTimeout, LearnerCpuLimit)):
                label, exercise = item._kata
                self.stopped[(label, exercise)] = ("not run: an earlier check of this exercise did not finish in time, "
                                                   "so the rest were skipped.")
        if exc is None:
            outcome, longrepr = "passed", None
        elif isinstance(exc, pytest.skip.Exception):
            outcome, longrepr = "skipped", (str(item.path), 0, str(exc))
        else:
            outcome, longrepr = "failed", f"{type(exc).__name__}: {str(exc)[:500]}"
        return TestReport(item.nodeid, item.location, {}, outcome, longrepr, call.when, [], call.duration,
                          call.start, call.stop, [])

    def pytest_sessionfinish(self, session):
        if self.catalog is None:
            return
        failing = {(r.impl, r.exercise) for r in self.records if r.kind == "failed"}
        if failing and self.sandbox.worker is not None:
            # A fresh worker: state the learner's code kept from the checks must not colour the diagnosis.
            self.sandbox.worker.kill()
        for label, exercise in sorted(failing):
            self.diagnoses[(label, exercise)] = self._diagnose(label, exercise)

    def _diagnose(self, label, exercise):
        probe = self.catalog.probes.get(exercise)
        if probe is None or not self.catalog.mutants.get(exercise):
            return None
        stem = self.catalog.manifest.day_of(exercise).module
        self.sandbox.begin_check(DIAGNOSIS_SECONDS)
        try:
            outputs = self.sandbox.probe(label, stem, probe, (), {}, quiet=True, forbid_global_random=False)
        except (SandboxError, Exception):  # a diagnosis is a bonus; any failure just means no name
            return None
        finally:
            self.sandbox.end_check()
        try:
            return self.catalog.diagnose_outputs(exercise, outputs)
        except Exception:
            return None

    # -- records ---------------------------------------------------------------------------------------
    def _record(self, item, output) -> CheckRecord:
        label, exercise = item._kata
        exc = self._phase.pop(item.nodeid, None)
        duration = time.monotonic() - self._started.pop(item.nodeid, time.monotonic())
        kind, message, stub, detail = classify(exc, self.sandbox, label)
        if kind == "passed":
            message = " ".join(_notes)
        weight = getattr(exc, "weight", 1) if kind == "failed" else (0 if kind == "not_run" else 1)
        return CheckRecord(impl=label, exercise=exercise, nodeid=item.nodeid, name=_check_id(item).split("::", 1)[-1],
                           outcome=_OUTCOME[kind], kind=kind, message=message, duration=round(duration, 6),
                           output=output.text(), output_bytes=output.total, output_truncated=output.truncated,
                           stub=stub, detail=detail, weight=weight if isinstance(weight, int) else 1)


def classify(exc, sandbox: Sandbox, label: str) -> tuple[str, str, str | None, str]:
    """``(kind, message, stub, detail)`` for the exception that ended a check (None: it passed)."""
    if exc is None:
        return "passed", "", None, ""
    if isinstance(exc, NotRun):
        return "not_run", str(exc.msg if hasattr(exc, "msg") else exc), None, ""
    if isinstance(exc, pytest.skip.Exception):
        return "failed", f"the check was skipped: {exc}", None, ""
    if isinstance(exc, ImportFailed):
        return "import_error", str(exc), None, ""
    if isinstance(exc, CheckUnavailable):
        return "crash", f"this check could not run here: {exc}", None, ""
    if isinstance(exc, MissingSymbol):
        return "import_error", str(exc), None, ""
    if isinstance(exc, LearnerExited):
        where = describe_frames(exc.frames)
        return "crash", (f"your code called sys.exit({exc.text}){' (' + where + ')' if where else ''}; a function "
                         f"must return its result, never end the program."), None, ""
    if isinstance(exc, LearnerRaised):
        if exc.type_name == "NotImplementedError" and exc.stub:
            return "not_started", "not started", exc.stub, ""
        return "failed", describe_raise(exc), None, _frames_text(exc.frames)
    if isinstance(exc, LearnerTimeout):
        where = describe_frames(exc.frames)
        place = f"; it was running {where} when stopped" if where else ""
        how = " and ignored the alarm, so it was killed" if exc.hard else ""
        return "timeout", (f"did not finish within {exc.seconds:g} s{how}{place}. Look for a loop that never ends or "
                           f"work that grows much faster than the input."), None, ""
    if isinstance(exc, LearnerCpuLimit):
        where = describe_frames(exc.frames)
        running = f"; it was running {where}" if where else ""
        return "timeout", f"used more than {exc.seconds:g} s of CPU time{running}.", \
            None, ""
    if isinstance(exc, WorkerDied):
        return "crash", f"crashed: {exc}. The other checks ran in a fresh process.", None, ""
    if isinstance(exc, (BadAnswer, Unsendable)):
        return "failed", f"what your code returned could not be read back: {exc}.", None, ""
    if isinstance(exc, Refused):
        return "failed", str(exc), None, ""
    if isinstance(exc, pytest.fail.Exception):
        return "failed", (getattr(exc, "msg", None) or str(exc)).strip(), None, ""
    if isinstance(exc, AssertionError):
        return "failed", str(exc).split("\nassert ")[0].strip() or "an assertion failed.", None, ""
    head = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}".rstrip(": ")
    return "failed", (f"the check could not use what your code returned ({head}); if your values look right, "
                      f"this may be a problem of the kata itself: please report it."), None, \
        "".join(traceback.format_exception(exc)[-6:])


def describe_raise(exc: LearnerRaised) -> str:
    """``affine_forward(x (2, 3, 4), W (12, 5), b (5,)) raised ValueError: ... (<file>, line 42, ...)``."""
    call = getattr(exc, "call", None)
    head = f"{exc.type_name}: {exc.text.strip().splitlines()[0] if exc.text.strip() else ''}".rstrip(": ")
    where = describe_frames(exc.frames)
    who = f"{call} raised" if call else "your code raised"
    if "MemoryError" in exc.type_name:
        head += " (the checks allow the worker a limited amount of memory; is an array far larger than needed?)"
    return f"{who} {head}" + (f" ({where})." if where else ".")


def describe_frames(frames) -> str:
    """Where in the learner's files: the function the check reached, then the line it failed on."""
    if not frames:
        return ""
    path, line, function, text = frames[-1]
    inner = f"{path}, line {line}, in {function}" + (f": `{text}`" if text else "")
    if len(frames) == 1 or frames[0][2] == function:
        return inner
    outer_path, outer_line, outer_function, _ = frames[0]
    return f"in {outer_function} at line {outer_line}, inside {function}: {inner}"


def _frames_text(frames) -> str:
    return "\n".join(f'  File "{path}", line {line}, in {function}\n    {text}'
                     for path, line, function, text in frames)


def _label_of(item, labels) -> str:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "impl" in callspec.params:
        return callspec.params["impl"]
    return labels[0]


def _check_id(item) -> str:
    """The check's node id without the implementation parameter (so seeds and names never depend on it)."""
    nodeid = re.sub(r"-kataimpl\d+(?=[\]-])|kataimpl\d+-|kataimpl\d+", "", item.nodeid)
    return nodeid.replace("[]", "")
