"""``kata compare``: run the learner's code and the reference on the same seeded inputs.

The inputs are the catalog's probes (``tests/misconceptions/<day>.py``). For each output
it prints the largest absolute and relative difference and where it occurs, so a learner
sees which quantity is wrong and at which index, and names a catalog mistake when the
learner's outputs reproduce one.
"""
from __future__ import annotations

import numpy as np

from .catalog import Catalog
from .judge import describe_raise
from .sandbox.client import ImportFailed, LearnerRaised, LearnerTimeout, SandboxError

_PROBE_SECONDS = 10.0


def compare(manifest, selection: str, impl: str) -> int:
    """Print the comparison; 0 when every output agrees, 1 otherwise."""
    from .grading import sandboxed

    exercises = manifest.select(selection)
    if not Catalog.available():
        print("The reference solutions are not in this copy of the kata, so there is nothing to compare with.")
        return 1
    catalog = Catalog(manifest)
    all_agree = True
    with sandboxed(manifest, impl) as implementation:
        sandbox = implementation.sandbox
        for ex in exercises:
            print(f"{ex.id}: {ex.title}")
            probe = catalog.probes.get(ex.id)
            if probe is None:
                print("    (no comparison inputs for this exercise)")
                continue
            stem = manifest.day(ex.day).module
            sandbox.begin_check(_PROBE_SECONDS)
            try:
                theirs = sandbox.probe(implementation.label, stem, probe, quiet=True, forbid_global_random=False)
            except SandboxError as exc:
                print(f"    {_reason(exc)}")
                all_agree = False
                continue
            finally:
                sandbox.end_check()
            ours = catalog.reference_outputs(ex.id) or {}
            rows = output_differences(theirs, ours)
            width = max(len(name) for name, *_ in rows) if rows else 6
            print(f"    {'output':<{width}}  {'max abs diff':>12}  {'max rel diff':>12}  where")
            for name, abs_diff, rel_diff, where in rows:
                print(f"    {name:<{width}}  {abs_diff:>12}  {rel_diff:>12}  {where}")
            agree = all(where == "agrees" for *_, where in rows)
            all_agree &= agree
            if not agree:
                mistake = catalog.diagnose_outputs(ex.id, theirs)
                if mistake is not None:
                    print(f"    Looks like: {mistake.mistake}\n    Fix: {mistake.fix}")
    return 0 if all_agree else 1


def _reason(exc: SandboxError) -> str:
    if isinstance(exc, LearnerRaised) and exc.type_name == "NotImplementedError" and exc.stub:
        return f"not started ({exc.stub})."
    if isinstance(exc, LearnerRaised):
        return describe_raise(exc)
    if isinstance(exc, LearnerTimeout):
        return f"did not finish within {exc.seconds:g} s."
    if isinstance(exc, ImportFailed):
        return str(exc)
    return str(exc)


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
