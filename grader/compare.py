"""``kata compare``: run the learner's code and the reference on the same seeded inputs.

The inputs are the catalog's probes (``tests/misconceptions/<day>.py``). For each output
it prints the largest absolute and relative difference and where it occurs, so a learner
sees which quantity is wrong and at which index, and names a catalog mistake when the
learner's outputs reproduce one.
"""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np

from .catalog import Catalog, time_limit
from .impl import Implementation, LearnerImportError, exception_head, learner_location

_PROBE_SECONDS = 10.0


def compare(manifest, selection: str, impl: str) -> int:
    """Print the comparison; 0 when every output agrees, 1 otherwise."""
    exercises = manifest.select(selection)
    learner = Implementation(impl)
    catalog = Catalog(manifest)
    if not catalog.reference_folder.is_dir():
        print("The reference solutions are not in this copy of the kata, so there is nothing to compare with.")
        return 1
    all_agree = True
    for ex in exercises:
        print(f"{ex.id}: {ex.title}")
        probe = catalog.probes.get(ex.id)
        if probe is None:
            print("    (no comparison inputs for this exercise)")
            continue
        module_name = manifest.day(ex.day).module
        theirs, error = _run(probe, lambda: learner.module(module_name), learner.folder)
        ours, _ = _run(probe, lambda: catalog.reference.module(module_name), catalog.reference_folder)
        if theirs is None:
            print(f"    {error}")
            all_agree = False
            continue
        rows = output_differences(theirs, ours or {})
        width = max(len(name) for name, *_ in rows) if rows else 6
        print(f"    {'output':<{width}}  {'max abs diff':>12}  {'max rel diff':>12}  where")
        for name, abs_diff, rel_diff, where in rows:
            print(f"    {name:<{width}}  {abs_diff:>12}  {rel_diff:>12}  {where}")
        agree = all(where == "agrees" for *_, where in rows)
        all_agree &= agree
        if not agree:
            mistake = catalog.diagnose(ex.id, learner.module(module_name))
            if mistake is not None:
                print(f"    Looks like: {mistake.mistake}\n    Fix: {mistake.fix}")
    return 0 if all_agree else 1


def _run(probe, load_module, folder: Path):
    """``(outputs, None)`` or ``(None, one-line reason)``."""
    sink = io.StringIO()
    try:
        module = load_module()
        with time_limit(_PROBE_SECONDS), contextlib.redirect_stdout(sink), np.errstate(all="ignore"):
            return probe(module), None
    except LearnerImportError as exc:
        return None, str(exc)
    except NotImplementedError as exc:
        return None, f"not started ({exc.args[0] if exc.args else 'NotImplementedError'})."
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        if type(exc).__name__ == "_Deadline":
            return None, f"did not finish within {_PROBE_SECONDS:g} s."
        where = learner_location(exc.__traceback__, folder)
        return None, f"your code raised {exception_head(exc)}" + (f" ({where})." if where else ".")


def output_differences(theirs: dict, ours: dict) -> list[tuple[str, str, str, str]]:
    """Rows of (output, max abs diff, max rel diff, where) comparing two probe results."""
    rows = []
    for name in list(ours) + [n for n in theirs if n not in ours]:
        if name not in theirs:
            rows.append((name, "-", "-", "missing from yours"))
            continue
        if name not in ours:
            rows.append((name, "-", "-", "not in the reference"))
            continue
        a, b = theirs[name], ours[name]
        if isinstance(b, (str, bool)) or b is None:
            rows.append((name, "-", "-", "agrees" if a == b else f"yours {a!r}, reference {b!r}"))
            continue
        try:
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        except (TypeError, ValueError):
            rows.append((name, "-", "-", f"yours is {type(a).__name__}, not numbers"))
            continue
        if a.shape != b.shape:
            rows.append((name, "-", "-", f"shape {a.shape}, reference {b.shape}"))
            continue
        with np.errstate(all="ignore"):
            gap = np.abs(a - b)
            rel = gap / np.maximum(1e-8, np.abs(a) + np.abs(b))
        same = np.isclose(a, b, rtol=1e-6, atol=1e-9, equal_nan=True)
        gap = np.where(same, 0.0, np.where(np.isnan(gap), np.inf, gap))
        rel = np.where(same, 0.0, np.where(np.isnan(rel), np.inf, rel))
        if np.all(same):
            rows.append((name, f"{float(gap.max(initial=0)):.1e}", f"{float(rel.max(initial=0)):.1e}", "agrees"))
            continue
        idx = np.unravel_index(int(np.argmax(gap)), gap.shape) if gap.ndim else ()
        at = f"index {tuple(int(i) for i in idx)}: " if gap.ndim else ""
        rows.append((name, f"{float(gap.max()):.1e}", f"{float(rel.max()):.1e}",
                     f"{at}yours {a[idx]:.6g}, reference {b[idx]:.6g}"))
    return rows
