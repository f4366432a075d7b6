"""``kata bench``: how long one day's checks take on the reference, process start included.

A benchmark, not a test: it prints figures and asserts nothing, so a busy machine cannot
make the suite flaky. The target is about a second or two per day.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

from . import REPO_ROOT


def bench(manifest, repeats: int = 3) -> int:
    days = [d for d in manifest.days if d.exercises]
    print(f"{'day':<6} {'checks':>6}  {'median s':>8}  {'min s':>6}   (kata check dayN --impl solutions, {repeats} runs)")
    for day in days:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "grader", "check", f"day{day.number}", "--impl", "solutions",
                            "--report", str(REPO_ROOT / "reports" / ".bench.json")],
                           cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times.append(time.perf_counter() - start)
        report = json.loads((REPO_ROOT / "reports" / ".bench.json").read_text(encoding="utf-8"))
        checks = sum(len(e["tests"]) for e in report["exercises"])
        print(f"day{day.number:<3} {checks:>6}  {statistics.median(times):>8.2f}  {min(times):>6.2f}")
    (REPO_ROOT / "reports" / ".bench.json").unlink(missing_ok=True)
    return 0
