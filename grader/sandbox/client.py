"""The judge's side of the sandbox: start a worker, exchange frames with it, kill it and its strays.

:class:`WorkerProcess` is one confined worker process (see worker.py and confine.py).
Every answer it sends is read with a cap on its size, decoded strictly (wire.py) and turned
into plain values or one of the :class:`SandboxError` exceptions below, whose sentence
becomes the verdict of the check that made the request. Nothing the worker sends is ever
executed or unpickled.

Clean-up never trusts the worker either: its process group is killed, and so is every
process it left behind, found three ways (the kernel's child-subreaper on Linux, the
unprivileged uid when the grader runs as root, and the worker's session).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import wire

HERE = Path(__file__).resolve().parent
#: The worker's entry: reads the boot frame from the request pipe and runs the worker from source.
BOOTSTRAP = """\
import json, os, sys, types
sys.path[:] = [p for p in sys.path if p]
rfd, wfd = int(sys.argv[1]), int(sys.argv[2])
def read(n):
    data = b""
    while len(data) < n:
        chunk = os.read(rfd, n - len(data))
        if not chunk:
            os._exit(71)
        data += chunk
    return data
size = int.from_bytes(read(8)[:4], "big")
boot = json.loads(read(size))
sys.path.extend(boot["site_paths"])
for name in ("kata_wire", "kata_confine", "kata_worker"):
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(compile(boot["sources"][name], name + ".py", "exec"), module.__dict__)
sys.modules["kata_worker"].main(boot, rfd, wfd)
"""
#: Range of user ids the worker may take when the grader runs as root (unused ids only).
UID_RANGE = range(61000, 65000)
_PR_SET_CHILD_SUBREAPER = 36
#: Process ids of the workers alive in this process: the clean-up never touches them.
_LIVE: set[int] = set()


@dataclass(frozen=True)
class Limits:
    """What one check may use; every field has a command-line flag (``kata check --help``)."""
    seconds: float = 10.0                 # wall-clock time per check
    cpu_seconds: float = 30.0             # CPU time per check
    memory_bytes: int = 2 * 2**30         # address space of the worker
    file_size_bytes: int = 16 * 2**20     # largest file the worker may write
    open_files: int = 64
    processes: int = 32                   # processes the worker may have at once
    output_bytes: int = 4096              # printed output kept per check (first and last halves)
    answer_bytes: int = 64 * 2**20        # largest answer accepted from the worker
    threads: int = 1                      # BLAS threads in the worker (a training run uses the cores)
    grace: float = 2.0                    # seconds past a limit before the worker is killed

    def describe(self) -> dict:
        return {"seconds_per_check": self.seconds, "cpu_seconds_per_check": self.cpu_seconds, "threads": self.threads,
                "memory_bytes": self.memory_bytes, "file_size_bytes": self.file_size_bytes,
                "open_files": self.open_files, "processes": self.processes,
                "output_bytes_kept_per_check": self.output_bytes}

    @classmethod
    def for_training(cls, seconds: float, **overrides) -> Limits:
        """Limits for a long run (figures, the capstone): BLAS on the cores nobody else is using.

        Every core the worker may use costs CPU time on a busy machine: OpenBLAS threads spin while
        they wait, so two threads on a machine whose other core is taken are slower than one.
        """
        cores = os.cpu_count() or 1
        try:
            busy = os.getloadavg()[0]
        except (AttributeError, OSError):
            busy = 0.0
        threads = max(1, min(cores, round(cores - busy)))
        values = dict(seconds=seconds, cpu_seconds=seconds * cores, threads=threads, processes=32 + cores)
        values.update(overrides)
        return cls(**values)


# -- what a request can end with ------------------------------------------------------------
class SandboxError(Exception):
    """The worker did not answer a request with a value; ``str()`` is the sentence to show."""
    kind = "error"


class LearnerRaised(SandboxError):
    """The learner's code raised an exception (its type, message and traceback frames)."""
    kind = "raised"

    def __init__(self, type_name: str, text: str, frames: list, stub: str | None = None):
        self.type_name, self.text, self.frames, self.stub = type_name, text, frames, stub
        self.params: list[str] | None = None  # the called function's parameter names, when known
        self.call: str | None = None  # the call as a message shows it, set by the judge
        super().__init__(f"{type_name}: {text}" if text else type_name)


class LearnerExited(LearnerRaised):
    """The learner's code called sys.exit()."""


class LearnerTimeout(SandboxError):
    kind = "timeout"

    def __init__(self, seconds: float, frames: list, hard: bool):
        self.seconds, self.frames, self.hard = seconds, frames, hard
        super().__init__(f"did not finish within {seconds:g} s")


