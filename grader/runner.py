"""Run the check suites in a child pytest process, surviving whatever the learner's code does.

The child writes a journal (see :mod:`grader.pytest_plugin`) as it goes. The parent watches
it: a test that runs past its time limit gets its whole process group killed; a child that
dies (``os._exit``, a segfault, a kill) is followed by a fresh one that runs the checks not
yet done. Every selected check ends with a record, real or synthetic, so nothing is lost
and nothing unreported counts as a pass.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import REPO_ROOT

CHECKS_DIR = REPO_ROOT / "tests" / "checks"
#: Seconds a test may overrun its own time limit before the parent kills the child.
KILL_GRACE = 5.0
_POLL = 0.02


class RunnerError(RuntimeError):
    """The check suites could not be run at all (not a learner problem); the message says why."""


@dataclass
class RunResult:
    """What the child processes reported: json-report test entries, in run order."""
    tests: list[dict] = field(default_factory=list)
    collected: list[tuple[str, str]] = field(default_factory=list)
    attempts: int = 0
    duration: float = 0.0


def run_checks(exercise_ids, impl_folder: Path, *, test_timeout: float = 10.0, total_timeout: float = 600.0,
               checks_dir: Path = CHECKS_DIR, kill_grace: float = KILL_GRACE) -> RunResult:
    """Run every check of ``exercise_ids`` against ``impl_folder``; see the module docstring."""
    start = time.monotonic()
    deadline = start + total_timeout
    result = RunResult()
    finished: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="kata-run-") as tmp:
        tmp = Path(tmp)
        select = tmp / "select.txt"
        select.write_text("\n".join(exercise_ids) + "\n", encoding="utf-8")
        while True:
            result.attempts += 1
            attempt = _Attempt(tmp, result.attempts, finished, root=_suite_root(checks_dir))
            cmd = [sys.executable, "-m", "pytest", str(checks_dir), "-p", "grader.pytest_plugin",
                   "--impl", str(impl_folder), "-q", "-p", "no:cacheprovider", "--tb=native",
                   "--json-report", f"--json-report-file={attempt.report}",
                   "--json-report-omit", "collectors", "log", "warnings", "keywords",
                   f"--timeout={test_timeout:g}", "--timeout-method=signal",
                   "--kata-journal", str(attempt.journal), "--kata-select", str(select),
                   "--kata-skip", str(attempt.skip)]
            outcome = attempt.run(cmd, test_timeout + kill_grace, deadline)
            if not result.collected and attempt.collected is not None:
                result.collected = attempt.collected
            if outcome == "complete":
                break
            if outcome == "infrastructure":
                raise RunnerError(attempt.explain_failure())
            if outcome == "out_of_time" or not attempt.started:
                break  # nothing more can be learnt by starting again
        collected = {nodeid for nodeid, _ in result.collected}
        result.tests = [finished[nodeid] for nodeid, _ in result.collected if nodeid in finished]
        result.tests.extend(t for nodeid, t in finished.items() if nodeid not in collected)
        for nodeid, exercise in result.collected:
            if nodeid not in finished:
                result.tests.append(synthetic(nodeid, exercise, "error",
                                              "this check never ran: the checks process stopped before reaching it "
                                              "(an earlier crash or the overall time limit)."))
    result.duration = time.monotonic() - start
    return result


def _suite_root(checks_dir: Path) -> Path:
    """The folder pytest runs in: the one above ``tests/`` for the real suites, else the suite's own."""
    checks_dir = Path(checks_dir).resolve()
    return checks_dir.parent.parent if checks_dir.parent.name == "tests" else checks_dir


def synthetic(nodeid: str, exercise: str | None, kind: str, message: str, outcome: str = "failed") -> dict:
    """A json-report-shaped entry for a test whose own report was lost."""
    return {"nodeid": nodeid, "outcome": outcome, "synthetic": True,
            "metadata": {"exercise": exercise, "verdict": {"kind": kind, "message": message}},
            "call": {"duration": 0.0, "outcome": outcome}}


