"""What the days' figure modules share: a progress line, a running mean, and skipping a figure, with
one line that says why, when it needs a function the learner has not written yet."""
import re
import sys

import numpy as np

from grader.sandbox.client import LearnerRaised


class NotWritten(Exception):
    """A figure needs a function that is not written yet; ``str()`` names it."""


def progress(day: int, text: str) -> None:
    print(f"  day {day}: {text}", flush=True)


def not_written(exc: LearnerRaised):
    """The exercise id (or file) a LearnerRaised says is not written yet, or None for any other error."""
    if exc.type_name == "NotImplementedError" and exc.stub:
        return exc.stub
    if exc.type_name.endswith("ModuleNotFoundError"):
        found = re.search(r"(day\d\d_\w+)", exc.text or "")
        return f"exercises/{found.group(1)}.py" if found else None
    return None


def require(day: int, what: str, compute):
    """``compute()``; raises NotWritten after one line when it needs a function that is not written yet."""
    try:
        return compute()
    except LearnerRaised as exc:
        missing = not_written(exc)
        if missing is None:
            raise
        print(f"Day {day}: {what} needs {missing}, which is not written yet.", file=sys.stderr, flush=True)
        raise NotWritten(missing) from None


def attempt(day: int, what: str, compute):
    """``compute()``, or None after one line when it needs a function that is not written yet."""
    try:
        return require(day, what, compute)
    except NotWritten:
        return None


def smooth(values, window: int = 10):
    """A running mean over ``window`` minibatches (shorter at the start), to see the trend through the noise."""
    values = np.asarray(values, dtype=float)
    cumulative = np.cumsum(np.insert(values, 0, 0.0))
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(0, ends - window)
    return (cumulative[ends] - cumulative[starts]) / (ends - starts)
