"""A grading session's use of the sandbox: one worker, restarted when it dies, and the calls made to it.

The judge's checks reach learner code only through :class:`Sandbox`:

- :meth:`Sandbox.call` calls a learner function on copies of the arguments. Arrays the learner
  modified in place are copied back into the judge's own arrays, and a
  ``numpy.random.Generator`` passed in advances as if the learner had drawn from it, so a check
  reads as if the call were local, yet learner code never touches a judge object.
- :meth:`Sandbox.probe` runs a probe (a function of a ``tests/probes`` module) in the worker
  with the learner's module, for everything that needs callbacks, objects or state.

Values come back as plain data; anything else is a :class:`Remote`, an opaque reference that
can only be passed back to the worker, and that fails the check with a sentence when a check
tries to read it.
"""
from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import wire
from .client import (
    BadAnswer,
    ImportFailed,
    LearnerCpuLimit,
    LearnerExited,
    LearnerRaised,
    LearnerTimeout,
    Limits,
    MissingSymbol,
    Refused,
    SandboxError,
    Unsendable,
    WorkerDied,
    WorkerProcess,
)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,60}$")


@dataclass
class StagedImplementation:
    """A submission copied into a fresh folder (see staging.py); ``display`` is how messages name it."""
    label: str
    folder: Path
    display: str
    ignored: list[str] = field(default_factory=list)
    source: Path | None = None  # the submission's own folder (for files the judge reads, never imports)


class OutputBuffer:
    """What the worker printed during one check: the first and last ``limit / 2`` bytes, the rest counted."""

    def __init__(self, limit: int):
        self.half = max(1, limit // 2)
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, data: bytes) -> None:
        self.total += len(data)
        room = self.half - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail += data
            if len(self.tail) > self.half:
                del self.tail[:len(self.tail) - self.half]

    def text(self) -> str:
        head = self.head.decode("utf-8", "replace")
        if self.total <= len(self.head) + len(self.tail):
            return head + self.tail.decode("utf-8", "replace")
        hidden = self.total - len(self.head) - len(self.tail)
        return f"{head}\n[... {hidden} bytes not kept ...]\n{self.tail.decode('utf-8', 'replace')}"

    @property
    def truncated(self) -> bool:
        return self.total > len(self.head) + len(self.tail)


class Remote:
    """An object the learner's code returned that is not plain data; it stays in the worker.

    A check may pass it back to the worker (a layer's ``cache``, say). Reading it in the
    judge (iterating, indexing, converting it to a number or an array) fails the check with
    a sentence naming what came back instead of the expected value.
    """
    __slots__ = ("id", "type_name", "origin", "generation")

    def __init__(self, id: int, type_name: str, origin: str, generation: int):
        self.id, self.type_name, self.origin, self.generation = id, type_name, origin, generation

    def describe(self) -> str:
        return f"a `{self.type_name}`"

    def _refuse(self, *args, **kwargs):
        raise Refused(f"{self.origin} returned {self.describe()}, which is not plain data (a number, an array, "
                      f"or a tuple, list or dict of them); return NumPy arrays and Python numbers.")

    __iter__ = __len__ = __float__ = __int__ = __index__ = __bool__ = __getitem__ = __array__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __neg__ = _refuse
    __lt__ = __le__ = __gt__ = __ge__ = _refuse

    def __repr__(self) -> str:
        return f"<{self.type_name} in the worker>"


