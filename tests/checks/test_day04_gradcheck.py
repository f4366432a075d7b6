"""Checks for Day 4: numerical gradients, relative error, sparse gradient checks, TwoLayerNet.

The learner's checkers are graded against the suite's trusted one (tests/checks/gradcheck.py),
never against themselves; TwoLayerNet is graded with the trusted checker too. The functions
the checkers differentiate live in tests/probes/day04_gradcheck.py, so the learner's checker
(in the worker) and the trusted one (here) differentiate the very same function; anything
that needs a closure over x or a TwoLayerNet object is a probe of that module.

A failure names its cause (``fail(..., names="cause")``) only when the learner's result is
exactly what one known slip computes (:func:`the_one_matching`); otherwise it states the
mismatch. The network meets the shared edge cases of tests/checks/edges.py: hidden
pre-activations exactly at the ReLU's kink (KINK_X) and scores of +-1000 (EXTREME_LOGITS).
"""
import numpy as np
import pytest

from grader.judge import describe_value

from ..probes import day04_gradcheck as probes
from .edges import EXTREME_LOGITS, EXTREME_LOGITS_LOSS, KINK_X
from .expect import expect_array, expect_scalar, expect_unchanged, fail, same, shapes, the_one_matching
from .gradcheck import (
    DEEP_GRAD_TOL,
    GRAD_TOL,
    LOSS_ATOL,
    H,
    check_gradients,
    gradient_problem,
    numerical_gradient,
    numerical_gradient_array,
    numerical_gradient_of,
)
from .gradcheck import rel_error as trusted_rel_error

exercise = pytest.mark.exercise

#: What each function returns (none of them a tuple; TwoLayerNet is reached through probes).
RETURNS = {"eval_numerical_gradient": "grad", "eval_numerical_gradient_array": "grad", "rel_error": "error",
           "grad_check_sparse": "errors"}

#: How far the initial loss of a network with weight_scale = 1e-3 may sit from ln(C): its
#: scores are of order 1e-5, so the loss is ln(C) to about 1e-5; 1e-3 leaves a wide margin,
#: while weights of scale 1 (weight_scale ignored) move it by more than 1.
INITIAL_LOSS_ATOL = 1e-3
#: A planted gradient is 5 % to 60 % off in every entry (relative errors 0.024 to 0.23); a
#: checker that reports less than this for it has failed to flag it.
FLAGGED = 0.02
#: A reported error belongs to a coordinate when it is this close to that coordinate's error;
#: the coordinates' errors are at least 0.01 apart, and float64 noise is about 1e-10.
SAME_ERROR = 1e-6
#: Two results are "the same" for naming a mistake when they agree this closely (float64 noise).


def expect_restored(name, before, after, function, h=H):
    """``after`` equals ``before`` bit for bit; otherwise name the first entry that moved, and how it moved."""
    after = np.asarray(after, dtype=float)
    if after.shape == before.shape and np.array_equal(after, before):
        return
    if after.shape != before.shape:
        fail(f"{function} changed the shape of {name} from {before.shape} to {after.shape}; probe it in place and "
             f"leave it as it was.")
    moved = after != before
    idx = tuple(int(i) for i in np.argwhere(moved)[0])
    head = (f"{function} changed {name}: at index {idx} it was {float(before[idx])!r} and is now {float(after[idx])!r} "
            f"({int(moved.sum())} of {before.size} entries moved)")
    shift = (after - before)[moved]
    steps = -shift / h
    if np.all(steps > 0.5) and np.allclose(steps, np.round(steps), rtol=0, atol=1e-4):
        times = " (minus h again each time the same entry was probed)" if np.any(np.round(steps) > 1) else ""
        fail(f"{head}; every moved entry is left at its value minus h = {h:g}{times}. After the second evaluation "
             f"write the saved value back: {name}[ix] = original.", names="cause")
    if np.all(np.abs(shift) <= 8 * np.spacing(np.abs(before[moved]))):
        fail(f"{head}, by a rounding error. Save original = {name}[ix] before nudging and write exactly that value "
             f"back; adding and subtracting h does not always round-trip in floating point.", names="cause")
    fail(f"{head}. Save original = {name}[ix] before nudging and write exactly that value back afterwards.")


# -- eval_numerical_gradient ----------------------------------------------------------------------
# Each case: (x from a seeded generator, f, a module-level function of the probes module).
SCALAR_CASES = {
    "sum(sin(x)) with x (2, 3, 4)": (lambda gen: 2.0 * gen.standard_normal((2, 3, 4)), probes.sum_sin),
    "0.5 x.A.x + c.x with x (5,)": (lambda gen: gen.standard_normal(5), probes.quadratic),
    "logsumexp(x @ W) with x (3, 4), W (4, 2)": (lambda gen: gen.standard_normal((3, 4)), probes.logsumexp_of_matmul),
}


def scalar_case(case, seed):
    draw, f = SCALAR_CASES[case]
    return draw(np.random.default_rng(seed)), f


def centred_mistakes(true_grad, h):
    """What the known slips of a centred difference return for sum(x**2), whose differences are exact.

    For f = sum(x**2), f(x + h) - f(x - h) = 4 x h exactly, so each slip has its own fingerprint."""
    one_sided = ("the O(h) error of the one-sided difference {}. Use the centred (f(x + h) - f(x - h)) / (2 * h), "
                 "exact for a quadratic")
    return [
        (true_grad + h, "every entry is off by +h: " + one_sided.format("(f(x + h) - f(x)) / h")),
        (true_grad - h, "every entry is off by -h: " + one_sided.format("(f(x) - f(x - h)) / h")),
        (2 * true_grad, "every entry is twice the gradient: the two points x + h and x - h are 2h apart, "
                        "so divide by (2 * h), not by h"),
        (true_grad * h * h, "every entry is h**2 times the gradient: `/ 2 * h` divides by 2 and then multiplies "
                            "by h; write `/ (2 * h)`"),
    ]


@exercise("day04.eval_numerical_gradient")
def test_numerical_gradient_is_centred(day04):
    # For a quadratic, the centred difference is exact up to round-off: (x+h)^2 - (x-h)^2 = 4xh.
    # The one-sided (f(x + h) - f(x)) / h gives 2x + h instead.
    x = np.array([1.0, -2.0, 3.0])
    got = day04.eval_numerical_gradient(probes.sum_of_squares, x, h=1e-5)
    context = " for f(x) = sum(x**2) at x = [1, -2, 3], whose gradient is 2x = [2, -4, 6]"
    cause = the_one_matching(got, 2 * x, centred_mistakes(2 * x, 1e-5))
    if cause:
        fail(f"grad is {np.asarray(got, dtype=float).tolist()}{context}: {cause}.", names="cause")
    expect_array("grad", got, 2 * x, context=context)


