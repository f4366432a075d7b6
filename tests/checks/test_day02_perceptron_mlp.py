"""Checks for Day 2: activations, the perceptron, MLP forward, collapse, XOR, ReLU interpolation.

``xor_network`` and ``relu_interpolant`` are evaluated here, in the judge, with the suite's own
forward pass (:func:`trusted_forward`), and ``collapse_linear`` is compared with it, so these
exercises do not depend on the learner's ``mlp_forward``. The callables handed to the learner's
code (activations, curves to interpolate) are NumPy functions or functions of
tests/probes/day02_perceptron_mlp.py, which the worker knows by name.

Where a check can tell from what came back which mistake was made (overflow at one end of the
range only, scores that equal the ReLU of the right ones, running totals of mistakes), it says
so with ``names="cause"``; every such sentence is guarded by the evidence it states.
"""
import math

import numpy as np
import pytest

from grader.judge import describe_frames
from grader.sandbox.client import LearnerRaised

from ..probes import day02_perceptron_mlp as probes
from .edges import KINK_X, LARGE_X
from .expect import expect_array, expect_scalar, expect_unchanged, fail, same, shapes

exercise = pytest.mark.exercise

#: What each function returns: a tuple of these values (unpacked by the judge, with a sentence if not).
RETURNS = {"perceptron_train": "(w, b, mistakes_per_epoch)", "collapse_linear": "(W, b)"}


# -- the suite's own pieces ----------------------------------------------------------------
def trusted_relu(z):
    return np.maximum(z, 0.0)


def identity(z):
    return z


def trusted_forward(X, layers, activation=trusted_relu):
    """The forward pass of an MLP: activation between layers, none after the last."""
    hidden = np.asarray(X, dtype=float)
    for k, (W, b) in enumerate(layers):
        hidden = hidden @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)
        if k < len(layers) - 1:
            hidden = activation(hidden)
    return hidden


#: What the learner's code raises, in the worker, when it overflows, divides by zero or makes a NaN
#: under ``np.errstate(..., "raise")`` (numpy), or warns (RuntimeWarning is an error there), or
#: overflows a Python float (math.exp).
FLOAT_TROUBLE = ("FloatingPointError", "RuntimeWarning", "OverflowError")


def strictly(fn, x):
    """``(fn(x), None)`` in the worker under ``np.errstate(raise)``, or ``(None, the learner's float error)``.

    Any other exception of the learner's code propagates (blamed on the call)."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # forwarded to the worker
        try:
            return fn(x), None
        except LearnerRaised as exc:
            if exc.type_name not in FLOAT_TROUBLE:
                raise
            return None, exc


def quietly(fn, *args):
    """Call learner code with floating-point warnings silenced (value checks, not stability checks)."""
    with np.errstate(all="ignore"):  # forwarded to the worker
        return fn(*args)


def trouble_text(exc) -> str:
    """``"overflow encountered in exp" (FloatingPointError), exercises/..., line 42, in sigmoid: `...` ``."""
    text = exc.text.strip().splitlines()[0] if exc.text.strip() else "no message"
    line = describe_frames(exc.frames)
    return f"\"{text}\" ({exc.type_name})" + (f", {line}" if line else "")


def check_layers(layers, name, first_in, last_out, *, min_layers=1):
    """``layers`` is a list of (W, b) pairs whose shapes chain from first_in to last_out."""
    try:
        pairs = [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in layers]
    except (TypeError, ValueError):
        fail(f"{name} must return a list of (W, b) pairs; it returned {type(layers).__name__}.")
    if len(pairs) < min_layers:
        fail(f"{name} returned {len(pairs)} layer(s); it needs at least {min_layers} "
             f"(a hidden layer and an output layer).")
    width = first_in
    for k, (W, b) in enumerate(pairs):
        if W.ndim != 2 or W.shape[0] != width:
            fail(f"layer {k} of {name} has W of shape {W.shape}; it should be ({width}, D_out), "
                 f"as W is used as x @ W + b.")
        if b.shape != (W.shape[1],):
            fail(f"layer {k} of {name} has b of shape {b.shape}; it should be ({W.shape[1]},), "
                 f"one bias per output unit.")
        width = W.shape[1]
    if width != last_out:
        fail(f"the last layer of {name} has {width} outputs; it should have {last_out}.")
    return pairs


# -- activations -----------------------------------------------------------------------------
LOG3, LOG2 = math.log(3.0), math.log(2.0)
SIGMOID_POINTS = np.array([0.0, LOG3, -LOG3, 2.0, 30.0, -30.0, 1000.0, -1000.0])
# sigma(ln 3) = 3 / 4 exactly; sigma(-30) = 1 / (1 + e^30); sigma(-1000) underflows to 0.
SIGMOID_VALUES = np.array([0.5, 0.75, 0.25, 0.8807970779778823, 1.0 - 9.357622968839299e-14,
                           9.357622968839299e-14, 1.0, 0.0])
SIGMOID_TEXT = "x = [0, ln 3, -ln 3, 2, 30, -30, 1000, -1000]"
TANH_POINTS = np.array([0.0, LOG2, -LOG2, 0.5, -3.0, 20.0, 1000.0, -1000.0])
# tanh(ln 2) = (4 - 1) / (4 + 1) = 0.6 exactly; tanh(20) is 1 to double precision.
TANH_VALUES = np.array([0.0, 0.6, -0.6, 0.46211715726000974, -0.9950547536867305, 1.0, 1.0, -1.0])
TANH_TEXT = "x = [0, ln 2, -ln 2, 0.5, -3, 20, 1000, -1000]"
GRID_TEXT = "from -1000 to 1000"
#: Small integers: an output built with x's integer dtype truncates every sigmoid and tanh value.
INT_X = np.array([-3, -1, 0, 2, 5])

SIGMOID_FIX = ("exponentiate only -|x|, which never exceeds 0: with z = np.exp(-np.abs(x)), "
               "np.where(x >= 0, 1 / (1 + z), z / (1 + z)).")
TANH_FIX = ("exponentiate only -2|x|, which never exceeds 0: with t = np.exp(-2 * np.abs(x)), "
            "tanh(x) = np.sign(x) * (1 - t) / (1 + t).")


def recognise_mirror(name, out, points, expected, point_text, fix_negative, fix_everywhere):
    """Fail naming the pattern when ``out`` is the mirror image of the right values on the moderate inputs:
    everywhere (a flipped sign) or only for x < 0 (the form for negative x is wrong)."""
    moderate = (np.abs(points) <= 30) & (points != 0)
    negative, positive = moderate & (points < 0), moderate & (points > 0)
    try:
        got = np.asarray(out, dtype=float)
    except (TypeError, ValueError):
        return
    if got.shape != points.shape:
        return
    mirror = 1.0 - expected if name == "sigmoid" else -expected

    def close(mask, target):
        return bool(np.allclose(got[mask], target[mask], rtol=1e-7, atol=1e-10))

    example = int(np.flatnonzero(negative)[0])
    shown = f"{name}({points[example]:.4g}) is {got[example]:.4g} instead of {expected[example]:.4g}"
    if close(positive, mirror) and close(negative, mirror):
        fail(f"your {name} computes {name}(-x) = {'1 - sigmoid(x)' if name == 'sigmoid' else '-tanh(x)'} at "
             f"{point_text} ({shown}), so it falls as x grows: {fix_everywhere}", names="pattern")
    if close(positive, expected) and close(negative, mirror):
        fail(f"{name}(x) is right for x > 0 but has the mirror value for x < 0 ({shown}): {fix_negative}",
             names="pattern")


def expect_float_output(name, fn):
    """``fn`` of an integer array returns floats, not values truncated to x's integer dtype."""
    out = quietly(fn, INT_X.copy())
    dtype = np.asarray(out).dtype
    if dtype.kind in "iub":
        bounds = "0 and 1" if name == "sigmoid" else "-1 and 1"
        fail(f"{name} of the integer array x = {INT_X.tolist()} returned {dtype} values "
             f"{np.asarray(out).tolist()}: its values, strictly between {bounds}, were truncated to integers, as "
             f"happens when the output array takes x's dtype (np.zeros_like(x), np.empty_like(x)) or is written "
             f"into x. Convert first: x = np.asarray(x, dtype=float).", names="cause")
    return out


