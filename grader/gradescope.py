"""Gradescope: build the autograder bundle, and grade a submission inside Gradescope's container.

``kata gradescope`` writes ``dist/autograder.zip``: Gradescope's ``setup.sh`` and
``run_autograder`` at its root, and the kata (grader, checks, probes, catalog, reference,
manifest) beside them. Gradescope extracts it into ``/autograder/source``; for each submission
``run_autograder`` makes the kata's files readable by root only, then runs
``kata gradescope-run --root /autograder``, which grades ``/autograder/submission`` with the same
checks as ``kata check`` (learner code in the sandboxed worker, as an unprivileged uid) and writes
``/autograder/results/results.json`` in Gradescope's documented format.

Checks kept out of the learners' copy (``--extra DIR``) travel only in the bundle, under
``tests/extra/``; their results appear as separate tests with Gradescope's ``after_published``
visibility, worth the points given in ``DIR/extra.toml`` (one per exercise by default).
"""
from __future__ import annotations

import json
import shutil
import sys
import time
import zipfile
from pathlib import Path

from . import REPO_ROOT

EXTRA_DIR = REPO_ROOT / "tests" / "extra"
#: What of the kata goes into the bundle (the learners' stubs and the project's own tests do not).
BUNDLED = ["grader", "kata_support", "solutions", "tests/__init__.py", "tests/checks", "tests/probes",
           "tests/misconceptions", "kata.toml", "pyproject.toml", "README.md"]

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image.
set -euo pipefail
apt-get install -y python3 python3-venv python3-pip > /dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet -r /autograder/source/requirements.txt
# MNIST into the image (data/mnist/, checked against its SHA-256), so no grading run downloads it
cd /autograder/source && /autograder/venv/bin/python -m kata_support.mnist
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this, as root, for every submission. The kata's files become readable by root
# only, so the learner's code (run in the sandboxed worker as an unprivileged uid) can read
# neither the reference nor the checks; then the submission is graded into results.json.
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${KATA_PYTHON:-$ROOT/venv/bin/python}"
chmod -R go-rwx "$ROOT/source"
cd "$ROOT/source"
exec "$PYTHON" -m grader gradescope-run --root "$ROOT"
"""


def build_bundle(out: Path, extra: Path | None = None) -> Path:
    """Write the autograder zip to ``out``; ``extra`` is a folder of checks for the bundle only."""
    out = Path(out)
    if extra is not None and not any(Path(extra).glob("test_*.py")):
        raise ValueError(f"{extra} holds no check file (test_dayNN_*.py); give the folder of extra checks.")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        _add_script(archive, "setup.sh", SETUP_SH)
        _add_script(archive, "run_autograder", RUN_AUTOGRADER)
        archive.writestr("requirements.txt", "\n".join(requirements()) + "\n")
        for entry in BUNDLED:
            path = REPO_ROOT / entry
            for file in ([path] if path.is_file() else sorted(path.rglob("*"))):
                if file.is_file() and "__pycache__" not in file.parts:
                    archive.write(file, str(file.relative_to(REPO_ROOT)))
        if extra is not None:
            for file in sorted(Path(extra).rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    archive.write(file, str(Path("tests/extra") / file.relative_to(extra)))
            archive.writestr("tests/extra/__init__.py", "")
    tmp.replace(out)
    return out


def _add_script(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o755 << 16
    archive.writestr(info, text)


def requirements() -> list[str]:
    """The kata's dependencies, from pyproject.toml."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"])


def run(manifest, root: Path, *, selection: str = "all", limits=None, total_seconds: float = 1800.0) -> int:
    """Grade ``root/submission`` into ``root/results/results.json``; always writes a valid file."""
    from .capstone_command import run_before_grading
    from .grading import grade
    from .report import gradescope_results, write_json_atomic

    root = Path(root)
    results_path = root / "results" / "results.json"
    start = time.monotonic()
    try:
        # the deliverables day14.capstone_report reads come from the grader's own capstone run
        run_before_grading(manifest, str(root / "submission"), [ex.id for ex in manifest.select(selection)])
        report = grade(manifest, selection, root / "submission", limits=limits, total_seconds=total_seconds)
        results = gradescope_results(report.data)
        if EXTRA_DIR.is_dir() and any(EXTRA_DIR.glob("test_*.py")):
            results["tests"] += extra_results(manifest, root / "submission", selection, limits)
            results["score"] = sum(t["score"] for t in results["tests"])
        write_json_atomic(root / "results" / "report.json", report.data)
    except Exception as exc:  # never leave Gradescope without a results file
        results = {"score": 0, "execution_time": round(time.monotonic() - start),
                   "output": f"The autograder could not grade this submission ({type(exc).__name__}: "
                             f"{str(exc)[:300]}). Please tell your instructor.",
                   "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": []}
    write_json_atomic(results_path, results)
    print(f"{results['score']} points; results in {results_path}")
    return 0


def extra_results(manifest, submission: Path, selection: str, limits) -> list[dict]:
    """One ``after_published`` test per exercise that has extra checks: its points if all of them pass."""
    from .grading import Target, run_session
    from .impl import resolve_tree
    from .sandbox.client import Limits

    points = _extra_points(manifest)
    wanted = [ex.id for ex in manifest.select(selection)]
    session = run_session(manifest, [Target(resolve_tree(submission), wanted, "submission")],
                          limits=limits or Limits(), diagnose=False, checks_dir=EXTRA_DIR)
    records = session.graded[0].records
    tests = []
    for ex in manifest.select(selection):
        mine = [r for r in records if r.exercise == ex.id]
        if not mine:
            continue
        passed = all(r.outcome == "passed" for r in mine)
        first = next((r for r in mine if r.outcome != "passed"), None)
        tests.append({"name": f"{ex.id}: further checks", "score": points.get(ex.id, 1) if passed else 0,
                      "max_score": points.get(ex.id, 1), "status": "passed" if passed else "failed",
                      "output": "passed" if passed else f"{first.outcome.replace('_', ' ')}: {first.message}",
                      "output_format": "text", "visibility": "after_published"})
    return tests


def _extra_points(manifest) -> dict:
    path = EXTRA_DIR / "extra.toml"
    if not path.is_file():
        return {}
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("points", {})
    return {k: v for k, v in table.items() if isinstance(v, (int, float)) and v >= 0}


def unpack_for_test(bundle: Path, root: Path) -> Path:
    """Lay ``bundle`` out under ``root`` as Gradescope does (``root/source``), for local tests."""
    source = Path(root) / "source"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(source)
    for script in ("setup.sh", "run_autograder"):
        (source / script).chmod(0o755)
    shutil.copy(source / "run_autograder", Path(root) / "run_autograder")
    (Path(root) / "run_autograder").chmod(0o755)
    (Path(root) / "results").mkdir(exist_ok=True)
    return source


def results_of(root: Path) -> dict:
    return json.loads((Path(root) / "results" / "results.json").read_text(encoding="utf-8"))