class Sandbox:
    """One worker for a grading session, with the implementations it can import."""

    def __init__(self, implementations: list[StagedImplementation], limits: Limits, probes: dict[str, str]):
        self.implementations = {impl.label: impl for impl in implementations}
        self.limits = limits
        self.probes = probes
        self.worker: WorkerProcess | None = None
        self.generation = 0
        self.status: dict = {}
        self.imported: set[tuple[str, str]] = set()
        self.import_failures: dict[tuple[str, str], ImportFailed] = {}
        self.output = OutputBuffer(limits.output_bytes)
        self.deadline: float | None = None
        self.check_seconds = limits.seconds
        self.check_cpu_seconds = limits.cpu_seconds
        self.restarts = 0
        self._release: list[int] = []

    # -- life cycle ----------------------------------------------------------------------------
    def ensure_worker(self) -> WorkerProcess:
        if self.worker is not None and self.worker.usable:
            return self.worker
        if self.worker is not None:
            self.worker.close()
            self.restarts += 1
        self.generation += 1
        self.imported = set()
        self._release = []
        self.worker = WorkerProcess(implementations={k: str(v.folder) for k, v in self.implementations.items()},
                                    probes=self.probes, limits=self.limits, on_output=self._on_output)
        self.status = self.worker.start()
        return self.worker

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()
            self.worker = None

    def _on_output(self, data: bytes) -> None:
        self.output.add(data)

    # -- one check at a time ----------------------------------------------------------------------
    def begin_check(self, seconds: float | None = None, cpu_seconds: float | None = None) -> None:
        self.output = OutputBuffer(self.limits.output_bytes)
        self.check_seconds = seconds or self.limits.seconds
        self.check_cpu_seconds = cpu_seconds or self.limits.cpu_seconds
        self.deadline = time.monotonic() + self.check_seconds

    def end_check(self) -> OutputBuffer:
        output = self.output
        self.output = OutputBuffer(self.limits.output_bytes)
        self.deadline = None
        return output

    def _seconds_left(self) -> float:
        if self.deadline is None:
            return self.limits.seconds
        return max(0.001, self.deadline - time.monotonic())

    # -- imports ----------------------------------------------------------------------------------
    def import_module(self, label: str, stem: str, seconds: float | None = None) -> None:
        """Import a learner day module; a failure is remembered and raised again without a new attempt."""
        key = (label, stem)
        if key in self.import_failures:
            raise self.import_failures[key]
        if not (self.implementations[label].folder / f"{stem}.py").is_file():
            failure = ImportFailed(self.display_file(label, stem), None,
                                   "the file does not exist; restore it from git or from the kata.")
            self.import_failures[key] = failure
            raise failure
        if key in self.imported and self.worker is not None and self.worker.usable:
            return
        seconds = seconds or self.limits.seconds
        display = self.display_file(label, stem)
        try:
            try:
                header, _ = self.ensure_worker().request(
                    {"op": "import", "impl": label, "module": stem, "seconds": seconds}, seconds=seconds)
            except (WorkerDied, BadAnswer):
                # Perhaps another module's leftovers (a process it forked) broke this worker: one more try in
                # a fresh one decides whether this module itself is at fault.
                self.ensure_worker().kill()
                header, _ = self.ensure_worker().request(
                    {"op": "import", "impl": label, "module": stem, "seconds": seconds}, seconds=seconds)
        except LearnerTimeout as exc:
            failure = ImportFailed(display, self._line_in(label, exc.frames),
                                   f"importing it did not finish within {seconds:g} s; is there an endless loop "
                                   f"at module level? Module-level code must only define functions.")
            self.import_failures[key] = failure
            raise failure from None
        except (WorkerDied, BadAnswer) as exc:
            failure = ImportFailed(display, None, f"the process importing it ended: {exc}.")
            self.import_failures[key] = failure
            raise failure from None
        error = header.get("error")
        if error is None:
            self.imported.add(key)
            return
        failure = self._import_failure(label, stem, error)
        self.import_failures[key] = failure
        raise failure

    def _import_failure(self, label: str, stem: str, error: dict) -> ImportFailed:
        display = self.display_file(label, stem)
        kind = error.get("kind")
        if kind == "timeout":
            return ImportFailed(display, self._line_in(label, error.get("frames")),
                                "importing it did not finish in time; is there an endless loop at module level?")
        if kind == "syntax":
            path = self.display_path(label, str(error.get("file", ""))) or display
            text = _short(error.get("text"), 120).strip()
            detail = f"SyntaxError: {_short(error.get('message'), 200)}" + (f" in `{text}`" if text else "")
            line = error.get("line") if type(error.get("line")) is int else None
            return ImportFailed(path, line, detail)
        frames = self.learner_frames(label, error.get("frames"))
        line = frames[-1][1] if frames else None
        path = frames[-1][0] if frames else display
        if kind == "import_exit":
            return ImportFailed(path, line, f"it called sys.exit({_short(error.get('message'), 60)}) while being "
                                            f"imported; module-level code must only define functions.")
        head = _short(error.get("type"), 100) or "an exception"
        message = _short(error.get("message"), 300).strip().splitlines()
        return ImportFailed(path, line, f"{head}: {message[0]}" if message else head)

    # -- calls ------------------------------------------------------------------------------------
    def call(self, label: str, stem: str, name: str, args=(), kwargs=None, *, quiet: bool = False):
        """``name(*args, **kwargs)`` of the learner's module ``stem``, run in the worker on copies."""
        self.import_module(label, stem)
        sources: list = []
        payload, buffers = self._encode([list(args), dict(kwargs or {})], sources)
        request = {"op": "call", "impl": label, "module": stem, "name": name, "payload": payload}
        value, mutated, states = self._run(request, buffers, label, stem, origin=f"`{name}`", quiet=quiet)
        for index, array in mutated:
            _copy_back(sources, index, array)
        self._advance(sources, states)
        return value

    def probe(self, label: str, stem: str, function, args=(), kwargs=None, *, quiet: bool = False,
              forbid_global_random: bool = True):
        """Run the probe ``function(<learner module>, *args, **kwargs)`` in the worker."""
        self.import_module(label, stem)
        sources: list = []
        payload, buffers = self._encode([list(args), dict(kwargs or {})], sources)
        request = {"op": "probe", "impl": label, "module": stem, "probe": probe_name(function), "payload": payload,
                   "forbid_global_random": forbid_global_random}
        value, _, states = self._run(request, buffers, label, stem, origin="your code", quiet=quiet)
        self._advance(sources, states)
        return value

    def map(self, label: str, stem: str, target, args, kwargs, path, nudges, output=None) -> list:
        """The learner function named ``target`` (or the probe ``target``) evaluated at nudged copies of
        the argument at ``path`` (see :func:`tests.checks.gradcheck.numerical_gradient_of`), in one request."""
        self.import_module(label, stem)
        payload, buffers = self._encode([list(args), dict(kwargs or {}), list(path),
                                         [[int(i), float(v)] for i, v in nudges], output], [])
        request = {"op": "map", "impl": label, "module": stem, "payload": payload}
        if callable(target):
            request["probe"] = probe_name(target)
        else:
            request["name"] = target
        values, _, _ = self._run(request, buffers, label, stem, origin=f"`{getattr(target, '__name__', target)}`",
                                 quiet=False)
        if not isinstance(values, list) or len(values) != len(nudges):
            raise BadAnswer("the worker answered a batch of evaluations with the wrong number of values")
        return values

    def _run(self, request: dict, buffers, label: str, stem: str, *, origin: str, quiet: bool):
        worker = self.ensure_worker()
        seconds = self._seconds_left()
        request.update({"seconds": seconds, "cpu_seconds": self.check_cpu_seconds, "quiet": quiet,
                        "errstate": {k: v for k, v in np.geterr().items()}, "release": self._release})
        self._release = []
        try:
            header, blob = worker.request(request, buffers, seconds=seconds)
        except LearnerTimeout as exc:
            exc.frames = self.learner_frames(label, exc.frames)
            exc.seconds = self.check_seconds
            raise
        error = header.get("error")
        if error is not None:
            raise self._error(label, stem, error, self.check_seconds)
        generation = self.generation

        def remote(node):
            type_name = _short(node.get("type"), 120) or "object"
            handle = node.get("id")
            if type(handle) is not int:
                raise wire.WireError("a malformed reference")
            return Remote(handle, type_name, origin, generation)
        try:
            result = wire.decode(header.get("ok"), blob, {"remote": remote})
            value, mutated, states, used_global = result
            if type(mutated) is not list or type(states) is not list:
                raise wire.WireError("a malformed answer")
        except (wire.WireError, TypeError, ValueError) as exc:
            worker.kill()
            raise BadAnswer(f"the worker's answer was malformed: {exc}") from None
        if used_global is True:
            raise Refused("your code used NumPy's global random state (np.random.<something>); draw every random "
                          "number from the rng argument instead, so results are reproducible.")
        return value, mutated, states

    def _error(self, label: str, stem: str, error: dict, seconds: float) -> SandboxError:
        kind = error.get("kind")
        frames = self.learner_frames(label, error.get("frames"))
        if kind == "timeout":
            return LearnerTimeout(seconds, frames, hard=False)
        if kind == "cpu":
            return LearnerCpuLimit(self.check_cpu_seconds, frames)
        if kind == "missing":
            return MissingSymbol(f"{self.display_file(label, stem)} defines no {_short(error.get('message'), 80)!r}; "
                                 f"keep the name and signature of the stub.")
        if kind == "unsendable":
            return Unsendable(_short(error.get("message"), 300))
        if kind == "exit":
            return LearnerExited("SystemExit", _short(error.get("message"), 60), frames)
        stub = error.get("stub")
        stub = stub if isinstance(stub, str) and re.fullmatch(r"day\d\d\.[A-Za-z_][A-Za-z0-9_]*", stub) else None
        raised = LearnerRaised(_short(error.get("type"), 100) or "Exception", _short(error.get("message"), 2000),
                               frames, stub=stub)
        params = error.get("params")
        if isinstance(params, list) and all(isinstance(p, str) and _IDENTIFIER.match(p) for p in params[:20]):
            raised.params = params[:20]
        return raised

    def _encode(self, value, sources: list):
        def other(obj):
            if isinstance(obj, Remote):
                if obj.generation != self.generation:
                    raise WorkerDied("a value from before the worker was restarted cannot be used again")
                return {"t": "ref", "id": obj.id}
            reference = getattr(obj, "_kata_reference", None)
            if reference is not None:
                return reference()
            if isinstance(obj, np.random.Generator):
                sources.append(obj)
                return {"t": "rng", "bit_generator": type(obj.bit_generator).__name__,
                        "state": obj.bit_generator.state}
            module = getattr(obj, "__module__", "") or ""
            if callable(obj) and module.startswith("tests.probes."):
                return {"t": "fn", "probe": probe_name(obj)}
            name = getattr(obj, "__name__", None)
            if callable(obj) and isinstance(name, str) and getattr(np, name, None) is obj:
                return {"t": "fn", "numpy": name}
            raise TypeError(f"a check cannot send {type(obj).__name__} {obj!r} to the worker; use plain data, "
                            f"a learner function, a function of a tests/probes module, or a probe")
        arrays: list = []
        tree, buffers = wire.encode(value, other=other, arrays=arrays)
        # The worker reports in-place changes by position among the arrays it received.
        sources[:0] = [("array", a) for a in arrays]
        return tree, buffers

    def _advance(self, sources: list, states: list) -> None:
        generators = [s for s in sources if isinstance(s, np.random.Generator)]
        for generator, state in zip(generators, states):
            try:
                generator.bit_generator.state = state
            except (TypeError, ValueError, KeyError) as exc:
                raise BadAnswer(f"the worker sent back a malformed random generator state ({exc})") from None

    # -- paths in messages ---------------------------------------------------------------------------
    def display_file(self, label: str, stem: str) -> str:
        return f"{self.implementations[label].display}/{stem}.py"

    def display_path(self, label: str, filename: str) -> str | None:
        """``exercises/day01_linear.py`` for a file of the staged copy of ``label``; None elsewhere."""
        impl = self.implementations[label]
        folder = str(impl.folder)
        if filename.startswith(folder + "/"):
            return f"{impl.display}/{filename[len(folder) + 1:]}"
        return None

    def learner_frames(self, label: str, frames) -> list[tuple[str, int | None, str, str]]:
        """The frames of a worker traceback that lie in the learner's files, as (file, line, function, text)."""
        found = []
        for frame in frames if isinstance(frames, list) else []:
            if not (isinstance(frame, list) and len(frame) == 4):
                continue
            path = self.display_path(label, str(frame[0]))
            if path is not None:
                line = frame[1] if type(frame[1]) is int else None
                found.append((path, line, _short(frame[2], 80), _short(frame[3], 160)))
        return found

    def _line_in(self, label: str, frames) -> int | None:
        found = self.learner_frames(label, frames)
        return found[-1][1] if found else None


