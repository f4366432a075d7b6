"""``kata`` / ``python -m grader``: the thin command line over the grader's modules.

Exit codes: 0 when everything selected passed (or the command succeeded), 1 when not,
2 for bad usage (an unknown day or exercise, a missing folder).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import REPO_ROOT
from .impl import ImplementationNotFound, display_path, resolve_tree
from .manifest import ManifestError, SelectionError, load_manifest
from .report import REPORTS_DIR

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit 2."""


def main(argv=None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, SelectionError, ImplementationNotFound) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ManifestError as exc:
        print(f"error: the manifest is broken: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head or less that closed early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kata", description="Grade, hint and compare the neural-network kata.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def impl_option(p):
        p.add_argument("--impl", default="exercises",
                       help="what to grade: exercises (default), solutions, or a submission folder")

    p = sub.add_parser("check", help="run the checks of a day, an exercise or all, and write a report")
    p.add_argument("selection", help="day3, day03, 3, an exercise id such as day01.svm_loss_naive, or all")
    impl_option(p)
    p.add_argument("--format", choices=["json", "gradescope"], default="json",
                   help="gradescope also writes Gradescope's results.json")
    p.add_argument("--gradescope-file", default=str(REPORTS_DIR / "results.json"),
                   help="where --format gradescope writes results.json (default: reports/results.json)")
    p.add_argument("--report", help="write the JSON report here instead of a new file under reports/")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds each check may run (default 10)")
    p.add_argument("--total-timeout", type=float, default=900.0, help="seconds the whole run may take (default 900)")
    p.add_argument("--verbose", "-v", action="store_true", help="list every check and show tracebacks")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary lines")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("hint", help="show the next hint for an exercise")
    p.add_argument("exercise", nargs="?", help="an exercise id (default: the next unfinished exercise)")
    p.set_defaults(func=cmd_hint)

    p = sub.add_parser("progress", help="the whole course, from your last results")
    p.set_defaults(func=cmd_progress)

    p = sub.add_parser("compare", help="run yours and the reference on the same inputs; show where they differ")
    p.add_argument("selection")
    impl_option(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("watch", help="re-run the checks whenever a file of the implementation changes")
    p.add_argument("selection", nargs="?", default=None, help="what to check (default: the day of the file you saved)")
    impl_option(p)
    p.add_argument("--interval", type=float, default=0.5, help=argparse.SUPPRESS)
    p.add_argument("--max-runs", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("plots", help="draw a day's figures with your code, as PNGs under reports/figures/")
    p.add_argument("selection", help="day1, 1, ... or all")
    impl_option(p)
    p.add_argument("--out", default=str(REPORTS_DIR / "figures"), help="folder for the PNGs")
    p.set_defaults(func=cmd_plots)

    p = sub.add_parser("verify", help="maintainers: prove manifest, stubs, solutions, checks and catalog agree")
    p.add_argument("selection", nargs="?", default="all", help="a day or exercise (default: all)")
    p.add_argument("--jobs", type=int, default=2, help="mutants graded in parallel (default 2)")
    p.add_argument("--no-mutants", action="store_true", help="skip planting the catalog mistakes")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("bench", help="time each day's checks on the reference")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("stubgen", help="maintainers: write exercises/<day>.py from its solution")
    p.add_argument("selection", help="a day: day1, 1, ...")
    p.add_argument("--force", action="store_true", help="overwrite an existing stub (its edits are lost)")
    p.set_defaults(func=cmd_stubgen)
    return parser


# -- check ------------------------------------------------------------------------------------
def grade(manifest, selection: str, impl: str, *, timeout=10.0, total_timeout=900.0):
    """Run the checks and return ``(report, details)``: the report dict and tracebacks per exercise."""
    from .report import build_report
    from .results import exercise_results
    from .runner import run_checks

    from .results import ExerciseResult
    from .runner import RunnerError, RunResult

    selected = manifest.select(selection)
    folder = resolve_tree(impl)
    needed = manifest.with_dependencies([ex.id for ex in selected])
    start = time.monotonic()
    failure = None
    try:
        run = run_checks([ex.id for ex in needed], folder, test_timeout=timeout, total_timeout=total_timeout)
    except RunnerError as exc:  # the suite itself could not start: still report, so nothing is lost
        run, failure = RunResult(), str(exc)
        print(f"error: {failure}", file=sys.stderr)
    results = exercise_results(manifest, run.tests)
    reason = f"the checks could not run: {failure.splitlines()[0]}" if failure else "no check ran for this exercise."
    chosen = [results.get(ex.id) or ExerciseResult(exercise=ex, status="error", message=reason) for ex in selected]
    report = build_report(results=chosen, implementation=display_path(folder), selection=selection,
                          duration=time.monotonic() - start)
    details = {}
    for entry in run.tests:
        ex_id = (entry.get("metadata") or {}).get("exercise")
        for stage in ("setup", "call", "teardown"):
            longrepr = (entry.get(stage) or {}).get("longrepr")
            message = (((entry.get("metadata") or {}).get("verdict")) or {}).get("message", "")
            if longrepr and longrepr.strip() != message.strip() and (entry.get(stage) or {}).get("outcome") != "passed":
                details.setdefault(ex_id, []).append(f"{entry['nodeid']} ({stage}):\n{longrepr}")
    return report, details


def cmd_check(args) -> int:
    from .render import render_check, use_colour
    from .report import gradescope_results, report_path, write_json_atomic
    from .state import record_results

    manifest = load_manifest()
    report, details = grade(manifest, args.selection, args.impl, timeout=args.timeout,
                            total_timeout=args.total_timeout)
    path = Path(args.report) if args.report else report_path(args.selection, report["created"])
    write_json_atomic(path, report)
    text = render_check(report, manifest, colour=use_colour(), verbose=args.verbose, details=details)
    if args.quiet:
        text = "\n".join(text.splitlines()[-2:])
    print(text)
    print(f"Report: {display_path(path)}")
    if args.format == "gradescope":
        gs_path = write_json_atomic(Path(args.gradescope_file), gradescope_results(report))
        print(f"Gradescope results: {display_path(gs_path)}")
    if report["implementation"] == display_path(resolve_tree("exercises")):
        record_results(report)
    return EXIT_OK if report["summary"]["passed"] == report["summary"]["total"] else EXIT_FAILED


# -- hint and progress ------------------------------------------------------------------------
def cmd_hint(args) -> int:
    from .state import hints_shown, last_results, record_hint

    manifest = load_manifest()
    if args.exercise:
        exercise = manifest.select(args.exercise)
        if len(exercise) != 1:
            raise UsageError(f"hints are per exercise; pick one of: {', '.join(e.id for e in exercise)}.")
        exercise = exercise[0]
    else:
        done = {k for k, v in last_results().items() if v.get("status") == "passed"}
        pending = [ex for ex in manifest.exercises if ex.id not in done]
        if not pending:
            print("Every exercise passes; no hints needed.")
            return EXIT_OK
        exercise = pending[0]
    shown = min(hints_shown(exercise.id) + 1, len(exercise.hints))
    record_hint(exercise.id, shown)
    print(f"{exercise.id}: {exercise.title}")
    for number, hint in enumerate(exercise.hints[:shown], start=1):
        print(f"  Hint {number} of {len(exercise.hints)}: {hint}")
    if shown < len(exercise.hints):
        print(f"(make hint {exercise.id} again for the next one.)")
    else:
        day = manifest.day(exercise.day)
        print(f"That was the last hint. Still stuck? make compare {exercise.id}, or read solutions/{day.module}.py.")
    return EXIT_OK


def cmd_progress(args) -> int:
    from .render import paint, status_word, use_colour
    from .state import last_results

    manifest = load_manifest()
    last = last_results()
    colour = use_colour()
    total = sum(ex.points for ex in manifest.exercises)
    earned = 0
    for day in manifest.days:
        if not day.exercises:
            print(f"Day {day.number:>2}: {day.title}  (coming soon)")
            continue
        points = sum(last.get(ex.id, {}).get("points", 0) for ex in day.exercises)
        earned += points
        print(f"Day {day.number:>2}: {day.title}  {points}/{sum(ex.points for ex in day.exercises)}")
        for ex in day.exercises:
            status = last.get(ex.id, {}).get("status", "unchecked")
            print(f"    {paint(f'{status_word(status):<11}', status, colour)} {ex.id}")
    print(f"\nTotal {earned}/{total} points, from your last check of each exercise"
          + ("." if last else " (none yet: run make check day1)."))
    return EXIT_OK


# -- compare, watch, plots, verify, stubgen ---------------------------------------------------------
def cmd_compare(args) -> int:
    from .compare import compare
    return compare(load_manifest(), args.selection, args.impl)


def cmd_watch(args) -> int:
    from .watch import watch
    return watch(load_manifest(), args.selection, args.impl, interval=args.interval, max_runs=args.max_runs)


def cmd_plots(args) -> int:
    from .plots import draw_figures
    return draw_figures(load_manifest(), args.selection, args.impl, Path(args.out))


def cmd_verify(args) -> int:
    from .verify import verify
    return verify(load_manifest(), args.selection, jobs=args.jobs, mutants=not args.no_mutants)


def cmd_bench(args) -> int:
    from .bench import bench
    return bench(load_manifest())


def cmd_stubgen(args) -> int:
    from .stubs import stub_source

    manifest = load_manifest()
    days = {manifest.day(ex.day) for ex in manifest.select(args.selection)}
    for day in sorted(days, key=lambda d: d.number):
        target = REPO_ROOT / "exercises" / f"{day.module}.py"
        source = (REPO_ROOT / "solutions" / f"{day.module}.py").read_text(encoding="utf-8")
        text = stub_source(source, {ex.name: ex.id for ex in day.exercises})
        if target.exists() and target.read_text(encoding="utf-8") != text and not args.force:
            raise UsageError(f"{display_path(target)} exists and differs from the generated stub; "
                             f"pass --force to overwrite it (its edits are lost).")
        target.write_text(text, encoding="utf-8")
        print(f"wrote {display_path(target)}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