class LearnerCpuLimit(SandboxError):
    kind = "cpu"

    def __init__(self, seconds: float, frames: list):
        self.seconds, self.frames = seconds, frames
        super().__init__(f"used more than {seconds:g} s of CPU time")


class WorkerDied(SandboxError):
    """The worker process ended while running the request (os._exit, a signal, a limit)."""
    kind = "crash"


class SandboxUnavailable(SandboxError):
    """The worker could not be started at all (a problem of this machine or the kata, not of the learner)."""
    kind = "unavailable"


class BadAnswer(SandboxError):
    """The worker answered with something that is not a well-formed, bounded frame of plain data."""
    kind = "bad_answer"


class Unsendable(SandboxError):
    """The learner's value could not be turned into plain data (nested too deep)."""
    kind = "unsendable"


class MissingSymbol(SandboxError):
    kind = "missing"


class Refused(SandboxError):
    """A check could not use what the learner's code gave back; ``str()`` says why (a plain failure)."""
    kind = "failed"


class ImportFailed(SandboxError):
    """A learner module could not be imported; ``str()`` is one line naming the file and line."""
    kind = "import_error"

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f" (line {line})" if line else ""
        super().__init__(f"{path} cannot be imported{where}: {message}")


# -- the worker process -----------------------------------------------------------------------
class WorkerProcess:
    """One confined worker; ``request`` sends a frame and returns the decoded answer header and blob."""

    def __init__(self, *, implementations: dict[str, str], probes: dict[str, str], limits: Limits,
                 on_output=None):
        self.limits = limits
        self.on_output = on_output or (lambda data: None)
        self.implementations = dict(implementations)
        self.probes = probes
        self.proc: subprocess.Popen | None = None
        self.status: dict = {}
        self._uid_lock = None
        self.uid = self.gid = None
        self.scratch: str | None = None

    # -- life cycle --------------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> dict:
        _become_subreaper()
        self.scratch = tempfile.mkdtemp(prefix="kata-scratch-", dir=shared_temp_dir())
        if os.geteuid() == 0:
            self.uid, self._uid_lock = _claim_uid()
            self.gid = self.uid
            if self.uid is not None:
                os.chown(self.scratch, self.uid, self.gid)
        os.chmod(self.scratch, 0o700)
        req_r, self.req_w = os.pipe()
        self.resp_r, resp_w = os.pipe()
        self.out_r, out_w = os.pipe()
        self.dump_r, dump_w = os.pipe()
        self._dump_fd = dump_w  # the same number in the worker (pass_fds keeps it)
        self._children_before = set(_children_of(os.getpid())) if os.path.isdir("/proc") else set()
        threads = str(self.limits.threads)
        env = {"PATH": "/usr/bin:/bin", "HOME": self.scratch, "TMPDIR": self.scratch, "LANG": "C.UTF-8",
               "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
               "PYTHONIOENCODING": "utf-8", "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads,
               "MKL_NUM_THREADS": threads, "MPLBACKEND": "Agg"}
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-S", "-s", "-B", "-c", BOOTSTRAP, str(req_r), str(resp_w)],
                stdin=subprocess.DEVNULL, stdout=out_w, stderr=out_w, pass_fds=(req_r, resp_w, dump_w),
                cwd=self.scratch, env=env, start_new_session=True)
            _LIVE.add(self.proc.pid)
        finally:
            for fd in (req_r, resp_w, out_w, dump_w):
                os.close(fd)
        for fd in (self.resp_r, self.out_r, self.dump_r, self.req_w):
            os.set_blocking(fd, False)
        boot = {"site_paths": _site_paths(), "sources": _own_sources(), "probes": self.probes,
                "config": self._config()}
        text = json.dumps(boot).encode("utf-8")
        printed = bytearray()
        on_output, self.on_output = self.on_output, printed.extend
        try:
            header, blob = self._exchange(wire.HEADER.pack(len(text), 0) + text, time.monotonic() + timeout,
                                          grace=0.0, seconds=timeout)
            if "ok" not in header:
                raise BadAnswer(str((header.get("error") or {}).get("message"))[:300])
            self.status = wire.decode(header["ok"], blob)
        except SandboxError as exc:
            tail = printed.decode("utf-8", "replace").strip().splitlines()[-3:]
            code = self.proc.returncode if self.proc is not None else None
            self.kill()
            how = f"it exited with status {code}" if isinstance(exc, WorkerDied) and code is not None else str(exc)
            raise SandboxUnavailable(f"the sandbox could not start a worker ({how})" +
                                     (": " + " | ".join(tail) if tail else "")) from None
        finally:
            self.on_output = on_output
        return self.status

    def _config(self) -> dict:
        read_paths = sorted({sys.base_prefix, sys.base_exec_prefix, *_site_paths(), "/usr", "/lib", "/lib64",
                             "/etc", *self.implementations.values()})
        limits = self.limits
        return {"implementations": self.implementations, "scratch": self.scratch, "dump_fd": self._dump_fd,
                "memory_bytes": limits.memory_bytes, "file_size_bytes": limits.file_size_bytes,
                "open_files": limits.open_files, "processes": limits.processes, "uid": self.uid, "gid": self.gid,
                "read_paths": read_paths, "write_paths": [self.scratch]}

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def usable(self) -> bool:
        """Alive, and with nothing waiting on the answer pipe between requests (a forked copy of the
        worker, say, answering a request twice): otherwise the next answer could be a stale one."""
        if not self.alive:
            return False
        try:
            return not select.select([self.resp_r], [], [], 0)[0]
        except (OSError, ValueError):
            return False

    def close(self) -> None:
        """Kill the worker and everything it started; remove its scratch folder."""
        if self.proc is not None:
            self.kill()
            for fd in (self.req_w, self.resp_r, self.out_r, self.dump_r):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.proc = None
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None
        if self._uid_lock is not None:
            os.close(self._uid_lock)
            self._uid_lock = None

    # -- requests ------------------------------------------------------------------------------
    def request(self, header: dict, buffers=(), *, seconds: float) -> tuple[dict, bytes]:
        """Send one request; wait up to ``seconds`` plus the grace for its answer."""
        if not self.alive:
            raise WorkerDied("the worker is not running")
        # A random id that the answer must carry: a frame the learner's code writes on the answer
        # pipe by itself is refused, and cannot shift the answers of later requests.
        header = dict(header, id=secrets.randbits(62))
        data = wire.frame(header, buffers)
        answer, blob = self._exchange(data, time.monotonic() + seconds, grace=self.limits.grace, seconds=seconds)
        if answer.get("id") != header["id"]:
            self.kill()
            raise BadAnswer("an answer that does not belong to the request arrived (was something written "
                            "directly on the worker's answer pipe?)")
        return answer, blob

    def _exchange(self, data: bytes, deadline: float, *, grace: float, seconds: float) -> tuple[dict, bytes]:
        pending = memoryview(data)
        answer = bytearray()
        need = wire.HEADER.size
        sizes = None
        hard = deadline + grace
        while True:
            now = time.monotonic()
            if now > hard:
                frames = self._dump_and_kill()
                raise LearnerTimeout(seconds, frames, hard=True)
            readers = [self.resp_r, self.out_r]
            writers = [self.req_w] if pending else []
            try:
                readable, writable, _ = select.select(readers, writers, [], min(hard - now, 0.5))
            except InterruptedError:
                continue
            if self.out_r in readable:
                self._read_output()
            if writable:
                try:
                    written = os.write(self.req_w, pending[:1 << 16])
                    pending = pending[written:]
                except BlockingIOError:
                    pass
                except BrokenPipeError:
                    pending = memoryview(b"")
            if self.resp_r in readable:
                try:
                    chunk = os.read(self.resp_r, min(1 << 20, max(need - len(answer), 1 << 16)))
                except BlockingIOError:
                    continue
                if not chunk:
                    raise self._died()
                answer += chunk
                if sizes is None and len(answer) >= wire.HEADER.size:
                    sizes = wire.HEADER.unpack(bytes(answer[:wire.HEADER.size]))
                    total = sizes[0] + sizes[1]
                    if sizes[0] > 16 * 2**20 or total > self.limits.answer_bytes:
                        self.kill()
                        raise BadAnswer(f"the answer was {_megabytes(total)}, more than the "
                                        f"{_megabytes(self.limits.answer_bytes)} accepted")
                    need = wire.HEADER.size + total
                if sizes is not None and len(answer) >= need:
                    if len(answer) > need:
                        self.kill()
                        raise BadAnswer("the worker sent more than one answer")
                    self._read_output()  # whatever was printed before the answer belongs to this request
                    text = bytes(answer[wire.HEADER.size:wire.HEADER.size + sizes[0]])
                    blob = bytes(answer[wire.HEADER.size + sizes[0]:])
                    try:
                        return wire.parse_frame(text, blob), blob
                    except wire.WireError as exc:
                        self.kill()
                        raise BadAnswer(f"the worker's answer was malformed: {exc}") from None

    def _read_output(self) -> None:
        while True:
            try:
                chunk = os.read(self.out_r, 1 << 16)
            except (BlockingIOError, OSError):
                return
            if not chunk:
                return
            self.on_output(chunk)

    def _died(self) -> WorkerDied:
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        self._read_output()
        self.kill()
        return WorkerDied(describe_exit(code, self.limits))

    def _dump_and_kill(self) -> list:
        """Ask the stuck worker where it is (faulthandler on SIGUSR1), then kill it."""
        frames = []
        try:
            os.kill(self.proc.pid, signal.SIGUSR1)
            text = b""
            end = time.monotonic() + 0.5
            while time.monotonic() < end:
                if select.select([self.dump_r], [], [], 0.05)[0]:
                    try:
                        chunk = os.read(self.dump_r, 1 << 16)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        break
                    text += chunk
                    if b"\n\n" in text or text.count(b"File") >= 60:
                        break
                elif text:
                    break
            frames = parse_dump(text.decode("utf-8", "replace"))
        except (ProcessLookupError, OSError):
            pass
        self.kill()
        return frames

    def kill(self) -> None:
        """Kill the worker and every process it left behind, however it detached itself."""
        if self.proc is None:
            return
        _kill_group(self.proc.pid)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        _LIVE.discard(self.proc.pid)
        if self.uid is not None:
            _kill_uid(self.uid)
        _kill_children(exclude=self._children_before | _LIVE)


