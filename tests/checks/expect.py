"""Comparisons whose failure message is a sentence: the quantity, yours vs expected, where.

Checks call these in a fixed order (output, then dX, dW, db), so the first failure points at
the first broken link of the chain rule. Tolerances come from :mod:`tests.checks.gradcheck`.
"""
from __future__ import annotations

import numpy as np
import pytest

from .gradcheck import VALUE_ATOL, VALUE_RTOL


class CheckFailed(pytest.fail.Exception):
    """A failed check, with how much its sentence tells: when several checks of an exercise fail,
    the grader shows the one that tells most (``WEIGHT``), the first of them in run order."""

    def __init__(self, message: str, weight: int):
        super().__init__(message, pytrace=False)
        self.weight = weight


#: How informative a failure's sentence is: it names the cause (the check recognised the
#: mistake), it names a pattern (a factor of N, a wrong sign, a kink), or it states a mismatch.
WEIGHT = {"cause": 3, "pattern": 2, "mismatch": 1}


def fail(message: str, *, names: str = "mismatch"):
    """Fail the check with ``message`` alone (no traceback: learners read the sentence).

    ``names`` says what the sentence tells: "cause" when the check recognised the mistake,
    "pattern" for a recognised shape of the error, "mismatch" (the default) otherwise.
    """
    raise CheckFailed(message, WEIGHT[names])


def note(sentence: str) -> None:
    """Say what a passing check measured (an accuracy, a time): the report shows it under the pass."""
    from grader.judge import note as keep
    keep(sentence)


def shapes(**arrays) -> str:
    """`` for W (3, 4), X (5, 3)``: the inputs' shapes, to append to a message."""
    return " for " + ", ".join(f"{k} {tuple(np.shape(v))}" for k, v in arrays.items())


def expect_scalar(name, got, expected, *, atol=VALUE_ATOL, rtol=0.0, context="") -> None:
    """A scalar equals a reference value."""
    if np.ndim(got) != 0:
        fail(f"{name} must be a single number but has shape {np.shape(got)}{context}; reduce it (mean or sum).")
    value = float(got)
    if not np.isfinite(value):
        fail(f"{name} is {value}{context}; expected {expected:.10g}.")
    if abs(value - expected) > atol + rtol * abs(expected):
        fail(f"{name} is {value:.10g} but should be {expected:.10g} (off by {value - expected:+.3g}){context}.")


def expect_array(name, got, expected, *, atol=VALUE_ATOL, rtol=VALUE_RTOL, context="") -> None:
    """An array has the expected shape and values; the message names the worst entry."""
    expected = np.asarray(expected)
    if got is None:
        fail(f"{name} is None{context}; return an array shaped {expected.shape}.")
    got = np.asarray(got)
    if got.shape != expected.shape:
        fail(f"{name} has shape {got.shape} but should have shape {expected.shape}{context}.")
    if expected.dtype.kind in "iub":
        wrong = np.argwhere(got != expected)
        if wrong.size:
            idx = tuple(int(i) for i in wrong[0])
            fail(f"{name} is wrong at index {idx}: yours is {got[idx]}, expected {expected[idx]} "
                 f"({len(wrong)} of {expected.size} entries differ){context}.")
        return
    got = got.astype(float)
    if not np.all(np.isfinite(got)):
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(got))[0])
        fail(f"{name} contains {got[idx]} at index {idx}{context}; expected {expected[idx]:.6g}.")
    excess = np.abs(got - expected) - (atol + rtol * np.abs(expected))
    if np.any(excess > 0):
        idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(excess)), excess.shape))
        fail(f"{name} differs most at index {idx}: yours is {got[idx]:.8g}, expected {expected[idx]:.8g} "
             f"(max abs difference {np.max(np.abs(got - expected)):.2e}){context}.")


def expect_unchanged(name, before, after) -> None:
    """An input the function must not modify is unchanged."""
    if not np.array_equal(before, after):
        fail(f"your code modified its input {name} in place; work on a copy or build new arrays.", names="cause")


# -- naming a cause only on evidence (rule 6 of tests/README.md) -------------------------------------
def same(got, expected, *, rtol: float = VALUE_RTOL, atol: float = VALUE_ATOL) -> bool:
    """Whether ``got`` (whatever came back) has ``expected``'s shape and, to float64 noise, its values."""
    try:
        got = np.asarray(got, dtype=float)
        expected = np.asarray(expected, dtype=float)
    except Exception:  # not numbers (an object left in the worker, a ragged list): not the same
        return False
    return (got.shape == expected.shape and bool(np.all(np.isfinite(got)))
            and bool(np.allclose(got, expected, rtol=rtol, atol=atol)))


def the_one_matching(got, expected, explanations, **tolerances) -> str | None:
    """The sentence of the only explanation whose value ``got`` reproduces, or None.

    ``explanations`` is a list of ``(value, sentence)``: what a known mistake returns here, and what
    to say when the learner's code did the same. An explanation whose value equals ``expected``
    cannot be told apart from the right answer and is ignored; two that match name nothing.
    """
    hits = [sentence for value, sentence in explanations
            if not same(value, expected, **tolerances) and same(got, value, **tolerances)]
    return hits[0] if len(hits) == 1 else None


def expect_array_naming(name, got, expected, causes=(), *, context="", **tolerances) -> None:
    """:func:`expect_array`; when it fails and ``got`` is what exactly one known mistake returns
    (``causes``: pairs of that value and the sentence naming the mistake), the sentence is added and
    the failure names its cause."""
    try:
        expect_array(name, got, expected, context=context, **tolerances)
    except CheckFailed as failure:
        sentence = the_one_matching(got, expected, causes)
        if sentence:
            fail(f"{failure.msg} {sentence}", names="cause")
        raise


def expect_scalar_naming(name, got, expected, causes=(), *, context="", atol=VALUE_ATOL, rtol=0.0) -> None:
    """:func:`expect_scalar` with a known mistake named, as :func:`expect_array_naming`."""
    try:
        expect_scalar(name, got, expected, context=context, atol=atol, rtol=rtol)
    except CheckFailed as failure:
        sentence = the_one_matching(got, expected, causes, atol=max(atol, 1e-12), rtol=1e-9)
        if sentence:
            fail(f"{failure.msg} {sentence}", names="cause")
        raise
