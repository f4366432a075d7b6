"""The trusted gradient checker and the tolerances every check suite shares.

It belongs to the test suite, never to the learner: Day 4 asks learners to write their own
checker, and grading it with itself would prove nothing. Centred differences in float64,
computed here in the judge: for learner code, :func:`numerical_gradient_of` has the worker
evaluate it at the points the judge chooses, and does the arithmetic itself.
"""
from __future__ import annotations

import numpy as np

#: Step of the centred differences.
H = 1e-5
#: Largest relative error accepted between an analytic and a numerical gradient.
GRAD_TOL = 1e-7
#: The same, for deeper networks where round-off accumulates.
DEEP_GRAD_TOL = 1e-6
#: Entries closer than this are equal whatever their relative error: the round-off of a
#: centred difference is about eps * |f| / H ~ 1e-10 for losses of order 10, and a true
#: gradient of exactly 0 would otherwise show a relative error near 1.
GRAD_ATOL = 1e-9
#: Absolute tolerance for a scalar loss compared with a reference value.
LOSS_ATOL = 1e-10
#: Tolerances for arrays compared with reference values.
VALUE_RTOL = 1e-7
VALUE_ATOL = 1e-10


def relative_errors(a, b) -> np.ndarray:
    """|a - b| / max(1e-8, |a| + |b|) entry by entry: the course's relative error before its maximum."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))


def rel_error(a, b) -> float:
    """max |a - b| / max(1e-8, |a| + |b|), the course's relative error (CURRICULUM, section 1)."""
    return float(np.max(relative_errors(a, b)))


def numerical_gradient(f, x, h: float = H) -> np.ndarray:
    """Centred-difference gradient of a scalar function ``f(x)``; ``x`` is restored afterwards."""
    grad = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        x[idx] = original + h
        plus = float(f(x))
        x[idx] = original - h
        minus = float(f(x))
        x[idx] = original
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def numerical_gradient_array(f, x, dout, h: float = H) -> np.ndarray:
    """Gradient of ``sum(f(x) * dout)`` with respect to ``x``: a backward pass, numerically."""
    return numerical_gradient(lambda v: np.sum(np.asarray(f(v)) * dout), x, h)


def numerical_gradient_of(function, args, wrt, *, kwargs=None, output=None, dout=None, h: float = H) -> np.ndarray:
    """Centred differences of a learner function (or a probe), evaluated in the worker in one request.

    ``function`` is a learner function from the ``impl`` fixture (``day03.affine_forward``) or
    ``dayNN.probed(probe)``; ``args`` its arguments; ``wrt`` the argument to differentiate
    with respect to: a position, a keyword, or a path into it such as ``(0, "W1")``.
    ``output`` picks one value of a tuple result (0 for the loss of ``(loss, grads)``); with
    ``dout``, the result is an array and the gradient is that of ``sum(result * dout)``.
    The judge chooses every point and does all the arithmetic: the worker only evaluates.
    """
    keys = wrt if isinstance(wrt, tuple) else (wrt,)
    path = ((1,) if isinstance(keys[0], str) else (0,)) + keys
    x = [list(args), dict(kwargs or {})]
    for key in path:
        x = x[key]
    x = np.asarray(x, dtype=float)
    nudges = []
    for i in range(x.size):
        nudges += [(i, x.flat[i] + h), (i, x.flat[i] - h)]
    values = function.map(list(args), dict(kwargs or {}), path, nudges, output)
    if dout is None:
        from .expect import fail
        for value in values[:1]:
            if np.ndim(value) != 0:
                fail(f"{getattr(function, '__name__', 'the function')} returned a value of shape {np.shape(value)} "
                     f"where a single number (the loss) is expected; reduce it to a scalar.", names="cause")
    grad = np.zeros(x.shape)
    for i in range(x.size):
        plus, minus = values[2 * i], values[2 * i + 1]
        if dout is None:
            grad.flat[i] = (float(plus) - float(minus)) / (2 * h)
        else:
            grad.flat[i] = np.sum((np.asarray(plus, dtype=float) - np.asarray(minus, dtype=float)) * dout) / (2 * h)
    return grad


def check_gradients(named, *, tol: float = GRAD_TOL, batch_size: int | None = None,
                    kinks: dict | None = None, context: str = "") -> None:
    """Compare analytic with numerical gradients in the order given and fail at the first mismatch.

    ``named`` is a list of ``(name, analytic, numerical)``, checked in the order of the chain
    rule (dX, then dW, then db) so the first failure says where it broke. ``kinks`` maps a
    name to a boolean mask of the entries where the function has a kink (ReLU at 0, the
    hinge at margin 0); ``batch_size`` helps name a missing or doubled averaging.
    """
    from .expect import fail  # expect.py takes its tolerances from here

    checked = []
    for name, analytic, numerical in named:
        problem = gradient_problem(name, analytic, numerical, tol=tol, batch_size=batch_size,
                                   kink=(kinks or {}).get(name), context=context)
        if problem:
            others = f" ({' and '.join(checked)} {'is' if len(checked) == 1 else 'are'} right.)" if checked else ""
            pattern = describe_pattern_of(analytic, numerical, tol=tol, batch_size=batch_size,
                                          kink=(kinks or {}).get(name))
            fail(f"{problem}{others}", names="pattern" if pattern else "mismatch")
        checked.append(name)


