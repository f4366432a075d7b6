"""The worker: the one process that runs learner code, confined, answering the judge over a pipe.

The judge starts ``python -s -c BOOTSTRAP`` (see :mod:`grader.sandbox.client`) and sends a
boot frame holding the sources of this module, of :mod:`grader.sandbox.wire` and of
:mod:`grader.sandbox.confine`, the probe modules' sources and the limits. Nothing is read
from the kata's folders: ``grader/``, ``tests/`` and ``solutions/`` are never on the
worker's import path, and once confined it cannot open them.

Then it serves requests, one frame each, and answers each with one frame:

``import``  import a learner day module (its errors: file, line and message);
``call``    call a learner function on fresh copies of the judge's arguments;
``probe``   run a probe (a function of a ``tests/probes`` module) with the learner's module;
``ping``    answer at once.

Every answer carries plain data only (see the wire module); anything else stays here and
goes back as an opaque ``remote`` reference. Everything in this process is untrusted: the
learner's code can patch anything in it, so the judge believes nothing but the data.
"""
import functools
import importlib
import importlib.abc
import importlib.util
import os
import signal
import sys
import traceback
import types
import warnings

import kata_wire as wire
import numpy as np

#: The synthetic package of the probe modules, served from the boot sources.
PROBES = "kata_probes"
#: Frames of a traceback kept, innermost last.
MAX_FRAMES = 40
MAX_TEXT = 4000


class Deadline(BaseException):
    """Raised in the learner's code when a call runs out of wall-clock time."""


class CpuLimit(BaseException):
    """Raised in the learner's code when a call runs out of CPU time."""


