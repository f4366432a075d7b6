"""Checks for Day 4: numerical gradients, relative error, sparse gradient checks, TwoLayerNet.

The learner's checkers are graded against the suite's trusted one (tests/checks/gradcheck.py),
never against themselves; TwoLayerNet is graded with the trusted checker too. The functions
the checkers differentiate live in tests/probes/day04_gradcheck.py, so the learner's checker
(in the worker) and the trusted one (here) differentiate the very same function; anything
that needs a closure over x or a TwoLayerNet object is a probe of that module.
"""
import numpy as np
import pytest

from grader.judge import describe_value

from ..probes import day04_gradcheck as probes
from .expect import expect_array, expect_scalar, expect_unchanged, fail, shapes
from .gradcheck import (DEEP_GRAD_TOL, GRAD_TOL, H, LOSS_ATOL, check_gradients, numerical_gradient,
                        numerical_gradient_array, numerical_gradient_of)
from .gradcheck import rel_error as trusted_rel_error

exercise = pytest.mark.exercise

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


@pytest.fixture
def day04(impl):
    """The learner's day04_gradcheck module, run in the sandboxed worker."""
    return impl.module("day04_gradcheck")


def expect_restored(name, before, after, function):
    """``after`` equals ``before`` bit for bit; otherwise name the first entry that moved."""
    after = np.asarray(after)
    if after.shape == before.shape and np.array_equal(after, before):
        return
    idx = tuple(int(i) for i in np.argwhere(after != before)[0])
    moved = int(np.sum(after != before))
    fail(f"{function} changed {name}: at index {idx} it was {float(before[idx])!r} and is now {float(after[idx])!r} "
         f"({moved} of {before.size} entries moved). Save original = {name}[ix] before nudging and write exactly "
         f"that value back; adding and subtracting h does not always round-trip in floating point.")


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


@exercise("day04.eval_numerical_gradient")
def test_numerical_gradient_is_centred(day04):
    # For a quadratic, the centred difference is exact up to round-off: (x+h)^2 - (x-h)^2 = 4xh.
    # The one-sided (f(x + h) - f(x)) / h gives 2x + h instead.
    x = np.array([1.0, -2.0, 3.0])
    got = day04.eval_numerical_gradient(probes.sum_of_squares, x, h=1e-5)
    context = " for f(x) = sum(x**2) at x = [1, -2, 3], whose gradient is 2x = [2, -4, 6]"
    if got is not None and np.shape(got) == x.shape:
        got = np.asarray(got, dtype=float)
        for offset, formula in ((1e-5, "(f(x + h) - f(x)) / h"), (-1e-5, "(f(x) - f(x - h)) / h")):
            if np.allclose(got - 2 * x, offset, rtol=1e-3, atol=0):
                fail(f"grad is {got.tolist()}{context}: every entry is off by {offset:+g} = h, the O(h) error of the "
                     f"one-sided difference {formula}. Use the centred (f(x + h) - f(x - h)) / (2 * h), exact for a quadratic.")
    expect_array("grad", got, 2 * x, context=context)


@exercise("day04.eval_numerical_gradient")
@pytest.mark.parametrize("case", list(SCALAR_CASES))
def test_numerical_gradient_agrees_with_trusted(day04, case):
    x, f = scalar_case(case, 11)
    expected = numerical_gradient(f, x.copy())
    got = day04.eval_numerical_gradient(f, x)
    expect_array("grad", got, expected, context=f" for f = {case}, compared with a trusted centred difference (h = 1e-5)")


@exercise("day04.eval_numerical_gradient")
def test_numerical_gradient_uses_h(day04):
    x, f = scalar_case("sum(sin(x)) with x (2, 3, 4)", 12)
    expected = numerical_gradient(f, x.copy(), h=1e-3)
    expect_array("grad", day04.eval_numerical_gradient(f, x, h=1e-3), expected,
                 context=" for f = sum(sin(x)) with h = 1e-3 (use the h you are given)")


@exercise("day04.eval_numerical_gradient")
def test_numerical_gradient_nudges_x_in_place(day04):
    # The probe differentiates lambda _: cubic_with_cross_term(x), which ignores its argument and
    # reads x itself, like lambda _: model.loss(X, y)[0] with x = model.params["W1"].
    x = np.random.default_rng(13).standard_normal((3, 2))
    expected = numerical_gradient(probes.cubic_with_cross_term, x.copy())
    got = day04.probe(probes.gradient_reading_x, x)
    if got is not None and np.shape(got) == x.shape and not np.any(got):
        fail("grad is zero everywhere for a function that ignores its argument and reads x itself (as model.loss "
             "reads model.params). Nudge the entries of x in place, not of a copy, and restore them afterwards.")
    expect_array("grad", got, expected, context=" for a function that reads x itself, f = lambda _: sum(x**3) + x[0, 0] x[2, 1]")


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