@exercise("day04.eval_numerical_gradient")
@pytest.mark.parametrize("case", list(SCALAR_CASES))
def test_numerical_gradient_agrees_with_trusted(day04, case):
    x, f = scalar_case(case, 11)
    expected = numerical_gradient(f, x.copy())
    got = day04.eval_numerical_gradient(f, x)
    expect_array("grad", got, expected,
                 context=f" for f = {case}, compared with a trusted centred difference (h = 1e-5)")


@exercise("day04.eval_numerical_gradient")
def test_numerical_gradient_uses_h(day04):
    # With h = 1e-2 the centred difference of sum(x**2) is still exact, so sum(sin(x)) shows the step:
    # its centred difference is cos(x) sin(h) / h, 1.7e-5 relative below cos(x) at h = 1e-2.
    x, f = scalar_case("sum(sin(x)) with x (2, 3, 4)", 12)
    expected = numerical_gradient(f, x.copy(), h=1e-2)
    got = day04.eval_numerical_gradient(f, x, h=1e-2)
    context = " for f = sum(sin(x)) with h = 1e-2"
    cause = the_one_matching(got, expected, [
        (numerical_gradient(f, x.copy(), h=H), "it equals the centred difference with h = 1e-5, not with the "
                                               "h = 1e-2 it was given: use the argument h instead of a fixed step"),
        (expected * 1e-4, "every entry is h**2 = 1e-4 times the centred difference: `/ 2 * h` divides by 2 and then "
                          "multiplies by h; write `/ (2 * h)`"),
    ])
    if cause:
        fail(f"grad is wrong{context}: {cause}.", names="cause")
    expect_array("grad", got, expected, context=context)


@exercise("day04.eval_numerical_gradient")
def test_numerical_gradient_nudges_x_in_place(day04):
    # The probe differentiates lambda _: cubic_with_cross_term(x), which ignores its argument and
    # reads x itself, like lambda _: model.loss(X, y)[0] with x = model.params["W1"].
    x = np.random.default_rng(13).standard_normal((3, 2))
    expected = numerical_gradient(probes.cubic_with_cross_term, x.copy())
    got = day04.probe(probes.gradient_reading_x, x)
    if got is not None and np.shape(got) == x.shape and not np.any(got) and \
            same(day04.eval_numerical_gradient(probes.cubic_with_cross_term, x), expected):
        fail("grad is zero everywhere for f = lambda _: sum(x**3) + x[0, 0] x[2, 1], which ignores its argument and "
             "reads x itself (as model.loss reads model.params), though it is right when f uses its argument: your "
             "checker nudges a copy of x. Nudge the entries of x itself, in place, and restore them afterwards.",
             names="cause")
    expect_array("grad", got, expected,
                 context=" for a function that reads x itself, f = lambda _: sum(x**3) + x[0, 0] x[2, 1]")


@exercise("day04.eval_numerical_gradient")
@pytest.mark.parametrize("case", list(SCALAR_CASES))
def test_numerical_gradient_restores_x(day04, case):
    x, f = scalar_case(case, 14)
    x *= 3.0  # entries whose last bits do not survive (x - h) + h
    before = x.copy()
    day04.eval_numerical_gradient(f, x)  # x as the learner left it is copied back here
    expect_restored("x", before, x, "eval_numerical_gradient")


# -- eval_numerical_gradient_array ------------------------------------------------------------------
# Each case: (x and df from a seeded generator, f, a module-level function of the probes module).
ARRAY_CASES = {
    "x @ W with x (3, 4), W (4, 2)": (lambda gen: (gen.standard_normal((3, 4)), gen.standard_normal((3, 2))),
                                      probes.matmul),
    "1.5 tanh(x) with x (2, 3, 2)": (lambda gen: (gen.standard_normal((2, 3, 2)), gen.standard_normal((2, 3, 2))),
                                     probes.scaled_tanh),
    "x.T with x (3, 2), a view of x": (lambda gen: (gen.standard_normal((3, 2)), gen.standard_normal((2, 3))),
                                       probes.transpose),
}


def array_case(case, seed):
    draw, f = ARRAY_CASES[case]
    x, df = draw(np.random.default_rng(seed))
    return x, f, df


def one_sided_gradient_array(f, x, df, h):
    """(sum(f(x + h e_i) * df) - sum(f(x) * df)) / h for every i: what a one-sided checker returns."""
    x = x.copy()
    base = np.sum(np.asarray(f(x), dtype=float) * df)
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        original = x[ix]
        x[ix] = original + h
        grad[ix] = (np.sum(np.asarray(f(x), dtype=float) * df) - base) / h
        x[ix] = original
    return grad


def expect_backward(got, f, x, df, h, where, context=""):
    """``got`` is the trusted gradient of sum(f(x) * df) with step ``h``; a known slip is named when only it fits.

    ``where`` (`` for f = x @ W ... and df (3, 2)``) names the case; ``context`` follows it in value messages."""
    expected = numerical_gradient_array(f, x.copy(), df, h=h)
    explanations = [
        (numerical_gradient_array(f, x.copy(), np.ones_like(df), h=h),
         "it is the gradient of sum(f(x)), as if df were all ones: weight each output's change by the upstream "
         "gradient, np.sum((out_plus - out_minus) * df) / (2 * h)"),
        (2 * expected, "every entry is twice the gradient: the two points x + h and x - h are 2h apart, so divide "
                       "by (2 * h), not by h"),
        (one_sided_gradient_array(f, x, df, h), "it is the one-sided difference (f(x + h) - f(x)) / h, whose error "
                                                "shrinks only like h: use the centred (f(x + h) - f(x - h)) / (2 * h)"),
        (expected * h * h, "every entry is h**2 times the gradient: `/ 2 * h` divides by 2 and then multiplies by h; "
                           "write `/ (2 * h)`"),
    ]
    if h != H:
        step = f"{h:.0e}".replace("e-0", "e-")
        explanations.append((numerical_gradient_array(f, x.copy(), df, h=H),
                             f"it equals the centred difference with h = 1e-5, not with the h = {step} it was given: "
                             f"use the argument h instead of a fixed step"))
    cause = the_one_matching(got, expected, explanations)
    if cause:
        fail(f"grad is wrong{where}: {cause}.", names="cause")
    expect_array("grad", got, expected, context=where + context)