def ends_quietly(fn):
    """``fn`` at x = 1000 and x = -1000 with warnings silenced; NaN where it raised a floating-point error."""
    values = []
    for x in (1000.0, -1000.0):
        try:
            out = np.asarray(quietly(fn, np.array([x])), dtype=float).reshape(-1)
        except LearnerRaised as exc:  # math.exp raises OverflowError even with warnings silenced
            if exc.type_name not in FLOAT_TROUBLE:
                raise
            out = np.array([np.nan])
        values.append(out[0] if out.shape == (1,) else np.nan)
    return values


def explain_trouble(name, fn, first, right_at_pos, right_at_neg):
    """Fail with the sentence that fits where ``fn`` hits floating-point trouble (x = +1000, -1000, or both),
    given what it returns there; ``first`` is the trouble seen on the whole grid."""
    _, at_pos = strictly(fn, np.array([1000.0]))
    _, at_neg = strictly(fn, np.array([-1000.0]))
    at_1000, at_minus_1000 = ends_quietly(fn)
    pos_ok = bool(np.isclose(at_1000, right_at_pos, atol=1e-12))
    neg_ok = bool(np.isclose(at_minus_1000, right_at_neg, atol=1e-12))
    pos_nan, neg_nan = bool(np.isnan(at_1000)), bool(np.isnan(at_minus_1000))
    reported = trouble_text(at_pos or at_neg or first)
    fix = SIGMOID_FIX if name == "sigmoid" else TANH_FIX
    if at_pos and at_neg and pos_ok and neg_ok:
        where = ("np.where(x >= 0, 1 / (1 + exp(-x)), exp(x) / (1 + exp(x)))" if name == "sigmoid"
                 else "np.where(x >= 0, (1 - e^(-2x)) / (1 + e^(-2x)), (e^(2x) - 1) / (e^(2x) + 1))")
        fail(f"{name} overflows both at x = 1000 and at x = -1000, although the values it returns there are right: "
             f"a form meant for one sign of x is also computed for the other ({reported}). "
             f"This happens with {where}, for example: np.where evaluates both branches on the whole array before "
             f"it picks, "
             f"so it does not protect the branch it discards. Mask the input before exponentiating, or "
             f"{fix}", names="cause")
    if name == "sigmoid":
        if at_neg and not at_pos and neg_ok and pos_ok:
            fail(f"sigmoid overflows at x = -1000 but not at x = 1000 ({reported}): exp(-x) is exp(1000) = inf "
                 f"there, and although 1 / (1 + inf) = 0 is the right value, NumPy warns (in training, usually a "
                 f"NaN a few steps later). {fix[0].upper() + fix[1:]}", names="cause")
        if at_pos and not at_neg and pos_nan and neg_ok:
            fail(f"sigmoid returns nan at x = 1000 but not at x = -1000 ({reported}): exp(x) / (1 + exp(x)) is "
                 f"inf / inf there, a form that is safe only for x < 0. {fix[0].upper() + fix[1:]}", names="cause")
    else:
        if at_pos and at_neg and pos_nan and neg_nan:
            fail(f"tanh returns nan both at x = 1000 and at x = -1000 ({reported}): (e^x - e^-x) / (e^x + e^-x) is "
                 f"inf / inf at both ends. {fix[0].upper() + fix[1:]}", names="cause")
        if at_neg and not at_pos and neg_nan and pos_ok:
            fail(f"tanh returns nan at x = -1000 but not at x = 1000 ({reported}): a form safe only for x >= 0, "
                 f"such as (1 - e^(-2x)) / (1 + e^(-2x)), meets e^2000 = inf there, and -inf / inf = nan. tanh is "
                 f"odd, so apply that form to |x| and put the sign back: {fix}", names="cause")
        if at_pos and not at_neg and pos_nan and neg_ok:
            fail(f"tanh returns nan at x = 1000 but not at x = -1000 ({reported}): a form safe only for x <= 0, "
                 f"such as (e^(2x) - 1) / (e^(2x) + 1), meets e^2000 = inf there, and inf / inf = nan. tanh is "
                 f"odd, so apply the safe form to |x| and put the sign back: {fix}", names="cause")
        if at_neg and not at_pos and neg_ok and pos_ok:
            fail(f"tanh overflows at x = -1000 but not at x = 1000 ({reported}), though it returns the right -1 "
                 f"there: an exponential of -x or -2x reaches inf for negative x (in 2 / (1 + e^(-2x)) - 1, "
                 f"2 / inf - 1 = -1 hides it), and NumPy warns. {fix[0].upper() + fix[1:]}", names="cause")
    sides = " and ".join(s for s, hit in (("x = 1000", at_pos), ("x = -1000", at_neg)) if hit) or "some x"
    fail(f"{name} hits a floating-point problem at {sides} ({reported}); it must neither overflow nor warn for "
         f"any |x| <= 1000. {fix[0].upper() + fix[1:]}")


