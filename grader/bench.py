"""``kata bench``: how long one day's checks take, process start included, on the reference and the stubs.

A benchmark, not a test: it prints figures and asserts nothing, so a busy machine cannot
make the suite flaky. The target is well under a second per day (the learner's loop).
"""
from __future__ import annotations

import json
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


def bench(manifest, repeats: int = 5) -> int:
    days = [d for d in manifest.days if d.exercises]
    print(f"kata check dayN, a new process each time, {repeats} runs; median and min wall seconds")
    print(f"{'day':<6} {'checks':>6}  {'reference':>9}  {'(min)':>6}  {'exercises':>9}  {'(min)':>6}")
    for day in days:
        reference, checks = time_check(day.number, "solutions", repeats)
        stubs, _ = time_check(day.number, "exercises", repeats)
        print(f"day{day.number:<3} {checks:>6}  {statistics.median(reference):>9.2f}  {min(reference):>6.2f}  "
              f"{statistics.median(stubs):>9.2f}  {min(stubs):>6.2f}")
    return 0
