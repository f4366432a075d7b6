"""``kata bench``: how long one day's checks take, process start included, on the reference and the stubs.

A benchmark, not a test: it prints figures and asserts nothing, so a busy machine cannot
make the suite flaky. The target is well under a second per day (the learner's loop).
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import REPO_ROOT


def time_check(day: int, impl: str, repeats: int) -> tuple[list[float], int]:
    """Wall seconds of ``kata check dayN --impl IMPL`` as a new process, ``repeats`` times; and its check count."""
    times = []
    with tempfile.TemporaryDirectory(prefix="kata-bench-") as tmp:
        report = Path(tmp) / "report.json"
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "grader", "check", f"day{day}", "--impl", impl, "--report",
                            str(report)], cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            times.append(time.perf_counter() - start)
        checks = sum(len(e["tests"]) for e in json.loads(report.read_text(encoding="utf-8"))["exercises"])
    return times, checks


def partly_done_submission(folder: Path) -> Path:
    """The reference with Day 1's linear_scores left as its stub and one catalogued mistake planted."""
    shutil.copytree(REPO_ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__", "README.md"))
    path = folder / "day01_linear.py"
    text, stub = path.read_text(encoding="utf-8"), (REPO_ROOT / "exercises" / "day01_linear.py").read_text()
    start, end = text.index("def linear_scores"), text.index("def svm_loss_naive")
    text = text[:start] + stub[stub.index("def linear_scores"):stub.index("def svm_loss_naive")] + text[end:]
    path.write_text(text.replace("            if j == y[i]:\n                continue\n", ""), encoding="utf-8")
    return folder


def bench_class(manifest, copies: int, selection: str = "all") -> float:
    """Grade ``copies`` copies of a partly done submission with ``kata grade``; print and return learners/minute."""
    from .batch import grade_class
    with tempfile.TemporaryDirectory(prefix="kata-bench-class-") as tmp:
        submissions = Path(tmp) / "submissions"
        partly_done_submission(submissions / "learner000")
        for k in range(1, copies):
            shutil.copytree(submissions / "learner000", submissions / f"learner{k:03d}")
        start = time.perf_counter()
        grade_class(manifest, submissions, Path(tmp) / "out", selection=selection, progress=False)
        seconds = time.perf_counter() - start
    rate = 60 * copies / seconds
    print(f"class grading: {copies} copies of a partly done submission ({selection}) in {seconds:.1f} s on "
          f"{os.cpu_count()} cores: {rate:.0f} learners per minute")
    return rate


def bench(manifest, repeats: int = 5, class_copies: int = 20) -> int:
    days = [d for d in manifest.days if d.exercises]
    print(f"kata check dayN, a new process each time, {repeats} runs; median and min wall seconds")
    print(f"{'day':<6} {'checks':>6}  {'reference':>9}  {'(min)':>6}  {'exercises':>9}  {'(min)':>6}")
    for day in days:
        reference, checks = time_check(day.number, "solutions", repeats)
        stubs, _ = time_check(day.number, "exercises", repeats)
        print(f"day{day.number:<3} {checks:>6}  {statistics.median(reference):>9.2f}  {min(reference):>6.2f}  "
              f"{statistics.median(stubs):>9.2f}  {min(stubs):>6.2f}")
    if class_copies:
        bench_class(manifest, class_copies)
    return 0
