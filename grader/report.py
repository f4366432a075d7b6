"""The versioned JSON report of a grading run, written atomically; Gradescope's results.json from it.

The schema is documented in ``grader/report.schema.json`` and a sample report is checked in
as ``grader/sample_report.json``. Every string in a report is bounded, so whatever a
submission prints or raises, the report stays small and valid.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import REPO_ROOT, __version__
from .results import summary_counts

SCHEMA_VERSION = 2
SCHEMA_PATH = Path(__file__).with_name("report.schema.json")
#: Where reports go; KATA_REPORTS_DIR moves them (the project's own tests use that).
REPORTS_DIR = Path(os.environ.get("KATA_REPORTS_DIR", REPO_ROOT / "reports"))
#: The longest message kept in a report.
MESSAGE_LIMIT = 2000


def _cut(text: str, limit: int = MESSAGE_LIMIT) -> str:
    text = text if isinstance(text, str) else str(text)
    return text if len(text) <= limit else text[:limit] + " [cut]"


@dataclass
class Report:
    """A grading run: the plain-data report (``data``), and the per-exercise results it came from."""
    data: dict
    results: list

    @classmethod
    def build(cls, *, results, implementation: str, selection: str, duration: float, records=(), sandbox=None,
              limits=None, ignored=(), failure=None, created=None) -> Report:
        created = created or _dt.datetime.now(_dt.timezone.utc)
        data = {
            "schema_version": SCHEMA_VERSION,
            "kata_version": __version__,
            "created": created.isoformat(timespec="seconds"),
            "implementation": implementation,
            "selection": {"argument": selection, "exercises": [r.exercise.id for r in results]},
            "environment": {"python": platform.python_version(), "numpy": np.__version__,
                            "platform": platform.platform(terse=True)},
            "duration_seconds": round(duration, 3),
            "summary": summary_counts(results),
            "score": sum(r.points for r in results),
            "max_score": sum(r.exercise.points for r in results),
            "sandbox": {"limits": limits.describe() if limits else {},
                        "enforced": {k: _cut(str(v), 300) for k, v in (sandbox or {}).items()}},
            "ignored_files": [_cut(name, 200) for name in list(ignored)[:50]],
            "error": _cut(failure) if failure else None,
            "exercises": [_exercise_entry(r) for r in results],
        }
        return cls(data=data, results=list(results))

    @property
    def passed(self) -> bool:
        return self.data["summary"]["passed"] == self.data["summary"]["total"]


def _exercise_entry(res) -> dict:
    ex = res.exercise
    return {
        "id": ex.id, "day": ex.day, "title": ex.title, "status": res.status,
        "points": res.points, "max_points": ex.points, "message": _cut(res.message),
        "hint": None if res.status == "passed" else ex.hints[0],
        "misconception": res.misconception, "blocked_by": list(res.blocked_by),
        "tests": [{"name": _cut(c.name, 300), "outcome": c.outcome, "duration_seconds": round(c.duration, 6),
                   "message": _cut(c.message), "output": c.output, "output_bytes": c.output_bytes,
                   "output_truncated": c.output_truncated} for c in res.checks],
    }


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
    """Gradescope's results.json (its documented autograder format): one test per exercise, all or nothing."""
    tests = []
    for position, ex in enumerate(report["exercises"], start=1):
        status = ex["status"].replace("_", " ")
        message = ex["message"].strip()
        lines = [message if message.lower().startswith(status) else f"{status}: {message}" if message else status]
        if ex["misconception"]:
            lines.append(f"Looks like: {ex['misconception']['mistake']} Fix: {ex['misconception']['fix']}")
        lines += [f"  {t['outcome'].replace('_', ' '):<11} {t['name']}"
                  + (f": {t['message']}" if t["message"] and t["outcome"] not in ("passed", "not_started") else "")
                  for t in ex["tests"]]
        tests.append({"name": f"{ex['id']}: {ex['title']}", "number": f"{ex['day']}.{position}",
                      "score": ex["points"], "max_score": ex["max_points"],
                      "status": "passed" if ex["status"] == "passed" else "failed",
                      "output": "\n".join(lines), "output_format": "text", "visibility": "visible"})
    summary = f"{report['summary']['passed']} of {report['summary']['total']} exercises passed."
    if report.get("error"):
        summary += f" The checks could not run: {report['error'].splitlines()[0]}"
    return {"score": report["score"], "execution_time": max(0, round(report["duration_seconds"])),
            "output": summary, "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden",
            "tests": tests}


def validate_report(report: dict) -> None:
    """Raise jsonschema.ValidationError when ``report`` does not follow the schema (dev extra)."""
    import jsonschema
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
