"""``kata watch``: re-run the checks each time a file of the implementation is saved."""
from __future__ import annotations

import time

from .check import check
from .impl import resolve_tree


def _snapshot(folder) -> dict:
    return {p: p.stat().st_mtime_ns for p in folder.glob("*.py")}


def watch(manifest, selection, impl: str, *, interval: float = 0.5, max_runs=None) -> int:
    """Check once, then again after every save; Ctrl-C stops. ``selection`` None: the saved file's day."""
    folder = resolve_tree(impl)
    by_module = {f"{d.module}.py": f"day{d.number}" for d in manifest.days if d.exercises}
    if selection is not None:
        manifest.select(selection)  # a bad selection fails now, not after the first save
    runs = 0

    def run(target):
        nonlocal runs
        runs += 1
        print(f"\n=== make check {target} ({time.strftime('%H:%M:%S')}) ===", flush=True)
        check(manifest, target, str(folder))
        print(f"\nWatching {folder.name}/ for changes; Ctrl-C to stop.", flush=True)

    seen = _snapshot(folder)
    run(selection or "all")
    try:
        while max_runs is None or runs < max_runs:
            time.sleep(interval)
            now = _snapshot(folder)
            changed = sorted(p.name for p in now if now[p] != seen.get(p))
            seen = now
            if changed:
                target = selection or next((by_module[n] for n in changed if n in by_module), "all")
                run(target)
    except KeyboardInterrupt:
        print("\nStopped watching.")
    return 0