def describe_exit(code, limits: Limits) -> str:
    if code is None:
        return "the worker stopped answering and was killed"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        why = {"SIGSEGV": " (a segmentation fault)", "SIGXCPU": f" (it used up its CPU time, {limits.cpu_seconds:g} s)",
               "SIGXFSZ": f" (it wrote a file larger than {_megabytes(limits.file_size_bytes)})",
               "SIGKILL": " (killed from outside: perhaps it ran out of memory)",
               "SIGABRT": " (an abort, often a failed allocation)"}.get(name, "")
        return f"the process running your code was killed by {name}{why}"
    return (f"the process running your code exited with status {code}; does your code call os._exit() or "
            f"otherwise end the interpreter?")


_DUMP_LINE = re.compile(r'File "(.*)", line (\d+) in (\S+)')


def parse_dump(text: str) -> list:
    """Frames ``[file, line, function, ""]``, innermost last, from a faulthandler dump."""
    frames = [[m.group(1), int(m.group(2)), m.group(3), ""] for m in _DUMP_LINE.finditer(text)]
    return list(reversed(frames[:60]))


def _megabytes(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n < 2**30 else f"{n / 2**30:.1f} GB"


def _site_paths() -> list[str]:
    """The folders holding numpy (and its neighbours): the only site-packages the worker gets."""
    return [str(Path(np.__file__).resolve().parent.parent)]


def _own_sources() -> dict[str, str]:
    return {name: (HERE / f"{stem}.py").read_text(encoding="utf-8")
            for name, stem in (("kata_wire", "wire"), ("kata_confine", "confine"), ("kata_worker", "worker"))}


def _become_subreaper() -> None:
    """Orphans of the worker become our children (Linux), so none can hide from the clean-up."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            ctypes.CDLL(None).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def shared_temp_dir() -> str:
    """A temporary folder every user can traverse (the worker may run as another user): the usual
    one when it is, else /tmp, /var/tmp or /dev/shm."""
    candidates = [tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"]
    for candidate in candidates:
        path = Path(candidate)
        if path.is_dir() and all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents]):
            return str(path)
    return tempfile.gettempdir()


def _claim_uid():
    """An unused uid for the worker, held by a lock file so that parallel graders never share one."""
    import fcntl
    import pwd
    folder = Path(tempfile.gettempdir()) / "kata-sandbox-uids"
    folder.mkdir(mode=0o700, exist_ok=True)
    start = os.getpid() % len(UID_RANGE)
    for k in range(len(UID_RANGE)):
        uid = UID_RANGE[(start + k) % len(UID_RANGE)]
        try:
            pwd.getpwuid(uid)
            continue  # a real user
        except KeyError:
            pass
        fd = os.open(folder / f"{uid}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        return uid, fd
    return None, None


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_uid(uid: int) -> None:
    """Kill every process of ``uid``: a forked helper takes that uid and signals all it may."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.setgid(uid)
            os.setuid(uid)
            for _ in range(3):
                os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def _kill_children(exclude: set) -> None:
    """Kill and reap every child of this process but ``exclude`` (orphans reparented to us included)."""
    if not os.path.isdir("/proc"):
        return
    me = os.getpid()
    for _ in range(50):
        children = [pid for pid in _children_of(me) if pid not in exclude]
        if not children:
            return
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _children_of(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == parent:
            found.append(int(entry))
    return found