def expect_backward(got, f, x, df, h, where, context):
    """``got`` is the trusted gradient of sum(f(x) * df); a gradient that ignores df is named as such.

    ``where`` (`` for f = x @ W ... and df (3, 2)``) names the case; ``context`` follows it in value messages."""
    expected = numerical_gradient_array(f, x.copy(), df, h=h)
    if got is not None and np.shape(got) == x.shape:
        unweighted = numerical_gradient_array(f, x.copy(), np.ones_like(df), h=h)
        try:
            ignores_df = not np.allclose(expected, unweighted) and np.allclose(np.asarray(got, dtype=float), unweighted)
        except (TypeError, ValueError):
            ignores_df = False
        if ignores_df:
            fail(f"grad{where} is the gradient of sum(f(x)), as if df were all ones: weight each output's change by "
                 f"the upstream gradient, np.sum((out_plus - out_minus) * df) / (2 * h).")
    expect_array("grad", got, expected, context=where + context)


@exercise("day04.eval_numerical_gradient_array")
@pytest.mark.parametrize("case", list(ARRAY_CASES))
def test_numerical_gradient_array_agrees_with_trusted(day04, case):
    x, f, df = array_case(case, 21)
    got = day04.eval_numerical_gradient_array(f, x, df)
    if "view" in case and got is not None and np.shape(got) == x.shape and not np.any(got):
        fail(f"grad is zero everywhere for f(x) = x.T, which returns a view of x: the output of f(x + h) changed "
             f"when x was nudged to x - h. Copy each output of f (np.array(f(x), dtype=float)) before changing x again.")
    expect_backward(got, f, x, df, H, where=f" for f = {case} and df {np.shape(df)}",
                    context=", compared with a trusted centred difference (h = 1e-5)")


@exercise("day04.eval_numerical_gradient_array")
def test_numerical_gradient_array_uses_h(day04):
    x, f, df = array_case("1.5 tanh(x) with x (2, 3, 2)", 22)
    expect_backward(day04.eval_numerical_gradient_array(f, x, df, h=1e-3), f, x, df, 1e-3,
                    where=" for f = 1.5 tanh(x) with h = 1e-3", context=" (use the h you are given)")


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
    # label: (a, b, expected, why)
    "two arrays": ([1.0, 2.0], [1.1, 2.0], 0.1 / 2.1, "|1 - 1.1| / (1 + 1.1) at the first entry"),
    "equal numbers": (3.0, 3.0, 0.0, "equal inputs"),
    "opposite signs": (1.0, -1.0, 1.0, "|1 - (-1)| / (|1| + |-1|); a relative error is never above 1"),
    "both zero": (np.zeros(3), np.zeros(3), 0.0, "the floor 1e-8 turns 0/0 into 0/1e-8"),
    "tiny numbers": (1e-9, 0.0, 0.1, "1e-9 / max(1e-8, 1e-9): the floor applies"),
    "one bad entry of four": ([[1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 2.0]], 1 / 3,
                              "the worst entry, 1/3; the mean would hide it as 1/12"),
    "3-D arrays": (np.full((2, 2, 2), 4.0), np.full((2, 2, 2), -2.0), 1.0, "6 / 6 at every entry"),
}


@exercise("day04.rel_error")
@pytest.mark.parametrize("case", list(REL_ERROR_CASES))
def test_rel_error_values(day04, case):
    a, b, expected, why = REL_ERROR_CASES[case]
    with np.errstate(all="ignore"):
        got = day04.rel_error(a, b)
    context = f" for a = {np.asarray(a).tolist()}, b = {np.asarray(b).tolist()} ({why})"
    if np.ndim(got) == 0 and np.isnan(float(got)):
        fail(f"rel_error(a, b) is nan{context}: that is 0/0. Divide by np.maximum(1e-8, |a| + |b|) so the error stays finite.")
    expect_scalar("rel_error(a, b)", got, expected, context=context)


@exercise("day04.rel_error")
def test_rel_error_is_symmetric_and_scale_free(day04, rng):
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    expected = trusted_rel_error(a, b)
    expect_scalar("rel_error(a, b)", day04.rel_error(a, b), expected, context=shapes(a=a, b=b))
    expect_scalar("rel_error(b, a)", day04.rel_error(b, a), expected, context=" (the error must not depend on the order)")
    expect_scalar("rel_error(1000 a, 1000 b)", day04.rel_error(1000 * a, 1000 * b), expected,
                  context=" (scaling both inputs must not change a relative error)")


