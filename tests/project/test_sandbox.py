"""The judge and the sandboxed worker, on fake exercises that misbehave in every way we know.

Each sandbox is a real grading session (real pytest judge, real worker processes, real limits);
only the exercises and their checks are fakes, so these tests prove isolation, limits,
timeouts and classification without depending on the course content.
"""
import itertools
import os
import textwrap
import time

import numpy as np
import pytest

from grader.grading import Target, run_session
from grader.manifest import Day, Exercise, Manifest
from grader.sandbox.client import Limits

FAKE_IMPL = '''
import os, signal, sys
import numpy as np

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
    signal.signal(signal.SIGALRM, signal.SIG_IGN)  # the worker's alarm cannot interrupt this one
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

def noisy():
    return np.random.rand()

def mutates(x):
    x[0] = 99.0
    return 1

def draws(rng):
    return rng.random()

class Foo:
    pass

def foo():
    return Foo()

def pair():
    return (1, Foo())
'''

FAKE_CHECKS = '''
import numpy as np
import pytest

@pytest.fixture
def fake(impl):
    return impl.module("{module}", returns={{"pair": "(number, other)"}})

def expect_one(value):
    if value != 1:
        pytest.fail(f"returned {{value}}, expected 1.", pytrace=False)

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

@pytest.mark.exercise("day01.hang")
def test_hang_again(fake):
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

@pytest.mark.exercise("day01.noisy")
def test_noisy(fake):
    fake.noisy()

@pytest.mark.exercise("day01.mutates")
def test_mutates(fake):
    x = np.zeros(3)
    fake.mutates(x)
    if x[0] != 99.0:
        pytest.fail("the in-place change did not come back", pytrace=False)

@pytest.mark.exercise("day01.draws")
def test_draws(fake, rng):
    first = fake.draws(rng)
    second = fake.draws(rng)
    if first == second:
        pytest.fail("the generator did not advance", pytrace=False)

@pytest.mark.exercise("day01.foo")
def test_foo(fake):
    np.asarray(fake.foo())

@pytest.mark.exercise("day01.pair")
def test_pair(fake):
    number, other = fake.pair()
    float(other)

@pytest.mark.exercise("day01.other")
def test_other_module(impl):
    if impl.module("{other}").value() != 1:
        pytest.fail("other", pytrace=False)
'''

NAMES = ["good", "bad", "stub", "dependent", "hang", "deaf", "crash", "segv", "printer", "raiser", "noisy",
         "mutates", "draws", "foo", "pair", "other"]
_COUNTER = itertools.count()


class Fakes:
    """A fake day (module ``fakeN``) and a second one (``otherN``), with their checks, in tmp_path."""

    def __init__(self, tmp_path, impl_source=FAKE_IMPL, checks_extra=""):
        n = next(_COUNTER)
        self.module, self.other = f"fake{os.getpid()}x{n}", f"other{os.getpid()}x{n}"
        self.checks = tmp_path / "checks"
        self.probes = tmp_path / "probes"
        self.impl = tmp_path / "impl"
        for folder in (self.checks, self.probes, self.impl):
            folder.mkdir()
        (self.checks / f"test_{self.module}.py").write_text(
            FAKE_CHECKS.format(module=self.module, other=self.other) + textwrap.dedent(checks_extra))
        (self.impl / f"{self.module}.py").write_text(impl_source)
        (self.impl / f"{self.other}.py").write_text("def value():\n    return 1\n")

    def manifest(self, deps=None) -> Manifest:
        deps = deps or {}
        exercises = tuple(Exercise(id=f"day01.{n}", day=1, title=n, points=1,
                                   depends_on=tuple(f"day01.{d}" for d in deps.get(n, ())), hints=("a", "b"))
                          for n in NAMES)
        return Manifest(format_version=1, days=(
            Day(number=1, module=self.module, title="Fakes", reading=(), exercises=exercises),
            Day(number=2, module=self.other, title="Other", reading=(), exercises=()),
        ))

    def grade(self, names, deps=None, **limits):
        manifest = self.manifest(deps)
        session = run_session(manifest, [Target(self.impl, [f"day01.{n}" for n in names], "impl")],
                              limits=Limits(**{"seconds": 5.0, "grace": 1.0, **limits}), diagnose=False,
                              checks_dir=self.checks, probes_dir=self.probes)
        graded = session.graded[0]
        return session, graded.results, graded.records


@pytest.fixture
def fakes(tmp_path):
    return Fakes(tmp_path)


def statuses(results):
    return {ex_id.split(".")[1]: res.status for ex_id, res in results.items()}


def messages(results):
    return {ex_id.split(".")[1]: res.message for ex_id, res in results.items()}


def test_misbehaving_exercises_each_get_their_own_status(fakes):
    start = time.monotonic()
    session, results, records = fakes.grade(NAMES, deps={"dependent": ["stub"]}, seconds=1.0)
    assert statuses(results) == {
        "good": "passed", "bad": "failed", "stub": "not_started", "dependent": "blocked", "hang": "timeout",
        "deaf": "timeout", "crash": "error", "segv": "error", "printer": "failed", "raiser": "failed",
        "noisy": "failed", "mutates": "passed", "draws": "passed", "foo": "failed", "pair": "failed",
        "other": "passed"}
    assert len(records) == 17, "every selected check must end with a record"
    assert session.restarts == 3, "the deaf hang, os._exit and the segfault each cost one fresh worker"
    assert time.monotonic() - start < 20


