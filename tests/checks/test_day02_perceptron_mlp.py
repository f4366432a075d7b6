"""Checks for Day 2: activations, the perceptron, MLP forward, collapse, XOR, ReLU interpolation.

``xor_network`` and ``relu_interpolant`` are evaluated here, in the judge, with the suite's own
forward pass (:func:`trusted_forward`), and ``collapse_linear`` is compared with it, so these
exercises do not depend on the learner's ``mlp_forward``. The callables handed to the learner's
code (activations, curves to interpolate) are NumPy functions or functions of
tests/probes/day02_perceptron_mlp.py, which the worker knows by name.
"""
import math

import numpy as np
import pytest

from grader.judge import describe_frames
from grader.sandbox.client import LearnerRaised

from ..probes import day02_perceptron_mlp as probes
from .expect import expect_array, expect_scalar, expect_unchanged, fail, shapes

exercise = pytest.mark.exercise

#: What each function returns: a tuple of these values (unpacked by the judge, with a sentence if not).
RETURNS = {"perceptron_train": "(w, b, mistakes_per_epoch)", "collapse_linear": "(W, b)"}


@pytest.fixture
def day02(impl):
    """The learner's day02_perceptron_mlp module, run in the sandboxed worker."""
    return impl.module("day02_perceptron_mlp", returns=RETURNS)


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