@exercise("day04.eval_numerical_gradient_array")
@pytest.mark.parametrize("case", list(ARRAY_CASES))
def test_numerical_gradient_array_agrees_with_trusted(day04, case):
    x, f, df = array_case(case, 21)
    got = day04.eval_numerical_gradient_array(f, x, df)
    where = f" for f = {case} and df {np.shape(df)}"
    if f is probes.transpose and got is not None and np.shape(got) == x.shape and not np.any(got) and \
            same(day04.eval_numerical_gradient_array(probes.transposed_copy, x, df),
                 numerical_gradient_array(f, x.copy(), df)):
        fail(f"grad is zero everywhere{where}, yet right for np.copy(x.T): f returns a view of x, so the output you "
             f"kept from f(x + h) changed when x was nudged to x - h. Copy each output of f "
             f"(np.array(f(x), dtype=float)) before changing x again.", names="cause")
    expect_backward(got, f, x, df, H, where=where, context=", compared with a trusted centred difference (h = 1e-5)")


@exercise("day04.eval_numerical_gradient_array")
def test_numerical_gradient_array_uses_h(day04):
    x, f, df = array_case("1.5 tanh(x) with x (2, 3, 2)", 22)
    expect_backward(day04.eval_numerical_gradient_array(f, x, df, h=1e-2), f, x, df, 1e-2,
                    where=" for f = 1.5 tanh(x) with h = 1e-2")


@exercise("day04.eval_numerical_gradient_array")
@pytest.mark.parametrize("case", list(ARRAY_CASES))
def test_numerical_gradient_array_restores_x_and_df(day04, case):
    x, f, df = array_case(case, 23)
    x *= 3.0
    before, df_before = x.copy(), df.copy()
    day04.eval_numerical_gradient_array(f, x, df)  # x and df as the learner left them are copied back here
    expect_restored("x", before, x, "eval_numerical_gradient_array")
    expect_unchanged("df", df_before, df)


# -- rel_error --------------------------------------------------------------------------------------
REL_ERROR_CASES = {
    # label: (a, b, expected, how the expected value comes about)
    "two arrays": ([1.0, 2.0], [1.1, 2.0], 0.1 / 2.1, "|1 - 1.1| / (1 + 1.1) at the first entry"),
    "equal numbers": (3.0, 3.0, 0.0, "equal inputs"),
    "opposite signs": (1.0, -1.0, 1.0, "|1 - (-1)| / (|1| + |-1|); a relative error is never above 1"),
    "both zero": (np.zeros(3), np.zeros(3), 0.0, "the floor 1e-8 turns 0/0 into 0/1e-8"),
    "zeros beside non-zeros": ([0.0, 1.0], [0.0, 2.0], 1 / 3, "0/1e-8 at the first entry, 1/3 at the second"),
    "tiny numbers": (1e-9, 0.0, 0.1, "1e-9 / max(1e-8, 1e-9): the floor applies"),
    "tiny numbers of opposite signs": (3e-9, -1e-9, 0.4, "4e-9 / max(1e-8, 4e-9): the floor applies"),
    "one bad entry of four": ([[1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 2.0]], 1 / 3,
                              "the worst entry, |1 - 2| / (1 + 2)"),
    "3-D arrays": (np.full((2, 2, 2), 4.0), np.full((2, 2, 2), -2.0), 1.0, "6 / 6 at every entry"),
}


def rel_error_mistakes(a, b):
    """What the known slips of rel_error return for a and b, each with what to say when it is seen."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    gap, size = np.abs(a - b), np.abs(a) + np.abs(b)
    with np.errstate(all="ignore"):
        return [
            (np.mean(gap / np.maximum(1e-8, size)), "that is the mean of the entries' errors; report the worst "
                                                    "entry with np.max, since one wrong entry is a bug"),
            (np.max(gap / np.maximum(1e-8, np.abs(a + b))), "the denominator is |a + b|, which shrinks when a and b "
                                                            "have opposite signs; use |a| + |b|"),
            (np.max(gap / size), "the denominator has no floor: use np.maximum(1e-8, |a| + |b|)"),
            (np.max(gap / (size + 1e-8)), "1e-8 is added to the denominator; the floor is np.maximum(1e-8, |a| + |b|), "
                                          "which only matters where |a| + |b| is below 1e-8"),
            (np.linalg.norm(a - b) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(b)),
             "that is the ratio of norms over whole arrays, norm(a - b) / (norm(a) + norm(b)); the course's "
             "rel_error is taken entry by entry and reports the worst entry"),
            (np.max((a - b) / np.maximum(1e-8, size)), "the difference a - b is not taken in absolute value, so "
                                                        "entries where a < b count as negative errors"),
        ]


@exercise("day04.rel_error")
@pytest.mark.parametrize("case", list(REL_ERROR_CASES))
def test_rel_error_values(day04, case):
    a, b, expected, how = REL_ERROR_CASES[case]
    with np.errstate(all="ignore"):  # the value is judged here; test_rel_error_is_quiet catches the warnings
        got = day04.rel_error(a, b)
    context = f" for a = {np.asarray(a).tolist()}, b = {np.asarray(b).tolist()} (expected: {how})"
    if np.ndim(got) == 0 and np.isnan(float(got)) and np.any((np.asarray(a) == 0) & (np.asarray(b) == 0)):
        fail(f"rel_error(a, b) is nan{context}: where a and b are both 0 that is 0/0. Divide by "
             f"np.maximum(1e-8, |a| + |b|) so the error stays finite.", names="cause")
    cause = the_one_matching(got, expected, rel_error_mistakes(a, b))
    if cause and np.ndim(got) == 0:
        fail(f"rel_error(a, b) is {float(got):.6g}{context}: {cause}.", names="cause")
    expect_scalar("rel_error(a, b)", got, expected, context=context)


@exercise("day04.rel_error")
def test_rel_error_is_quiet_on_zeros_and_tiny_numbers(day04):
    # No np.errstate here: a 0/0 or x/0 inside rel_error raises its RuntimeWarning at the learner's line.
    for a, b in ((np.zeros(3), np.zeros(3)), ([0.0, 1.0], [0.0, 2.0]), (1e-9, 0.0), (-1e-300, 1e-300)):
        got = day04.rel_error(a, b)
        if np.ndim(got) == 0 and not np.isfinite(float(got)):
            fail(f"rel_error(a, b) is {float(got)} for a = {np.asarray(a).tolist()}, b = {np.asarray(b).tolist()}; "
                 f"a relative error is a number between 0 and 1.")


@exercise("day04.rel_error")
def test_rel_error_is_symmetric_and_scale_free(day04, rng):
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    expected = trusted_rel_error(a, b)
    expect_scalar("rel_error(a, b)", day04.rel_error(a, b), expected, context=shapes(a=a, b=b))
    expect_scalar("rel_error(b, a)", day04.rel_error(b, a), expected,
                  context=" (the error must not depend on the order)")
    expect_scalar("rel_error(1000 a, 1000 b)", day04.rel_error(1000 * a, 1000 * b), expected,
                  context=" (scaling both inputs must not change a relative error)")


# -- grad_check_sparse --------------------------------------------------------------------------------
def exp_problem(seed=31, shape=(2, 3, 2)):
    """f(x) = sum(exp(x)), whose gradient exp(x) is also its curvature: a one-sided difference is h/2 too large,
    relatively."""
    x = np.random.default_rng(seed).standard_normal(shape)
    return x, probes.sum_exp


def planted_gradient(x):
    """exp(x) made 5 %, 10 %, ..., 60 % too large, one percentage per entry, so each entry's error is distinct."""
    return np.exp(x) * (1 + 0.05 * np.arange(1, x.size + 1).reshape(x.shape))


