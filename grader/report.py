"""Build the JSON report (a plain dict with a schema version) and write it atomically.

The schema is documented in ``grader/report.schema.json`` and a sample report is checked
in as ``grader/sample_report.json``. ``gradescope_results`` converts a report to
Gradescope's autograder ``results.json``.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import tempfile
from pathlib import Path

import numpy as np

from . import REPO_ROOT, __version__
from .results import summary_counts

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("report.schema.json")
#: Where reports go; KATA_REPORTS_DIR moves them (the project's own tests use that).
REPORTS_DIR = Path(os.environ.get("KATA_REPORTS_DIR", REPO_ROOT / "reports"))


def build_report(*, results, implementation: str, selection: str, duration: float, created=None) -> dict:
    """The report of one grading run; ``results`` are the selected ExerciseResults in course order."""
    created = created or _dt.datetime.now(_dt.timezone.utc)
    counts = summary_counts(results)
    return {
        "schema_version": SCHEMA_VERSION,
        "kata_version": __version__,
        "created": created.isoformat(timespec="seconds"),
        "implementation": implementation,
        "selection": {"argument": selection, "exercises": [r.exercise.id for r in results]},
        "environment": {"python": platform.python_version(), "numpy": np.__version__,
                        "platform": platform.platform(terse=True)},
        "duration_seconds": round(duration, 3),
        "summary": counts,
        "score": sum(r.points for r in results),
        "max_score": sum(r.exercise.points for r in results),
        "exercises": [_exercise_entry(r) for r in results],
    }


def _exercise_entry(res) -> dict:
    ex = res.exercise
    return {
        "id": ex.id, "day": ex.day, "title": ex.title, "status": res.status,
        "points": res.points, "max_points": ex.points, "message": res.message,
        "hint": None if res.status == "passed" else ex.hints[0],
        "misconception": res.misconception, "blocked_by": list(res.blocked_by),
        "tests": [{"name": t.name, "outcome": t.outcome, "duration_seconds": t.duration, "message": t.message,
                   "output": t.output, "output_truncated": t.output_truncated} for t in res.tests],
    }


def report_path(selection: str, created: str, folder: Path = REPORTS_DIR) -> Path:
    """``reports/check-day01-20261124T150102Z.json``: one file per run, never overwritten."""
    stamp = created.replace("-", "").replace(":", "").replace("+0000", "Z").replace("+00:00", "Z")
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in selection)
    path = folder / f"check-{safe}-{stamp}.json"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"check-{safe}-{stamp}-{n}.json"
    return path


def write_json_atomic(path: Path, data) -> Path:
    """Write ``data`` as JSON to ``path`` via a temporary file and a rename: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, default=str)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def gradescope_results(report: dict) -> dict:
    """Gradescope's results.json: one test entry per exercise, scored all or nothing."""
    tests = []
    for ex in report["exercises"]:
        lines = [f"{ex['status'].replace('_', ' ')}: {ex['message']}" if ex["message"] else ex["status"]]
        if ex["misconception"]:
            lines.append(f"Looks like: {ex['misconception']['mistake']} Fix: {ex['misconception']['fix']}")
        lines += [f"  {t['outcome']:<11} {t['name']}" + (f": {t['message']}" if t["message"] and t["outcome"] != "passed" else "")
                  for t in ex["tests"]]
        tests.append({"name": f"{ex['id']}: {ex['title']}", "score": ex["points"], "max_score": ex["max_points"],
                      "status": "passed" if ex["status"] == "passed" else "failed",
                      "output": "\n".join(lines), "visibility": "visible"})
    return {"score": report["score"], "max_score": report["max_score"],
            "output": f"{report['summary']['passed']} of {report['summary']['total']} exercises passed.",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def validate_report(report: dict) -> None:
    """Raise jsonschema.ValidationError when ``report`` does not follow the schema (dev extra)."""
    import jsonschema
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))