def without_float_trouble(name, fn, x, where, fix):
    """``fn(x)`` in the worker, failing with a sentence if it overflows, divides by zero or makes a NaN."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # forwarded to the worker
        try:
            return fn(x)
        except LearnerRaised as exc:
            if exc.type_name not in FLOAT_TROUBLE:
                raise
            text = exc.text.strip().splitlines()[0] if exc.text.strip() else "no message"
            line = describe_frames(exc.frames)
            fail(f"{name} hit a floating-point problem ({exc.type_name}: {text}) on inputs {where}"
                 f"{' (' + line + ')' if line else ''}; {fix}")


def quietly(fn, *args):
    """Call learner code with floating-point warnings silenced (value checks, not stability checks)."""
    with np.errstate(all="ignore"):  # forwarded to the worker
        return fn(*args)


def check_layers(layers, name, first_in, last_out, *, min_layers=1):
    """``layers`` is a list of (W, b) pairs whose shapes chain from first_in to last_out."""
    try:
        pairs = [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in layers]
    except (TypeError, ValueError):
        fail(f"{name} must return a list of (W, b) pairs; it returned {type(layers).__name__}.")
    if len(pairs) < min_layers:
        fail(f"{name} returned {len(pairs)} layer(s); it needs at least {min_layers} (a hidden layer and an output layer).")
    width = first_in
    for k, (W, b) in enumerate(pairs):
        if W.ndim != 2 or W.shape[0] != width:
            fail(f"layer {k} of {name} has W of shape {W.shape}; it should be ({width}, D_out), as W is used as x @ W + b.")
        if b.shape != (W.shape[1],):
            fail(f"layer {k} of {name} has b of shape {b.shape}; it should be ({W.shape[1]},), one bias per output unit.")
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
TANH_POINTS = np.array([0.0, LOG2, -LOG2, 0.5, -3.0, 20.0, 1000.0, -1000.0])
# tanh(ln 2) = (4 - 1) / (4 + 1) = 0.6 exactly; tanh(20) is 1 to double precision.
TANH_VALUES = np.array([0.0, 0.6, -0.6, 0.46211715726000974, -0.9950547536867305, 1.0, 1.0, -1.0])
STABILITY_GRID = np.linspace(-1000.0, 1000.0, 2001)
GRID_TEXT = "from -1000 to 1000"


@exercise("day02.sigmoid")
def test_sigmoid_values(day02):
    out = quietly(day02.sigmoid, SIGMOID_POINTS.copy())
    expect_array("sigmoid(x)", out, SIGMOID_VALUES, context=" at x = [0, ln 3, -ln 3, 2, 30, -30, 1000, -1000]")


@exercise("day02.sigmoid")
def test_sigmoid_is_stable_for_large_inputs(day02):
    fix = "exponentiate only non-positive numbers: with z = exp(-|x|), use 1 / (1 + z) for x >= 0 and z / (1 + z) for x < 0."
    out = without_float_trouble("sigmoid", day02.sigmoid, STABILITY_GRID.copy(), GRID_TEXT, fix)
    expect_array("sigmoid(x)", out, 0.5 * (1.0 + np.tanh(STABILITY_GRID / 2)), atol=1e-12,
                 context=f" on x {GRID_TEXT}")
    if np.any(np.diff(np.asarray(out)) < 0):
        fail("sigmoid must never decrease, but yours does somewhere between -1000 and 1000.")


@exercise("day02.sigmoid")
@pytest.mark.parametrize("shape", [(), (5,), (2, 3, 4)], ids=["scalar", "1d", "3d"])
def test_sigmoid_any_shape_and_pure(day02, shape, rng):
    x = rng.standard_normal(shape) * 4
    before = x.copy()
    out = quietly(day02.sigmoid, x)
    expect_unchanged("x", before, x)
    expect_array("sigmoid(x)", out, 0.5 * (1.0 + np.tanh(before / 2)), context=f" for x of shape {shape}")


@exercise("day02.tanh")
def test_tanh_values(day02):
    out = quietly(day02.tanh, TANH_POINTS.copy())
    expect_array("tanh(x)", out, TANH_VALUES, context=" at x = [0, ln 2, -ln 2, 0.5, -3, 20, 1000, -1000]")


@exercise("day02.tanh")
def test_tanh_is_stable_and_odd(day02):
    fix = "(e^x - e^-x) / (e^x + e^-x) becomes inf / inf; use sign(x) * (1 - t) / (1 + t) with t = exp(-2|x|)."
    out = without_float_trouble("tanh", day02.tanh, STABILITY_GRID.copy(), GRID_TEXT, fix)
    expect_array("tanh(x)", out, np.tanh(STABILITY_GRID), atol=1e-12, context=f" on x {GRID_TEXT}")
    out = np.asarray(out)
    expect_array("tanh(-x) + tanh(x)", out[::-1] + out, np.zeros_like(out), atol=1e-12,
                 context=" (tanh is odd: tanh(-x) = -tanh(x))")


@exercise("day02.tanh")
@pytest.mark.parametrize("shape", [(), (5,), (2, 3, 4)], ids=["scalar", "1d", "3d"])
def test_tanh_any_shape_and_pure(day02, shape, rng):
    x = rng.standard_normal(shape) * 2
    before = x.copy()
    out = quietly(day02.tanh, x)
    expect_unchanged("x", before, x)
    expect_array("tanh(x)", out, np.tanh(before), context=f" for x of shape {shape}")


@exercise("day02.relu")
def test_relu_values(day02):
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0, -1e300, 1e300])
    expect_array("relu(x)", day02.relu(x), np.array([0.0, 0.0, 0.0, 0.5, 3.0, 0.0, 1e300]),
                 context=" at x = [-2, -0.5, 0, 0.5, 3, -1e300, 1e300]")


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


def train(day02, X, y, epochs, learning_rate):
    w, b, mistakes = day02.perceptron_train(X, y, epochs, learning_rate)  # a tuple of 3, or a sentence
    if np.ndim(b) != 0:
        fail(f"b must be a single number, but has shape {np.shape(b)}; the perceptron has one bias.")
    mistakes = np.asarray(mistakes)
    if mistakes.shape != (epochs,):
        fail(f"mistakes_per_epoch has shape {mistakes.shape} for epochs = {epochs}; "
             f"it needs one entry per epoch, {epochs} in all (keep counting 0 after convergence).")
    return np.asarray(w), float(b), mistakes


@exercise("day02.perceptron_train")
def test_perceptron_hand_trace(day02):
    X, y = hand_perceptron()
    for epochs, w_hand, b_hand, mistakes_hand in ((1, [1.0, -0.5], 0.5, [3.0]), (3, [0.5, -0.5], 1.0, [3.0, 1.0, 0.0])):
        w, b, mistakes = train(day02, X, y, epochs, 0.5)
        context = (f" after {epochs} epoch{'s' if epochs > 1 else ''} on the three-example fixture with learning rate 0.5 "
                   f"(traced by hand in the suite)")
        if epochs > 1 and np.array_equal(mistakes.astype(float), np.cumsum(mistakes_hand)):
            fail(f"mistakes_per_epoch is {mistakes.tolist()}, the running total of the expected "
                 f"{[int(m) for m in mistakes_hand]}{context}; count each epoch's mistakes on their own "
                 f"(set the count to 0 at the start of every epoch).")
        expect_array("mistakes_per_epoch", mistakes.astype(float), np.array(mistakes_hand), context=context)
        expect_array("w", w, np.array(w_hand), context=context)
        expect_scalar("b", b, b_hand, context=context)


@exercise("day02.perceptron_train")
def test_perceptron_moves_away_from_a_negative_example(day02):
    # One example labelled -1 and w = 0: score 0 is a mistake, so w = -x, b = -1; then its score is
    # -1 - 4 - 1 = -6, on the right side, and epoch 2 makes no update.
    w, b, mistakes = train(day02, np.array([[1.0, 2.0]]), np.array([-1]), 2, 1.0)
    context = (" after 2 epochs on the single example x = (1, 2) with label -1 and learning rate 1; "
               "labels are -1/+1, so the update lr * y * x pushes w away from x")
    expect_array("w", w, np.array([-1.0, -2.0]), context=context)
    expect_scalar("b", b, -1.0, context=context)
    expect_array("mistakes_per_epoch", mistakes.astype(float), np.array([1.0, 0.0]), context=context)


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
        fail(f"on XOR (labels [-1, +1, +1, -1] on the corners of the unit square) an epoch reported 0 mistakes "
             f"(mistakes_per_epoch starts {mistakes.tolist()[:6]}); no line separates XOR, so every epoch must make "
             f"a mistake. Is a score of exactly 0 counted as a mistake (y * score <= 0)?")


@exercise("day02.perceptron_train")
def test_perceptron_scales_with_learning_rate(day02):
    # From w = 0, every update is lr times the one with lr = 1: the same mistakes, w and b scaled.
    X, y = separable_set(seed=5, N=15, D=2)
    w1, b1, m1 = train(day02, X, y, 10, 1.0)
    w2, b2, m2 = train(day02, X, y, 10, 0.1)
    context = " with learning rate 0.1 (expected: 0.1 times the result with learning rate 1, as w starts at 0)"
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
    """A 2 -> 3 -> 2 ReLU network worked out by hand.

    Hidden pre-activations: row 0 [-1, -1, 1], row 1 [2, -1, 0.5]; after ReLU [0, 0, 1] and [2, 0, 0.5].
    Scores: [0, 0, 1] W2 + b2 = [-2, 1] + [0.5, -1] = [-1.5, 0];  [2, 0, 0.5] W2 + b2 = [1.5, -2.5].
    """
    X = np.array([[1.0, -1.0], [2.0, 0.0]])
    W1 = np.array([[1.0, -1.0, 0.5], [2.0, 1.0, -1.0]])
    b1 = np.array([0.0, 1.0, -0.5])
    W2 = np.array([[1.0, -1.0], [3.0, 2.0], [-2.0, 1.0]])
    b2 = np.array([0.5, -1.0])
    return X, [(W1, b1), (W2, b2)], np.array([[-1.5, 0.0], [1.5, -2.5]])


def random_layers(gen, sizes):
    return [(gen.standard_normal((m, n)), gen.standard_normal(n)) for m, n in zip(sizes[:-1], sizes[1:])]


#: Activations handed to the learner's mlp_forward (the worker knows each by name) and their judge-side twins.
ACTIVATIONS = {"relu": (probes.relu, trusted_relu), "tanh": (np.tanh, np.tanh), "square": (np.square, np.square)}


@exercise("day02.mlp_forward")
def test_mlp_forward_hand_values(day02):
    X, layers, expected = hand_mlp()
    expect_array("scores", day02.mlp_forward(X, layers, probes.relu), expected,
                 context=" for the hand-worked 2 -> 3 -> 2 ReLU network (the scores may be negative: "
                         "no activation after the last layer)")


@exercise("day02.mlp_forward")
def test_mlp_forward_single_layer_is_linear(day02, rng):
    X = rng.standard_normal((6, 4))
    W, b = rng.standard_normal((4, 3)), rng.standard_normal(3)
    expected = X @ W + b  # before the call, so an in-place change is reported by its own check, not here
    expect_array("scores", day02.mlp_forward(X, [(W, b)], probes.relu), expected,
                 context=" for a network with a single layer, which is just X @ W + b (no activation anywhere)")


@exercise("day02.mlp_forward")
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_mlp_forward_deep_non_square(day02, name):
    gen = np.random.default_rng(22)
    X = gen.standard_normal((5, 4))
    layers = random_layers(gen, [4, 6, 3, 7, 2])
    sent, trusted = ACTIVATIONS[name]
    expected = trusted_forward(X, layers, trusted)  # before the call, which could change the layers in place
    expect_array("scores", day02.mlp_forward(X, layers, sent), expected,
                 context=f" for a 4 -> 6 -> 3 -> 7 -> 2 network with activation {name} between the layers")


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
@exercise("day02.collapse_linear")
def test_collapse_linear_hand_values(day02):
    # (x W1 + b1) W2 + b2 with W1 = [[1, 2]], b1 = [1, -1], W2 = [[3], [1]], b2 = [0.5]:
    # W = 1*3 + 2*1 = 5 and b = 1*3 + (-1)*1 + 0.5 = 2.5.
    layers = [(np.array([[1.0, 2.0]]), np.array([1.0, -1.0])), (np.array([[3.0], [1.0]]), np.array([0.5]))]
    W, b = day02.collapse_linear(layers)
    context = " for W1 = [[1, 2]], b1 = [1, -1], W2 = [[3], [1]], b2 = [0.5]"
    expect_array("W", W, np.array([[5.0]]), context=context)
    expect_array("b", b, np.array([2.5]), context=context + " (b1 passes through W2: b = b1 @ W2 + b2)")


@exercise("day02.collapse_linear")
@pytest.mark.parametrize("sizes", [(3, 5), (4, 6, 2), (2, 5, 3, 4), (5, 3, 6, 2, 3)],
                         ids=["1 layer", "2 layers", "3 layers", "4 layers"])
def test_collapse_linear_equals_the_stack(day02, sizes):
    gen = np.random.default_rng(len(sizes))
    layers = random_layers(gen, list(sizes))
    X = gen.standard_normal((7, sizes[0]))
    expected = trusted_forward(X, layers, identity)  # before the call, which could change the layers in place
    W, b = day02.collapse_linear(layers)
    context = f" for a linear stack {' -> '.join(map(str, sizes))}"
    expect_array("W.shape", np.array(np.shape(W)), np.array([sizes[0], sizes[-1]]), context=context)
    expect_array("b.shape", np.array(np.shape(b)), np.array([sizes[-1]]), context=context)
    expect_array("X @ W + b", X @ W + b, expected,
                 context=context + ", compared with running the layers one after another")


@exercise("day02.collapse_linear")
def test_collapse_linear_leaves_layers_alone(day02, rng):
    layers = random_layers(rng, [3, 4, 4, 2])
    copies = [(W.copy(), b.copy()) for W, b in layers]
    day02.collapse_linear(layers)
    for k, ((W, b), (W0, b0)) in enumerate(zip(layers, copies)):
        expect_unchanged(f"W of layer {k}", W0, W)
        expect_unchanged(f"b of layer {k}", b0, b)


# -- XOR -----------------------------------------------------------------------------------------
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
        fail(f"evaluated as mlp_forward(X, layers, relu) and thresholded at 0.5, your network gets XOR wrong: {rows}.")


# -- ReLU interpolation --------------------------------------------------------------------------
def interpolant(day02, f, a, b, n):
    layers = check_layers(day02.relu_interpolant(f, a, b, n), f"relu_interpolant(f, {a}, {b}, {n})", 1, 1, min_layers=2)
    if len(layers) != 2:
        fail(f"relu_interpolant must return one hidden layer and one output layer, [(W1, b1), (W2, b2)]; "
             f"it returned {len(layers)} layers.")
    return lambda t: trusted_forward(np.asarray(t, dtype=float).reshape(-1, 1), layers)[:, 0]


@exercise("day02.relu_interpolant")
@pytest.mark.parametrize("f, a, b, n", [(np.cos, -1.0, 2.0, 5), (probes.cubic, 0.0, 3.0, 3), (np.cos, 0.5, 1.5, 1)],
                         ids=["cos 5 pieces", "cubic 3 pieces", "cos 1 piece"])
def test_relu_interpolant_is_exact_at_the_knots(day02, f, a, b, n):
    g = interpolant(day02, f, a, b, n)
    knots = np.linspace(a, b, n + 1)
    expect_array("net(t_k)", g(knots), f(knots),
                 context=f" at the {n + 1} knots t_k = a + k (b - a) / {n} of [{a}, {b}], where the net must equal f")


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