@exercise("day02.sigmoid")
def test_sigmoid_values(day02):
    out = quietly(day02.sigmoid, SIGMOID_POINTS.copy())
    recognise_mirror("sigmoid", out, SIGMOID_POINTS, SIGMOID_VALUES, SIGMOID_TEXT,
                     "for x < 0 sigmoid(x) must be below 1/2: with z = np.exp(-np.abs(x)), "
                     "it is z / (1 + z) there.",
                     "sigmoid(x) = 1 / (1 + exp(-x)) grows with x and is above 1/2 for x > 0. Check the sign in the "
                     "exponent, and which form goes with which sign of x.")
    expect_array("sigmoid(x)", out, SIGMOID_VALUES, context=f" at {SIGMOID_TEXT}")


@exercise("day02.sigmoid")
def test_sigmoid_is_stable_for_large_inputs(day02):
    out, trouble = strictly(day02.sigmoid, LARGE_X.copy())
    if trouble is not None:
        explain_trouble("sigmoid", day02.sigmoid, trouble, 1.0, 0.0)
    expect_array("sigmoid(x)", out, 0.5 * (1.0 + np.tanh(LARGE_X / 2)), atol=1e-12, context=f" on x {GRID_TEXT}")
    if np.any(np.diff(np.asarray(out)) < 0):
        fail("sigmoid must never decrease, but yours does somewhere between -1000 and 1000.")


@exercise("day02.sigmoid")
@pytest.mark.parametrize("shape", [(), (5,), (2, 3, 4)], ids=["scalar", "1d", "3d"])
def test_sigmoid_any_shape_and_pure(day02, shape, rng):
    x = np.asarray(rng.standard_normal(shape) * 4)  # an ndarray even for shape (), not a float
    before = x.copy()
    out = quietly(day02.sigmoid, x)
    expect_unchanged("x", before, x)
    expect_array("sigmoid(x)", out, 0.5 * (1.0 + np.tanh(before / 2)), context=f" for x of shape {shape}")


@exercise("day02.sigmoid")
def test_sigmoid_of_integers(day02):
    out = expect_float_output("sigmoid", day02.sigmoid)
    expect_array("sigmoid(x)", out, 0.5 * (1.0 + np.tanh(INT_X / 2)),
                 context=f" for the integer array x = {INT_X.tolist()}")


@exercise("day02.tanh")
def test_tanh_values(day02):
    out = quietly(day02.tanh, TANH_POINTS.copy())
    recognise_mirror("tanh", out, TANH_POINTS, TANH_VALUES, TANH_TEXT,
                     "tanh is odd, tanh(-x) = -tanh(x): compute the magnitude from |x| and give it the sign of x "
                     "(np.sign(x) * ...).",
                     "tanh(x) has the sign of x. Check the sign in the exponent, and which form goes with which "
                     "sign of x.")
    expect_array("tanh(x)", out, TANH_VALUES, context=f" at {TANH_TEXT}")


@exercise("day02.tanh")
def test_tanh_is_stable_and_odd(day02):
    out, trouble = strictly(day02.tanh, LARGE_X.copy())
    if trouble is not None:
        explain_trouble("tanh", day02.tanh, trouble, 1.0, -1.0)
    expect_array("tanh(x)", out, np.tanh(LARGE_X), atol=1e-12, context=f" on x {GRID_TEXT}")
    out = np.asarray(out)
    expect_array("tanh(-x) + tanh(x)", out[::-1] + out, np.zeros_like(out), atol=1e-12,
                 context=" (tanh is odd: tanh(-x) = -tanh(x))")


@exercise("day02.tanh")
@pytest.mark.parametrize("shape", [(), (5,), (2, 3, 4)], ids=["scalar", "1d", "3d"])
def test_tanh_any_shape_and_pure(day02, shape, rng):
    x = np.asarray(rng.standard_normal(shape) * 2)  # an ndarray even for shape (), not a float
    before = x.copy()
    out = quietly(day02.tanh, x)
    expect_unchanged("x", before, x)
    expect_array("tanh(x)", out, np.tanh(before), context=f" for x of shape {shape}")


@exercise("day02.tanh")
def test_tanh_of_integers(day02):
    out = expect_float_output("tanh", day02.tanh)
    expect_array("tanh(x)", out, np.tanh(INT_X), context=f" for the integer array x = {INT_X.tolist()}")


def recognise_relu(x, out, where):
    """Fail naming the cause when relu's output is a reduction (np.max) or a 0/1 step instead of max(0, x)."""
    try:
        got = np.asarray(out, dtype=float)
    except (TypeError, ValueError):
        return
    if got.shape != x.shape and (same(got, np.max(x, axis=0)) or same(got, np.max(x))):
        fail(f"relu returned shape {got.shape} for x of shape {x.shape}{where}: the largest entries of x, as "
             f"np.max(x, 0) computes (a reduction along axis 0). The elementwise max(0, x) is np.maximum(x, 0), "
             f"which keeps x's shape.", names="cause")
    for step in ((x > 0), (x >= 0)):
        if same(got, step.astype(float)) and not same(got, np.maximum(x, 0.0)):
            fail(f"relu returned the 0/1 step {got.tolist()}{where} instead of max(0, x): keep the positive values "
                 f"themselves, np.maximum(x, 0).", names="cause")


@exercise("day02.relu")
def test_relu_values(day02):
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0, -1e300, 1e300])
    where = " at x = [-2, -0.5, 0, 0.5, 3, -1e300, 1e300]"
    out = day02.relu(x.copy())
    recognise_relu(x, out, where)
    expect_array("relu(x)", out, np.array([0.0, 0.0, 0.0, 0.5, 3.0, 0.0, 1e300]), context=where)


@exercise("day02.relu")
def test_relu_at_the_kink(day02):
    where = f" at x = {KINK_X.tolist()} (exact zeros beside negatives and positives)"
    out = day02.relu(KINK_X.copy())
    recognise_relu(KINK_X, out, where)
    expect_array("relu(x)", out, np.maximum(KINK_X, 0.0), context=where)


