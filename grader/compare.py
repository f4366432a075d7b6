"""``kata compare``: run the learner's code and the reference on the same seeded inputs.

The inputs are the catalog's probes (``tests/misconceptions/<day>.py``). For each output
it prints the largest absolute and relative difference and where it occurs, so a learner
sees which quantity is wrong and at which index, and names a catalog mistake when the
learner's outputs reproduce one.
"""
from __future__ import annotations

import numpy as np

from tests.checks.gradcheck import relative_errors

from .catalog import MATCH_ATOL, MATCH_RTOL, Catalog
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
    legend_shown = False
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
            if not isinstance(theirs, dict):
                print(f"    the comparison probe got {type(theirs).__name__} back instead of named outputs.")
                all_agree = False
                continue
            rows = output_differences(theirs, ours, random=getattr(probe, "random_outputs", ()))
            if not legend_shown:
                print(LEGEND)
                legend_shown = True
            width = max(len(name) for name, *_ in rows) if rows else 6
            print(f"    {'output':<{width}}  {'max abs diff':>12}  {'max rel diff':>12}  where")
            for name, abs_diff, rel_diff, where in rows:
                print(f"    {name:<{width}}  {abs_diff:>12}  {rel_diff:>12}  {where}")
            agree = all(where == "agrees" or where.startswith("random by design") for *_, where in rows)
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


#: What the two difference columns mean, printed above the first table.
LEGEND = ("    max abs diff: the largest |yours - reference| over the output's entries; max rel diff: the largest\n"
          "    |yours - reference| / max(1e-8, |yours| + |reference|), the course's rel_error (1e-7 or less: the same\n"
          "    up to rounding; 1e-2 or more: a real difference). Entries within rounding count as agreeing.")


def output_differences(theirs: dict, ours: dict, random=()) -> list[tuple[str, str, str, str]]:
    """Rows of (output, max abs diff, max rel diff, where) comparing two probe results.

    Nested dicts (a ``grads`` dict) are compared entry by entry (``grads['W1']``); outputs named in
    ``random`` depend on how the code draws from its generator, and are only described.
    """
    rows = []
    for name, a, b in _flatten(theirs, ours):
        if name.split("[")[0] in random:
            rows.append((name, "-", "-", "random by design (it depends on the order your code draws from rng): "
                                          "not compared"))
        else:
            rows.append(_difference(name, a, b))
    return rows


_MISSING = object()


def _flatten(theirs, ours, prefix=""):
    keys = list(ours) + [k for k in theirs if k not in ours] if isinstance(theirs, dict) else list(ours)
    for key in keys:
        name = f"{prefix}[{key!r}]" if prefix else str(key)
        a = theirs.get(key, _MISSING) if isinstance(theirs, dict) else _MISSING
        b = ours.get(key, _MISSING)
        if isinstance(b, dict) and isinstance(a, dict):
            yield from _flatten(a, b, name)
        else:
            yield name, a, b


def _difference(name, a, b):
    if a is _MISSING:
        return name, "-", "-", "missing from yours"
    if b is _MISSING:
        return name, "-", "-", "not in the reference"
    if isinstance(b, (str, bool)) or b is None or isinstance(b, dict):
        return name, "-", "-", "agrees" if a == b else f"yours {_short(a)}, reference {_short(b)}"
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except Exception:  # an object left in the worker, or anything else that is not numbers
        return name, "-", "-", f"yours is {getattr(a, 'type_name', type(a).__name__)}, not numbers"
    if a.shape != b.shape:
        return name, "-", "-", f"shape {a.shape}, reference {b.shape}"
    with np.errstate(all="ignore"):
        gap = np.abs(a - b)
        rel = relative_errors(a, b)
    same = np.isclose(a, b, rtol=MATCH_RTOL, atol=MATCH_ATOL, equal_nan=True)
    gap = np.where(same, 0.0, np.where(np.isnan(gap), np.inf, gap))
    rel = np.where(same, 0.0, np.where(np.isnan(rel), np.inf, rel))
    if np.all(same):
        return name, f"{float(gap.max(initial=0)):.1e}", f"{float(rel.max(initial=0)):.1e}", "agrees"
    idx = np.unravel_index(int(np.argmax(gap)), gap.shape) if gap.ndim else ()
    at = f"index {tuple(int(i) for i in idx)}: " if gap.ndim else ""
    return (name, f"{float(gap.max()):.1e}", f"{float(rel.max()):.1e}",
            f"{at}yours {a[idx]:.6g}, reference {b[idx]:.6g}")


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
