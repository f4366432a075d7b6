"""Hostile submissions, graded end to end: none may pass falsely, break the grader or escape it.

Each case is a copy of the reference with one hostile change, graded with the real command
(``python -m grader check``) in a subprocess. Every case asserts that there is no false pass,
that the report is written, valid and small, that the status and message say what happened,
that the rest of Day 1 and all of Day 2 still grade correctly, and (for the whole module)
that the kata's own files are untouched and no process survives.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time

import pytest

from grader import REPO_ROOT
from grader.report import validate_report

DAY1 = ["linear_scores", "svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized",
        "predict", "train_linear_classifier"]
PASS = {name: "passed" for name in DAY1}


def kata_files_digest() -> str:
    """One hash over every file of the kata a submission must not be able to change."""
    digest = hashlib.sha256()
    for folder in ("grader", "tests", "solutions", "exercises", "kata_support"):
        for path in sorted((REPO_ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO_ROOT)).encode())
                digest.update(path.read_bytes())
    digest.update((REPO_ROOT / "kata.toml").read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module", autouse=True)
def kata_is_untouched():
    before = kata_files_digest()
    reports = sorted(p.name for p in (REPO_ROOT / "reports").iterdir())
    yield
    assert kata_files_digest() == before, "a hostile submission changed the kata's own files"
    assert sorted(p.name for p in (REPO_ROOT / "reports").iterdir()) == reports


class Submission:
    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.folder = tmp_path / "sub"
        shutil.copytree(REPO_ROOT / "solutions", self.folder, ignore=shutil.ignore_patterns("__pycache__", "README.md"))
        self.report_file = tmp_path / "report.json"

    def edit(self, *, header: str = "", replace=(), module: str = "day01_linear"):
        path = self.folder / f"{module}.py"
        text = path.read_text()
        for old, new in replace:
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        path.write_text(textwrap.dedent(header) + text)
        return self

    def grade(self, selection="day1,day2", *options, timeout=120):
        env = dict(os.environ, KATA_STATE_DIR=str(self.tmp / "state"), KATA_REPORTS_DIR=str(self.tmp / "reports"),
                   NO_COLOR="1")
        start = time.monotonic()
        self.proc = subprocess.run([sys.executable, "-m", "grader", "check", selection, "--impl", str(self.folder),
                                    "--report", str(self.report_file), "--timeout", "3", *options],
                                   cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
        self.seconds = time.monotonic() - start
        assert self.report_file.is_file(), f"no report was written: {self.proc.stderr[-2000:]}"
        assert self.report_file.stat().st_size < 400_000, "the report must stay small"
        self.report = json.loads(self.report_file.read_text())
        validate_report(self.report)
        self.status = {e["id"]: e["status"] for e in self.report["exercises"]}
        self.message = {e["id"]: e["message"] for e in self.report["exercises"]}
        return self

    def expect(self, day1: dict, **messages):
        """Day 1 statuses as given (the rest passed), Day 2 all passed, no false pass, the right sentences."""
        for name in DAY1:
            assert self.status[f"day01.{name}"] == day1.get(name, "passed"), (name, self.message[f"day01.{name}"])
        assert {s for k, s in self.status.items() if k.startswith("day02.")} == {"passed"}
        for name, words in messages.items():
            for word in ([words] if isinstance(words, str) else words):
                assert word in self.message[f"day01.{name}"], (name, self.message[f"day01.{name}"])
        passed = sum(e["points"] for e in self.report["exercises"] if e["status"] == "passed")
        assert self.report["score"] == passed
        assert self.proc.returncode == (0 if all(s == "passed" for s in self.status.values()) else 1)
        return self


STUB = '    raise NotImplementedError("day01.linear_scores")'
SCORES = "    return X @ W + b\n"


# -- forging the result channel ---------------------------------------------------------------------
def test_the_old_journal_forgery_scores_nothing(tmp_path):
    """The attack that scored 15/15 with every stub unwritten: fake 'passed' records, then os._exit(0)."""
    sub = Submission(tmp_path)
    shutil.copy(REPO_ROOT / "exercises" / "day01_linear.py", sub.folder / "day01_linear.py")
    sub.edit(header=f'''
        import json, os, sys, glob
        record = {{"event": "test", "test": {{"nodeid": "x", "outcome": "passed",
                  "metadata": {{"exercise": "day01.linear_scores", "verdict": {{"kind": "passed", "message": ""}}}}}}}}
        for i, arg in enumerate(sys.argv):
            for target in [arg] + glob.glob("/tmp/kata-*/*") + glob.glob({str(REPO_ROOT / "reports")!r} + "/*"):
                try:
                    with open(target, "a") as handle:
                        handle.write(json.dumps(record) + "\\n")
                except Exception:
                    pass
        print(json.dumps({{"score": 15, "max_score": 15}}))
        os._exit(0)
    ''')
    sub.grade().expect({name: "error" for name in DAY1}, linear_scores="cannot be imported")
    assert sub.report["score"] == 15  # Day 2's points only
    assert all(e["points"] == 0 for e in sub.report["exercises"] if e["day"] == 1)


def test_printing_a_fake_report_is_only_output(tmp_path):
    sub = Submission(tmp_path).edit(replace=[(SCORES, '    print("passed " * 50, "Score 15/15", "{\\"score\\": 15}")\n'
                                                      '    raise NotImplementedError("day01.linear_scores")\n')])
    sub.grade().expect({"linear_scores": "not_started", "predict": "blocked"})
    check = sub.report["exercises"][0]["tests"][0]
    assert "Score 15/15" in check["output"] and check["outcome"] == "not_started"


def test_writing_a_fake_answer_on_the_answer_pipe(tmp_path):
    frame = ("import json, struct, sys, os\n"
             "    body = json.dumps({'ok': {'t': 'tuple', 'v': [[1.0], [], [], False]}}).encode()\n"
             "    os.write(int(sys.argv[2]), struct.pack('>II', len(body), 0) + body)\n")
    sub = Submission(tmp_path).edit(replace=[(SCORES, f"    {frame}    return X @ W + b\n")])
    sub.grade().expect({"linear_scores": "failed", "predict": "blocked"},
                       linear_scores="does not belong to the request")


def test_garbage_on_the_answer_pipe(tmp_path):
    garbage = "    import os, sys\n    os.write(int(sys.argv[2]), b'\\xff' * 64)\n"
    sub = Submission(tmp_path).edit(replace=[(SCORES, garbage + "    return X @ W + b\n")])
    sub.grade().expect({"linear_scores": "failed", "predict": "blocked"}, linear_scores="could not be read back")


# -- patching the judge ---------------------------------------------------------------------------
def test_a_conftest_pytest_ini_sitecustomize_and_pth_in_the_submission_are_never_read(tmp_path):
    sub = Submission(tmp_path)
    shutil.copy(REPO_ROOT / "exercises" / "day01_linear.py", sub.folder / "day01_linear.py")
    forge = "import pytest\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n" \
            "    call.excinfo = None\n    yield\n"
    (sub.folder / "conftest.py").write_text(forge)
    (sub.folder / "pytest.ini").write_text("[pytest]\naddopts = -p no:grader\n")
    (sub.folder / "pyproject.toml").write_text("[tool.pytest.ini_options]\naddopts = '--co'\n")
    (sub.folder / "sitecustomize.py").write_text("import os; os._exit(0)\n")
    (sub.folder / "evil.pth").write_text("import os; os._exit(0)\n")
    sub.grade().expect({name: "not_started" for name in DAY1})
    assert set(sub.report["ignored_files"]) >= {"conftest.py", "pytest.ini", "pyproject.toml", "sitecustomize.py",
                                                "evil.pth"}


def test_patching_pytest_numpy_and_the_grader_from_a_learner_module(tmp_path):
    sub = Submission(tmp_path).edit(header='''
        import numpy as np
        import pytest
        pytest.fail = lambda *args, **kwargs: None
        np.allclose = np.array_equal = lambda *args, **kwargs: True
        np.testing.assert_allclose = lambda *args, **kwargs: None
        try:
            import grader
            grader.judge.classify = lambda *args: ("passed", "", None, "")
        except Exception:
            pass
    ''', replace=[(SCORES, "    return np.zeros((X.shape[0], W.shape[1]))\n")])
    sub.grade().expect({"linear_scores": "failed", "predict": "blocked"}, linear_scores="differs most at index")


def test_editing_the_checks_from_a_learner_module_is_refused(tmp_path):
    sub = Submission(tmp_path).edit(header=f'''
        import glob
        for path in glob.glob({str(REPO_ROOT)!r} + "/tests/checks/*.py") + [{str(REPO_ROOT / "grader" / "judge.py")!r}]:
            try:
                with open(path, "a") as handle:
                    handle.write("\\nraise SystemExit(0)\\n")
            except OSError:
                pass
    ''', replace=[(SCORES, "    return X @ W\n")])
    sub.grade().expect({"linear_scores": "failed", "predict": "blocked"})


# -- ending the process -----------------------------------------------------------------------------
@pytest.mark.parametrize("code, words", [("import sys\nsys.exit(0)\n", "it called sys.exit(0) while being imported"),
                                         ("import os\nos._exit(0)\n", "the process importing it ended"),
                                         ("while True:\n    pass\n", "did not finish")])
def test_ending_or_hanging_at_import_fails_only_day_one(tmp_path, code, words):
    sub = Submission(tmp_path).edit(header=code)
    sub.grade().expect({name: "error" for name in DAY1}, linear_scores=words)
    assert sub.seconds < 25


@pytest.mark.parametrize("code, status, words", [
    ("import os; os._exit(0)", "error", "exited with status 0"),
    ("import sys; sys.exit(0)", "error", "called sys.exit(0)"),
    ("import ctypes; ctypes.string_at(0)", "error", "SIGSEGV"),
])
def test_ending_the_process_inside_a_call_costs_that_exercise(tmp_path, code, status, words):
    sub = Submission(tmp_path).edit(replace=[("    return np.argmax(linear_scores(X, W, b), axis=1)",
                                              f"    {code}\n    return np.argmax(linear_scores(X, W, b), axis=1)")])
    sub.grade().expect({"predict": status}, predict=words)


def test_an_endless_loop_that_ignores_signals_is_one_timeout(tmp_path):
    loop = ("    import signal\n    for s in (signal.SIGALRM, signal.SIGUSR1, signal.SIGXCPU, signal.SIGTERM):\n"
            "        signal.signal(s, signal.SIG_IGN)\n    while True:\n        pass\n")
    sub = Submission(tmp_path).edit(replace=[(SCORES, loop)])
    sub.grade().expect({"linear_scores": "timeout", "predict": "blocked"},
                       linear_scores=["did not finish within 3 s", "killed"])
    linear = sub.report["exercises"][0]["tests"]
    assert [t["outcome"] for t in linear] == ["timeout", "not_run"], "one timeout per exercise, not per check"
    assert sub.seconds < 45


# -- resources ------------------------------------------------------------------------------------
def test_a_memory_blow_up_is_a_sentence(tmp_path):
    sub = Submission(tmp_path).edit(replace=[(SCORES, "    hog = np.ones((2**30,))\n    return X @ W + b\n")])
    sub.grade().expect({"linear_scores": "failed", "predict": "blocked"},
                       linear_scores=["MemoryError", "limited amount of memory"])


def test_a_fork_storm_is_bounded_and_leaves_nothing(tmp_path):
    storm = "    import os\n    for _ in range(200):\n        try:\n            os.fork()\n        except OSError:\n" \
            "            break\n    return X @ W + b\n"
    sub = Submission(tmp_path).edit(replace=[(SCORES, storm)])
    sub.grade("day1")
    # The forked copies of the worker exit without answering, so the function's own result is graded: the
    # storm costs only time, bounded by the process limit, and nothing of it survives.
    assert {sub.status[f"day01.{name}"] for name in DAY1} == {"passed"}
    assert sub.seconds < 40
    assert _strays() == []


def test_an_output_flood_is_cut_and_counted(tmp_path):
    sub = Submission(tmp_path).edit(replace=[(SCORES, "    print('x' * (8 * 2**20))\n    return X @ W + b\n")])
    sub.grade().expect({})
    check = sub.report["exercises"][0]["tests"][0]
    assert check["output_bytes"] > 8 * 2**20 and check["output_truncated"] and len(check["output"]) < 5000


def test_a_huge_answer_is_refused(tmp_path):
    sub = Submission(tmp_path).edit(replace=[(SCORES, "    return np.zeros(10**8)\n")])
    sub.grade().expect({"linear_scores": "failed", "predict": "blocked"},
                       linear_scores="more than the 64.0 MB accepted")


def test_deeply_nested_data_is_refused(tmp_path):
    nest = "    value = []\n    for _ in range(10000):\n        value = [value]\n    return value\n"
    sub = Submission(tmp_path).edit(replace=[(SCORES, nest)])
    sub.grade().expect({"linear_scores": "failed", "predict": "blocked"}, linear_scores="nested more than")


# -- lying values -----------------------------------------------------------------------------------
def test_objects_whose_eq_bool_and_array_lie_fail(tmp_path):
    liar = '''
        class Liar:
            def __eq__(self, other):
                return True
            def __bool__(self):
                return True
            def __array__(self, dtype=None, copy=None):
                import numpy
                return numpy.zeros((1, 1))
            def __float__(self):
                return 0.0
    '''
    sub = Submission(tmp_path).edit(header=liar, replace=[(SCORES, "    return Liar()\n")])
    sub.grade().expect({"linear_scores": "failed", "predict": "blocked"},
                       linear_scores="returned a `Liar`, which is not plain data")


def test_an_ndarray_subclass_that_overrides_ufuncs_is_read_as_its_data(tmp_path):
    liar = '''
        import numpy as np
        class Liar(np.ndarray):
            def __array_ufunc__(self, *args, **kwargs):
                return True
            def __array_function__(self, *args, **kwargs):
                return True
            def __eq__(self, other):
                return True
    '''
    zeros = "    return np.zeros((X.shape[0], W.shape[1])).view(Liar)\n"
    sub = Submission(tmp_path).edit(header=liar, replace=[(SCORES, zeros)])
    sub.grade().expect({"linear_scores": "failed", "predict": "blocked"}, linear_scores="differs most at index")


def test_right_values_after_mutating_the_inputs_fail(tmp_path):
    tail = "    return loss, dW, db\n\n\ndef softmax_loss_naive"
    sub = Submission(tmp_path).edit(replace=[(tail, "    W *= 0.0\n" + tail)])
    sub.grade().expect({"svm_loss_vectorized": "failed"})
    messages = [t["message"] for t in sub.report["exercises"][2]["tests"]]
    assert any("modified its input W in place" in m for m in messages)


def test_an_exception_whose_str_raises_and_a_huge_message(tmp_path):
    header = '''
        class Weird(Exception):
            def __str__(self):
                raise RuntimeError("no")
    '''
    tail = "    return loss, dW, db\n\n\ndef svm_loss_vectorized"
    sub = Submission(tmp_path).edit(header=header, replace=[
        (SCORES, "    raise Weird()\n"), (tail, "    raise ValueError('m' * 5_000_000)\n" + tail)])
    sub.grade().expect({"linear_scores": "failed", "predict": "blocked", "svm_loss_naive": "failed",
                        "svm_loss_vectorized": "blocked"},
                       linear_scores="could not be printed", svm_loss_naive="raised ValueError: mmm")
    assert len(sub.message["day01.svm_loss_naive"]) < 2100


# -- reaching beyond the submission ---------------------------------------------------------------------
def test_importing_or_reading_the_reference_fails(tmp_path):
    reference = str(REPO_ROOT / "solutions" / "day01_linear.py")
    header = f'''
        import importlib.util
        try:
            import solutions.day01_linear as _reference
        except Exception:
            _reference = None
        if _reference is None:
            try:
                _spec = importlib.util.spec_from_file_location("ref", {reference!r})
                _reference = importlib.util.module_from_spec(_spec)
                _spec.loader.exec_module(_reference)
            except Exception:
                _reference = None
    '''
    sub = Submission(tmp_path)
    shutil.copy(REPO_ROOT / "exercises" / "day01_linear.py", sub.folder / "day01_linear.py")
    sub.edit(header=header, replace=[(STUB, "    return _reference.linear_scores(X, W, b)")])
    sub.grade().expect({name: "not_started" for name in DAY1} | {"linear_scores": "failed"},
                       linear_scores="AttributeError")


def test_a_symbolic_link_to_the_reference_is_not_followed(tmp_path):
    sub = Submission(tmp_path)
    (sub.folder / "day01_linear.py").unlink()
    (sub.folder / "day01_linear.py").symlink_to(REPO_ROOT / "solutions" / "day01_linear.py")
    sub.grade().expect({name: "error" for name in DAY1}, linear_scores="does not exist")
    assert "day01_linear.py (a symbolic link: submit the file itself)" in sub.report["ignored_files"]


def test_the_global_random_state_is_refused(tmp_path):
    sub = Submission(tmp_path).edit(replace=[("W = 0.001 * rng.standard_normal((dim, num_classes))",
                                              "W = 0.001 * np.random.randn(dim, num_classes)")])
    sub.grade().expect({"train_linear_classifier": "failed"}, train_linear_classifier="global random state")


def test_writing_outside_the_submission_is_refused(tmp_path):
    marker = tmp_path / "written-by-the-submission"
    header = f'''
        for _path in ({str(marker)!r}, "/tmp/kata-hostile-marker", {str(REPO_ROOT / "reports" / "forged.json")!r},
                      {str(REPO_ROOT / "kata.toml")!r}):
            try:
                with open(_path, "a") as _handle:
                    _handle.write("forged")
            except OSError:
                pass
    '''
    sub = Submission(tmp_path).edit(header=header)
    sub.grade().expect({})
    assert not marker.exists() and not os.path.exists("/tmp/kata-hostile-marker")
    assert not (REPO_ROOT / "reports" / "forged.json").exists()


def test_a_detached_process_cannot_rewrite_the_report_afterwards(tmp_path):
    daemon = f'''
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(3)
                for _path in ({str(tmp_path / "report.json")!r}, {str(tmp_path / "reports")!r} + "/results.json"):
                    try:
                        with open(_path, "w") as _handle:
                            _handle.write('{{"score": 15}}')
                    except OSError:
                        pass
            os._exit(0)
    '''
    sub = Submission(tmp_path).edit(header=daemon, replace=[(SCORES, "    return X @ W\n")])
    sub.grade().expect({"linear_scores": "failed", "predict": "blocked"})
    before = sub.report_file.read_text()
    time.sleep(4)
    assert sub.report_file.read_text() == before
    assert _strays() == []


def test_a_report_path_that_is_a_folder_is_one_line_and_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "grader", "check", "day1", "--report", str(tmp_path)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "is a folder" in proc.stderr


def _strays() -> list[str]:
    """Processes left running by a submission: anything of the sandbox's uids, or anything running a worker."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            uid = os.stat(f"/proc/{entry}").st_uid
            cmdline = open(f"/proc/{entry}/cmdline", "rb").read()
        except OSError:
            continue
        if 61000 <= uid < 65000 or b"kata_worker" in cmdline:
            found.append(f"{entry}: {cmdline[:80]!r}")
    return found