@exercise("day02.relu")
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4)], ids=["1d", "2d", "3d"])
def test_relu_any_shape_and_pure(day02, shape, rng):
    x = rng.standard_normal(shape)
    before = x.copy()
    out = day02.relu(x)
    expect_unchanged("x", before, x)
    expect_array("relu(x)", out, np.maximum(before, 0.0), context=f" for x of shape {shape}")


# -- the perceptron ----------------------------------------------------------------------------
def hand_perceptron():
    """Three examples, learning rate 0.5, traced by hand (w, b start at 0).

    Epoch 1: x0 = (-2, 2), y = -1: score 0 is a mistake, w = (1, -1), b = -0.5.
             x1 = (1, 1), y = +1: score -0.5, mistake, w = (1.5, -0.5), b = 0.
             x2 = (-1, 0), y = +1: score -1.5, mistake, w = (1, -0.5), b = 0.5.  Mistakes [3].
    Epoch 2: scores -2.5, 1, -0.5: only x2 is wrong, w = (0.5, -0.5), b = 1.
    Epoch 3: scores -1, 1, 0.5: no mistake.  So w = (0.5, -0.5), b = 1, mistakes [3, 1, 0].
    Epochs 4 and 5 change nothing: mistakes [3, 1, 0, 0, 0].
    """
    return np.array([[-2.0, 2.0], [1.0, 1.0], [-1.0, 0.0]]), np.array([-1, 1, 1])


def separable_set(seed=2, N=40, D=3, margin=0.3):
    """Points at least ``margin`` away from a random hyperplane, labelled by its side."""
    gen = np.random.default_rng(seed)
    w_true, b_true = gen.standard_normal(D), 0.5
    w_true /= np.linalg.norm(w_true)
    X = gen.uniform(-2, 2, (4 * N, D))
    distance = X @ w_true + b_true
    keep = np.abs(distance) > margin
    X = X[keep][:N]
    return X, np.where(distance[keep][:N] > 0, 1, -1)


XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TRUTH = np.array([0, 1, 1, 0])


def simulate(X, y, epochs, learning_rate, *, sign=1.0, bias_step=None):
    """The suite's own perceptron, ``(w, b, mistakes_per_epoch)``; ``sign`` and ``bias_step`` (how far b moves
    per mistake, ``learning_rate`` when None) give the known wrong variants. Judge-side evidence, never a verdict."""
    bias_step = learning_rate if bias_step is None else bias_step
    w, b, counts = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            if y_i * (x_i @ w + b) <= 0:
                w, b, count = w + sign * learning_rate * y_i * x_i, b + sign * bias_step * y_i, count + 1
        counts.append(count)
    return w, b, counts


def matches(result, simulated) -> bool:
    (w, b, mistakes), (w_s, b_s, m_s) = result, simulated
    return same(w, w_s) and abs(b - b_s) < 1e-9 and same(mistakes, m_s)


def train(day02, X, y, epochs, learning_rate):
    w, b, mistakes = day02.perceptron_train(X, y, epochs, learning_rate)  # a tuple of 3, or a sentence
    if np.ndim(b) != 0:
        fail(f"b must be a single number, but has shape {np.shape(b)}; the perceptron has one bias.")
    w, b, mistakes = np.asarray(w, dtype=float), float(b), np.asarray(mistakes)
    if mistakes.shape != (epochs,):
        length = mistakes.size if mistakes.ndim == 1 else None
        right = simulate(X, y, epochs, learning_rate)[2]
        first_zero = right.index(0) if 0 in right else None
        # Stopping at the first epoch without a mistake gives the right counts up to it (with or without
        # its 0); a list only one entry short is as likely a loop over range(epochs - 1), so it is not named.
        if length is not None and first_zero is not None and length < epochs - 1 and \
                length in (first_zero, first_zero + 1) and np.array_equal(mistakes, right[:length]):
            fail(f"mistakes_per_epoch is {mistakes.tolist()} for epochs = {epochs}: training stopped once an epoch "
                 f"had no mistake. Run every epoch (nothing changes any more) and record 0 for each: one entry per "
                 f"epoch, {epochs} in all, here {right}.", names="cause")
        if length is not None and len(X) > 1 and length == epochs * len(X):
            fail(f"mistakes_per_epoch has {length} entries for epochs = {epochs} and {len(X)} examples, one per "
                 f"example visited: append the count once per epoch, after the loop over the examples.",
                 names="pattern")
        if length in (epochs - 1, epochs + 1):
            fail(f"mistakes_per_epoch has {length} entries for epochs = {epochs}, one too "
                 f"{'few' if length < epochs else 'many'}: run exactly `epochs` passes (for _ in range(epochs)) and "
                 f"append one count after each.", names="pattern")
        fail(f"mistakes_per_epoch has shape {mistakes.shape} for epochs = {epochs}; it needs one entry per epoch, "
             f"{epochs} in all.")
    return w, b, mistakes


@exercise("day02.perceptron_train")
def test_perceptron_hand_trace(day02):
    X, y = hand_perceptron()
    for epochs, w_hand, b_hand, mistakes_hand in ((1, [1.0, -0.5], 0.5, [3.0]),
                                                  (5, [0.5, -0.5], 1.0, [3.0, 1.0, 0.0, 0.0, 0.0])):
        w, b, mistakes = train(day02, X, y, epochs, 0.5)
        context = (f" after {epochs} epoch{'s' if epochs > 1 else ''} on the three-example fixture with learning "
                   f"rate 0.5 "
                   f"(traced by hand in the suite)")
        if epochs > 1 and np.array_equal(mistakes.astype(float), np.cumsum(mistakes_hand)):
            fail(f"mistakes_per_epoch is {mistakes.tolist()}, the running total of the expected "
                 f"{[int(m) for m in mistakes_hand]}{context}; count each epoch's mistakes on their own "
                 f"(set the count to 0 at the start of every epoch).", names="cause")
        expect_array("mistakes_per_epoch", mistakes.astype(float), np.array(mistakes_hand), context=context)
        expect_array("w", w, np.array(w_hand), context=context)
        if b == 0.0 and b_hand != 0.0 and np.any(mistakes > 0):
            fail(f"b is still 0 although {int(mistakes.sum())} mistakes were made{context}: each mistake must also "
                 f"update the bias, b = b + learning_rate * y[i].", names="cause")
        for step in sorted({1.0, X.shape[1] * 0.5}):
            if abs(b - b_hand) > 1e-9 and matches((w, b, mistakes), simulate(X, y, epochs, 0.5, bias_step=step)):
                fail(f"b is {b:g} but should be {b_hand:g}{context}: each mistake moves your b by {step:g} instead "
                     f"of learning_rate = 0.5. Update it once per mistake (not once per feature), with the learning "
                     f"rate: b = b + learning_rate * y[i].", names="pattern")
        expect_scalar("b", b, b_hand, context=context)


