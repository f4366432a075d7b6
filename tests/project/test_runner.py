"""The runner and the verdicts, on a sandbox of fake exercises that misbehave in every way we know.

Each sandbox is a real check suite (the real seam conftest, real pytest child processes);
only the exercises are fakes, so these tests prove isolation, timeouts and classification
without depending on the course content.
"""
import shutil
import textwrap
import time
from pathlib import Path

import pytest

from grader import REPO_ROOT
from grader.manifest import Day, Exercise, Manifest
from grader.results import exercise_results
from grader.runner import run_checks

FAKE_IMPL = '''
import os, signal, sys

def good():
    return 1

def bad():
    return 2

def stub():
    raise NotImplementedError("day01.stub")

def dependent():
    return stub() + 1

def hang():
    while True:
        pass

def deaf():
    signal.signal(signal.SIGALRM, signal.SIG_IGN)  # the per-test alarm cannot interrupt this one
    while True:
        pass

def crash():
    os._exit(0)

def segv():
    import ctypes
    ctypes.string_at(0)

def printer():
    print("x" * 5000)
    return 2

def raiser():
    return [1, 2][5]
'''

FAKE_CHECKS = '''
import pytest

@pytest.fixture
def fake(impl):
    return impl.module("fake")

def expect_one(value):
    if value != 1:
        pytest.fail(f"returned {value}, expected 1.", pytrace=False)

@pytest.mark.exercise("day01.good")
def test_good(fake):
    expect_one(fake.good())

@pytest.mark.exercise("day01.bad")
def test_bad(fake):
    expect_one(fake.bad())

@pytest.mark.exercise("day01.stub")
def test_stub(fake):
    expect_one(fake.stub())

@pytest.mark.exercise("day01.dependent")
def test_dependent(fake):
    expect_one(fake.dependent())

@pytest.mark.exercise("day01.hang")
def test_hang(fake):
    fake.hang()

@pytest.mark.exercise("day01.deaf")
def test_deaf(fake):
    fake.deaf()

@pytest.mark.exercise("day01.crash")
def test_crash(fake):
    fake.crash()

@pytest.mark.exercise("day01.segv")
def test_segv(fake):
    fake.segv()

@pytest.mark.exercise("day01.printer")
def test_printer(fake):
    expect_one(fake.printer())

@pytest.mark.exercise("day01.raiser")
def test_raiser(fake):
    expect_one(fake.raiser())

@pytest.mark.exercise("day01.other")
def test_other_module(impl):
    assert impl.module("other").value() == 1
'''

NAMES = ["good", "bad", "stub", "dependent", "hang", "deaf", "crash", "segv", "printer", "raiser", "other"]


def fake_manifest(deps=None) -> Manifest:
    deps = deps or {}
    exercises = tuple(Exercise(id=f"day01.{n}", day=1, title=n, points=1,
                               depends_on=tuple(f"day01.{d}" for d in deps.get(n, ())), hints=("a", "b")) for n in NAMES)
    return Manifest(format_version=1, days=(Day(number=1, module="fake", title="Fakes", reading=(), exercises=exercises),))


@pytest.fixture
def sandbox(tmp_path):
    """A check suite (real seam) and an implementation folder of fakes."""
    checks = tmp_path / "checks"
    checks.mkdir()
    shutil.copy(REPO_ROOT / "tests" / "checks" / "conftest.py", checks / "conftest.py")
    (checks / "test_fake.py").write_text(FAKE_CHECKS)
    impl = tmp_path / "impl"
    impl.mkdir()
    (impl / "fake.py").write_text(FAKE_IMPL)
    (impl / "other.py").write_text("def value():\n    return 1\n")
    return checks, impl


def grade(sandbox, names, deps=None, **options):
    checks, impl = sandbox
    run = run_checks([f"day01.{n}" for n in names], impl, checks_dir=checks, **options)
    return run, exercise_results(fake_manifest(deps), run.tests)


def test_misbehaving_exercises_each_get_their_own_status(sandbox):
    start = time.monotonic()
    run, results = grade(sandbox, NAMES, deps={"dependent": ["stub"]}, test_timeout=1.0, kill_grace=1.0)
    status = {ex_id.split(".")[1]: res.status for ex_id, res in results.items()}
    assert status == {"good": "passed", "bad": "failed", "stub": "not_started", "dependent": "blocked",
                      "hang": "timeout", "deaf": "timeout", "crash": "error", "segv": "error",
                      "printer": "failed", "raiser": "failed", "other": "passed"}
    assert len(run.tests) == len(NAMES), "every selected check must end with a record"
    assert run.attempts == 4, "the deaf hang, os._exit and the segfault each cost one fresh child"
    assert time.monotonic() - start < 20