class _SourceFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves ``kata_probes.<name>`` from source text sent by the judge."""

    def __init__(self, sources):
        self.sources = sources

    def find_spec(self, fullname, path=None, target=None):
        if fullname == PROBES or (fullname.startswith(PROBES + ".") and fullname[len(PROBES) + 1:] in self.sources):
            return importlib.util.spec_from_loader(fullname, self, is_package=fullname == PROBES)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        name = module.__name__
        if name == PROBES:
            module.__path__ = []
            return
        short = name[len(PROBES) + 1:]
        exec(compile(self.sources[short], f"probes/{short}.py", "exec"), module.__dict__)


class Worker:
    def __init__(self, boot, rfd, wfd):
        self.rfd, self.wfd = rfd, wfd
        self.config = boot["config"]
        self.handles = {}
        self.next_handle = 1
        self.packages = {}  # implementation label -> package name
        self.import_errors = {}
        self.finder = _SourceFinder(boot["probes"])
        self.pid = os.getpid()

    # -- start-up ------------------------------------------------------------------------
    def start(self, confine):
        sys.meta_path.insert(0, self.finder)
        for name in self.finder.sources:
            importlib.import_module(f"{PROBES}.{name}")
        warnings.simplefilter("ignore")
        warnings.filterwarnings("error", category=RuntimeWarning)
        signal.signal(signal.SIGALRM, _raise(Deadline))
        if hasattr(signal, "SIGXCPU"):
            signal.signal(signal.SIGXCPU, _raise(CpuLimit))
        if hasattr(signal, "SIGXFSZ"):
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the size limit raises instead
        try:
            import faulthandler
            faulthandler.register(signal.SIGUSR1, file=self.config["dump_fd"], all_threads=False)
        except (ImportError, AttributeError, ValueError, OSError):
            pass
        sys.dont_write_bytecode = True
        self.global_random = _watch_global_random()
        for label, folder in self.config["implementations"].items():
            self.add_implementation(label, folder)
        status = confine.apply(self.config)
        return status

    def add_implementation(self, label, folder):
        name = f"kata_impl_{len(self.packages)}"
        package = types.ModuleType(name)
        package.__path__ = [folder]
        package.__package__ = name
        sys.modules[name] = package
        self.packages[label] = name

    # -- the loop ------------------------------------------------------------------------
    def serve(self):
        while True:
            request, blob = self.read()
            if request is None:
                return
            try:
                answer, buffers = self.handle(request, blob)
            except Exception as exc:  # a bug here, or learner code that broke this process's state
                answer, buffers = {"error": _describe_error(exc, "internal")}, []
            answer["id"] = request.get("id")
            if os.getpid() != self.pid:
                os._exit(0)  # a copy the learner's code forked: only the worker itself answers
            _flush_output()
            try:
                wire.write_frame(self.wfd, answer, buffers)
            except wire.Unencodable as exc:
                wire.write_frame(self.wfd, {"error": {"kind": "unsendable", "message": str(exc)[:MAX_TEXT]}})

    def read(self):
        header = _read_exact(self.rfd, wire.HEADER.size)
        if header is None:
            return None, None
        text_len, blob_len = wire.HEADER.unpack(header)
        text, blob = _read_exact(self.rfd, text_len), _read_exact(self.rfd, blob_len)
        if text is None or blob is None:
            return None, None
        return wire.parse_frame(text, blob), blob

    def handle(self, request, blob):
        for handle in request.get("release", ()):
            self.handles.pop(handle, None)
        op = request.get("op")
        if op == "ping":
            return {"ok": None}, []
        if op == "add_implementation":
            self.add_implementation(request["label"], request["folder"])
            return {"ok": None}, []
        if op == "import":
            error = self.import_module(request["impl"], request["module"], request.get("seconds"))
            return ({"error": error} if error else {"ok": None}), []
        if op in ("call", "probe", "map"):
            return self.run(request, blob)
        return {"error": {"kind": "internal", "message": f"unknown request {str(op)[:40]!r}"}}, []

    # -- learner modules -------------------------------------------------------------------
    def module(self, impl, stem):
        return importlib.import_module(f"{self.packages[impl]}.{stem}")

    def import_module(self, impl, stem, seconds):
        name = f"{self.packages[impl]}.{stem}"
        if name in sys.modules:
            return None
        try:
            with _limited(seconds, None):
                importlib.import_module(name)
            return None
        except Deadline:
            sys.modules.pop(name, None)
            return {"kind": "timeout", "message": "importing the module did not finish in time",
                    "frames": _frames(sys.exc_info()[2])}
        except SyntaxError as exc:
            sys.modules.pop(name, None)
            return {"kind": "syntax", "message": _text(exc.msg), "file": _text(exc.filename or ""),
                    "line": exc.lineno if isinstance(exc.lineno, int) else None, "text": _text(exc.text or "")}
        except BaseException as exc:  # learner code may raise anything, SystemExit included
            sys.modules.pop(name, None)
            return _describe_error(exc, "import")

    # -- calls and probes --------------------------------------------------------------------
    def run(self, request, blob):
        impl, stem = request["impl"], request["module"]
        generators, watched = [], []
        self.global_random["used"] = False
        try:
            with _limited(request.get("seconds"), request.get("cpu_seconds")), \
                    np.errstate(**request.get("errstate", {})), warnings.catch_warnings():
                if request.get("quiet"):
                    warnings.simplefilter("ignore")
                payload = wire.decode(request["payload"], blob, self._hooks(impl, generators))
                args, kwargs = payload[0], payload[1]
                if "probe" in request:
                    module_name, _, function = request["probe"].partition(":")
                    target = functools.partial(getattr(sys.modules[f"{PROBES}.{module_name}"], function),
                                               self.module(impl, stem))
                else:
                    module = self.module(impl, stem)
                    try:
                        target = getattr(module, request["name"])
                    except AttributeError:
                        return {"error": {"kind": "missing", "message": _text(request["name"], 200)}}, []
                    if request["op"] == "call":
                        watched = [(a, a.copy()) for a in _arrays([args, kwargs])]
                if request["op"] == "map":
                    result = _evaluate_nudged(target, args, kwargs, *payload[2:])
                else:
                    result = target(*args, **kwargs)
        except Deadline:
            return {"error": {"kind": "timeout", "frames": _frames(sys.exc_info()[2])}}, []
        except CpuLimit:
            return {"error": {"kind": "cpu", "frames": _frames(sys.exc_info()[2])}}, []
        except BaseException as exc:  # learner code may raise anything, SystemExit included
            error = _describe_error(exc, "raised")
            if "name" in request:
                error["params"] = _parameters(request.get("name"), stem, impl, self)
            return {"error": error}, []
        used_global = self.global_random["used"] and request.get("forbid_global_random", True)
        mutated = [[index, array] for index, (array, before) in enumerate(watched)
                   if array.shape != before.shape or array.dtype != before.dtype
                   or array.tobytes() != before.tobytes()]
        states = [g.bit_generator.state for g in generators]
        try:
            tree, buffers = wire.encode((result, mutated, states, used_global), other=self._remote)
        except wire.Unencodable as exc:
            return {"error": {"kind": "unsendable", "message": _text(exc)}}, []
        return {"ok": tree}, buffers

    def _hooks(self, impl, generators):
        def ref(node):
            return self.handles[node["id"]]

        def fn(node):
            if node.get("numpy"):
                return getattr(np, node["numpy"])
            if node.get("probe"):
                module_name, _, function = node["probe"].partition(":")
                return getattr(sys.modules[f"{PROBES}.{module_name}"], function)
            return getattr(self.module(node.get("impl", impl), node["module"]), node["name"])

        def rng(node):
            generator = np.random.Generator(getattr(np.random, node["bit_generator"])())
            generator.bit_generator.state = node["state"]
            generators.append(generator)
            return generator
        return {"ref": ref, "fn": fn, "rng": rng}

    def _remote(self, obj):
        handle = self.next_handle
        self.next_handle += 1
        self.handles[handle] = obj
        return {"t": "remote", "id": handle, "type": wire.describe_type(obj)}


# -- helpers -------------------------------------------------------------------------------
def _raise(kind):
    def handler(signum, frame):
        raise kind()
    return handler


class _limited:
    """Arm the wall-clock alarm and the CPU-time soft limit around one call."""

    def __init__(self, seconds, cpu_seconds):
        self.seconds, self.cpu_seconds = seconds, cpu_seconds

    def __enter__(self):
        if self.cpu_seconds:
            try:
                import resource
                used = sum(os.times()[:2])
                hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
                soft = int(used + self.cpu_seconds) + 1
                if hard != resource.RLIM_INFINITY:
                    soft = min(soft, hard)
                resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
            except (ImportError, ValueError, OSError):
                pass
        if self.seconds:
            signal.setitimer(signal.ITIMER_REAL, max(self.seconds, 0.001))

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        return False


def _read_exact(fd, n):
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _flush_output():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def _text(value, limit=MAX_TEXT):
    try:
        text = value if isinstance(value, str) else str(value)
    except BaseException:
        return "<a message that could not be printed>"
    return text if len(text) <= limit else text[:limit] + " [cut]"


def _frames(tb):
    try:
        frames = traceback.extract_tb(tb)[-MAX_FRAMES:]
        return [[_text(f.filename, 300), f.lineno if isinstance(f.lineno, int) else None, _text(f.name, 200),
                 _text((f.line or "").strip(), 300)] for f in frames]
    except BaseException:
        return []


def _describe_error(exc, kind):
    error = {"kind": kind, "type": _text(type(exc).__name__, 200), "message": "", "frames": _frames(exc.__traceback__)}
    module = getattr(type(exc), "__module__", "builtins")
    if module not in ("builtins", None) and not str(module).startswith("kata_impl"):
        error["type"] = _text(f"{module}.{type(exc).__name__}", 200)
    if isinstance(exc, SystemExit):
        error["kind"] = "exit" if kind != "import" else "import_exit"
        error["message"] = _text(repr(exc.code), 200)
        return error
    try:
        args = exc.args
        if isinstance(exc, NotImplementedError) and args and isinstance(args[0], str):
            error["stub"] = _text(args[0], 200)
    except BaseException:
        pass
    error["message"] = _text(exc)
    return error


def _arrays(value, found=None, depth=0):
    """The ndarrays inside ``value`` (lists, tuples and dicts), in a fixed walk order."""
    found = [] if found is None else found
    if depth > wire.MAX_DEPTH:
        return found
    if type(value) is np.ndarray:
        found.append(value)
    elif type(value) in (list, tuple):
        for item in value:
            _arrays(item, found, depth + 1)
    elif type(value) is dict:
        for item in value.values():
            _arrays(item, found, depth + 1)
    return found


def _evaluate_nudged(target, args, kwargs, path, nudges, output):
    """``target`` at the arguments with the array at ``path`` nudged, once per (flat index, value).

    Used by the judge's numerical gradients: the judge picks the points and does the
    arithmetic; this only evaluates the learner's code there, on fresh copies each time.
    """
    base = _at([args, kwargs], path)
    results = []
    for index, value in nudges:
        nudged = base.copy()
        nudged.flat[index] = value
        call_args, call_kwargs = _replaced([args, kwargs], path, nudged)
        out = target(*call_args, **call_kwargs)
        results.append(out[output] if output is not None else out)
    return results


def _at(tree, path):
    for key in path:
        tree = tree[key]
    return tree


def _replaced(tree, path, value):
    """A copy of ``tree`` (containers and arrays copied) with ``value`` at ``path``."""
    if not path:
        return value
    key, rest = path[0], path[1:]
    if type(tree) is dict:
        return {k: (_replaced(v, rest, value) if k == key else _copied(v)) for k, v in tree.items()}
    items = [(_replaced(v, rest, value) if i == key else _copied(v)) for i, v in enumerate(tree)]
    return tuple(items) if type(tree) is tuple else items


def _copied(value):
    if type(value) is np.ndarray:
        return value.copy()
    if type(value) in (list, tuple):
        items = [_copied(v) for v in value]
        return tuple(items) if type(value) is tuple else items
    if type(value) is dict:
        return {k: _copied(v) for k, v in value.items()}
    return value


def _parameters(name, stem, impl, worker):
    """The parameter names of the learner function ``name``, for messages (best effort)."""
    try:
        import inspect
        function = getattr(worker.module(impl, stem), name)
        return [p.name for p in inspect.signature(function).parameters.values()][:20]
    except BaseException:
        return None


def _watch_global_random():
    """Wrap NumPy's global random functions (np.random.rand, seed, ...) so that any use is noticed."""
    import numpy.random as npr
    import numpy.random.mtrand as mtrand
    flag = {"used": False}
    for name in sorted(set(getattr(mtrand, "__all__", [])) | {"seed", "ranf", "sample"}):
        original = getattr(mtrand, name, None)
        if not callable(original) or (name != "seed" and getattr(original, "__self__", None) is not mtrand._rand):
            continue

        def wrapper(*args, _original=original, **kwargs):
            flag["used"] = True
            return _original(*args, **kwargs)
        wrapper.__name__ = wrapper.__qualname__ = name
        wrapper.__doc__ = original.__doc__
        setattr(mtrand, name, wrapper)
        if getattr(npr, name, None) is original:
            setattr(npr, name, wrapper)
    return flag


def main(boot, rfd, wfd):
    confine = sys.modules["kata_confine"]
    worker = Worker(boot, rfd, wfd)
    status = worker.start(confine)
    tree, buffers = wire.encode(status)
    wire.write_frame(wfd, {"ok": tree}, buffers)
    worker.serve()
    os._exit(0)