@exercise("day02.perceptron_train")
def test_perceptron_moves_away_from_a_negative_example(day02):
    # One example labelled -1 and w = 0: score 0 is a mistake, so w = -x, b = -1; then its score is
    # -1 - 4 - 1 = -6, on the right side, and epoch 2 makes no update.
    w, b, mistakes = train(day02, np.array([[1.0, 2.0]]), np.array([-1]), 2, 1.0)
    context = " after 2 epochs on the single example x = (1, 2) with label -1 and learning rate 1"
    if not np.any(w) and b == 0.0:
        if not np.any(mistakes):
            fail(f"w and b never moved and no mistake was counted{context}: at w = 0, b = 0 the score is exactly 0, "
                 f"on the boundary, which must count as a mistake whatever the label (y * score <= 0), "
                 f"so the first epoch updates w to -x and b to -1.", names="cause")
        # Does a positive example move them? Then the update vanishes for y = -1 only.
        w_pos, b_pos, _ = train(day02, np.array([[1.0, -2.0]]), np.array([1]), 2, 1.0)
        if np.any(w_pos) or b_pos != 0.0:
            fail(f"a mistake was counted (mistakes_per_epoch {mistakes.tolist()}) but w and b did not move{context}, "
                 f"while an example labelled +1 does move them: for y = -1 the update lr * y * x must be -x, but "
                 f"yours is 0, as with 0/1 labels. Use the labels -1 and +1 as they are.", names="cause")
        fail(f"mistakes were counted (mistakes_per_epoch {mistakes.tolist()}) but the returned w and b are still 0"
             f"{context}, and for an example labelled +1 too: update w and b on every mistake and return the "
             f"updated ones.", names="pattern")
    if matches((w, b, mistakes), simulate(np.array([[1.0, 2.0]]), np.array([-1]), 2, 1.0, sign=-1.0)):
        fail(f"w is {w.tolist()} and b is {b:g}{context}: each update moved them towards the example instead of "
             f"away from it; on a mistake, w = w + learning_rate * y[i] * X[i] and b = b + learning_rate * y[i], "
             f"with y[i] = -1 here.", names="pattern")
    expect_array("w", w, np.array([-1.0, -2.0]), context=context)
    expect_scalar("b", b, -1.0, context=context)
    expect_array("mistakes_per_epoch", mistakes.astype(float), np.array([1.0, 0.0]), context=context)


def order_fixture():
    """Four examples where visiting them in order matters (learning rate 1, traced by hand).

    Epoch 1: x0 = (1, 0), y = +1: score 0, mistake, w = (1, 0), b = 1.
             x1 = (2, 1), y = +1: score 3, right.
             x2 = (0, 2), y = -1: score 1, mistake, w = (1, -2), b = 0.
             x3 = (-1, -1), y = -1: score 1, mistake, w = (2, -1), b = -1.  Mistakes [3].
    Epoch 2: scores 1, 2, -3, -2: no mistake.  So w = (2, -1), b = -1, mistakes [3, 0].
    An update from all of an epoch's mistakes at once (every score is 0 at the start) would give
    w = (4, 0), b = 0 and 4 mistakes in epoch 1 instead.
    """
    return np.array([[1.0, 0.0], [2.0, 1.0], [0.0, 2.0], [-1.0, -1.0]]), np.array([1, 1, -1, -1])


def batch_perceptron(X, y, epochs, learning_rate):
    """The perceptron with one update per epoch from all its mistakes (judge-side evidence of that mistake)."""
    w, b, counts = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        wrong = y * (X @ w + b) <= 0
        w = w + learning_rate * (y[wrong, None] * X[wrong]).sum(axis=0)
        b = b + learning_rate * float(y[wrong].sum())
        counts.append(int(wrong.sum()))
    return w, b, counts


@exercise("day02.perceptron_train")
def test_perceptron_visits_examples_in_order(day02):
    X, y = order_fixture()
    w, b, mistakes = train(day02, X, y, 2, 1.0)
    context = " after 2 epochs on the four-example order fixture with learning rate 1 (traced by hand in the suite)"
    w_batch, b_batch, m_batch = batch_perceptron(X, y, 2, 1.0)
    if same(w, w_batch) and b == b_batch and same(mistakes, m_batch):
        fail(f"w = {w.tolist()}, b = {b:g} and mistakes_per_epoch = {mistakes.tolist()}{context}: that is one update "
             f"per epoch from all its mistakes together, scored with the weights of the start of the epoch. The "
             f"perceptron updates after each example, in order, so the next example is scored with the new w and b "
             f"(expected w = [2, -1], b = -1, mistakes [3, 0]).", names="cause")
    expect_array("mistakes_per_epoch", mistakes.astype(float), np.array([3.0, 0.0]), context=context)
    expect_array("w", w, np.array([2.0, -1.0]), context=context)
    expect_scalar("b", b, -1.0, context=context)


@exercise("day02.perceptron_train")
def test_perceptron_separates_separable_data(day02):
    X, y = separable_set()
    w, b, mistakes = train(day02, X, y, 60, 1.0)
    if mistakes[-1] != 0:
        fail(f"on linearly separable data (margin 0.3, {shapes(X=X)[5:]}) the perceptron should reach an epoch "
             f"without mistakes within 60 epochs; yours made {mistakes.tolist()[-5:]} in the last five.")
    wrong = np.flatnonzero(y * (X @ w + b) <= 0)
    if wrong.size:
        fail(f"the returned w and b misclassify {wrong.size} of {len(y)} training examples (first: index {wrong[0]}) "
             f"although the last epoch reported no mistake; return the weights you ended with.")


