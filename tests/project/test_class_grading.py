"""Grading a whole class: the batch, the gradebook and summary, resuming, Gradescope, GitHub Classroom."""
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from grader import REPO_ROOT
from grader.report import validate_report

SELECTION = "day1,day2"
GRADESCOPE_SCHEMA = REPO_ROOT / "tests" / "project" / "formats" / "gradescope_results.schema.json"


def partly_done(folder):
    """The reference with Day 1's linear_scores left as its stub and a catalogued SVM mistake (as make bench uses)."""
    from grader.bench import partly_done_submission
    return partly_done_submission(folder)


def hostile(folder, change):
    shutil.copytree(REPO_ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__", "README.md"))
    path = folder / "day01_linear.py"
    path.write_text(change + path.read_text())
    return folder


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    submissions = root / "submissions"
    submissions.mkdir()
    shutil.copytree(REPO_ROOT / "solutions", submissions / "ref", ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(REPO_ROOT / "exercises", submissions / "stubs", ignore=shutil.ignore_patterns("README.md"))
    partly_done(submissions / "partly")
    whole = submissions / "whole_kata"  # a copy of the whole kata: the day files sit under exercises/
    partly_done(whole / "exercises")
    (whole / "README.md").write_text("my kata")
    zipped = partly_done(root / "zipped")
    with zipfile.ZipFile(submissions / "zipped.zip", "w") as archive:
        for path in zipped.iterdir():
            archive.write(path, f"zipped/{path.name}")
        archive.writestr("../escape.py", "print('never extracted')")
    (submissions / "broken.zip").write_bytes(b"this is not a zip file")
    hostile(submissions / "forger", "import os, sys\nprint('{\"score\": 30}')\nos._exit(0)\n")
    hostile(submissions / "hanger", "while True:\n    pass\n")
    hostile(submissions / "forker", "import os\nfor _ in range(50):\n    try:\n        os.fork()\n"
                                    "    except OSError:\n        break\n")
    return root


def grade(class_folder, *options, timeout=600):
    out = class_folder / "out"
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(class_folder / "submissions"), "--out",
                           str(out), "--selection", SELECTION, "--timeout", "2", "--total-timeout", "60", *options],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)
    return proc, out


def gradebook(out):
    with open(out / "gradebook.csv", newline="") as handle:
        return {row["learner"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def graded(class_folder):
    proc, out = grade(class_folder)
    return proc, out, gradebook(out)


def test_every_learner_gets_the_right_score_and_a_valid_report(graded):
    proc, out, book = graded
    assert proc.returncode == 1, "broken.zip is a grading error, so the batch says so"
    assert {name: int(row["total"]) for name, row in book.items()} == {
        "ref": 30, "stubs": 0, "partly": 23, "whole_kata": 23, "zipped": 23, "broken": 0,
        "forger": 15, "hanger": 15, "forker": 30}
    assert book["broken"]["status"] == "grading error" and "zip" in book["broken"]["error"]
    assert book["partly"]["day01.svm_loss_naive"] == "0" and book["partly"]["day01.softmax_loss_naive"] == "2"
    for name in ("ref", "stubs", "partly", "whole_kata", "zipped", "forger", "hanger", "forker"):
        report = json.loads((out / "reports" / f"{name}.json").read_text())
        validate_report(report)
        assert report["implementation"] == name
    forger = json.loads((out / "reports" / "forger.json").read_text())
    assert {e["status"] for e in forger["exercises"] if e["day"] == 1} == {"error"}
    hanger = next(e["message"] for e in json.loads((out / "reports" / "hanger.json").read_text())["exercises"]
                  if e["id"] == "day01.linear_scores")
    assert hanger.startswith("hanger/day01_linear.py cannot be imported"), "named in the submission, not a temp folder"


def test_the_summary_names_what_to_reteach(graded):
    _, out, _ = graded
    summary = json.loads((out / "summary.json").read_text())
    assert summary["learners"] == 9 and summary["errors"] == 1
    mistakes = {(m["exercise"], m["id"]): m["count"] for m in summary["common_mistakes"]}
    assert mistakes[("day01.svm_loss_naive", "hinge_counts_correct_class")] == 3
    rates = {r["exercise"]: (r["passed"], r["graded"]) for r in summary["pass_rates"]}
    assert rates["day01.linear_scores"] == (2, 8)
    text = (out / "summary.md").read_text()
    assert "what to reteach" in text and "hinge loss also counts" in text


def test_nothing_is_graded_twice_unless_forced(class_folder, graded):
    proc, out = grade(class_folder)
    assert "Graded 0 of 9 learners" in proc.stdout
    (class_folder / "submissions" / "partly" / "day02_perceptron_mlp.py").write_text("raise SystemExit(0)\n")
    proc, out = grade(class_folder)
    assert "Graded 1 of 9 learners" in proc.stdout, "a changed submission is graded again"
    assert gradebook(out)["partly"]["total"] == "8"


def test_a_batch_killed_half_way_resumes_to_the_same_results(tmp_path, class_folder, graded):
    _, _, expected = graded
    folder = tmp_path / "class"
    shutil.copytree(class_folder / "submissions", folder / "submissions")
    partly = folder / "submissions" / "partly"
    shutil.rmtree(partly)
    partly_done(partly)
    out = folder / "out"
    command = [sys.executable, "-m", "grader", "grade", str(folder / "submissions"), "--out", str(out),
               "--selection", SELECTION, "--timeout", "2", "--total-timeout", "60", "--jobs", "1"]
    proc = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "state").glob("*.sha256"))) < 3:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(list((out / "state").glob("*.sha256"))) < 9, "the batch was killed before it finished"
    resumed = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert "learners in" in resumed.stdout
    assert {k: v["total"] for k, v in gradebook(out).items()} == {k: v["total"] for k, v in expected.items()}