def probe_name(function) -> str:
    """``day01_linear:train_recording`` for a module-level function of ``tests/probes/day01_linear.py``."""
    module = getattr(function, "__module__", "") or ""
    if not module.startswith("tests.probes.") or "." in function.__qualname__:
        raise TypeError(f"{function!r} is not a module-level function of a tests/probes module")
    return f"{module.rsplit('.', 1)[1]}:{function.__name__}"


def probe_sources(folder: Path) -> dict[str, str]:
    """Every probe module's source text, by module name, to be sent to the worker."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(Path(folder).glob("*.py"))
            if not path.name.startswith("__")}


def _copy_back(sources: list, index, array) -> None:
    arrays = [s[1] for s in sources if isinstance(s, tuple)]
    if type(index) is not int or not 0 <= index < len(arrays) or not isinstance(array, np.ndarray):
        raise BadAnswer("the worker reported an in-place change to an argument it was never given")
    target = arrays[index]
    if isinstance(target, np.ndarray) and target.flags.writeable and target.shape == array.shape:
        try:
            np.copyto(target, array, casting="unsafe")
        except (TypeError, ValueError):
            pass


def _short(value, limit: int) -> str:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return text if len(text) <= limit else text[:limit] + "..."


def shapes_of(args, names=None, kwargs=None) -> str:
    """``x (2, 3, 4), W (12, 5), b (5,)``: the arguments of a call as a message shows them."""
    parts = []
    named = [(names[k] if names and k < len(names) else f"argument {k + 1}", value) for k, value in enumerate(args)]
    for name, value in named + list((kwargs or {}).items()):
        if isinstance(value, np.ndarray):
            parts.append(f"{name} {tuple(value.shape)}")
        elif isinstance(value, (bool, int, float)) and not isinstance(value, bool) and math.isfinite(float(value)):
            parts.append(f"{name} = {value:g}")
        elif isinstance(value, (list, tuple)):
            parts.append(f"{name} ({type(value).__name__} of {len(value)})")
        else:
            parts.append(name)
    return ", ".join(parts)