@exercise("day02.perceptron_train")
def test_perceptron_cannot_fit_xor(day02):
    y = np.where(XOR_TRUTH == 1, 1, -1)
    w, b, mistakes = train(day02, XOR_INPUTS, y, 30, 1.0)
    if np.any(mistakes == 0):
        where = (f"on XOR (labels [-1, +1, +1, -1] on the corners of the unit square) an epoch reported 0 mistakes "
                 f"(mistakes_per_epoch starts {mistakes.tolist()[:6]})")
        if not np.any(w) and b == 0.0:
            fail(f"{where}, and w and b are still 0: every score is exactly 0, on the boundary, and a score of 0 "
                 f"must count as a mistake (y * score <= 0).", names="cause")
        fail(f"{where}; no line separates XOR, so every epoch must make a mistake.")


@exercise("day02.perceptron_train")
def test_perceptron_scales_with_learning_rate(day02):
    # From w = 0, every update is lr times the one with lr = 1: the same mistakes, w and b scaled.
    X, y = separable_set(seed=5, N=15, D=2)
    w1, b1, m1 = train(day02, X, y, 10, 1.0)
    w2, b2, m2 = train(day02, X, y, 10, 0.1)
    context = " with learning rate 0.1 (expected: 0.1 times the result with learning rate 1, as w starts at 0)"
    if np.any(w1) and same(w2, w1) and abs(b2 - b1) < 1e-12:
        fail(f"w and b come out the same with learning rate 0.1 as with 1 (w = {np.round(w2, 4).tolist()}): "
             f"learning_rate is ignored; each update is learning_rate * y[i] * X[i] (and learning_rate * y[i] "
             f"for b).", names="cause")
    expect_array("mistakes_per_epoch", m2.astype(float), m1.astype(float), context=context)
    expect_array("w", w2, 0.1 * w1, context=context)
    expect_scalar("b", b2, 0.1 * b1, atol=1e-12, context=context)


@exercise("day02.perceptron_train")
def test_perceptron_is_pure_and_deterministic(day02):
    X, y = separable_set(seed=3, N=12, D=2)
    X_before, y_before = X.copy(), y.copy()
    first = train(day02, X, y, 5, 0.5)
    expect_unchanged("X", X_before, X)
    expect_unchanged("y", y_before, y)
    second = train(day02, X, y, 5, 0.5)
    expect_array("w (second call)", second[0], first[0], atol=0,
                 context="; two calls with the same data must give the same result")


# -- MLP forward -----------------------------------------------------------------------------------
def hand_mlp():
    """A 2 -> 3 -> 2 ReLU network worked out by hand; hidden unit 2 of row 1 sits exactly at ReLU's kink.

    Hidden pre-activations: row 0 [-1, -1, 0.5], row 1 [2, -1, 0]; after ReLU [0, 0, 0.5] and [2, 0, 0].
    Scores: 0.5 [-2, 1] + [0.5, -1] = [-0.5, -0.5];  2 [1, -1] + [0.5, -1] = [2.5, -3].
    """
    X = np.array([[1.0, -1.0], [2.0, 0.0]])
    W1 = np.array([[1.0, -1.0, 0.5], [2.0, 1.0, -1.0]])
    b1 = np.array([0.0, 1.0, -1.0])
    W2 = np.array([[1.0, -1.0], [3.0, 2.0], [-2.0, 1.0]])
    b2 = np.array([0.5, -1.0])
    return X, [(W1, b1), (W2, b2)], np.array([[-0.5, -0.5], [2.5, -3.0]])


def random_layers(gen, sizes):
    return [(gen.standard_normal((m, n)), gen.standard_normal(n)) for m, n in zip(sizes[:-1], sizes[1:])]


#: Activations handed to the learner's mlp_forward (the worker knows each by name) and their judge-side twins.
ACTIVATIONS = {"relu": (probes.relu, trusted_relu), "tanh": (np.tanh, np.tanh), "square": (np.square, np.square)}


def recognise_mlp(out, X, layers, name, activation, where):
    """Fail naming the cause when the scores equal a known wrong arrangement of the same layers."""
    expected = trusted_forward(X, layers, activation)

    def before_affine():
        hidden = np.asarray(X, dtype=float)
        for W, b in layers:
            hidden = activation(hidden) @ W + b
        return hidden

    variants = [
        (activation(expected), f"{name} applied to the scores of the last layer too; the scores must stay as the last "
                               f"layer computes them (free to be negative): no activation after the last layer"),
        (trusted_forward(X, layers, identity), "no activation between the layers at all (one linear map); apply "
                                               "the activation after every layer but the last"),
        (before_affine(), f"{name} applied to each layer's input (X included) instead of its output; "
                          f"hidden = activation(hidden @ W + b), starting from the raw X"),
    ]
    if name != "relu":
        variants.append((trusted_forward(X, layers, trusted_relu),
                         f"ReLU between the layers, although the activation passed in is {name}: call the function "
                         f"given as `activation` instead of a ReLU of your own"))
    for scores, what in variants:
        if not same(scores, expected) and same(out, scores):
            fail(f"the scores{where} equal those of the same layers with {what}.", names="cause")


@exercise("day02.mlp_forward")
def test_mlp_forward_hand_values(day02):
    X, layers, expected = hand_mlp()
    where = " of the hand-worked 2 -> 3 -> 2 ReLU network"
    out = day02.mlp_forward(X, layers, probes.relu)
    recognise_mlp(out, X, layers, "relu", trusted_relu, where)
    expect_array("scores", out, expected, context=where)


@exercise("day02.mlp_forward")
def test_mlp_forward_single_layer_is_linear(day02, rng):
    X = rng.standard_normal((6, 4))
    W, b = rng.standard_normal((4, 3)), rng.standard_normal(3)
    expected = X @ W + b  # before the call, so an in-place change is reported by its own check, not here
    where = " of a network with a single layer"
    out = day02.mlp_forward(X, [(W, b)], probes.relu)
    recognise_mlp(out, X, [(W.copy(), b.copy())], "relu", trusted_relu, where)
    expect_array("scores", out, expected, context=where + ", which is just X @ W + b")


@exercise("day02.mlp_forward")
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_mlp_forward_deep_non_square(day02, name):
    gen = np.random.default_rng(22)
    X = gen.standard_normal((5, 4))
    layers = random_layers(gen, [4, 6, 3, 7, 2])
    sent, trusted = ACTIVATIONS[name]
    copies = [(W.copy(), b.copy()) for W, b in layers]  # before the call, which could change the layers in place
    expected = trusted_forward(X, copies, trusted)
    where = f" of a 4 -> 6 -> 3 -> 7 -> 2 network with activation {name}"
    out = day02.mlp_forward(X, layers, sent)
    recognise_mlp(out, X, copies, name, trusted, where)
    expect_array("scores", out, expected, context=where + " between the layers")


