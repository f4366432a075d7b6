"""The kata command end to end, as a learner and an instructor use it, in real subprocesses."""
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from grader import REPO_ROOT
from grader.report import validate_report


@pytest.fixture
def kata(tmp_path):
    """Run ``python -m grader ...`` with state kept in tmp_path, never in the repository."""
    env = dict(os.environ, KATA_STATE_DIR=str(tmp_path / "state"), KATA_REPORTS_DIR=str(tmp_path / "reports"),
               NO_COLOR="1")

    def run(*args, timeout=120):
        return subprocess.run([sys.executable, "-m", "grader", *args], cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, timeout=timeout)
    return run


def check(kata, tmp_path, *args):
    report = tmp_path / "report.json"
    proc = kata("check", *args, "--report", str(report))
    return proc, (json.loads(report.read_text()) if report.exists() else None)


def test_stubs_are_not_started_and_the_report_is_valid(kata, tmp_path):
    proc, report = check(kata, tmp_path, "day1")
    assert proc.returncode == 1
    validate_report(report)
    assert {e["status"] for e in report["exercises"]} == {"not_started"}
    assert report["summary"]["not_started"] == report["summary"]["total"] == 7
    assert report["score"] == 0 and report["max_score"] == 15
    assert "Next: write day01.linear_scores in exercises/day01_linear.py" in proc.stdout
    assert "make hint day01.linear_scores" in proc.stdout


def test_the_reference_passes_with_full_marks(kata, tmp_path):
    proc, report = check(kata, tmp_path, "day01", "--impl", "solutions")
    assert proc.returncode == 0, proc.stdout
    validate_report(report)
    assert report["score"] == report["max_score"] == 15
    assert report["implementation"] == "solutions"
    assert all(e["hint"] is None and e["points"] == e["max_points"] for e in report["exercises"])


@pytest.mark.parametrize("selection", ["day99", "0", "nonsense", "day01.no_such_thing"])
def test_unknown_selection_exits_2_with_one_line(kata, selection):
    proc = kata("check", selection)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "day1" in lines[0] or "day01." in lines[0]


