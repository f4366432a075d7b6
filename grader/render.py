"""Terminal output: one line per exercise, the reason under a failure, the total, what to do next."""
from __future__ import annotations

import os
import sys

_COLOURS = {"passed": "32", "failed": "31", "error": "31", "timeout": "33", "blocked": "33", "not_started": "2"}


def use_colour(stream=sys.stdout) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ \
        and os.environ.get("TERM") != "dumb"


def paint(text: str, status: str, colour: bool) -> str:
    code = _COLOURS.get(status)
    return f"\033[{code}m{text}\033[0m" if colour and code else text


def status_word(status: str) -> str:
    return status.replace("_", " ")


def render_check(report: dict, manifest, *, colour: bool, verbose: bool = False, details=None) -> str:
    """The terminal view of a report. ``details`` maps exercise id -> tracebacks, shown with verbose."""
    lines = []
    last_day = None
    width = max((len(e["id"]) for e in report["exercises"]), default=20)
    for ex in report["exercises"]:
        if ex["day"] != last_day:
            last_day = ex["day"]
            if lines:
                lines.append("")
            lines.append(f"Day {ex['day']}: {manifest.day(ex['day']).title}")
        word = paint(f"{status_word(ex['status']):<11}", ex["status"], colour)
        lines.append(f"  {word} {ex['id']:<{width}}  {ex['points']}/{ex['max_points']}  {ex['title']}")
        if ex["status"] not in ("passed", "not_started"):
            lines.append(f"      {ex['message']}")
        if ex["misconception"]:
            lines.append(f"      Looks like: {ex['misconception']['mistake']}")
            lines.append(f"      Fix: {ex['misconception']['fix']}")
        if verbose:
            for test in ex["tests"]:
                lines.append(f"        {test['outcome']:<11} {test['name']}"
                             + (f": {test['message']}" if test["message"] and test["outcome"] != "passed" else ""))
                if test["output"]:
                    shown = test["output"].rstrip().replace("\n", "\n          | ")
                    lines.append(f"          printed: | {shown}" + (" [cut]" if test["output_truncated"] else ""))
            for block in (details or {}).get(ex["id"], []):
                lines.extend("          " + row for row in block.rstrip().splitlines())
    counts = report["summary"]
    parts = [f"{counts[s]} {status_word(s)}" for s in ("passed", "failed", "not_started", "blocked", "error", "timeout")
             if counts[s]]
    lines += ["", f"Score {report['score']}/{report['max_score']}: {', '.join(parts) or 'nothing selected'} "
                  f"({report['duration_seconds']:.1f} s)."]
    lines.append(next_step(report, manifest))
    return "\n".join(lines)


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
    if target["status"] == "not_started":
        verb = f"Next: write {target['id']} in {_file_of(target, manifest, report['implementation'])}"
    else:
        verb = f"Next: fix {target['id']} ({status_word(target['status'])})"
    return f"{verb}; stuck? make hint {target['id']}  (or: make compare {target['id']})"


def _file_of(exercise_entry: dict, manifest, folder: str) -> str:
    return f"{folder}/{manifest.day(exercise_entry['day']).module}.py"