def test_a_class_folder_that_is_not_a_folder_is_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(tmp_path / "nowhere")], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "is not a folder" in proc.stderr


# -- Gradescope ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    extra = tmp_path_factory.mktemp("extra")
    (extra / "test_day01_linear.py").write_text(
        'import numpy as np\nimport pytest\n\n\n@pytest.mark.exercise("day01.linear_scores")\n'
        'def test_scores_of_a_wide_batch(day01):\n'
        '    X, W, b = np.ones((3, 50)), np.ones((50, 2)), np.zeros(2)\n'
        '    if not np.allclose(day01.linear_scores(X, W, b), 50.0):\n'
        '        pytest.fail("wrong scores", pytrace=False)\n')
    (extra / "extra.toml").write_text('[points]\n"day01.linear_scores" = 2\n')
    out = tmp_path_factory.mktemp("dist") / "autograder.zip"
    proc = subprocess.run([sys.executable, "-m", "grader", "gradescope", "--out", str(out), "--extra", str(extra)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return out


def run_autograder(bundle, tmp_path, submission_source):
    """Lay the bundle out as Gradescope does under a fake root, and run its run_autograder script."""
    from grader.gradescope import results_of, unpack_for_test
    root = tmp_path / "autograder"
    unpack_for_test(bundle, root)
    shutil.copytree(submission_source, root / "submission")
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), KATA_PYTHON=sys.executable)
    proc = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return root, results_of(root)


def test_the_bundle_has_what_gradescope_needs(bundle):
    names = zipfile.ZipFile(bundle).namelist()
    assert {"setup.sh", "run_autograder", "requirements.txt", "kata.toml", "grader/cli.py",
            "tests/checks/test_day01_linear.py", "tests/extra/test_day01_linear.py"} <= set(names)
    assert not any(n.startswith(("exercises/", "tests/project/")) for n in names)
    mode = zipfile.ZipFile(bundle).getinfo("run_autograder").external_attr >> 16
    assert mode & 0o111


def test_gradescope_results_for_a_partly_done_submission(bundle, tmp_path):
    import jsonschema
    submission = partly_done(tmp_path / "partly")
    root, results = run_autograder(bundle, tmp_path, submission)
    jsonschema.validate(results, json.loads(GRADESCOPE_SCHEMA.read_text()))
    visible = {t["name"].split(":")[0]: t for t in results["tests"] if t["visibility"] == "visible"}
    hidden = [t for t in results["tests"] if t["visibility"] == "after_published"]
    assert visible["day01.svm_loss_naive"]["score"] == 0 and visible["day01.softmax_loss_naive"]["score"] == 2
    assert len(hidden) == 1 and hidden[0]["name"] == "day01.linear_scores: further checks"
    assert hidden[0]["max_score"] == 2 and hidden[0]["score"] == 0, "linear_scores is still a stub"
    assert results["score"] == sum(t["score"] for t in results["tests"])
    assert (root / "source" / "solutions").stat().st_mode & 0o077 == 0, "the kata is readable by root only"


def test_gradescope_refuses_a_submission_that_reads_the_reference(bundle, tmp_path):
    submission = tmp_path / "thief"
    shutil.copytree(REPO_ROOT / "exercises", submission, ignore=shutil.ignore_patterns("README.md"))
    path = submission / "day01_linear.py"
    stolen = ("import glob, os\nfor _f in glob.glob('/tmp/*/autograder/source/solutions/day01_linear.py') + "
              f"glob.glob({str(tmp_path)!r} + '/autograder/source/solutions/day01_linear.py'):\n"
              "    try:\n        exec(open(_f).read())\n    except OSError:\n        pass\n")
    path.write_text(path.read_text() + "\n" + stolen)
    _, results = run_autograder(bundle, tmp_path, submission)
    day1 = [t for t in results["tests"] if t["name"].startswith("day01.") and t["visibility"] == "visible"]
    assert sum(t["score"] for t in day1) == 0


# -- GitHub Classroom -----------------------------------------------------------------------------------------
def test_the_github_classroom_workflow_grades_every_exercise_for_its_points():
    import yaml

    from grader.manifest import load_manifest
    manifest = load_manifest()
    workflow = yaml.safe_load((REPO_ROOT / "grader" / "templates" / "github-classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    graders = [s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-command-grader")]
    assert [s["name"] for s in graders] == [ex.id for ex in manifest.exercises]
    assert [s["with"]["max-score"] for s in graders] == [ex.points for ex in manifest.exercises]
    assert all(s["with"]["command"] == f".venv/bin/kata check {s['name']} --quiet" for s in graders)
    reporter = steps[-1]
    assert reporter["with"]["runners"].split(",") == [s["id"] for s in graders]
    assert set(reporter["env"]) == {f"{s['id'].upper()}_RESULTS" for s in graders}