def decode(errors, x):
    """The flat index of the coordinate behind each reported error, failing when one matches no coordinate."""
    possible = np.array([trusted_rel_error(np.exp(v), p) for v, p in zip(x.ravel(), planted_gradient(x).ravel())])
    absolute = np.abs(np.exp(x) - planted_gradient(x)).ravel()
    found = []
    for k, error in enumerate(errors):
        gaps = np.abs(possible - float(error))
        if gaps.min() > SAME_ERROR and all(np.min(np.abs(absolute - e)) <= SAME_ERROR * max(1.0, e) for e in errors):
            fail(f"check {k} reported {float(error):.6g}, and every reported value is the absolute difference "
                 f"|numerical - analytic| at some coordinate, not a relative error: each entry must be "
                 f"rel_error(centred difference at ix, analytic_grad[ix]).", names="cause")
        if gaps.min() > SAME_ERROR:
            fail(f"check {k} reported a relative error of {float(error):.6g}, which is the error of no coordinate "
                 f"(they are {possible.min():.3g} to {possible.max():.3g} for the planted gradient); each entry must "
                 f"be rel_error(centred difference at ix, analytic_grad[ix]).")
        found.append(int(np.argmin(gaps)))
    return found


def error_list(errors, num_checks):
    """What grad_check_sparse returned, as a list of ``num_checks`` floats, or a failure saying what came back."""
    wanted = (f"return a list of {num_checks} relative errors, one per checked coordinate")
    if not isinstance(errors, (list, tuple, np.ndarray)) or np.ndim(errors) != 1 or len(errors) != num_checks:
        fail(f"grad_check_sparse returned {describe_value(errors)} for num_checks = {num_checks}; {wanted}.")
    try:
        return [float(e) for e in errors]
    except (TypeError, ValueError):
        fail(f"grad_check_sparse returned a {type(errors).__name__} whose entries are not all numbers "
             f"for num_checks = {num_checks}; {wanted}.")


def sparse(day04, f, x, analytic, num_checks, rng):
    return error_list(day04.grad_check_sparse(f, x, analytic, num_checks, H, rng), num_checks)


@exercise("day04.grad_check_sparse")
@pytest.mark.parametrize("reads_x", [False, True], ids=["f uses its argument", "f reads x itself"])
def test_sparse_accepts_the_exact_gradient(day04, reads_x):
    x, f = exp_problem()
    if reads_x:  # the probe checks lambda _: sum_exp(x), like lambda _: model.loss(X, y)[0]
        errors = error_list(day04.probe(probes.sparse_reading_x, x, np.exp(x), 8, H, np.random.default_rng(5)), 8)
    else:
        errors = sparse(day04, f, x, np.exp(x), 8, np.random.default_rng(5))
    worst = max(errors)
    if worst <= GRAD_TOL:
        return
    what = " for f = lambda _: sum(exp(x)), which reads x itself," if reads_x else " for f = sum(exp(x))"
    head = (f"with the exact gradient{what} grad_check_sparse reported errors up to {worst:.2e}; centred differences "
            f"agree to about 1e-10, so every error should be below {GRAD_TOL:.0e}")
    found = np.array(errors)
    # For exp, (e^h - 1) / h = 1 + h/2 + ...: a one-sided difference shows a relative error of h/4 everywhere.
    if np.all(np.abs(found - H / 4) < 0.1 * H / 4):
        fail(f"{head}. Every error is about h/4 = 2.5e-06, the mark of a one-sided difference: use "
             f"(f(x + h) - f(x - h)) / (2 * h).", names="cause")
    if np.allclose(found, 1 / 3, rtol=1e-6, atol=0):
        fail(f"{head}. Every error is 1/3, the error of a numerical gradient twice the true one: x + h and x - h are "
             f"2h apart, so divide by (2 * h), not by h.", names="cause")
    if reads_x and np.allclose(found, 1.0, rtol=0, atol=1e-6) and \
            max(sparse(day04, f, x, np.exp(x), 8, np.random.default_rng(5))) <= GRAD_TOL:
        fail(f"{head}. Every error is 1 (a numerical gradient of 0), though the same check passes when f uses its "
             f"argument: the nudges go to a copy of x, which f never reads. Nudge x itself, in place.", names="cause")
    fail(f"{head}.")


@exercise("day04.grad_check_sparse")
def test_sparse_uses_h(day04):
    # The centred difference of exp at any x is exp(x) sinh(h) / h, so with the exact gradient every
    # coordinate reports the same error, (s - 1) / (s + 1) with s = sinh(h) / h: 8.3e-06 for h = 1e-2.
    x, f = exp_problem()
    h = 1e-2
    errors = error_list(day04.grad_check_sparse(f, x, np.exp(x), 6, h, np.random.default_rng(12)), 6)
    ratio = np.sinh(h) / h
    expected = (ratio - 1) / (ratio + 1)
    if np.allclose(errors, expected, rtol=1e-4, atol=0):
        return
    head = (f"with h = 1e-2 and the exact gradient of sum(exp(x)), grad_check_sparse reported errors of "
            f"{min(errors):.3g} to {max(errors):.3g}")
    if max(errors) <= GRAD_TOL:
        fail(f"{head}, as small as with h = 1e-5: it must use the step h it is given (with h = 1e-2 every error is "
             f"{expected:.4g}, the truncation error of the centred difference).", names="cause")
    fail(f"{head}; every error should be {expected:.4g}, since the centred difference of exp is exp(x) sinh(h) / h "
         f"at every coordinate.")


