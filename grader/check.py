"""``kata check``: grade, write the report, show the learner's view, remember the results.

Used by the command line (``cli.cmd_check``) and by ``kata watch`` after every save.
"""
from __future__ import annotations

import sys

from .impl import display_path, resolve_tree


def check(manifest, selection, impl, *, limits=None, total_seconds=900.0, report_file=None, verbose=False,
          quiet=False):
    """Grade, write the report, print the learner's view and remember the results: ``kata check``."""
    from .grading import grade
    from .render import render_check, use_colour
    from .report import report_path, write_json_atomic
    from .state import record_results

    report = grade(manifest, selection, impl, limits=limits, total_seconds=total_seconds)
    if report.data["error"]:
        print(f"error: {report.data['error']}", file=sys.stderr)
    path = report_file or report_path(selection, report.data["created"])
    write_json_atomic(path, report.data)
    details = {r.exercise.id: [c.detail for c in r.checks if c.detail] for r in report.results}
    text = render_check(report.data, manifest, colour=use_colour(), verbose=verbose, details=details)
    if quiet:
        text = "\n".join(text.splitlines()[-2:])
    print(text)
    print(f"Report: {display_path(path)}")
    if report.data["implementation"] == display_path(resolve_tree("exercises")):
        record_results(report.data)
    return report
