"""Terminal output: one line per exercise, the reason under a failure, the total, what to do next.

A learner grading their own ``exercises/`` gets "Next:" advice; an instructor grading a
submission folder gets a summary of the submission instead.
"""
from __future__ import annotations

import os
import re
import sys

from .results import STATUSES

_COLOURS = {"passed": "32", "failed": "31", "error": "31", "timeout": "33", "blocked": "33", "not_started": "2"}
_UNIMPORTABLE = re.compile(r"^(?P<file>\S+\.py) cannot be imported(?: \(line (?P<line>\d+)\))?: (?P<why>.*)$", re.S)


def use_colour(stream=sys.stdout) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ \
        and os.environ.get("TERM") != "dumb"


def paint(text: str, status: str, colour: bool) -> str:
    code = _COLOURS.get(status)
    return f"\033[{code}m{text}\033[0m" if colour and code else text


def status_word(status: str) -> str:
    return status.replace("_", " ")


def render_check(report: dict, manifest, *, colour: bool, verbose: bool = False, details=None,
                 learner: bool = True) -> str:
    """The terminal view of a report. ``details`` maps exercise id -> tracebacks, shown with verbose.

    A message shared by several exercises of a day (a file that does not import) is shown once,
    under the day's title. ``learner`` False gives an instructor's summary instead of "Next:".
    """
    lines = []
    width = max((len(e["id"]) for e in report["exercises"]), default=20)
    for number in sorted({e["day"] for e in report["exercises"]}):
        exercises = [e for e in report["exercises"] if e["day"] == number]
        shared = _shared_error(exercises)
        if lines:
            lines.append("")
        lines.append(f"Day {number}: {manifest.day(number).title}")
        if shared:
            lines.append(f"    {paint('error', 'error', colour)}: {shared}")
        for ex in exercises:
            word = paint(f"{status_word(ex['status']):<11}", ex["status"], colour)
            lines.append(f"  {word} {ex['id']:<{width}}  {ex['points']}/{ex['max_points']}  {ex['title']}")
            if ex["status"] != "not_started" and ex["message"] and ex["message"] != shared:
                lines.append(f"      {ex['message']}")
            if ex["misconception"]:
                lines.append(f"      Looks like: {ex['misconception']['mistake']}")
                lines.append(f"      Fix: {ex['misconception']['fix']}")
            if verbose:
                lines.extend(_checks(ex, (details or {}).get(ex["id"], [])))
    counts = report["summary"]
    parts = [f"{counts[s]} {status_word(s)}" for s in STATUSES if counts[s]]
    lines += ["", f"Score {report['score']}/{report['max_score']}: {', '.join(parts) or 'nothing selected'} "
                  f"({report['duration_seconds']:.1f} s)."]
    lines.append(next_step(report, manifest) if learner else instructor_summary(report))
    return "\n".join(lines)


def _shared_error(exercises) -> str | None:
    """The error message every erroring exercise of a day shares, when there are several of them."""
    messages = [e["message"] for e in exercises if e["status"] == "error"]
    return messages[0] if len(messages) > 1 and len(set(messages)) == 1 else None


def _checks(ex, tracebacks) -> list[str]:
    lines = []
    for test in ex["tests"]:
        lines.append(f"        {test['outcome']:<11} {test['name']}"
                     + (f": {test['message']}" if test["message"] and test["outcome"] not in ("passed", "not_started")
                        else ""))
        if test["output"]:
            shown = test["output"].rstrip().replace("\n", "\n          | ")
            lines.append(f"          printed: | {shown}" + (" [cut]" if test["output_truncated"] else ""))
    for block in tracebacks:
        lines.append("          where, in your code:")
        lines.extend("          " + row for row in block.rstrip().splitlines())
    return lines


def next_step(report: dict, manifest) -> str:
    """What the learner should do now: the first unfinished exercise that is not blocked."""
    pending = [e for e in report["exercises"] if e["status"] != "passed"]
    if not pending:
        done_days = {e["day"] for e in report["exercises"]}
        later = [d for d in manifest.days if d.exercises and d.number > max(done_days, default=0)]
        after = f" Next: make check day{later[0].number}" if later else ""
        return f"Everything selected passes.{after}"
    target = next((e for e in pending if e["status"] != "blocked"), pending[0])
    if target["status"] == "blocked" and target["blocked_by"]:
        first = target["blocked_by"][0]
        return (f"Next: {target['id']} is waiting for {first}; make check {first} shows what it needs "
                f"(stuck? make hint {first})")
    broken = _UNIMPORTABLE.match(target["message"]) if target["status"] == "error" else None
    if broken:
        where = f", line {broken['line']}" if broken["line"] else ""
        return f"Next: fix {broken['file']}{where}, then make check day{target['day']} again."
    if target["status"] == "not_started":
        verb = f"Next: write {target['id']} in {_file_of(target, manifest, report['implementation'])}"
    else:
        verb = f"Next: fix {target['id']} ({status_word(target['status'])})"
    return f"{verb}; stuck? make hint {target['id']}  (or: make compare {target['id']})"


def instructor_summary(report: dict) -> str:
    """One line on a graded submission: what was graded, the score, and anything ignored or wrong."""
    parts = [f"Graded {report['implementation']}: {report['score']}/{report['max_score']} points"]
    ignored = report.get("ignored_files") or []
    if ignored:
        parts.append(f"ignored {len(ignored)} file{'s' if len(ignored) != 1 else ''} that are not day modules "
                     f"({', '.join(ignored[:3])}{', ...' if len(ignored) > 3 else ''})")
    if report.get("error"):
        parts.append(f"grading error: {report['error'].splitlines()[0]}")
    return "; ".join(parts) + "."


def _file_of(exercise_entry: dict, manifest, folder: str) -> str:
    return f"{folder}/{manifest.day(exercise_entry['day']).module}.py"