@exercise("day04.grad_check_sparse")
def test_sparse_where_both_gradients_are_zero(day04):
    # f = sum(exp(x[0])): outside the first row both the numerical and the analytic gradient are exactly 0.
    # No np.errstate here: a 0/0 in the learner's code raises its RuntimeWarning at the learner's line.
    x = np.random.default_rng(33).standard_normal((3, 4))
    analytic = np.zeros_like(x)
    analytic[0] = np.exp(x[0])
    errors = error_list(day04.grad_check_sparse(probes.sum_exp_first_row, x, analytic, 10, H,
                                                np.random.default_rng(13)), 10)
    if any(np.isnan(errors)):
        fail("grad_check_sparse reported nan for f = sum(exp(x[0])), whose gradient is exactly 0 outside the first "
             "row: where both gradients are 0 the error is 0/0. Compute each error with rel_error, whose floor 1e-8 "
             "makes it 0.", names="cause")
    if not max(errors) <= GRAD_TOL:
        fail(f"with the exact gradient of f = sum(exp(x[0])) (exactly 0 outside the first row), grad_check_sparse "
             f"reported errors up to {max(errors):.2e}; every error should be below {GRAD_TOL:.0e}.")


@exercise("day04.grad_check_sparse")
def test_sparse_flags_a_planted_wrong_gradient(day04):
    x, f = exp_problem()
    errors = sparse(day04, f, x, planted_gradient(x), 8, np.random.default_rng(6))
    if min(errors) < FLAGGED:
        fail(f"a gradient that is 5 % to 60 % off in every entry got errors as low as {min(errors):.2e}; a checker "
             f"must report at least {FLAGGED} there (the true errors are 0.024 to 0.23).")
    decode(errors, x)


@exercise("day04.grad_check_sparse")
def test_sparse_draws_fresh_coordinates_from_rng(day04):
    x, f = exp_problem()
    rng = np.random.default_rng(9)
    errors = sparse(day04, f, x, planted_gradient(x), 20, rng)  # rng comes back advanced by the learner's draws
    coordinates = decode(errors, x)
    if len(set(coordinates)) < 6:
        distinct = len(set(coordinates))
        fail(f"20 checks on an x with 12 entries tested only {distinct} distinct "
             f"coordinate{'s' if distinct > 1 else ''}; draw a new coordinate from rng for every check.", names="cause")
    if rng.random() == np.random.default_rng(9).random():
        fail("grad_check_sparse did not draw from the rng it was given; take every coordinate from rng.", names="cause")
    again = sparse(day04, f, x, planted_gradient(x), 20, np.random.default_rng(9))
    expect_array("errors (second run, same seed)", np.array(again), np.array(errors), atol=0, rtol=0,
                 context="; with the same rng seed, the same coordinates must be checked")
    other = decode(sparse(day04, f, x, planted_gradient(x), 20, np.random.default_rng(10)), x)
    if other == coordinates:
        fail("two different rng seeds checked the same coordinates; draw them from rng.", names="cause")


@exercise("day04.grad_check_sparse")
def test_sparse_restores_x(day04):
    x, f = exp_problem(shape=(3, 4))
    x *= 3.0
    before = x.copy()
    sparse(day04, f, x, np.exp(x), 12, np.random.default_rng(7))  # x as the learner left it is copied back here
    expect_restored("x", before, x, "grad_check_sparse")


# -- TwoLayerNet ------------------------------------------------------------------------------------
#: The hand fixture's inputs: X W1 + b1 with W1 = I is exactly edges.KINK_X (X = KINK_X - b1 is exact).
HAND_B1 = np.array([0.5, -1.0, 0.25])
HAND_W2 = np.array([[1.0, -1.0], [2.0, 0.0], [0.5, 1.0]])
HAND_B2 = np.array([0.0, -1.0])


def hand_net_fixture():
    """Two examples worked out by hand (D = H = 3, C = 2), whose hidden pre-activations are edges.KINK_X.

    X = KINK_X - b1 = [[-2, 1, 1.75], [-0.5, 4, -0.75]], W1 = I, b1 = [0.5, -1, 0.25]: the hidden
    pre-activations are X W1 + b1 = KINK_X = [[-1.5, 0, 2], [0, 3, -0.5]], exactly 0 at (0, 1) and
    (1, 0); the ReLU gives [[0, 0, 2], [0, 3, 0]]. With W2 = [[1, -1], [2, 0], [0.5, 1]] and
    b2 = [0, -1] the scores are [[1, 1], [6, -1]]. With y = [1, 0]:
    loss = (log 2 + log(1 + e^-7)) / 2 = 0.3470293235068598. sum(W1**2) + sum(W2**2) = 3 + 7.25,
    so reg = 0.1 adds 0.5125 (and would add 0.115625 more if the biases, sum b**2 = 2.3125,
    were wrongly regularised).
    """
    params = {"W1": np.eye(3), "b1": HAND_B1.copy(), "W2": HAND_W2.copy(), "b2": HAND_B2.copy()}
    return KINK_X - HAND_B1, np.array([1, 0]), params


def hand_grads(reg, kink_passes=False, no_mask=False):
    """The hand fixture's gradients (N = 2), with u = 1 / (1 + e^7) = 1 - softmax([6, -1])[0].

    dscores = (p - onehot) / 2 = [[1/4, -1/4], [-u/2, u/2]]; dW2 = hidden^T dscores
    = [[0, 0], [-3u/2, 3u/2], [1/2, -1/2]]; db2 = [1/4 - u/2, u/2 - 1/4];
    dhidden = dscores W2^T = [[1/2, 1/2, -1/8], [-u, -u, u/4]]. The ReLU passes it where the
    pre-activation is > 0, (0, 2) and (1, 1): dpre = [[0, 0, -1/8], [0, -u, 0]], so
    db1 = [0, -u, -1/8] and dW1 = X^T dpre = [[0, u/2, 1/4], [0, -4u, -1/8], [0, 3u/4, -7/32]].
    ``kink_passes`` gives what a mask pre >= 0 computes (it also passes (0, 1) and (1, 0));
    ``no_mask`` what no mask at all computes. reg adds reg * W to dW1 and dW2 only.
    """
    u = 1.0 / (1.0 + np.exp(7.0))
    X, _, params = hand_net_fixture()
    dhidden = np.array([[0.5, 0.5, -0.125], [-u, -u, u / 4]])
    mask = KINK_X > 0
    if kink_passes:
        mask = KINK_X >= 0
    if no_mask:
        mask = np.ones_like(mask)
    dpre = dhidden * mask
    return {"W2": np.array([[0.0, 0.0], [-1.5 * u, 1.5 * u], [0.5, -0.5]]) + reg * params["W2"],
            "b2": np.array([0.25 - u / 2, u / 2 - 0.25]),
            "W1": X.T @ dpre + reg * params["W1"],
            "b1": dpre.sum(axis=0)}