@exercise("day02.mlp_forward")
def test_mlp_forward_leaves_inputs_alone(day02, rng):
    X = rng.standard_normal((3, 4))
    layers = random_layers(rng, [4, 5, 2])
    X_before = X.copy()
    copies = [(W.copy(), b.copy()) for W, b in layers]
    day02.mlp_forward(X, layers, probes.relu)
    expect_unchanged("X", X_before, X)
    for k, ((W, b), (W0, b0)) in enumerate(zip(layers, copies)):
        expect_unchanged(f"W of layer {k}", W0, W)
        expect_unchanged(f"b of layer {k}", b0, b)


# -- collapse_linear -----------------------------------------------------------------------------
def recognise_collapse(W, b, layers, where):
    """Fail naming the cause when W is the product in reverse order, or b the plain sum or the last bias."""
    forward, reverse = layers[0][0], layers[-1][0]
    try:
        for W_k, _ in layers[1:]:
            forward = forward @ W_k
        for W_k, _ in reversed(layers[:-1]):
            reverse = reverse @ W_k
    except ValueError:
        reverse = None
    if reverse is not None and not same(reverse, forward) and same(W, reverse):
        fail(f"W{where} is the product of the weight matrices in reverse order (last one first); with x @ W the "
             f"input-side matrix comes first: W = W1 @ W2 @ ... @ WL.", names="cause")
    right_b = trusted_forward(np.zeros((1, layers[0][0].shape[0])), layers, identity)[0]
    biases = [np.asarray(b_k, dtype=float) for _, b_k in layers]
    if all(b_k.shape == biases[-1].shape for b_k in biases):
        if not same(sum(biases), right_b) and same(b, sum(biases)):
            fail(f"b{where} is the sum of the biases, but an earlier bias also passes through every later weight "
                 f"matrix: b = b1 @ W2 + b2, then b = b @ W3 + b3, ...", names="cause")
    if len(layers) > 1 and not same(biases[-1], right_b) and same(b, biases[-1]):
        fail(f"b{where} is the last layer's bias alone; the earlier biases, carried through the later weight "
             f"matrices, belong in it too: b = b1 @ W2 + b2, then b = b @ W3 + b3, ...", names="cause")


@exercise("day02.collapse_linear")
def test_collapse_linear_hand_values(day02):
    # (x W1 + b1) W2 + b2 with W1 = [[1, 2]], b1 = [1, -1], W2 = [[3], [1]], b2 = [0.5]:
    # W = 1*3 + 2*1 = 5 and b = 1*3 + (-1)*1 + 0.5 = 2.5.
    layers = [(np.array([[1.0, 2.0]]), np.array([1.0, -1.0])), (np.array([[3.0], [1.0]]), np.array([0.5]))]
    copies = [(W.copy(), b.copy()) for W, b in layers]
    W, b = day02.collapse_linear(layers)
    context = " for W1 = [[1, 2]], b1 = [1, -1], W2 = [[3], [1]], b2 = [0.5]"
    recognise_collapse(W, b, copies, context)
    expect_array("W", W, np.array([[5.0]]), context=context)
    expect_array("b", b, np.array([2.5]), context=context)


@exercise("day02.collapse_linear")
@pytest.mark.parametrize("sizes", [(3, 5), (4, 6, 2), (2, 5, 3, 4), (5, 3, 6, 2, 3), (3, 3, 3, 3)],
                         ids=["1 layer", "2 layers", "3 layers", "4 layers", "3 square layers"])
def test_collapse_linear_equals_the_stack(day02, sizes):
    gen = np.random.default_rng(len(sizes) + 10 * sizes[0])
    layers = random_layers(gen, list(sizes))
    X = gen.standard_normal((7, sizes[0]))
    copies = [(W.copy(), b.copy()) for W, b in layers]  # before the call, which could change the layers in place
    expected = trusted_forward(X, copies, identity)
    W, b = day02.collapse_linear(layers)
    context = f" for a linear stack {' -> '.join(map(str, sizes))}"
    recognise_collapse(W, b, copies, context)
    expect_array("W.shape", np.array(np.shape(W)), np.array([sizes[0], sizes[-1]]), context=context)
    expect_array("b.shape", np.array(np.shape(b)), np.array([sizes[-1]]), context=context)
    expect_array("X @ W + b", X @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float), expected,
                 context=context + ", compared with running the layers one after another")


@exercise("day02.collapse_linear")
def test_collapse_linear_leaves_layers_alone(day02, rng):
    layers = random_layers(rng, [3, 3, 3, 3])  # square, so an in-place b += ... or W @= ... would go through
    copies = [(W.copy(), b.copy()) for W, b in layers]
    day02.collapse_linear(layers)
    for k, ((W, b), (W0, b0)) in enumerate(zip(layers, copies)):
        expect_unchanged(f"W of layer {k}", W0, W)
        expect_unchanged(f"b of layer {k}", b0, b)


# -- XOR -----------------------------------------------------------------------------------------
#: Truth tables on [0, 0], [0, 1], [1, 0], [1, 1] that a wrong network often computes instead of XOR.
OTHER_GATES = {(0, 1, 1, 1): "OR", (0, 0, 0, 1): "AND", (1, 0, 0, 1): "XNOR (the opposite of XOR)",
               (1, 1, 1, 0): "NAND", (0, 0, 0, 0): "a constant 0", (1, 1, 1, 1): "a constant 1"}


@exercise("day02.xor_network")
def test_xor_network_truth_table(day02):
    layers = check_layers(day02.xor_network(), "xor_network()", 2, 1, min_layers=2)
    scores = trusted_forward(XOR_INPUTS, layers)
    if scores.shape != (4, 1):
        fail(f"the network maps the four corners to shape {scores.shape}; it should be (4, 1).")
    said = (scores[:, 0] > 0.5).astype(int)
    wrong = np.flatnonzero(said != XOR_TRUTH)
    if wrong.size:
        rows = "; ".join(f"x = {XOR_INPUTS[i].astype(int).tolist()} gives score {scores[i, 0]:.4g}, "
                         f"so it says {said[i]} instead of {XOR_TRUTH[i]}" for i in wrong)
        gate = OTHER_GATES.get(tuple(int(s) for s in said))
        fail(f"evaluated as mlp_forward(X, layers, relu) and thresholded at 0.5, your network gets XOR wrong: {rows}"
             + (f". On the four corners it computes {gate}, not XOR." if gate else "."),
             names="pattern" if gate else "mismatch")