def test_missing_implementation_folder_exits_2(kata, tmp_path):
    proc = kata("check", "day1", "--impl", str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and "is not a folder" in proc.stderr


def test_a_planted_mistake_is_named_in_terminal_and_report(kata, tmp_path):
    sub = tmp_path / "sub"
    shutil.copytree(REPO_ROOT / "solutions", sub)
    path = sub / "day01_linear.py"
    path.write_text(path.read_text().replace("            if j == y[i]:\n                continue\n", ""))
    proc, report = check(kata, tmp_path, "day01.svm_loss_naive", "--impl", str(sub))
    assert proc.returncode == 1
    entry = report["exercises"][0]
    assert entry["status"] == "failed"
    assert entry["misconception"]["id"] == "hinge_counts_correct_class"
    assert "loss is 6.75 but should be 5.75" in entry["message"]
    assert "Looks like: the hinge loss also counts j == y" in proc.stdout


def test_hostile_submission_still_gets_a_full_report(kata, tmp_path):
    """A syntax error in one day does not stop another; an endless loop is one timeout."""
    sub = tmp_path / "sub"
    shutil.copytree(REPO_ROOT / "solutions", sub)
    path = sub / "day01_linear.py"
    path.write_text(path.read_text().replace("    return np.argmax(linear_scores(X, W, b), axis=1)",
                                             "    while True:\n        pass"))
    start = time.monotonic()
    proc, report = check(kata, tmp_path, "day1", "--impl", str(sub), "--timeout", "1")
    assert time.monotonic() - start < 15
    status = {e["id"]: e["status"] for e in report["exercises"]}
    assert status.pop("day01.predict") == "timeout"
    assert set(status.values()) == {"passed"}
    validate_report(report)


GRADESCOPE_SCHEMA = REPO_ROOT / "tests" / "project" / "formats" / "gradescope_results.schema.json"


@pytest.mark.parametrize("impl, score", [("solutions", 15), ("exercises", 0)])
def test_gradescope_results_follow_gradescopes_documented_format(kata, tmp_path, impl, score):
    import jsonschema
    out = tmp_path / "results.json"
    check(kata, tmp_path, "day1", "--impl", impl, "--format", "gradescope", "--gradescope-file", str(out))
    results = json.loads(out.read_text())
    jsonschema.validate(results, json.loads(GRADESCOPE_SCHEMA.read_text()))
    assert results["score"] == score and sum(t["max_score"] for t in results["tests"]) == 15
    assert len(results["tests"]) == 7 and results["output_format"] == "text"
    assert isinstance(results["execution_time"], int)
    for test in results["tests"]:
        first = test["output"].splitlines()[0]
        assert "not started: not started" not in first and first.count("not started") <= 1


def test_hints_come_one_more_at_a_time_and_are_remembered(kata):
    first = kata("hint", "day01.svm_loss_naive")
    assert first.returncode == 0 and "Hint 1 of 3" in first.stdout and "Hint 2" not in first.stdout
    second = kata("hint", "day01.svm_loss_naive")
    assert "Hint 2 of 3" in second.stdout
    kata("hint", "day01.svm_loss_naive")
    last = kata("hint", "day01.svm_loss_naive")
    assert "Hint 3 of 3" in last.stdout and "last hint" in last.stdout
    assert kata("hint", "day77").returncode == 2


def test_progress_reflects_the_last_check(kata, tmp_path):
    before = kata("progress")
    assert "none yet" in before.stdout
    check(kata, tmp_path, "day1")
    after = kata("progress")
    assert "not started day01.linear_scores" in " ".join(after.stdout.split())
    assert "Total 0/" in after.stdout


def test_compare_agrees_on_the_reference_and_localises_a_bug(kata, tmp_path):
    same = kata("compare", "day1", "--impl", "solutions")
    assert same.returncode == 0 and "agrees" in same.stdout
    sub = tmp_path / "sub"
    shutil.copytree(REPO_ROOT / "solutions", sub)
    path = sub / "day01_linear.py"
    tail = "\n    return loss, dW, db\n\n\ndef softmax_loss_naive"
    path.write_text(path.read_text().replace("db = dscores.sum(axis=0)" + tail, "db = dscores" + tail))
    diff = kata("compare", "day01.svm_loss_vectorized", "--impl", str(sub))
    assert diff.returncode == 1
    assert "shape (6, 3), reference (3,)" in diff.stdout
    assert "Looks like: db is the (N, C) score gradient" in diff.stdout


def test_plots_are_drawn_with_the_implementation(kata, tmp_path):
    done = kata("plots", "day1", "--impl", "solutions", "--out", str(tmp_path / "fig"))
    assert done.returncode == 0
    pngs = sorted(p.name for p in (tmp_path / "fig").glob("*.png"))
    assert pngs == ["day01_decision_regions.png", "day01_loss_history.png"]
    assert all((tmp_path / "fig" / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    stubs = kata("plots", "day1", "--out", str(tmp_path / "fig2"))
    assert stubs.returncode == 1 and "not written yet" in stubs.stderr


def test_watch_rechecks_after_a_save(kata, tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    shutil.copy(REPO_ROOT / "solutions" / "day01_linear.py", sub)
    env = dict(os.environ, KATA_STATE_DIR=str(tmp_path / "state"), KATA_REPORTS_DIR=str(tmp_path / "reports"),
               NO_COLOR="1")
    proc = subprocess.Popen([sys.executable, "-m", "grader", "watch", "day01.linear_scores", "--impl", str(sub),
                             "--interval", "0.1", "--max-runs", "2"], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.PIPE, text=True)
    time.sleep(3)
    (sub / "day01_linear.py").write_text((sub / "day01_linear.py").read_text() + "\n")
    out, _ = proc.communicate(timeout=30)
    assert out.count("=== make check day01.linear_scores") == 2


def test_nothing_is_written_into_the_repository(kata, tmp_path):
    """Regression: the watch test left reports in the learner's reports/ folder."""
    watched = [REPO_ROOT / ".kata", REPO_ROOT / "reports"]
    before = [sorted(f.rglob("*")) for f in watched]
    kata("check", "day01.linear_scores")
    kata("hint", "day01.linear_scores")
    assert [sorted(f.rglob("*")) for f in watched] == before
    assert (tmp_path / "reports" / "check-day01.linear_scores.json").is_file()
    assert list((tmp_path / "reports" / "history").glob("check-day01.linear_scores-*.json"))


def test_reports_keep_the_latest_per_selection_and_a_bounded_history(tmp_path):
    """Regression: watch wrote a new report on every save, without bound."""
    from grader.check import keep_history
    folder = tmp_path / "history"
    for k in range(40):
        keep_history({"created": f"2026-11-25T10:{k:02d}:00+00:00"}, "day1", folder, keep=30)
    assert len(list(folder.iterdir())) == 30


def test_a_suite_that_cannot_start_still_writes_a_report(monkeypatch, tmp_path, capsys):
    """Regression: when pytest itself could not start, check printed an error and wrote nothing."""
    import grader.grading
    from grader.cli import main

    def broken(*args, **kwargs):
        raise grader.grading.GradingError("the check suite could not start:\nboom")

    monkeypatch.setattr(grader.grading, "run_session", broken)
    monkeypatch.setattr("grader.state.STATE_DIR", tmp_path / "state")
    report_file = tmp_path / "r.json"
    assert main(["check", "day1", "--impl", "solutions", "--report", str(report_file)]) == 1
    report = json.loads(report_file.read_text())
    validate_report(report)
    assert {e["status"] for e in report["exercises"]} == {"error"}
    assert report["exercises"][0]["message"].startswith("the checks could not run: the check suite could not start")
    assert "boom" in report["error"] and "boom" in capsys.readouterr().err
