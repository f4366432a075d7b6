"""``kata`` / ``python -m grader``: the thin command line over the grader's modules.

Exit codes: 0 when everything selected passed (or the command succeeded), 1 when not,
2 for bad usage (an unknown day or exercise, a missing folder).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import REPO_ROOT
from .impl import ImplementationNotFound, display_path
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


def limit_options(p) -> None:
    """The sandbox's limits, each with its default (README: what the sandbox enforces)."""
    p.add_argument("--timeout", type=float, default=10.0, help="wall-clock seconds per check (default 10)")
    p.add_argument("--cpu-limit", type=float, default=30.0, help="CPU seconds per check (default 30)")
    p.add_argument("--memory", type=float, default=2048, help="MB of address space for the graded code (default 2048)")
    p.add_argument("--file-size", type=float, default=16,
                   help="largest file the graded code may write, in MB (default 16)")
    p.add_argument("--open-files", type=int, default=64, help="files the graded code may hold open (default 64)")
    p.add_argument("--processes", type=int, default=32, help="processes the graded code may run at once (default 32)")
    p.add_argument("--output-limit", type=int, default=4096,
                   help="bytes of printed output kept per check, first and last halves (default 4096)")
    p.add_argument("--threads", type=int, default=min(4, os.cpu_count() or 1),
                   help="BLAS threads the graded code may use (default: the cores, up to 4)")


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
    limit_options(p)
    p.add_argument("--total-timeout", type=float, default=900.0, help="seconds the whole run may take (default 900)")
    p.add_argument("--verbose", "-v", action="store_true", help="list every check and show tracebacks")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary lines")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("grade", help="instructors: grade a folder of submissions (one folder or zip per learner)")
    p.add_argument("submissions", help="a folder holding one folder or .zip file per learner")
    p.add_argument("--out", default=str(REPORTS_DIR / "class"),
                   help="where the reports, gradebook.csv and summary.md go (default: reports/class)")
    p.add_argument("--selection", default="all", help="what to grade: all (default), a day, exercises ...")
    p.add_argument("--jobs", type=int, default=None, help="learners graded at once (default: one per core)")
    p.add_argument("--force", action="store_true", help="grade again learners already graded with the same files")
    limit_options(p)
    p.add_argument("--total-timeout", type=float, default=900.0, help="seconds one learner's grading may take")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("gradescope", help="instructors: build Gradescope's autograder zip")
    p.add_argument("--out", default=str(REPO_ROOT / "dist" / "autograder.zip"), help="default: dist/autograder.zip")
    p.add_argument("--extra", default=None,
                   help="a folder of further checks shipped only in the bundle, shown after grades are published")
    p.set_defaults(func=cmd_gradescope)

    p = sub.add_parser("gradescope-run", help=argparse.SUPPRESS)
    p.add_argument("--root", default="/autograder", help="Gradescope's folder (submission/ and results/ in it)")
    p.add_argument("--selection", default="all")
    limit_options(p)
    p.set_defaults(func=cmd_gradescope_run)

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
    p.add_argument("--out", default=None,
                   help="folder for the PNGs (default: reports/figures/<exercises, solutions or the folder's name>)")
    p.set_defaults(func=cmd_plots)

    p = sub.add_parser("capstone", help="train your capstone configuration on the full MNIST and write its "
                                        "deliverables under reports/capstone/")
    impl_option(p)
    p.add_argument("--quick", action="store_true",
                   help="shorter side experiments (the optimizer comparison and the search), for a first look")
    p.add_argument("--out", default=None, help="folder for the deliverables (default: reports/capstone/<impl>/)")
    p.set_defaults(func=cmd_capstone)

    p = sub.add_parser("verify", help="maintainers: prove manifest, stubs, solutions, checks and catalog agree")
    p.add_argument("selection", nargs="?", default="all", help="a day or exercise (default: all)")
    p.add_argument("--jobs", type=int, default=None,
                   help="processes grading mutants in parallel (default: one per core)")
    p.add_argument("--no-mutants", action="store_true", help="skip planting the catalog mistakes")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("bench", help="time each day's checks, and grading a class")
    p.add_argument("--repeats", type=int, default=5, help="runs per figure (default 5)")
    p.add_argument("--class-copies", type=int, default=100,
                   help="copies of a partly done submission graded as a class on Days 1-13 (default 100; 0: skip)")
    p.add_argument("--capstone-copies", type=int, default=4,
                   help="copies graded on the whole course, each training its capstone (default 4; 0: skip)")
    p.add_argument("--no-days", action="store_true", help="skip timing each day's checks")
    p.add_argument("--no-capstone", action="store_true",
                   help="skip the reference capstone (its epochs against the matmul ceiling and PyTorch)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("docs", help="maintainers: regenerate the course tables of the READMEs from kata.toml")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("stubgen", help="maintainers: write exercises/<day>.py from its solution")
    p.add_argument("selection", help="a day: day1, 1, ...")
    p.add_argument("--force", action="store_true", help="overwrite an existing stub (its edits are lost)")
    p.set_defaults(func=cmd_stubgen)
    return parser


# -- check ------------------------------------------------------------------------------------
def limits_from(args):
    """The worker's limits from the command line (see ``kata check --help``)."""
    from .sandbox.client import Limits
    for name in ("timeout", "cpu_limit", "memory", "file_size", "open_files", "processes", "output_limit", "threads"):
        if getattr(args, name) <= 0:
            raise UsageError(f"--{name.replace('_', '-')} must be positive, not {getattr(args, name):g}.")
    return Limits(seconds=args.timeout, cpu_seconds=args.cpu_limit, memory_bytes=int(args.memory * 2**20),
                  file_size_bytes=int(args.file_size * 2**20), open_files=int(args.open_files),
                  processes=int(args.processes) + int(args.threads), output_bytes=int(args.output_limit),
                  threads=int(args.threads))


def cmd_check(args) -> int:
    manifest = load_manifest()
    manifest.select(args.selection)  # a bad selection is a usage error before anything runs
    limits = limits_from(args)
    target = Path(args.report) if args.report else None
    if target is not None and target.is_dir():
        raise UsageError(f"--report {args.report} is a folder; give the path of a file to write, "
                         f"such as {Path(args.report) / 'report.json'}.")
    from .check import check
    report = check(manifest, args.selection, args.impl, limits=limits, total_seconds=args.total_timeout,
                   report_file=target, verbose=args.verbose, quiet=args.quiet)
    if args.format == "gradescope":
        from .report import gradescope_results, write_json_atomic
        gs_path = write_json_atomic(Path(args.gradescope_file), gradescope_results(report.data))
        print(f"Gradescope results: {display_path(gs_path)}")
    return EXIT_OK if report.passed else EXIT_FAILED


def cmd_grade(args) -> int:
    from .batch import BatchError, grade_class
    limits_from(args)  # bad limits are a usage error before anything runs
    options = ["--timeout", str(args.timeout), "--cpu-limit", str(args.cpu_limit), "--memory", str(args.memory),
               "--file-size", str(args.file_size), "--open-files", str(args.open_files),
               "--processes", str(args.processes), "--output-limit", str(args.output_limit),
               "--total-timeout", str(args.total_timeout),
               "--threads", str(args.threads if args.jobs == 1 else 1)]
    out = Path(args.out)
    try:
        summary = grade_class(load_manifest(), Path(args.submissions), out, selection=args.selection,
                              jobs=args.jobs, force=args.force, check_options=options)
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    print((out / "summary.md").read_text(encoding="utf-8"))
    print(f"Graded {summary['graded_now']} of {summary['learners']} learners in {summary['seconds']:.0f} s "
          f"(the others were up to date). Gradebook: {display_path(out / 'gradebook.csv')}; "
          f"reports: {display_path(out / 'reports')}/")
    return EXIT_OK if summary["errors"] == 0 else EXIT_FAILED


def cmd_gradescope(args) -> int:
    from .gradescope import build_bundle
    extra = Path(args.extra) if args.extra else None
    if extra is not None and not extra.is_dir():
        raise UsageError(f"--extra {args.extra} is not a folder of checks.")
    try:
        path = build_bundle(Path(args.out), extra)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {display_path(path)}: upload it as the assignment's autograder (zip file) on Gradescope.")
    return EXIT_OK


def cmd_gradescope_run(args) -> int:
    from .gradescope import run
    return run(load_manifest(), Path(args.root), selection=args.selection, limits=limits_from(args))


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
    from .plots import draw_figures, figures_folder
    out = Path(args.out) if args.out else figures_folder(REPORTS_DIR / "figures", args.impl)
    return draw_figures(load_manifest(), args.selection, args.impl, out)


def cmd_capstone(args) -> int:
    from .capstone_command import capstone
    return capstone(load_manifest(), args.impl, Path(args.out) if args.out else None, quick=args.quick)


def cmd_verify(args) -> int:
    from .verify import verify
    return verify(load_manifest(), args.selection, jobs=args.jobs, mutants=not args.no_mutants)


def cmd_bench(args) -> int:
    from .bench import bench
    return bench(load_manifest(), repeats=args.repeats, class_copies=args.class_copies,
                 capstone_copies=args.capstone_copies,
                 capstone=not args.no_capstone, days=not args.no_days)


def cmd_docs(args) -> int:
    from .tables import write
    for path in write(load_manifest()):
        print(f"wrote {display_path(path)}")
    return EXIT_OK


def cmd_stubgen(args) -> int:
    from .stubs import day_stub

    manifest = load_manifest()
    days = {manifest.day(ex.day) for ex in manifest.select(args.selection)}
    for day in sorted(days, key=lambda d: d.number):
        target = REPO_ROOT / "exercises" / f"{day.module}.py"
        text = day_stub(day)
        if target.exists() and target.read_text(encoding="utf-8") != text and not args.force:
            raise UsageError(f"{display_path(target)} exists and differs from the generated stub; "
                             f"pass --force to overwrite it (its edits are lost).")
        target.write_text(text, encoding="utf-8")
        print(f"wrote {display_path(target)}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