# -- grad_check_sparse --------------------------------------------------------------------------------
def exp_problem(seed=31, shape=(2, 3, 2)):
    """f(x) = sum(exp(x)), whose gradient exp(x) is also its curvature: a one-sided difference is off by h/2 relative."""
    x = np.random.default_rng(seed).standard_normal(shape)
    return x, probes.sum_exp


def planted_gradient(x):
    """exp(x) made 5 %, 10 %, ..., 60 % too large, one percentage per entry, so each entry's error is distinct."""
    return np.exp(x) * (1 + 0.05 * np.arange(1, x.size + 1).reshape(x.shape))


def decode(errors, x):
    """The flat index of the coordinate behind each reported error, failing when one matches no coordinate."""
    possible = np.array([trusted_rel_error(np.exp(v), p) for v, p in zip(x.ravel(), planted_gradient(x).ravel())])
    found = []
    for k, error in enumerate(errors):
        gaps = np.abs(possible - float(error))
        if gaps.min() > SAME_ERROR:
            fail(f"check {k} reported a relative error of {float(error):.6g}, which is the error of no coordinate "
                 f"(they are {possible.min():.3g} to {possible.max():.3g} for the planted gradient); each entry must be "
                 f"rel_error(centred difference at ix, analytic_grad[ix]).")
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
    if not worst <= GRAD_TOL:
        note = (" An error near h/4 = 2.5e-06 is the mark of a one-sided difference; use (f(x + h) - f(x - h)) / (2h)."
                if 2e-6 < worst < 3e-6 else "")
        where = " (f reads x itself, so nudge x in place)" if reads_x else ""
        fail(f"with the exact gradient of sum(exp(x)){where}, grad_check_sparse reported errors up to {worst:.2e}; "
             f"centred differences agree to about 1e-10, so every error should be below {GRAD_TOL:.0e}.{note}")


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
        fail(f"20 checks on an x with 12 entries tested only {len(set(coordinates))} distinct coordinates; "
             f"draw a new coordinate from rng for every check.")
    if rng.random() == np.random.default_rng(9).random():
        fail("grad_check_sparse did not draw from the rng it was given; take every coordinate from rng.")
    again = sparse(day04, f, x, planted_gradient(x), 20, np.random.default_rng(9))
    expect_array("errors (second run, same seed)", np.array(again), np.array(errors), atol=0, rtol=0,
                 context="; with the same rng seed, the same coordinates must be checked")
    other = decode(sparse(day04, f, x, planted_gradient(x), 20, np.random.default_rng(10)), x)
    if other == coordinates:
        fail("two different rng seeds checked the same coordinates; draw them from rng.")


@exercise("day04.grad_check_sparse")
def test_sparse_restores_x(day04):
    x, f = exp_problem(shape=(3, 4))
    x *= 3.0
    before = x.copy()
    sparse(day04, f, x, np.exp(x), 12, np.random.default_rng(7))  # x as the learner left it is copied back here
    expect_restored("x", before, x, "grad_check_sparse")


# -- TwoLayerNet ------------------------------------------------------------------------------------
def hand_net_fixture():
    """One example worked out by hand (D = H = C = 2).

    X = [[1, -1]]: the hidden pre-activations are X W1 + b1 = [1, -1] + [0, 0.5] = [1, -0.5], so
    the ReLU gives [1, 0]; the scores are [1, 0] W2 + b2 = [2, 0] + [0, -3] = [2, -3].
    With y = [1]: loss = -log(e^-3 / (e^2 + e^-3)) = 5 + log(1 + e^-5) = 5.006715348489118.
    sum(W1**2) + sum(W2**2) = 2 + 29 = 31, so reg = 0.1 adds 1.55 (and would add 0.4625 more
    if the biases, sum b**2 = 9.25, were wrongly regularised).
    """
    params = {"W1": np.eye(2), "b1": np.array([0.0, 0.5]),
              "W2": np.array([[2.0, 0.0], [0.0, 5.0]]), "b2": np.array([0.0, -3.0])}
    return np.array([[1.0, -1.0]]), np.array([1]), params


def net_fixture():
    """Three seeded inputs of shape (2, 3) (so D = 6), H = 4, C = 3, labels y = [1, 1, 2], random params (biases too)."""
    gen = np.random.default_rng(404)
    X = gen.standard_normal((3, 2, 3))
    params = {"W1": gen.standard_normal((6, 4)), "b1": gen.standard_normal(4),
              "W2": gen.standard_normal((4, 3)), "b2": gen.standard_normal(3)}
    return X, gen.integers(0, 3, 3), params