def test_messages_say_what_happened(sandbox):
    _, results = grade(sandbox, ["bad", "stub", "dependent", "hang", "crash", "segv", "raiser"],
                       deps={"dependent": ["stub"]}, test_timeout=1.0, kill_grace=1.0)
    message = {ex_id.split(".")[1]: res.message for ex_id, res in results.items()}
    assert message["bad"] == "returned 2, expected 1."
    assert message["stub"] == "not started."
    assert message["dependent"] == "blocked by day01.stub (not started): finish it first."
    assert "did not finish within 1 s" in message["hang"]
    assert "exited with status 0" in message["crash"] and "os._exit" in message["crash"]
    assert "SIGSEGV" in message["segv"]
    assert message["raiser"].startswith("your code raised IndexError: list index out of range (")
    assert "fake.py, line" in message["raiser"]


def test_blocked_by_a_stub_raised_from_inside_even_without_a_declared_dependency(sandbox):
    _, results = grade(sandbox, ["stub", "dependent"])
    assert results["day01.dependent"].status == "blocked"
    assert results["day01.dependent"].blocked_by == ["day01.stub"]


def test_printed_output_is_kept_and_cut(sandbox):
    _, results = grade(sandbox, ["printer"])
    test = results["day01.printer"].tests[0]
    assert test.output.startswith("xxxx") and len(test.output) == 2000 and test.output_truncated


def test_a_deaf_endless_loop_is_killed_by_the_parent(sandbox):
    start = time.monotonic()
    _, results = grade(sandbox, ["deaf", "good"], test_timeout=0.5, kill_grace=0.5)
    assert results["day01.deaf"].status == "timeout"
    assert "had to be stopped" in results["day01.deaf"].message
    assert results["day01.good"].status == "passed", "checks after the killed one still run"
    assert time.monotonic() - start < 10


def test_overall_time_limit_reports_what_never_ran(sandbox):
    _, results = grade(sandbox, ["deaf", "raiser"], test_timeout=30, kill_grace=30, total_timeout=2.0)
    assert results["day01.deaf"].status == "timeout"
    assert results["day01.raiser"].status == "error", "raiser comes after deaf and never ran"
    assert "never ran" in results["day01.raiser"].message


@pytest.mark.parametrize("source, expected", [
    ("def good(:\n    return 1\n", "fake.py cannot be imported (line 1): SyntaxError"),
    ("import sys\nsys.exit(0)\n", "fake.py cannot be imported (line 2): it called sys.exit(0) while being imported"),
    ("raise ValueError('boom')\n", "fake.py cannot be imported (line 1): ValueError: boom"),
])
def test_a_broken_module_is_an_error_and_other_modules_still_grade(sandbox, source, expected):
    checks, impl = sandbox
    (impl / "fake.py").write_text(source)
    _, results = grade(sandbox, ["good", "bad", "other"])
    for name in ("good", "bad"):
        assert results[f"day01.{name}"].status == "error"
        assert expected in results[f"day01.{name}"].message
    assert results["day01.other"].status == "passed"


def test_a_missing_function_is_an_error_naming_it(sandbox):
    checks, impl = sandbox
    (checks / "test_fake.py").write_text(FAKE_CHECKS + textwrap.dedent('''
        @pytest.mark.exercise("day01.good")
        def test_missing(impl):
            impl.symbol("fake", "vanished")
    '''))
    _, results = grade(sandbox, ["good"])
    assert results["day01.good"].status == "error"
    assert "defines no 'vanished'" in results["day01.good"].message


def test_global_random_state_is_rejected(sandbox):
    checks, impl = sandbox
    (impl / "fake.py").write_text(FAKE_IMPL + "\ndef noisy():\n    import numpy as np\n    return np.random.rand()\n")
    (checks / "test_fake.py").write_text(FAKE_CHECKS + textwrap.dedent('''
        @pytest.mark.exercise("day01.good")
        def test_noisy(fake):
            fake.noisy()
    '''))
    _, results = grade(sandbox, ["good"])
    assert results["day01.good"].status == "failed"
    assert "global random state" in results["day01.good"].message


def test_a_suite_that_cannot_start_raises_a_clear_error(sandbox):
    from grader.runner import RunnerError
    checks, _ = sandbox
    (checks / "test_fake.py").write_text("import nonexistent_module_for_the_test\n")
    with pytest.raises(RunnerError, match="could not start|nonexistent"):
        grade(sandbox, ["good"])


def test_an_unmarked_check_is_refused(sandbox):
    from grader.runner import RunnerError
    checks, _ = sandbox
    (checks / "test_fake.py").write_text(FAKE_CHECKS + "\ndef test_unmarked():\n    pass\n")
    with pytest.raises(RunnerError, match="exactly one @pytest.mark.exercise"):
        grade(sandbox, ["good"])


def test_no_temporary_files_are_left_behind(sandbox, tmp_path, monkeypatch):
    import tempfile
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    grade(sandbox, ["good", "crash"])
    assert list(private.iterdir()) == []