def gradient_problem(name, analytic, numerical, *, tol=GRAD_TOL, batch_size=None, kink=None,
                     context: str = "") -> str | None:
    """A sentence describing what is wrong with ``analytic``, or None when it is right.

    ``context`` (for example `` for W (3, 4) with reg = 0.1``) follows the gradient's name.
    """
    numerical = np.asarray(numerical, dtype=float)
    name = f"{name}{context}"
    if analytic is None:
        return f"{name} is None; return an array shaped {numerical.shape}."
    analytic = np.asarray(analytic)
    if analytic.shape != numerical.shape:
        hint = " (transposed?)" if analytic.shape == numerical.shape[::-1] else ""
        return (f"{name} has shape {analytic.shape} but must have shape {numerical.shape}, like the input it "
                f"belongs to{hint}.")
    analytic = analytic.astype(float)
    if not np.all(np.isfinite(analytic)):
        idx = _index(np.argwhere(~np.isfinite(analytic))[0])
        return f"{name} contains {analytic[idx]} at index {idx}; the gradient must be finite."
    gap = np.abs(analytic - numerical)
    errors = np.where(gap <= GRAD_ATOL, 0.0, relative_errors(analytic, numerical))
    worst = float(errors.max()) if errors.size else 0.0
    if worst <= tol:
        return None
    idx = _index(np.unravel_index(int(np.argmax(errors)), errors.shape))
    sentence = (f"{name} disagrees with the numerical gradient: relative error {worst:.1e} (allowed {tol:.0e}), "
                f"worst at index {idx} where yours is {analytic[idx]:.6g} and the numerical one {numerical[idx]:.6g}.")
    pattern = describe_pattern(analytic, numerical, errors > tol, batch_size=batch_size, kink=kink)
    return f"{sentence} {pattern}" if pattern else sentence


def describe_pattern_of(analytic, numerical, *, tol=GRAD_TOL, batch_size=None, kink=None) -> str:
    """The pattern :func:`gradient_problem` names for these gradients, or "" (none, or they agree)."""
    try:
        analytic = np.asarray(analytic, dtype=float)
        numerical = np.asarray(numerical, dtype=float)
    except (TypeError, ValueError):
        return ""
    if analytic.shape != numerical.shape or not np.all(np.isfinite(analytic)):
        return ""
    gap = np.abs(analytic - numerical)
    errors = np.where(gap <= GRAD_ATOL, 0.0, relative_errors(analytic, numerical))
    return describe_pattern(analytic, numerical, errors > tol, batch_size=batch_size, kink=kink)


def describe_pattern(analytic, numerical, bad, *, batch_size=None, kink=None) -> str:
    """Name a clear pattern in a wrong gradient: zero, sign, a constant factor, transposition, kinks."""
    if not np.any(analytic) and np.any(numerical):
        return "Yours is zero everywhere: is the gradient computed and returned?"
    if rel_error(-analytic, numerical) < 1e-6:
        return "It has the wrong sign everywhere: check the direction of each subtraction."
    if kink is not None and np.any(bad) and np.all(np.asarray(kink)[bad]):
        return ("It is wrong only where the input sits exactly on a kink (a ReLU at 0 or a margin of 0): "
                "use a strict > 0 there.")
    if analytic.ndim == 2 and analytic.shape[0] == analytic.shape[1] and rel_error(analytic.T, numerical) < 1e-6:
        return "It is the transpose of the true gradient."
    denom = float(np.sum(numerical * numerical))
    if denom > 0:
        factor = float(np.sum(analytic * numerical) / denom)
        if abs(factor - 1) > 1e-3 and rel_error(analytic, factor * numerical) < 1e-6:
            return f"It is {factor:.4g} times the true gradient everywhere{_name_factor(factor, batch_size)}."
    return ""


def _name_factor(factor: float, batch_size) -> str:
    if batch_size and abs(factor - batch_size) < 1e-6 * batch_size:
        return f" (a factor of N = {batch_size}: divide by the batch size)"
    if batch_size and abs(factor * batch_size - 1) < 1e-6:
        return f" (1/N with N = {batch_size}: you averaged twice)"
    if abs(factor - 2) < 1e-6:
        return " (a factor of 2)"
    if abs(factor - 0.5) < 1e-6:
        return " (a factor of 1/2)"
    return ""


def _index(idx) -> tuple:
    return tuple(int(i) for i in idx)