HAND_LOSS = {0.0: 5.006715348489118, 0.1: 6.556715348489118}
NET_LOSS = {0.0: 1.7591111892537024, 0.7: 13.372683958054562}
PARAM_NAMES = probes.PARAM_NAMES


def suite_scores(X, params):
    """The suite's own forward pass, relu(X W1 + b1) W2 + b2, to grade the scores independently."""
    hidden = np.maximum(0.0, X.reshape(X.shape[0], -1) @ params["W1"] + params["b1"])
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
    params = new_net_params(day04, 5, 4, 3, 1e-2, 0.0, np.random.default_rng(2))
    gen = np.random.default_rng(2)
    context = " (draw W1 = weight_scale * rng.standard_normal((D, H)) first, then W2 with shape (H, C))"
    expect_array("params['W1']", params["W1"], 1e-2 * gen.standard_normal((5, 4)), context=context)
    expect_array("params['W2']", params["W2"], 1e-2 * gen.standard_normal((4, 3)), context=context)


@exercise("day04.TwoLayerNet")
def test_net_init_is_deterministic_given_rng(day04):
    first, second, other = (new_net_params(day04, 6, 5, 4, 1e-3, 0.0, np.random.default_rng(s)) for s in (3, 3, 4))
    for name in PARAM_NAMES:
        expect_array(f"params['{name}'] (second net, same seed)", second[name], first[name],
                     atol=0, rtol=0, context="; the same rng seed must give the same network")
    if np.array_equal(first["W1"], other["W1"]):
        fail("two different rng seeds gave the same W1; draw the weights from the rng argument.")


def expect_scores(day04, X, params, reg, where, note=""):
    """The scores of a net whose params were overwritten with ``params`` are relu(X W1 + b1) W2 + b2.

    When they are instead the scores of the weights the net was built with, the net kept its
    own copies in __init__ and never reads ``self.params`` again: that is named.
    """
    scores, expected = net_loss(day04, params, X, None, reg), suite_scores(X, params)
    try:
        wrong = np.shape(scores) == expected.shape and not np.allclose(np.asarray(scores, dtype=float), expected)
    except (TypeError, ValueError):
        wrong = False
    if wrong:
        D, H = params["W1"].shape  # the probe builds TwoLayerNet(D, H, C, 1.0, reg, default_rng(0)), then sets params
        built = day04.probe(probes.new_net_params, D, H, params["W2"].shape[1], 1.0, reg, np.random.default_rng(0))
        if isinstance(built["params"], dict) and set(built["params"]) == set(PARAM_NAMES) and \
                np.allclose(np.asarray(scores, dtype=float), suite_scores(X, built["params"])):
            fail(f"scores{where} are those of the weights the net was built with, not of the arrays written into "
                 f"net.params afterwards: loss must read self.params['W1'], ... on every call (a gradient check "
                 f"nudges them in place), not copies kept from __init__.")
    expect_array("scores", scores, expected, context=where + note)


@exercise("day04.TwoLayerNet")
def test_net_scores_when_y_is_none(day04):
    X, _, params = hand_net_fixture()
    expect_scores(day04, X, params, 0.1, " on the worked example",
                  note=" (hidden [1, 0]; the score -3 stays negative: no ReLU on the scores)")
    X, _, params = net_fixture()
    expect_scores(day04, X, params, 0.7, shapes(X=X, W1=params["W1"], W2=params["W2"]))


@exercise("day04.TwoLayerNet")
@pytest.mark.parametrize("reg", [0.0, 0.1])
def test_net_loss_hand_computed(day04, reg):
    X, y, params = hand_net_fixture()
    context = f" on the worked one-example fixture with reg = {reg}"
    loss, _ = loss_and_grads(net_loss(day04, params, X, y, reg), context)
    expect_scalar("loss", loss, HAND_LOSS[reg], atol=LOSS_ATOL, context=context)


@exercise("day04.TwoLayerNet")
@pytest.mark.parametrize("reg", [0.0, 0.7])
def test_net_loss_reference_value(day04, reg):
    X, y, params = net_fixture()
    context = shapes(X=X, W1=params["W1"], W2=params["W2"]) + f" with non-zero biases and reg = {reg}"
    loss, _ = loss_and_grads(net_loss(day04, params, X, y, reg), context)
    expect_scalar("loss", loss, NET_LOSS[reg], atol=LOSS_ATOL, context=context)


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
        named.append((f"grads['{name}']", grads[name], numerical))
    check_gradients(named, tol=DEEP_GRAD_TOL, batch_size=X.shape[0], context=context)


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