def net_fixture():
    """Three seeded inputs of shape (2, 3) (so D = 6), H = 4, C = 3, labels y = [1, 1, 2], random params
    (biases too)."""
    gen = np.random.default_rng(404)
    X = gen.standard_normal((3, 2, 3))
    params = {"W1": gen.standard_normal((6, 4)), "b1": gen.standard_normal(4),
              "W2": gen.standard_normal((4, 3)), "b2": gen.standard_normal(3)}
    return X, gen.integers(0, 3, 3), params


def extreme_net_fixture():
    """Three examples whose scores are all edges.EXTREME_LOGITS = [1000, 0, -1000], each class correct once.

    X = [1, -1] in every row, W1 = I, b1 = 0: hidden [1, 0]; W2 = [EXTREME_LOGITS, [1, 2, 3]], b2 = 0.
    With y = [0, 1, 2] the losses are edges.EXTREME_LOGITS_LOSS = (0, 1000, 2000), mean 1000, and
    softmax is [1, 0, 0] to double precision: dscores = [[0, 0, 0], [1, -1, 0], [1, 0, -1]] / 3,
    dW2 = [[2/3, -1/3, -1/3], [0, 0, 0]], db2 = [2/3, -1/3, -1/3], dhidden[:, 0] = [0, 1000, 2000] / 3,
    so dW1 = [[1000, 0], [-1000, 0]] and db1 = [1000, 0].
    """
    params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.array([EXTREME_LOGITS, [1.0, 2.0, 3.0]]),
              "b2": np.zeros(3)}
    return np.tile([1.0, -1.0], (3, 1)), np.array([0, 1, 2]), params


HAND_DATA_LOSS = 0.5 * (np.log(2.0) + np.log1p(np.exp(-7.0)))
HAND_LOSS = {0.0: HAND_DATA_LOSS, 0.1: HAND_DATA_LOSS + 0.05 * 10.25}
NET_LOSS = {0.0: 1.7591111892537024, 0.7: 13.372683958054562}
EXTREME_LOSS = float(np.mean(EXTREME_LOGITS_LOSS))
EXTREME_GRADS = {"W2": np.array([[2 / 3, -1 / 3, -1 / 3], [0.0, 0.0, 0.0]]), "b2": np.array([2 / 3, -1 / 3, -1 / 3]),
                 "W1": np.array([[1000.0, 0.0], [-1000.0, 0.0]]), "b1": np.array([1000.0, 0.0])}
PARAM_NAMES = probes.PARAM_NAMES


def suite_scores(X, params, hidden_relu=True):
    """The suite's own forward pass, relu(X W1 + b1) W2 + b2, to grade the scores independently."""
    hidden = X.reshape(X.shape[0], -1) @ params["W1"] + params["b1"]
    if hidden_relu:
        hidden = np.maximum(0.0, hidden)
    return hidden @ params["W2"] + params["b2"]


def new_net_params(day04, *args):
    """``TwoLayerNet(*args).params`` (built in the worker), or a failure saying what it is instead."""
    found = day04.probe(probes.new_net_params, *args)
    params = found["params"]
    if not found["found"] or not isinstance(params, dict) or set(params) != set(PARAM_NAMES):
        what = ("missing" if not found["found"] else
                f"a dict with keys {sorted(map(str, params))}" if isinstance(params, dict) else describe_value(params))
        fail(f"net.params must be a dict with keys W1, b1, W2, b2; it is {what}.")
    return params


def net_loss(day04, params, X, y, reg):
    """What ``net.loss(X, y)`` returns (``net.loss(X)`` when y is None) for a net with these params (a probe)."""
    return day04.probe(probes.net_loss, params, X, y, reg)