class _Attempt:
    """One child process: run it, follow its journal, kill it when it overruns."""

    def __init__(self, tmp: Path, number: int, finished: dict, root: Path = REPO_ROOT):
        self.root = root
        self.journal = tmp / f"journal-{number}.jsonl"
        self.report = tmp / f"report-{number}.json"
        self.skip = tmp / f"skip-{number}.txt"
        self.log = tmp / f"pytest-{number}.log"
        self.finished = finished
        self.skip.write_text("\n".join(finished) + "\n", encoding="utf-8")
        self.collected: list[tuple[str, str]] | None = None
        self.current: tuple[str, str, float] | None = None  # nodeid, exercise, start time
        self.started = 0
        self._offset = 0
        self.returncode: int | None = None

    def run(self, cmd, kill_after: float, deadline: float) -> str:
        env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1", PYTHONFAULTHANDLER="1")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        with open(self.log, "wb") as log:
            proc = subprocess.Popen(cmd, cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=env, start_new_session=True)
            try:
                killed_for = self._watch(proc, kill_after, deadline)
            finally:
                if proc.poll() is None:
                    _kill_group(proc)
                proc.wait()
        self.returncode = proc.returncode
        self._read_journal()
        if killed_for == "test":
            nodeid, exercise, _ = self.current
            self.finished[nodeid] = synthetic(
                nodeid, exercise, "timeout",
                f"did not finish within {kill_after:g} s and had to be stopped; look for a loop that never ends.")
            return "crashed"
        if killed_for == "total":
            if self.current:
                nodeid, exercise, _ = self.current
                self.finished[nodeid] = synthetic(nodeid, exercise, "timeout",
                                                  "was still running when the overall time limit ran out.")
            return "out_of_time"
        if self.report.exists() and self.returncode in (0, 1, 5):
            for test in json.loads(self.report.read_text(encoding="utf-8")).get("tests", []):
                self.finished[test["nodeid"]] = test
            return "complete"
        if not self.started:
            return "infrastructure"  # pytest stopped before running any check: a usage or collection error
        if self.current:
            nodeid, exercise, _ = self.current
            self.finished[nodeid] = synthetic(nodeid, exercise, "crash", self._crash_message())
        return "crashed"

    def _watch(self, proc, kill_after, deadline) -> str | None:
        while proc.poll() is None:
            self._read_journal()
            now = time.monotonic()
            if now > deadline:
                _kill_group(proc)
                return "total"
            if self.current and now - self.current[2] > kill_after:
                _kill_group(proc)
                return "test"
            time.sleep(_POLL)
        return None

    def _read_journal(self) -> None:
        if not self.journal.exists():
            return
        with open(self.journal, encoding="utf-8") as handle:
            handle.seek(self._offset)
            while True:
                line = handle.readline()
                if not line.endswith("\n"):
                    break  # a line still being written: read it next time
                self._offset = handle.tell()
                event = json.loads(line)
                if event["event"] == "collected":
                    self.collected = [tuple(t) for t in event["tests"]]
                elif event["event"] == "start":
                    self.current = (event["nodeid"], event["exercise"], time.monotonic())
                    self.started += 1
                elif event["event"] == "test":
                    self.finished[event["test"]["nodeid"]] = event["test"]
                    self.current = None

    def _crash_message(self) -> str:
        code = self.returncode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            how = f"was killed by {name}" + (" (a segmentation fault)" if name == "SIGSEGV" else "")
            cause = ""
        else:
            how = f"exited with status {code}"
            cause = " Does your code call os._exit() or otherwise end the interpreter?"
        return f"crashed: the checks process {how} while running this check.{cause} The other checks ran in a fresh process."

    def explain_failure(self) -> str:
        tail = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        return "the check suite could not start (pytest exit status %s):\n%s" % (self.returncode, "\n".join(tail))


def _kill_group(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