def test_messages_say_what_happened(fakes):
    _, results, _ = fakes.grade(["bad", "stub", "dependent", "hang", "crash", "segv", "raiser", "noisy", "foo",
                                 "pair"], deps={"dependent": ["stub"]}, seconds=1.0)
    message = messages(results)
    assert message["bad"] == "returned 2, expected 1."
    assert message["stub"] == "not started."
    assert message["dependent"] == "blocked by day01.stub (not started): finish it first."
    assert "did not finish within 1 s" in message["hang"] and f"{fakes.module}.py, line" in message["hang"]
    assert "in hang" in message["hang"]
    assert "exited with status 0" in message["crash"] and "os._exit" in message["crash"]
    assert "SIGSEGV" in message["segv"]
    assert message["raiser"].startswith("`raiser()` raised IndexError: list index out of range (")
    assert f"impl/{fakes.module}.py, line 38, in raiser: `return [1, 2][5]`" in message["raiser"]
    assert "global random state" in message["noisy"]
    assert message["foo"].startswith("`foo` returned a `Foo`, which is not plain data")
    assert message["pair"].startswith("`pair` returned a `Foo`")


def test_a_timeout_skips_the_rest_of_its_exercise(fakes):
    _, results, records = fakes.grade(["hang", "good"], seconds=1.0)
    hang = [r for r in records if r.exercise == "day01.hang"]
    assert [r.outcome for r in hang] == ["timeout", "not_run"]
    assert "earlier check of this exercise did not finish" in hang[1].message
    assert results["day01.good"].status == "passed"


def test_printed_output_is_kept_head_and_tail(fakes):
    _, results, _ = fakes.grade(["printer"], output_bytes=1000)
    check = results["day01.printer"].checks[0]
    assert check.output_bytes == 5001 and check.output_truncated
    assert check.output.startswith("x" * 500) and "bytes not kept" in check.output
    assert len(check.output) < 1100


def test_a_deaf_endless_loop_is_killed_and_the_next_check_runs(fakes):
    start = time.monotonic()
    session, results, _ = fakes.grade(["deaf", "good"], seconds=0.5, grace=0.5)
    assert results["day01.deaf"].status == "timeout"
    assert "ignored the alarm, so it was killed" in results["day01.deaf"].message
    assert results["day01.good"].status == "passed", "checks after the killed one still run"
    assert time.monotonic() - start < 10


def test_overall_time_limit_reports_what_never_ran(fakes):
    session, results, records = run_with_total(fakes, ["hang", "raiser"], total_seconds=0.8)
    assert results["day01.hang"].status == "timeout"
    raiser = [r for r in records if r.exercise == "day01.raiser"][0]
    assert raiser.outcome == "not_run" and "overall time limit" in raiser.message


def run_with_total(fakes, names, total_seconds):
    session = run_session(fakes.manifest(), [Target(fakes.impl, [f"day01.{n}" for n in names], "impl")],
                          limits=Limits(seconds=1.0, grace=0.5), total_seconds=total_seconds, diagnose=False,
                          checks_dir=fakes.checks, probes_dir=fakes.probes)
    return session, session.graded[0].results, session.graded[0].records


@pytest.mark.parametrize("source, expected", [
    ("def good(:\n    return 1\n", "cannot be imported (line 1): SyntaxError"),
    ("import sys\nsys.exit(0)\n", "cannot be imported (line 2): it called sys.exit(0) while being imported"),
    ("raise ValueError('boom')\n", "cannot be imported (line 1): ValueError: boom"),
    ("while True:\n    pass\n", "cannot be imported (line 1): importing it did not finish"),
    ("import os\nos._exit(3)\n", "cannot be imported: the process importing it ended"),
])
def test_a_broken_module_is_one_error_and_other_modules_still_grade(tmp_path, source, expected):
    fakes = Fakes(tmp_path, impl_source=source)
    start = time.monotonic()
    _, results, _ = fakes.grade(["good", "bad", "other"], seconds=1.0)
    for name in ("good", "bad"):
        assert results[f"day01.{name}"].status == "error"
        assert expected in results[f"day01.{name}"].message
    assert results["day01.other"].status == "passed"
    assert time.monotonic() - start < 8, "a hanging import costs one timeout for its module, not one per check"


def test_a_missing_function_is_an_error_naming_it(tmp_path):
    fakes = Fakes(tmp_path, checks_extra='''
        @pytest.mark.exercise("day01.good")
        def test_missing(fake):
            fake.vanished()
    ''')
    _, results, _ = fakes.grade(["good"])
    assert results["day01.good"].status == "error"
    assert "defines no 'vanished'" in results["day01.good"].message


def test_a_suite_that_cannot_start_raises_a_clear_error(fakes):
    from grader.grading import GradingError
    (fakes.checks / f"test_{fakes.module}.py").write_text("import nonexistent_module_for_the_test\n")
    with pytest.raises(GradingError, match="could not start|nonexistent"):
        fakes.grade(["good"])


def test_an_unmarked_check_is_refused(tmp_path):
    from grader.grading import GradingError
    fakes = Fakes(tmp_path, checks_extra="\ndef test_unmarked():\n    pass\n")
    with pytest.raises(GradingError, match="exactly one @pytest.mark.exercise"):
        fakes.grade(["good"])


def test_no_temporary_files_or_processes_are_left_behind(fakes, tmp_path, monkeypatch):
    import tempfile
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    fakes.grade(["good", "crash"])
    leftovers = [p.name for p in private.iterdir() if p.name != "kata-sandbox-uids"]
    assert leftovers == []
    from grader.sandbox.client import _children_of
    assert _children_of(os.getpid()) == []


def test_the_worker_sees_only_plain_copies(fakes):
    """Regression of the trust boundary: arrays come back as exact ndarrays, decoded without pickle."""
    _, results, records = fakes.grade(["mutates", "draws"])
    assert {r.outcome for r in records} == {"passed"}
    assert isinstance(np.zeros(1), np.ndarray)