def loss_and_grads(result, context):
    """``(loss, grads)`` from what ``net.loss(X, y)`` returned, or a failure saying what came back."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"loss(X, y) returned {describe_value(result)}; with labels it must return (loss, grads){context}.")
    loss, grads = result
    if not isinstance(grads, dict) or set(grads) != set(PARAM_NAMES):
        keys = sorted(map(str, grads)) if isinstance(grads, dict) else describe_value(grads)
        fail(f"grads must be a dict with keys W1, b1, W2, b2 like params, but it is {keys}{context}.")
    return loss, grads


@exercise("day04.TwoLayerNet")
def test_net_params_shapes_and_zero_biases(day04):
    params = new_net_params(day04, 5, 4, 3, 1e-2, 0.0, np.random.default_rng(1))
    for name, shape in (("W1", (5, 4)), ("b1", (4,)), ("W2", (4, 3)), ("b2", (3,))):
        if np.shape(params[name]) != shape:
            fail(f"params['{name}'] has shape {np.shape(params[name])} but should be {shape} "
                 f"for input_dim 5, hidden_dim 4, num_classes 3.")
    expect_array("params['b1']", params["b1"], np.zeros(4), atol=0, context=" (biases start at zero)")
    expect_array("params['b2']", params["b2"], np.zeros(3), atol=0, context=" (biases start at zero)")


@exercise("day04.TwoLayerNet")
def test_net_init_draws_from_rng(day04):
    scale = 1e-2
    params = new_net_params(day04, 5, 4, 3, scale, 0.0, np.random.default_rng(2))
    gen = np.random.default_rng(2)
    draws = {"W1": gen.standard_normal((5, 4)), "W2": gen.standard_normal((4, 3))}
    gen = np.random.default_rng(2)
    swapped = {"W2": gen.standard_normal((4, 3)), "W1": gen.standard_normal((5, 4))}
    context = (" for TwoLayerNet(5, 4, 3, weight_scale=1e-2, reg=0, rng=default_rng(2)); expected "
               "W1 = weight_scale * rng.standard_normal((D, H)), drawn first, then W2 the same way with shape (H, C)")
    for name in ("W1", "W2"):
        cause = the_one_matching(params[name], scale * draws[name], [
            (draws[name], f"params['{name}'] has the right draws with standard deviation 1: multiply them by "
                          f"weight_scale"),
            (scale * swapped[name], "the weights are drawn in the other order, W2 before W1: draw W1 first"),
        ])
        if cause:
            fail(f"{cause} (TwoLayerNet(5, 4, 3, weight_scale=1e-2, reg=0, rng=default_rng(2))).", names="cause")
        expect_array(f"params['{name}']", params[name], scale * draws[name], context=context)


@exercise("day04.TwoLayerNet")
def test_net_init_is_deterministic_given_rng(day04):
    first, second, other = (new_net_params(day04, 6, 5, 4, 1e-3, 0.0, np.random.default_rng(s)) for s in (3, 3, 4))
    for name in PARAM_NAMES:
        expect_array(f"params['{name}'] (second net, same seed)", second[name], first[name],
                     atol=0, rtol=0, context="; the same rng seed must give the same network")
    if np.array_equal(first["W1"], other["W1"]):
        fail("two different rng seeds gave the same W1; draw the weights from the rng argument.", names="cause")


def softmax_rows(scores):
    shifted = scores - scores.max(axis=1, keepdims=True)
    return np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)


def expect_scores(day04, X, params, reg, where):
    """The scores of a net whose params were overwritten with ``params`` are relu(X W1 + b1) W2 + b2.

    A known slip is named only when the scores are exactly what it computes: a ReLU on the scores,
    no ReLU on the hidden layer, probabilities instead of scores, or the weights the net was built
    with (kept in __init__ instead of read from self.params on every call).
    """
    scores, expected = net_loss(day04, params, X, None, reg), suite_scores(X, params)
    if same(scores, expected):
        return
    explanations = [
        (np.maximum(0.0, expected), "every negative score came back as 0: there is a ReLU on the output scores; the "
                                    "last layer is a plain affine_forward"),
        (suite_scores(X, params, hidden_relu=False), "they are those of X W1 + b1 fed to W2 without a ReLU: the hidden "
                                                     "layer needs affine_relu_forward"),
        (softmax_rows(expected), "each row is the softmax of the right scores: with y None, loss returns the raw "
                                 "scores, not probabilities"),
    ]
    if np.shape(scores) == expected.shape:
        D, H = params["W1"].shape  # the probe builds TwoLayerNet(D, H, C, 1.0, reg, default_rng(0)), then sets params
        built = day04.probe(probes.new_net_params, D, H, params["W2"].shape[1], 1.0, reg, np.random.default_rng(0))
        if isinstance(built["params"], dict) and set(built["params"]) == set(PARAM_NAMES):
            explanations.append((suite_scores(X, built["params"]),
                                 "they are those of the weights the net was built with, not of the arrays written "
                                 "into net.params afterwards: loss must read self.params['W1'], ... on every call "
                                 "(a gradient check nudges them in place), not copies kept from __init__"))
    cause = the_one_matching(scores, expected, explanations)
    if cause:
        fail(f"scores are wrong{where}: {cause}.", names="cause")
    expect_array("scores", scores, expected, context=where)


@exercise("day04.TwoLayerNet")
def test_net_scores_when_y_is_none(day04):
    X, _, params = hand_net_fixture()
    expect_scores(day04, X, params, 0.1, " on the worked example (expected [[1, 1], [6, -1]])")
    X, _, params = net_fixture()
    expect_scores(day04, X, params, 0.7, shapes(X=X, W1=params["W1"], W2=params["W2"]))


def expect_loss(loss, data_loss, params, reg, batch_size, context):
    """``loss`` is data_loss + 0.5 reg (sum W1**2 + sum W2**2); a known slip of the penalty or the average is named."""
    weights = float(np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    biases = float(np.sum(params["b1"] ** 2) + np.sum(params["b2"] ** 2))
    expected = data_loss + 0.5 * reg * weights
    cause = the_one_matching(loss, expected, [
        (data_loss, "that is the data loss alone: add the L2 penalty 0.5 * reg * (sum(W1**2) + sum(W2**2))"),
        (data_loss + reg * weights, "the L2 penalty is reg * sum(W**2), twice the convention "
                                    "0.5 * reg * (sum(W1**2) + sum(W2**2))"),
        (data_loss + 0.5 * reg * (weights + biases), "the L2 penalty also covers the biases; regularise W1 and W2 "
                                                     "only"),
        (batch_size * data_loss + 0.5 * reg * weights, f"the data loss is N = {batch_size} times too large: it is "
                                                       f"summed over the batch, but the loss averages over it"),
    ])
    if cause and np.ndim(loss) == 0:
        fail(f"loss is {float(loss):.10g}{context}, expected {expected:.10g}: {cause}.", names="cause")
    expect_scalar("loss", loss, expected, atol=LOSS_ATOL, context=context)


@exercise("day04.TwoLayerNet")
@pytest.mark.parametrize("reg", [0.0, 0.1])
def test_net_loss_hand_computed(day04, reg):
    X, y, params = hand_net_fixture()
    context = f" on the worked two-example fixture with reg = {reg}"
    loss, _ = loss_and_grads(net_loss(day04, params, X, y, reg), context)
    expect_loss(loss, HAND_LOSS[0.0], params, reg, X.shape[0], context)


@exercise("day04.TwoLayerNet")
@pytest.mark.parametrize("reg", [0.0, 0.7])
def test_net_loss_reference_value(day04, reg):
    X, y, params = net_fixture()
    context = shapes(X=X, W1=params["W1"], W2=params["W2"]) + f" with non-zero biases and reg = {reg}"
    loss, _ = loss_and_grads(net_loss(day04, params, X, y, reg), context)
    expect_loss(loss, NET_LOSS[0.0], params, reg, X.shape[0], context)


def expect_net_grads(grads, expected, explanations, context):
    """``grads`` equal ``expected``, checked from the loss backwards (W2, b2, W1, b1); a known slip is named.

    ``explanations`` maps a name to ``[(what a slip computes, what to say), ...]``."""
    for name in ("W2", "b2", "W1", "b1"):
        cause = the_one_matching(grads[name], expected[name], explanations.get(name, []))
        if cause:
            fail(f"grads['{name}'] is wrong{context}: {cause}.", names="cause")
        expect_array(f"grads['{name}']", grads[name], expected[name], context=context)


@exercise("day04.TwoLayerNet")
def test_net_gradient_hand_computed(day04):
    X, y, params = hand_net_fixture()
    reg = 0.1
    context = f" on the worked two-example fixture with reg = {reg}" + shapes(X=X, W1=params["W1"], W2=params["W2"])
    _, grads = loss_and_grads(net_loss(day04, params, X, y, reg), context)
    expected = hand_grads(reg)
    kink = ("only its entries fed by a hidden pre-activation of exactly 0 (the pre-activations are "
            "[[-1.5, 0, 2], [0, 3, -0.5]] here) are off: the ReLU's derivative at 0 is 0, so mask with pre > 0, "
            "not >= 0 (affine_relu_backward does this)")
    no_mask = ("it passes the gradient through hidden units that were off: multiply dhidden by the ReLU mask "
               "pre > 0 (affine_relu_backward does this)")
    explanations = {name: [(expected[name] - reg * params[name], f"it lacks the L2 term: add self.reg * {name} "
                                                                 f"(and nothing to the biases)"),
                           (expected[name] + reg * params[name], f"it holds 2 * reg * {name}, but the gradient of "
                                                                 f"0.5 * reg * sum({name}**2) is reg * {name}")]
                    for name in ("W1", "W2")}
    for name in ("b1", "b2"):
        explanations[name] = [(expected[name] + reg * params[name], f"it holds reg * {name}: the biases are not "
                                                                    f"regularised")]
    for name in ("W1", "b1"):
        explanations[name] += [(hand_grads(reg, kink_passes=True)[name], kink),
                               (hand_grads(reg, no_mask=True)[name], no_mask)]
    expect_net_grads(grads, expected, explanations, context)


@exercise("day04.TwoLayerNet")
@pytest.mark.parametrize("reg", [0.0, 0.7])
def test_net_gradient(day04, reg):
    X, y, params = net_fixture()
    context = shapes(X=X, W1=params["W1"], W2=params["W2"]) + f" with reg = {reg}"
    _, grads = loss_and_grads(net_loss(day04, params, X, y, reg), context)
    loss_of = day04.probed(probes.net_loss)  # the loss of a net with the given params, evaluated in the worker
    named = []
    for name in ("W2", "b2", "W1", "b1"):  # from the loss backwards, so the first failure is the first broken link
        numerical = numerical_gradient_of(loss_of, (params, X, y, reg), wrt=(0, name), output=0)
        named.append((name, grads[name], numerical))
    for name, analytic, numerical in named:  # the first wrong one: is it off by exactly reg * W?
        if not gradient_problem(name, analytic, numerical, tol=DEEP_GRAD_TOL):
            continue
        if reg and name.startswith("W"):
            short = (f"either the L2 term reg * {name} is missing from the gradient, or the penalty in your loss is "
                     f"reg * sum(W**2) where the convention is 0.5 * reg * sum(W**2)")
            excess = (f"either the gradient adds the L2 term twice (2 * reg * {name}), or your loss lacks the penalty "
                      f"0.5 * reg * sum(W**2) whose gradient reg * {name} you added")
            for offset, sign, why in ((-reg * params[name], "minus", short), (reg * params[name], "plus", excess)):
                if same(analytic, numerical + offset):
                    fail(f"grads['{name}']{context} is the numerical gradient of your loss {sign} exactly "
                         f"reg * {name}: {why}.", names="pattern")
        break
    check_gradients([(f"grads['{name}']", analytic, numerical) for name, analytic, numerical in named],
                    tol=DEEP_GRAD_TOL, batch_size=X.shape[0], context=context)


@exercise("day04.TwoLayerNet")
def test_net_stays_exact_on_extreme_scores(day04):
    X, y, params = extreme_net_fixture()
    context = " for scores [1000, 0, -1000] in every row, each class correct once (y = [0, 1, 2], reg = 0)"
    expect_array("scores", net_loss(day04, params, X, None, 0.0), np.tile(EXTREME_LOGITS, (3, 1)), context=context)
    with np.errstate(all="ignore"):  # first look at the value, to say what went wrong with it
        loss, _ = loss_and_grads(net_loss(day04, params, X, y, 0.0), context)
    if np.ndim(loss) == 0 and np.isnan(float(loss)):
        fail(f"loss is nan{context}, though the scores are right: exp(1000) overflows to inf, and inf / inf or "
             f"inf - inf is nan. Subtract each row's max from the scores before exponentiating (your Day 3 "
             f"softmax_loss does).", names="cause")
    if np.ndim(loss) == 0 and np.isinf(float(loss)):
        fail(f"loss is {float(loss)}{context}, though the scores are right: an exp overflowed, or a probability "
             f"underflowed to 0 before its log. Take the log-softmax as shifted - log(sum(exp(shifted))), with "
             f"shifted = scores minus each row's max (your Day 3 softmax_loss does).", names="cause")
    # No np.errstate now: an overflow or a log(0) that did not spoil the value still raises at the learner's line.
    loss, grads = loss_and_grads(net_loss(day04, params, X, y, 0.0), context)
    expect_scalar("loss", loss, EXTREME_LOSS, atol=LOSS_ATOL,
                  context=context + ": the mean of -log softmax, (0 + 1000 + 2000) / 3")
    expect_net_grads(grads, EXTREME_GRADS, {}, context)


@exercise("day04.TwoLayerNet")
def test_net_initial_loss_is_log_num_classes(day04):
    gen = np.random.default_rng(5)
    X, y = gen.standard_normal((16, 20)), gen.integers(0, 7, 16)
    result = day04.probe(probes.fresh_net_loss, 20, 10, 7, 1e-3, 0.0, np.random.default_rng(6), X, y)
    loss, _ = loss_and_grads(result, " on a fresh network")
    expect_scalar("initial loss", loss, float(np.log(7)), atol=INITIAL_LOSS_ATOL,
                  context=" for a fresh network with weight_scale = 1e-3 and C = 7 classes: tiny weights give "
                          "near-uniform probabilities 1/C, so the loss should be close to ln(7)")


@exercise("day04.TwoLayerNet")
def test_net_leaves_inputs_and_params_alone(day04):
    X, y, params = net_fixture()
    after = day04.probe(probes.net_inputs_after_loss, params, X, y, 0.7)  # after net.loss(X, y) and net.loss(X)
    expect_unchanged("X", X, after["X"])
    expect_unchanged("y", y, after["y"])
    if not isinstance(after["params"], dict) or set(after["params"]) != set(PARAM_NAMES):
        fail(f"after net.loss(X, y) and net.loss(X), net.params is {describe_value(after['params'])}; it must stay the "
             f"dict W1, b1, W2, b2 it was, holding the same values (loss must not replace or modify the parameters).")
    for name in PARAM_NAMES:
        expect_unchanged(f"params['{name}']", params[name], after["params"][name])
