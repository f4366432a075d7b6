"""``kata check``: grade, write the report, show the learner's view, remember the results.

Used by the command line (``cli.cmd_check``) and by ``kata watch`` after every save. Reports go
to ``reports/check-<selection>.json`` (the latest run of that selection) and a copy to
``reports/history/`` (the newest ``HISTORY`` runs kept), so ``watch`` cannot fill the disk.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .impl import display_path, resolve_tree

#: Reports kept in reports/history/.
HISTORY = 30


def check(manifest, selection, impl, *, limits=None, total_seconds=900.0, report_file=None, verbose=False,
          quiet=False):
    """Grade, write the report, print the learner's view and remember the results: ``kata check``."""
    from .grading import grade
    from .render import render_check, use_colour
    from .report import REPORTS_DIR, write_json_atomic
    from .state import record_results

    report = grade(manifest, selection, impl, limits=limits, total_seconds=total_seconds)
    if report.data["error"]:
        print(f"error: {report.data['error']}", file=sys.stderr)
    if report_file is None:
        report_file = latest_report_path(selection)
        keep_history(report.data, selection, REPORTS_DIR / "history")
    write_json_atomic(report_file, report.data)
    learner = report.data["implementation"] == display_path(resolve_tree("exercises"))
    details = {r.exercise.id: [c.detail for c in r.checks if c.detail] for r in report.results}
    text = render_check(report.data, manifest, colour=use_colour(), verbose=verbose, details=details,
                        learner=learner or report.data["implementation"] == "solutions")
    if quiet:
        text = "\n".join(text.splitlines()[-2:])
    print(text)
    print(f"Report: {display_path(report_file)}")
    if learner:
        record_results(report.data)
        from .checkpoints import show_new_checkpoints
        show_new_checkpoints(manifest)
    return report


def latest_report_path(selection: str) -> Path:
    """``reports/check-day01.json``: the latest report of a selection, replaced by each new run."""
    from .report import REPORTS_DIR
    return REPORTS_DIR / f"check-{_safe(selection)}.json"


def keep_history(data: dict, selection: str, folder: Path, keep: int = HISTORY) -> None:
    """Write a dated copy under ``folder`` and delete all but the newest ``keep`` copies."""
    from .report import write_json_atomic
    stamp = data["created"].replace("-", "").replace(":", "").replace("+00:00", "Z")
    path = folder / f"check-{_safe(selection)}-{stamp}.json"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"check-{_safe(selection)}-{stamp}-{n}.json"
    write_json_atomic(path, data)
    copies = sorted(folder.glob("check-*.json"), key=lambda p: p.stat().st_mtime)
    for old in copies[:-keep]:
        old.unlink(missing_ok=True)


def _safe(selection: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in selection)