# -- ReLU interpolation --------------------------------------------------------------------------
def interpolant(day02, f, a, b, n):
    layers = check_layers(day02.relu_interpolant(f, a, b, n), f"relu_interpolant(f, {a}, {b}, {n})", 1, 1, min_layers=2)
    if len(layers) != 2:
        fail(f"relu_interpolant must return one hidden layer and one output layer, [(W1, b1), (W2, b2)]; "
             f"it returned {len(layers)} layers.")
    return lambda t: trusted_forward(np.asarray(t, dtype=float).reshape(-1, 1), layers)[:, 0]


def interpolant_variants(f, a, b, n):
    """Broken lines a wrong ``relu_interpolant`` computes instead, as functions of t (judge-side evidence)."""
    knots = np.linspace(a, b, n + 1)
    values = f(knots)
    h = (b - a) / n
    slopes = np.diff(values) / h

    def relu_sum(weights, offsets):
        return lambda t: values[0] + np.maximum(np.asarray(t)[:, None] - offsets, 0.0) @ weights

    variants = {
        "it is f(t_k) - f(a) at every knot, so the output bias is missing. Every ReLU is 0 at x = a, so the "
        "output bias must be f(a)": lambda t: np.interp(t, knots, values) - values[0],
        f"it is f(a) + h (f(t_k) - f(a)) with h = {h:g}, so the slopes are not divided by the knot spacing h. "
        f"A slope is (f(t_k+1) - f(t_k)) / h": lambda t: values[0] + h * (np.interp(t, knots, values) - values[0]),
        "each output weight is the slope of its piece, but the ReLUs add up, so every later piece gets the sum of "
        "all earlier slopes. Use the change of slope at each knot (s_0, then s_k - s_k-1)":
            relu_sum(slopes, knots[:-1]),
        "the hidden biases are +t_k instead of -t_k, so unit k bends at -t_k instead of at the knot t_k: "
        "relu(x - t_k) has bias -t_k": relu_sum(np.diff(slopes, prepend=0.0), -knots[:-1]),
        "the first output weight is 0, so the net stays flat at f(a) up to the second knot; it must be the first "
        "slope s_0, and each later one the change of slope s_k - s_k-1": relu_sum(
            np.concatenate([[0.0], np.diff(slopes)]), knots[:-1]),
    }
    if n > 1:
        fewer = np.linspace(a, b, n)
        variants[f"it is the interpolant with {n - 1} pieces, on the knots np.linspace(a, b, {n}). {n} pieces need "
                 f"{n + 1} knots, np.linspace(a, b, n_pieces + 1)"] = lambda t: np.interp(t, fewer, f(fewer))
    return variants


@exercise("day02.relu_interpolant")
@pytest.mark.parametrize("f, a, b, n", [(np.cos, -1.0, 2.0, 5), (probes.cubic, 0.0, 3.0, 3), (np.cos, 0.5, 1.5, 1)],
                         ids=["cos 5 pieces", "cubic 3 pieces", "cos 1 piece"])
def test_relu_interpolant_is_exact_at_the_knots(day02, f, a, b, n):
    g = interpolant(day02, f, a, b, n)
    knots = np.linspace(a, b, n + 1)
    got, values = g(knots), f(knots)
    where = f" at the {n + 1} knots t_k = a + k (b - a) / {n} of [{a}, {b}]"
    if not same(got, values):
        t = np.linspace(a, b, 8 * n + 1)
        net = g(t)
        for what, variant in interpolant_variants(f, a, b, n).items():
            if not same(variant(t), np.interp(t, knots, values)) and same(net, variant(t)):
                fail(f"net(t_k){where} is not f(t_k): {what}.", names="cause")
    expect_array("net(t_k)", got, values, context=where + ", where the net must equal f")


@exercise("day02.relu_interpolant")
def test_relu_interpolant_is_linear_between_knots(day02):
    a, b, n = -1.0, 2.0, 4
    g = interpolant(day02, probes.cubic, a, b, n)
    knots = np.linspace(a, b, n + 1)
    values = probes.cubic(knots)
    s = np.array([0.25, 0.5, 0.75])
    points = (knots[:-1, None] + s * (knots[1] - knots[0])).ravel()
    expected = ((1 - s) * values[:-1, None] + s * values[1:, None]).ravel()
    expect_array("net(t)", g(points), expected,
                 context=f" between the knots of [{a}, {b}] ({n} pieces): each piece is the straight line "
                         f"joining (t_k, f(t_k)) and (t_k+1, f(t_k+1))")


@exercise("day02.relu_interpolant")
@pytest.mark.parametrize("n", [1, 4])
def test_relu_interpolant_reproduces_a_line(day02, n):
    g = interpolant(day02, probes.line, 0.5, 2.5, n)
    t = np.linspace(0.5, 2.5, 41)
    expect_array("net(t)", g(t), probes.line(t),
                 context=f" for f(t) = 3t - 1 on [0.5, 2.5] with {n} piece{'s' if n > 1 else ''} "
                         f"(a line is its own interpolant)")


@exercise("day02.relu_interpolant")
def test_relu_interpolation_error_shrinks(day02):
    t = np.linspace(0.0, 2 * np.pi, 2001)
    errors = []
    for n in (2, 4, 8, 16, 32):
        g = interpolant(day02, np.sin, 0.0, 2 * np.pi, n)
        errors.append(float(np.max(np.abs(g(t) - np.sin(t)))))
        bound = (2 * np.pi / n) ** 2 / 8  # h^2 max|f''| / 8 for linear interpolation, |sin''| <= 1
        if errors[-1] > bound + 1e-9:
            fail(f"with {n} pieces the largest error against sin on [0, 2 pi] is {errors[-1]:.4g}, above the "
                 f"linear-interpolation bound h^2/8 = {bound:.4g}.")
    if not all(later < earlier for earlier, later in zip(errors, errors[1:])):
        fail(f"the largest error against sin on [0, 2 pi] should shrink as the pieces double (2, 4, 8, 16, 32), "
             f"but it went {', '.join(f'{e:.3g}' for e in errors)}.")
