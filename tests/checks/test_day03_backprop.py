"""Checks for Day 3: layer forward/backward pairs, losses on scores, and the Value autograd engine.

Each exercise's checks run in the order of the chain rule (output, then dx, dW, db), with the
parts of a combination checked before it: the layers before the affine-ReLU sandwich, and
Value's operators alone (multiplication first, as the others are often built from it) before
the expressions that combine them. Where a check recognises the mistake behind a wrong value,
it says so (``names="cause"``); an explanation is added only where the numbers show it.
"""
import math
import re
from dataclasses import dataclass

import numpy as np
import pytest

from grader.judge import describe_raise, describe_value, unpack
from grader.sandbox.client import LearnerRaised

from ..probes import day03_backprop as probes
from ..probes.day03_backprop import random_program
from . import edges
from .expect import (
    CheckFailed,
    expect_array,
    expect_array_naming,
    expect_scalar,
    expect_scalar_naming,
    expect_unchanged,
    fail,
    shapes,
)
from .gradcheck import GRAD_ATOL, GRAD_TOL, LOSS_ATOL, VALUE_RTOL, H, check_gradients, numerical_gradient_of, rel_error

exercise = pytest.mark.exercise

#: What each function returns: a tuple of these values (unpacked by the judge, with a sentence if not).
RETURNS = {
    "affine_forward": "(out, cache)", "affine_backward": "(dx, dW, db)",
    "relu_forward": "(out, cache)", "relu_backward": "dx",
    "sigmoid_forward": "(out, cache)", "sigmoid_backward": "dx",
    "tanh_forward": "(out, cache)", "tanh_backward": "dx",
    "softmax_loss": "(loss, dscores)", "svm_loss": "(loss, dscores)",
    "affine_relu_forward": "(out, cache)", "affine_relu_backward": "(dx, dW, db)",
}

#: What a floating-point problem looks like when it reaches the judge (raised, or a warning made an error).
FLOAT_TROUBLE = ("FloatingPointError", "RuntimeWarning", "OverflowError", "ZeroDivisionError")


# -- helpers ------------------------------------------------------------------------------------
def _as_floats(value):
    """``value`` as a float array, or None when it is not numbers."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return array


def without_float_trouble(call, *args, explain):
    """``call(*args)`` in the worker with overflow, invalid results and division by zero raised at the
    learner's line; when one happens, the check fails with the call, that line and ``explain`` (a
    sentence, or a function of the error's text that returns one)."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # forwarded to the worker
        try:
            return call(*args)
        except LearnerRaised as exc:
            if exc.type_name not in FLOAT_TROUBLE:
                raise
            sentence = explain(exc.text) if callable(explain) else explain
            fail(f"{describe_raise(exc).rstrip('.')}. {sentence}", names="cause")


# -- fixtures -----------------------------------------------------------------------------------
def hand_affine():
    """A 3-D batch worked out by hand: x is (2, 2, 2), so each example flattens to D = 4.

    x flattened = [[1, 2, 3, 4], [0, -1, 2, 0]], W = [[1, 0, -1], [0, 1, 0], [1, 0, 0], [0, 0, 2]],
    b = [0.5, 1, -1]. Pre-activations x W + b = [[4.5, 3, 6], [2.5, 0, -1]]: entry (1, 1) is
    exactly 0 and (1, 2) is negative, so a ReLU on top passes no gradient at either.
    With dout = [[1, 0, -1], [2, 1, 0]]:
    dx = dout W^T = [[2, 0, 1, -2], [2, 1, 2, 0]] (reshaped to (2, 2, 2)),
    dW = x^T dout = [[1, 0, -1], [0, -1, -2], [7, 2, -3], [4, 0, -4]], db = [3, 1, -1].
    Through the ReLU, dout becomes [[1, 0, -1], [2, 0, 0]]: dx = [[2, 0, 1, -2], [2, 0, 2, 0]],
    dW = [[1, 0, -1], [0, 0, -2], [7, 0, -3], [4, 0, -4]], db = [3, 0, -1].
    """
    x = np.array([[[1.0, 2.0], [3.0, 4.0]], [[0.0, -1.0], [2.0, 0.0]]])
    W = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    b = np.array([0.5, 1.0, -1.0])
    dout = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    return x, W, b, dout


HAND_AFFINE_OUT = np.array([[4.5, 3.0, 6.0], [2.5, 0.0, -1.0]])
HAND_AFFINE_DX = np.array([[[2.0, 0.0], [1.0, -2.0]], [[2.0, 1.0], [2.0, 0.0]]])
HAND_AFFINE_DW = np.array([[1.0, 0.0, -1.0], [0.0, -1.0, -2.0], [7.0, 2.0, -3.0], [4.0, 0.0, -4.0]])
HAND_AFFINE_DB = np.array([3.0, 1.0, -1.0])
HAND_AFFINE_RELU_OUT = np.array([[4.5, 3.0, 6.0], [2.5, 0.0, 0.0]])
HAND_AFFINE_RELU_DX = np.array([[[2.0, 0.0], [1.0, -2.0]], [[2.0, 0.0], [2.0, 0.0]]])
HAND_AFFINE_RELU_DW = np.array([[1.0, 0.0, -1.0], [0.0, 0.0, -2.0], [7.0, 0.0, -3.0], [4.0, 0.0, -4.0]])
HAND_AFFINE_RELU_DB = np.array([3.0, 0.0, -1.0])


def random_affine(seed=31, x_shape=(3, 2, 3), M=4):
    """Small seeded inputs: a 3-D x (N=3 examples of 2 x 3) and a non-square W (6, 4)."""
    gen = np.random.default_rng(seed)
    D = int(np.prod(x_shape[1:]))
    return (gen.standard_normal(x_shape), gen.standard_normal((D, M)), gen.standard_normal(M),
            gen.standard_normal((x_shape[0], M)))


#: dout for the ReLU on edges.KINK_X (exact zeros beside a negative and a positive entry in every row).
KINK_DOUT = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])

#: sigmoid(0) = 1/2, sigmoid(ln 3) = 3/4, sigmoid(-ln 3) = 1/4, so s(1 - s) = 1/4, 3/16, 3/16.
SIGMOID_X = np.array([[0.0, math.log(3.0), -math.log(3.0)]])
SIGMOID_OUT = np.array([[0.5, 0.75, 0.25]])
#: tanh(0) = 0 and tanh(+-ln 2) = +-(2 - 1/2) / (2 + 1/2) = +-0.6, so 1 - t^2 = 1, 0.64, 0.64.
TANH_X = np.array([[0.0, math.log(2.0), -math.log(2.0)]])
TANH_OUT = np.array([[0.0, 0.6, -0.6]])
ACTIVATION_DOUT = np.array([[2.0, 4.0, 8.0]])

ACTIVATIONS = {
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": lambda x: 0.5 * (1.0 + np.tanh(x / 2.0)),  # the same function, with no exp to overflow
    "tanh": np.tanh,
}
#: What a stable forward pass does differently, for the learner whose formula overflows on edges.LARGE_X.
STABLE_FORMS = {
    "sigmoid": "On x from -1000 to 1000: exp(1000) overflows, and 1 / (1 + exp(-x)) needs it at x = -1000 "
               "(exp(x) / (1 + exp(x)) at x = 1000). With z = exp(-|x|), which never exceeds 1, sigmoid(x) is "
               "1 / (1 + z) where x >= 0 and z / (1 + z) where x < 0.",
    "tanh": "On x from -1000 to 1000: (exp(x) - exp(-x)) / (exp(x) + exp(-x)) and (exp(2x) - 1) / (exp(2x) + 1) "
            "overflow to inf / inf once |x| passes about 355; np.tanh is exact and stable for every x.",
}


def inputs(**arrays) -> str:
    """`` for x (3, 2, 3), dout (3, 4)``: what a gradient-check message names after the gradient."""
    return shapes(**arrays)


def forward_names(kinds):
    return pytest.mark.parametrize("kind", [pytest.param(k, marks=exercise(f"day03.{k}_forward"), id=k)
                                            for k in kinds])


def backward_names(kinds):
    return pytest.mark.parametrize("kind", [pytest.param(k, marks=exercise(f"day03.{k}_backward"), id=k)
                                            for k in kinds])


def expect_inputs_unchanged_by_forward_backward(day03, kind, inputs, names, dout):
    """Run ``{kind}_forward`` then ``{kind}_backward`` on the same objects in the worker (as a network
    would: the cache may share the inputs) and check that neither changed an input or dout."""
    try:
        after = day03.probe(probes.inputs_after_forward_backward, kind, inputs, dout)
    except LearnerRaised as exc:
        exc.call = (f"`{kind}_forward({', '.join(f'{n} {a.shape}' for n, a in zip(names, inputs))})` then "
                    f"`{kind}_backward(dout {dout.shape}, cache)`")
        raise
    if "forward returned" in after:
        unpack(after["forward returned"], RETURNS[f"{kind}_forward"], f"`{kind}_forward`")
    for name, before, changed in zip(names, inputs, after["inputs"]):
        expect_unchanged(name, before, changed)
    expect_unchanged("dout", dout, after["dout"])


def hand_scores():
    """The Day 1 worked fixture, as scores: [[1, 2.5, 2.5], [0, -0.5, -2.5]] with y = [0, 2].

    Softmax: row 0 has p = [1, e^1.5, e^1.5] / (1 + 2 e^1.5) = [0.10037, 0.44982, 0.44982] and
    row 1 has p = [0.59220, 0.35919, 0.04861]; loss mean(2.29893, 3.02390) = 2.66141 and
    dscores = (p - onehot(y)) / 2.
    SVM: every wrong class violates its margin. With delta = 1 the margins are 2.5, 2.5 and
    3.5, 3, mean (5 + 6.5) / 2 = 5.75; delta = 2 adds 1 to each of the four: 7.75. dscores is
    1/2 at each wrong class and -2/2 at the correct one.
    """
    return np.array([[1.0, 2.5, 2.5], [0.0, -0.5, -2.5]]), np.array([0, 2])


HAND_SOFTMAX_LOSS = 2.6614126205108164
HAND_SOFTMAX_DSCORES = np.array([[-0.4498162176582742, 0.2249081088291371, 0.2249081088291371],
                                 [0.2961005350930796, 0.1795940528912693, -0.4756945879843489]])
HAND_SVM_LOSS = {1.0: 5.75, 2.0: 7.75}
HAND_SVM_DSCORES = np.array([[-1.0, 0.5, 0.5], [0.5, 0.5, -1.0]])


def random_scores(seed=3, N=5, C=4):
    """Seeded (5, 4) scores of scale 2; y = [3, 0, 0, 3, 3] for the default seed."""
    gen = np.random.default_rng(seed)
    return 2.0 * gen.standard_normal((N, C)), gen.integers(0, C, N)


RANDOM_SOFTMAX_LOSS = 3.7945831820491636
#: Both losses, each tagged with its own exercise.
LOSSES = [pytest.param(n, marks=exercise(f"day03.{n}"), id=n) for n in ("softmax_loss", "svm_loss")]
RANDOM_SVM_LOSS = {1.0: 6.990778340204689, 0.5: 5.801676487754408}


# -- affine layer ---------------------------------------------------------------------------------
@exercise("day03.affine_forward")
def test_affine_forward_hand_values(day03):
    x, W, b, _ = hand_affine()
    out, _ = day03.affine_forward(x, W, b)
    flat = x.reshape(x.shape[0], -1)
    expect_array_naming("out", out, HAND_AFFINE_OUT, [
        (flat @ W, "It is x @ W without the bias: add b (broadcast over the batch)."),
    ], context=" on the worked fixture" + shapes(x=x, W=W, b=b))


@exercise("day03.affine_forward")
@pytest.mark.parametrize("x_shape", [(3, 6), (3, 2, 3), (2, 3, 1, 2)], ids=["2-D x", "3-D x", "4-D x"])
def test_affine_forward_flattens_each_example(day03, x_shape):
    x, W, b, _ = random_affine(x_shape=x_shape)
    out, _ = day03.affine_forward(x, W, b)
    expect_array("out", out, x.reshape(x.shape[0], -1) @ W + b, context=shapes(x=x, W=W, b=b))


@exercise("day03.affine_forward")
def test_affine_forward_leaves_inputs_alone(day03):
    x, W, b, _ = random_affine()
    copies = [a.copy() for a in (x, W, b)]
    day03.affine_forward(x, W, b)
    for label, before, after in zip(("x", "W", "b"), copies, (x, W, b)):
        expect_unchanged(label, before, after)


@exercise("day03.affine_backward")
def test_affine_backward_hand_values(day03):
    x, W, b, dout = hand_affine()
    _, cache = day03.affine_forward(x, W, b)
    dx, dW, db = day03.affine_backward(dout, cache)
    N = x.shape[0]
    context = " on the worked fixture" + shapes(x=x, W=W, dout=dout)
    expect_array_naming("dx", dx, HAND_AFFINE_DX, [
        (HAND_AFFINE_DX.reshape(N, -1), "It is flattened: reshape dx back to x's own shape, dx.reshape(x.shape)."),
        (HAND_AFFINE_DX / N, "It is divided by the batch size N = 2: a layer's backward sums, it never averages "
                             "(the loss already divided by N)."),
    ], context=context)
    expect_array_naming("dW", dW, HAND_AFFINE_DW, [
        (HAND_AFFINE_DW.T, "It is transposed: dW = x_flat.T @ dout has W's shape (D, M)."),
        (HAND_AFFINE_DW / N, "It is divided by the batch size N = 2: a layer's backward sums over the batch, it "
                             "never averages (the loss already divided by N)."),
    ], context=context)
    expect_array_naming("db", db, HAND_AFFINE_DB, [
        (dout, "It is dout itself: b was added to every example, so db sums dout over the batch, dout.sum(axis=0)."),
        (dout.sum(axis=1), "It sums over the classes (axis 1); b has one entry per output unit, so sum over the "
                           "batch: dout.sum(axis=0)."),
        (HAND_AFFINE_DB / N, "It is the mean over the batch; a layer's backward sums: dout.sum(axis=0)."),
    ], context=context)


@exercise("day03.affine_backward")
@pytest.mark.parametrize("x_shape", [(4, 5), (3, 2, 3)], ids=["2-D x", "3-D x"])
def test_affine_backward_gradient(day03, x_shape):
    x, W, b, dout = random_affine(seed=5, x_shape=x_shape, M=3)
    _, cache = day03.affine_forward(x, W, b)
    dx, dW, db = day03.affine_backward(dout, cache)
    forward, args = day03.affine_forward, (x, W, b)  # numerical gradients of sum(forward(x, W, b)[0] * dout)
    check_gradients([
        ("dx", dx, numerical_gradient_of(forward, args, wrt=0, output=0, dout=dout)),
        ("dW", dW, numerical_gradient_of(forward, args, wrt=1, output=0, dout=dout)),
        ("db", db, numerical_gradient_of(forward, args, wrt=2, output=0, dout=dout)),
    ], context=inputs(x=x, W=W, dout=dout))


@exercise("day03.affine_backward")
def test_affine_backward_leaves_inputs_alone(day03):
    x, W, b, dout = random_affine()
    expect_inputs_unchanged_by_forward_backward(day03, "affine", (x, W, b), ("x", "W", "b"), dout)


# -- activations ------------------------------------------------------------------------------------
@exercise("day03.relu_forward")
def test_relu_forward_values_at_the_kink(day03):
    x = edges.KINK_X.copy()
    out, _ = day03.relu_forward(x)
    expect_array_naming("out", out, np.maximum(edges.KINK_X, 0.0), [
        (edges.KINK_X.max(axis=0), "It is the largest entry of each column: np.max(x, 0) reduces along axis 0; "
                                   "the elementwise maximum is np.maximum(x, 0)."),
        (np.abs(edges.KINK_X), "It is |x|: negative inputs must become 0, not change sign."),
    ], context=f" for x = {edges.KINK_X.tolist()}")


@forward_names(["relu", "sigmoid", "tanh"])
def test_activation_forward_on_random_input(day03, kind, rng):
    x = rng.standard_normal((3, 2, 4))
    out, _ = getattr(day03, f"{kind}_forward")(x)
    expect_array("out", out, ACTIVATIONS[kind](x), context=f" for {kind} on x of shape {x.shape}")


@forward_names(["relu", "sigmoid", "tanh"])
def test_activation_forward_leaves_input_alone(day03, kind, rng):
    x = rng.standard_normal((4, 3))
    x[0, 0] = -1.0  # a negative entry, which an in-place ReLU would overwrite
    before = x.copy()
    getattr(day03, f"{kind}_forward")(x)
    expect_unchanged("x", before, x)


@exercise("day03.sigmoid_forward")
def test_sigmoid_forward_hand_values(day03):
    out, _ = day03.sigmoid_forward(SIGMOID_X)
    expect_array_naming("out", out, SIGMOID_OUT, [
        (1.0 - SIGMOID_OUT, "It is sigmoid(-x): the exponent is -x, sigma(x) = 1 / (1 + exp(-x))."),
    ], context=" for x = [0, ln 3, -ln 3]")


@exercise("day03.tanh_forward")
def test_tanh_forward_hand_values(day03):
    out, _ = day03.tanh_forward(TANH_X)
    expect_array("out", out, TANH_OUT, context=" for x = [0, ln 2, -ln 2]")


@forward_names(["sigmoid", "tanh"])
def test_activation_forward_is_stable_for_large_inputs(day03, kind):
    x = edges.LARGE_X.copy()
    out, _ = without_float_trouble(getattr(day03, f"{kind}_forward"), x, explain=STABLE_FORMS[kind])
    expect_array("out", out, ACTIVATIONS[kind](edges.LARGE_X), atol=1e-12, context=" on x from -1000 to 1000")


@exercise("day03.relu_backward")
def test_relu_backward_at_the_kink(day03):
    x, dout = edges.KINK_X.copy(), KINK_DOUT.copy()
    _, cache = day03.relu_forward(x)
    dx = day03.relu_backward(dout, cache)
    expected = np.where(edges.KINK_X > 0, KINK_DOUT, 0.0)
    context = f" for x = {edges.KINK_X.tolist()} and dout = {KINK_DOUT.tolist()}"
    expect_array_naming("dx", dx, expected, [
        (np.where(edges.KINK_X >= 0, KINK_DOUT, 0.0),
         "It passes the gradient where x is exactly 0; the kata's ReLU has derivative 0 at 0: build the mask "
         "with a strict x > 0."),
        (KINK_DOUT, "It passes the gradient everywhere, even where x < 0: take the mask from the input with x > 0 "
                    "(the output is never negative, so out >= 0 is true everywhere)."),
        ((edges.KINK_X > 0).astype(float), "It is the mask alone: multiply it by the upstream gradient, "
                                           "dx = dout * (x > 0)."),
    ], context=context)


@backward_names(["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("x_shape", [(4, 3), (2, 3, 2)], ids=["2-D", "3-D"])
def test_activation_backward_gradient(day03, kind, x_shape):
    gen = np.random.default_rng(11)
    x = gen.standard_normal(x_shape)
    x[np.abs(x) < 0.05] = 0.5  # keep clear of ReLU's kink, where a numerical derivative is meaningless
    dout = gen.standard_normal(x_shape)
    forward = getattr(day03, f"{kind}_forward")
    _, cache = forward(x)
    dx = getattr(day03, f"{kind}_backward")(dout, cache)
    check_gradients([("dx", dx, numerical_gradient_of(forward, (x,), wrt=0, output=0, dout=dout))],
                    context=f" of {kind} for x {x.shape}, dout {dout.shape}")


@exercise("day03.sigmoid_backward")
def test_sigmoid_backward_hand_values(day03):
    _, cache = day03.sigmoid_forward(SIGMOID_X)
    dx = day03.sigmoid_backward(ACTIVATION_DOUT, cache)
    s, x = SIGMOID_OUT, SIGMOID_X
    # s (1 - s) = [1/4, 3/16, 3/16], times dout = [2, 4, 8].
    twice = 1.0 / (1.0 + np.exp(-s))
    expect_array_naming("dx", dx, ACTIVATION_DOUT * s * (1 - s), [
        (ACTIVATION_DOUT * x * (1 - x), "It is dout * x * (1 - x) on the input x; the formula s (1 - s) is in "
                                        "terms of the output s = sigmoid(x), which the cache holds."),
        (ACTIVATION_DOUT * twice * (1 - twice), "It applies the sigmoid to the cached s again: s is already "
                                                "sigmoid(x), use dout * s * (1 - s)."),
        (s * (1 - s), "It is the local derivative s (1 - s) alone: multiply by the upstream gradient dout."),
    ], context=" for x = [0, ln 3, -ln 3] and dout = [2, 4, 8]")


@exercise("day03.tanh_backward")
def test_tanh_backward_hand_values(day03):
    _, cache = day03.tanh_forward(TANH_X)
    dx = day03.tanh_backward(ACTIVATION_DOUT, cache)
    t, x = TANH_OUT, TANH_X
    # 1 - t^2 = [1, 0.64, 0.64], times dout = [2, 4, 8].
    expect_array_naming("dx", dx, ACTIVATION_DOUT * (1 - t ** 2), [
        (ACTIVATION_DOUT * (1 - x ** 2), "It is dout * (1 - x**2) on the input x; square the output "
                                          "t = tanh(x), which the cache holds."),
        (ACTIVATION_DOUT * (1 - np.tanh(t) ** 2), "It applies tanh to the cached t again: t is already tanh(x), "
                                                  "use dout * (1 - t**2)."),
        (1 - t ** 2, "It is the local derivative 1 - t**2 alone: multiply by the upstream gradient dout."),
    ], context=" for x = [0, ln 2, -ln 2] and dout = [2, 4, 8]")


@backward_names(["sigmoid", "tanh"])
def test_activation_backward_is_stable_for_large_inputs(day03, kind):
    # Built on the learner's forward pass (its own check runs first): at |x| = 1000 the local
    # derivative is 0 exactly, and recomputing it from x with exp or cosh overflows.
    x, dout = edges.LARGE_X.copy(), np.ones_like(edges.LARGE_X)
    _, cache = getattr(day03, f"{kind}_forward")(x)
    output = "s = sigmoid(x)" if kind == "sigmoid" else "t = tanh(x)"
    dx = without_float_trouble(getattr(day03, f"{kind}_backward"), dout, cache,
                               explain=f"On x from -1000 to 1000 the local derivative is 0 or tiny: compute it from "
                                       f"the output {output}, kept in the cache by the forward pass, as "
                                       f"{'s * (1 - s)' if kind == 'sigmoid' else '1 - t**2'}, rather than from "
                                       f"exponentials of x, which overflow.")
    s = ACTIVATIONS[kind](edges.LARGE_X)
    expect_array("dx", dx, s * (1 - s) if kind == "sigmoid" else 1 - s ** 2, atol=1e-12,
                 context=" on x from -1000 to 1000 with dout = 1")


@backward_names(["relu", "sigmoid", "tanh"])
def test_activation_backward_leaves_inputs_alone(day03, kind, rng):
    x, dout = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    expect_inputs_unchanged_by_forward_backward(day03, kind, (x,), ("x",), dout)


# -- losses on scores ----------------------------------------------------------------------------------
def softmax_causes(scores, y, expected_dscores):
    """What the known mistakes make of dscores on ``scores``."""
    N = scores.shape[0]
    onehot = np.eye(scores.shape[1])[y]
    return [
        (expected_dscores + onehot / N, "It is the probabilities over N: subtract 1 at each correct class, "
                                        "dscores[np.arange(N), y] -= 1."),
        (expected_dscores * N, f"It is N = {N} times too large: the loss is a mean, so divide dscores by N too."),
    ]


def every_class_counted(scores, y):
    """dscores when every class counts as violating its margin (a mask margins >= 0 after np.maximum)."""
    N, C = scores.shape
    dscores = np.ones((N, C))
    dscores[np.arange(N), y] = -C
    return dscores / N


EVERY_CLASS_COUNTED = ("It counts every class as violating its margin, even the clear ones and the correct class: "
                       "after np.maximum(0, ...) every margin is >= 0, so count only margins > 0, with the correct "
                       "class left out.")


@exercise("day03.softmax_loss")
def test_softmax_loss_hand_values(day03):
    scores, y = hand_scores()
    loss, dscores = day03.softmax_loss(scores, y)
    context = " on the worked two-example fixture"
    expect_scalar_naming("loss", loss, HAND_SOFTMAX_LOSS, [
        (2 * HAND_SOFTMAX_LOSS, "That is the sum over the 2 examples: average it (divide by N)."),
    ], atol=LOSS_ATOL, context=context)
    expect_array_naming("dscores", dscores, HAND_SOFTMAX_DSCORES, softmax_causes(scores, y, HAND_SOFTMAX_DSCORES),
                        context=context)


@exercise("day03.svm_loss")
@pytest.mark.parametrize("delta", [1.0, 2.0])
def test_svm_loss_hand_values(day03, delta):
    scores, y = hand_scores()
    loss, dscores = day03.svm_loss(scores, y, delta=delta)
    context = f" on the worked two-example fixture with delta = {delta:g}"
    causes = [(HAND_SVM_LOSS[delta] + delta, f"That is delta = {delta:g} too much per example: the correct class "
                                             f"counts itself (its margin is always delta); skip j == y[i]."),
              (2 * HAND_SVM_LOSS[delta], "That is the sum over the 2 examples: average it (divide by N).")]
    if delta != 1.0:
        causes.append((HAND_SVM_LOSS[1.0], f"That is the loss with a margin of 1: use the delta argument "
                                           f"({delta:g} here) in the margins."))
    expect_scalar_naming("loss", loss, HAND_SVM_LOSS[delta], causes, atol=LOSS_ATOL, context=context)
    flipped = HAND_SVM_DSCORES.copy()
    flipped[np.arange(2), y] *= -1
    expect_array_naming("dscores", dscores, HAND_SVM_DSCORES, [
        (flipped, "Its correct-class entries have the wrong sign: raising the correct score lowers the loss, so "
                  "they are minus (number of violated margins) / N."),
        (2 * HAND_SVM_DSCORES, "It is N = 2 times too large: the loss is a mean, so divide dscores by N too."),
        (every_class_counted(scores, y), EVERY_CLASS_COUNTED),
    ], context=context)


@exercise("day03.softmax_loss")
def test_softmax_loss_reference_value(day03):
    scores, y = random_scores()
    loss, _ = day03.softmax_loss(scores, y)
    expect_scalar("loss", loss, RANDOM_SOFTMAX_LOSS, atol=LOSS_ATOL, context=shapes(scores=scores))


@exercise("day03.svm_loss")
@pytest.mark.parametrize("delta", [1.0, 0.5])
def test_svm_loss_reference_value(day03, delta):
    scores, y = random_scores()
    loss, _ = day03.svm_loss(scores, y, delta=delta) if delta != 1.0 else day03.svm_loss(scores, y)
    expect_scalar("loss", loss, RANDOM_SVM_LOSS[delta], atol=LOSS_ATOL,
                  context=shapes(scores=scores) + f" with delta = {delta:g}" + (" (the default)" if delta == 1 else ""))


@pytest.mark.parametrize("name", LOSSES)
def test_loss_gradient(day03, name):
    scores, y = random_scores(seed=8, N=6, C=4)
    loss_fn = getattr(day03, name)
    _, dscores = loss_fn(scores, y)
    check_gradients([("dscores", dscores, numerical_gradient_of(loss_fn, (scores, y), wrt=0, output=0))],
                    batch_size=scores.shape[0], context=inputs(scores=scores))


@exercise("day03.svm_loss")
@pytest.mark.parametrize("delta", [1.0, 2.0])
def test_svm_loss_zero_margin_passes_no_gradient(day03, delta):
    # edges.ZERO_MARGIN_*: row 0 (y = 0) has class 1 exactly on the margin and class 2 violating it by
    # delta; row 1 (y = 1) has class 0 violating by delta and class 2 clear. Scaling the scores by
    # delta keeps the zero margin at zero: the loss is delta times edges.ZERO_MARGIN_LOSS.
    scores, y = delta * edges.ZERO_MARGIN_SCORES, edges.ZERO_MARGIN_Y.copy()
    loss, dscores = day03.svm_loss(scores.copy(), y, delta=delta)
    context = (f" for scores {scores.tolist()} with y = {y.tolist()} and delta = {delta:g}, "
               f"where one margin is exactly 0")
    expect_scalar("loss", loss, delta * edges.ZERO_MARGIN_LOSS, atol=LOSS_ATOL, context=context)
    at_zero = edges.ZERO_MARGIN_DSCORES.copy()
    at_zero[0, 1] += 0.5   # the zero margin counted as violated: +1/N there,
    at_zero[0, 0] -= 0.5   # and -1/N more at its row's correct class
    expect_array_naming("dscores", dscores, edges.ZERO_MARGIN_DSCORES, [
        (at_zero, "It treats the margin of exactly 0 at (0, 1) as violated; a margin of 0 adds nothing to the loss "
                  "and passes no gradient: count margins > 0."),
        (every_class_counted(scores, y), EVERY_CLASS_COUNTED),
    ], context=context)


@exercise("day03.softmax_loss")
@pytest.mark.parametrize("correct", [0, 1, 2])
def test_softmax_loss_is_finite_on_extreme_scores(day03, correct):
    # edges.EXTREME_LOGITS in row 0, whose exponentials overflow (1000) and underflow (-1000);
    # -log softmax(row 0)[c] is 0, 1000 or 2000, and -log softmax([1, 2, 3])[2] = log(e + e^2 + e^3) - 3.
    scores = np.array([edges.EXTREME_LOGITS, [1.0, 2.0, 3.0]])
    y = np.array([correct, 2])
    where = f"scores [[1000, 0, -1000], [1, 2, 3]] with y = [{correct}, 2]"
    loss, dscores = without_float_trouble(day03.softmax_loss, scores, y, explain=lambda text: (
        f"On {where}, exp(1000) overflows: subtract each row's own maximum from it before exponentiating."
        if "overflow" in text else
        f"On {where}, an exponential underflowed to 0 and then went into a log (log(0) = -inf): shift each row by its "
        f"own maximum (not one maximum for the whole batch), and take log-probabilities as "
        f"shifted - log(sum(exp(shifted))), never log(softmax)." if "divide" in text or "log" in text else
        f"On {where}: shift each row by its own maximum and take log-probabilities as "
        f"shifted - log(sum(exp(shifted)))."))
    context = f" for {where}"
    second_row = math.log(math.e + math.e ** 2 + math.e ** 3) - 3.0  # 0.4076
    expect_scalar("loss", loss, (edges.EXTREME_LOGITS_LOSS[correct] + second_row) / 2, atol=LOSS_ATOL, context=context)
    probs = np.array([[1.0, 0.0, 0.0], np.exp([1.0, 2.0, 3.0]) / np.sum(np.exp([1.0, 2.0, 3.0]))])
    expect_array("dscores", dscores, (probs - np.eye(3)[y]) / 2, context=context)


@pytest.mark.parametrize("name", LOSSES)
def test_loss_leaves_inputs_alone(day03, name):
    scores, y = random_scores()
    copies = (scores.copy(), y.copy())
    getattr(day03, name)(scores, y)
    expect_unchanged("scores", copies[0], scores)
    expect_unchanged("y", copies[1], y)


# -- affine-ReLU sandwich (after its parts: the affine layer and the ReLU) -------------------------------
@exercise("day03.affine_relu_forward")
def test_affine_relu_forward_hand_values(day03):
    x, W, b, _ = hand_affine()
    out, _ = day03.affine_relu_forward(x, W, b)
    flat = x.reshape(x.shape[0], -1)
    expect_array_naming("out", out, HAND_AFFINE_RELU_OUT, [
        (HAND_AFFINE_OUT, "It is the affine output itself: pass it through relu_forward."),
        (np.maximum(flat, 0.0) @ W + b, "It applies the ReLU to the input x and then the affine layer; the order is "
                                        "affine first, then ReLU on its output."),
    ], context=" on the worked fixture" + shapes(x=x, W=W, b=b))


@exercise("day03.affine_relu_forward")
def test_affine_relu_forward_random(day03):
    x, W, b, _ = random_affine()
    out, _ = day03.affine_relu_forward(x, W, b)
    expect_array("out", out, np.maximum(x.reshape(x.shape[0], -1) @ W + b, 0.0), context=shapes(x=x, W=W, b=b))


@exercise("day03.affine_relu_backward")
def test_affine_relu_backward_hand_values(day03):
    x, W, b, dout = hand_affine()
    _, cache = day03.affine_relu_forward(x, W, b)
    dx, dW, db = day03.affine_relu_backward(dout, cache)
    context = " on the worked fixture, whose pre-activation (1, 1) is exactly 0 and (1, 2) negative"
    skipped = ("It is the affine layer's gradient with dout passed straight through: run relu_backward(dout, "
               "relu_cache) first and give its result to affine_backward.")
    expect_array_naming("dx", dx, HAND_AFFINE_RELU_DX, [(HAND_AFFINE_DX, skipped)], context=context)
    expect_array_naming("dW", dW, HAND_AFFINE_RELU_DW, [(HAND_AFFINE_DW, skipped)], context=context)
    expect_array_naming("db", db, HAND_AFFINE_RELU_DB, [(HAND_AFFINE_DB, skipped)], context=context)


@exercise("day03.affine_relu_backward")
def test_affine_relu_backward_gradient(day03):
    x, W, b, dout = random_affine(seed=2, x_shape=(4, 3, 2), M=5)
    _, cache = day03.affine_relu_forward(x, W, b)
    dx, dW, db = day03.affine_relu_backward(dout, cache)
    forward, args = day03.affine_relu_forward, (x, W, b)  # numerical gradients of sum(forward(x, W, b)[0] * dout)
    check_gradients([
        ("dx", dx, numerical_gradient_of(forward, args, wrt=0, output=0, dout=dout)),
        ("dW", dW, numerical_gradient_of(forward, args, wrt=1, output=0, dout=dout)),
        ("db", db, numerical_gradient_of(forward, args, wrt=2, output=0, dout=dout)),
    ], context=inputs(x=x, W=W, dout=dout))


# -- Value ----------------------------------------------------------------------------------------------
# The expressions are defined in tests/probes/day03_backprop.py, where the worker builds them from the
# learner's Value; here the judge evaluates the same definitions on plain floats.
#
# Every operator is checked alone first, in an order where the primitives come before what is usually
# built from them (multiplication first: learners write a - b as a + (-1) * b and a / b as
# a * b ** -1), and each under an upstream gradient other than 1 ((...) * c), so a _backward that
# drops out.grad shows. A check of something built from other operators (a - b, 1 - a, a diamond, a
# random expression) that finds a wrong number first re-checks those parts: a broken part is named
# (its own, earlier check says how), and only when every part is right does the sentence blame the
# combination itself.
class FloatOps:
    """The suite's plain-float twin of Value's methods, to evaluate an expression without autograd."""
    exp, log, tanh = staticmethod(math.exp), staticmethod(math.log), staticmethod(math.tanh)
    relu = staticmethod(lambda t: t if t > 0 else 0.0)


def numerical_partials(expr, point):
    """Centred differences of ``expr(FloatOps, *point)`` with respect to each input."""
    partials = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += H
        down[i] -= H
        partials.append((expr(FloatOps, *up) - expr(FloatOps, *down)) / (2 * H))
    return partials


def number(name, value, context=""):
    """A number the learner's Value holds (its data or grad) as a float; a sentence when it is something else."""
    if not isinstance(value, bool) and (isinstance(value, (int, float)) or (
            isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf")):
        return float(value)
    fail(f"{name} is {describe_value(value)}, not a number{context}; data and grad must hold plain floats.")


@dataclass(frozen=True)
class Graph:
    """One expression built from fresh leaf Values at ``point``, then ``out.backward()``."""
    expr: object                 # an id of probes.EXPRESSIONS, or a random program (a list of steps)
    point: tuple
    text: str = ""               # how a sentence shows it (default: the id)
    names: tuple = ()            # the leaves' names (default: as the expression's definition calls them)
    expected: tuple | None = None  # (data, grads), where centred differences do not apply (a kink, extremes)

    @property
    def shown(self) -> str:
        return self.text or str(self.expr)

    @property
    def where(self) -> str:
        """`` for out = a * b at a = 0.7, b = -1.3``."""
        return f" for {'' if ';' in self.shown else 'out = '}{self.shown} at {self.at}"

    @property
    def at(self) -> str:
        return ", ".join(f"{n} = {v:g}" for n, v in zip(self.names, self.point))

    def reference(self):
        if self.expected is not None:
            return self.expected[0], list(self.expected[1])
        expr = probes.expression(self.expr)
        return expr(FloatOps, *self.point), numerical_partials(expr, self.point)

    def sendable(self):
        return self.expr, self.point

    def __post_init__(self):
        if not self.names:
            object.__setattr__(self, "names", probes.leaf_names(self.expr))


@dataclass(frozen=True)
class Part:
    """What one check of Value covers: its graphs, and the parts it is usually built from."""
    key: str                    # the check's id
    title: str                  # how a sentence names it
    graphs: tuple
    parts: tuple = ()           # keys of earlier Parts it relies on, re-checked when this one is wrong
    method: str = ""            # where the learner should look, e.g. "__mul__"
    built: bool = False         # usually written with other operators (a - b as a + (-b)), not on its own


@dataclass
class Problem:
    """The first wrong number of a check, as a sentence, with what recognising it needs."""
    text: str
    names: str = "mismatch"
    kind: str = ""              # type | data | seed | grad
    graph: Graph | None = None
    got: list | None = None     # the leaves' grads, as floats
    data: float | None = None   # out.data, as a float
    expected: list | None = None
    leaf: int = -1


A, B, C = 0.7, -1.3, 2.5
G = Graph

OPERATORS = [
    Part("multiplication", "multiplication (a * b)",
         (G("a * b", (A, B)), G("a * 2.5", (A,)), G("(a * b) * c", (A, B, C))), (), "__mul__"),
    Part("addition", "addition (a + b)",
         (G("a + b", (A, B)), G("a + 2.5", (A,)), G("(a + b) * c", (A, B, C))), ("multiplication",), "__add__"),
    Part("power", "power by a constant (a ** k)",
         (G("a ** 3", (A,)), G("a ** 3", (B,)), G("a ** -0.5", (A,)), G("(a ** 3) * c", (A, C))),
         ("multiplication",), "__pow__"),
    Part("exp", "exp(a)", (G("exp(a)", (A,)), G("exp(a)", (B,)), G("exp(a) * c", (A, C))),
         ("multiplication",), "exp"),
    Part("log", "log(a)", (G("log(a)", (A,)), G("log(a)", (C,)), G("log(a) * c", (A, C))),
         ("multiplication",), "log"),
    Part("tanh", "tanh(a)", (G("tanh(a)", (A,)), G("tanh(a)", (B,)), G("tanh(a) * c", (A, C))),
         ("multiplication",), "tanh"),
    Part("relu", "relu(a)", (G("relu(a)", (A,)), G("relu(a)", (B,)), G("relu(a)", (0.0,), expected=(0.0, (0.0,))),
                             G("relu(a) * c", (A, C))),
         ("multiplication",), "relu"),
    Part("negation", "negation (-a)", (G("-a", (A,)), G("(-a) * c", (A, C))),
         ("multiplication",), "__neg__", built=True),
    Part("subtraction", "subtraction (a - b)",
         (G("a - b", (A, B)), G("a - 2.5", (A,)), G("(a - b) * c", (A, B, C))),
         ("multiplication", "addition", "negation"), "__sub__", built=True),
    Part("division", "division (a / b)",
         (G("a / b", (A, B)), G("a / 4", (A,)), G("(a / b) * c", (A, B, C))),
         ("multiplication", "power"), "__truediv__", built=True),
    Part("number + a", "addition to a number (2.5 + a)", (G("2.5 + a", (A,)), G("(2.5 + a) * c", (A, C))),
         ("addition",), "__radd__", built=True),
    Part("number * a", "multiplication of a number (2.5 * a)", (G("2.5 * a", (A,)), G("(2.5 * a) * c", (A, C))),
         ("multiplication",), "__rmul__", built=True),
    Part("number - a", "subtraction from a number (1 - a)", (G("1 - a", (A,)), G("(1 - a) * c", (A, C))),
         ("addition", "negation", "subtraction"), "__rsub__", built=True),
    Part("number / a", "division of a number (2 / a)", (G("2 / a", (A,)), G("(2 / a) * c", (A, C))),
         ("power", "division"), "__rtruediv__", built=True),
]
#: Extreme inputs, as far as float64 allows: exact values, no overflow, no nan.
EXTREMES = [
    Part("tanh at +-1000", "tanh(a) at large |a|",
         (G("tanh(a)", (1000.0,), expected=(1.0, (0.0,))), G("tanh(a)", (-1000.0,), expected=(-1.0, (0.0,)))),
         ("tanh",), "tanh"),
    Part("exp at 700 and -1000", "exp(a) at large |a|",
         (G("exp(a)", (700.0,), expected=(math.exp(700.0), (math.exp(700.0),))),
          G("exp(a)", (-1000.0,), expected=(0.0, (0.0,)))),
         ("exp",), "exp"),
    Part("log at 1e-300", "log(a) of a tiny positive a",
         (G("log(a)", (1e-300,), expected=(math.log(1e-300), (1e300,))),), ("log",), "log"),
    Part("division by 1e-100", "division (a / b) by a tiny b",
         (G("a / b", (A, 1e-100), expected=(A * 1e100, (1e100, -A * 1e200))),), ("division",), "__truediv__"),
]
#: A Value used more than once: every use adds its contribution (grad +=), and backward() runs each
#: node once, after all of its users.
SHARED = [
    Part("a used twice", "a value used twice by one operation (a + a, a * a)", (G("a + a", (A,)), G("a * a", (A,))),
         ("addition", "multiplication"), "_backward"),
    Part("reused node", "a graph with a reused node", (G("reused_node", (1.5,), text="b = a + a; out = b * b"),),
         ("a used twice",), "backward"),
    Part("node used several times", "a graph with a node used several times",
         (G("node_used_several_times", (0.6, -0.9), text="d = a * b; out = d + d * d + tanh(d) - d / 3"),),
         ("tanh", "subtraction", "division", "a used twice"), "backward"),
    Part("diamond", "a diamond-shaped graph",
         (G("diamond", (0.8, 0.5), text="a = x * y; out = (a + 1) * tanh(a)"),),
         ("tanh", "a used twice"), "backward"),
]
VALUE_PARTS = OPERATORS + EXTREMES + SHARED
PARTS_BY_KEY = {part.key: part for part in VALUE_PARTS}
ORDER = {part.key: k for k, part in enumerate(VALUE_PARTS)}

#: Seeds whose expressions reach every leaf (each leaf's gradient is far from 0).
RANDOM_SEEDS = [2, 5, 11, 12, 15, 16]


def random_part(seed) -> Part:
    program, point, text = random_program(seed)
    return Part(f"random {seed}", "a random expression", (G(program, point, text=text),),
                tuple(p.key for p in VALUE_PARTS), "backward")


def all_parts(keys) -> list:
    """``keys`` and everything they are built from, in check order (primitives first)."""
    found, todo = set(), list(keys)
    while todo:
        key = todo.pop()
        if key not in found:
            found.add(key)
            todo.extend(PARTS_BY_KEY[key].parts)
    return sorted(found, key=ORDER.__getitem__)


def run_graphs(day03, graphs):
    """Every graph built and backpropagated in the worker, in one request; when the learner's code
    raises, the graph and step (building it, or out.backward()) are found and named."""
    try:
        return day03.probe(probes.value_expressions, [g.sendable() for g in graphs])
    except LearnerRaised:
        for graph in graphs:
            leaves = ", ".join(f"{n} = Value({v:g})" for n, v in zip(graph.names, graph.point))
            for backward, call in ((False, f"`{graph.shown}` with {leaves}"),
                                   (True, f"`out.backward()` for out = {graph.shown} with {leaves}")):
                try:
                    day03.probe(probes.value_expression, *graph.sendable(), backward=backward)
                except LearnerRaised as again:
                    again.call = call
                    raise again from None
        raise


def graph_problem(graph, found) -> Problem | None:
    """The first wrong number of one graph (its type, data, out.grad, then each leaf's grad), or None."""
    where = graph.where
    if not found["is_value"]:
        what = "None" if found["type"] == "NoneType" else f"a {found['type']}"
        return Problem(f"`{graph.shown}` returned {what}, not a Value, at {graph.at}; every operation must return "
                       f"a new Value (wrap a plain number in Value first).", "cause", "type", graph)
    data_ref, grads_ref = graph.reference()
    data = number("out.data", found["data"], where)
    if not (abs(data - data_ref) <= 1e-10 + VALUE_RTOL * abs(data_ref)):
        return Problem(f"out.data is {data:.10g} but should be {data_ref:.10g}{where}.", kind="data", graph=graph,
                       data=data)
    out_grad = number("out.grad", found["out.grad"], f" after out.backward(){where}")
    if out_grad != 1.0:
        return Problem(f"after out.backward(){where}, out.grad is {out_grad:.10g}; backward() must first set the "
                       f"output's own grad to 1.0 (d out / d out = 1), then run the _backward closures.",
                       "cause", "seed", graph)
    grads = [number(f"{n}.grad", g, f" after out.backward(){where}") for n, g in zip(graph.names, found["grads"])]
    right = []
    for i, (name, grad, numerical) in enumerate(zip(graph.names, grads, grads_ref)):
        gap = abs(grad - numerical)
        if not (gap <= GRAD_ATOL or rel_error(grad, numerical) <= GRAD_TOL) or math.isnan(grad):
            others = f" ({', '.join(right)} {'is' if len(right) == 1 else 'are'} right)" if right else ""
            return Problem(f"after out.backward(){where}, {name}.grad is {grad:.10g} but should be {numerical:.10g}"
                           f"{others}.", kind="grad", graph=graph, got=grads, expected=grads_ref, leaf=i)
        right.append(f"{name}.grad")
    return None


def first_problem(graphs, found) -> Problem | None:
    for graph, result in zip(graphs, found):
        problem = graph_problem(graph, result)
        if problem:
            return problem
    return None


def _close(x, y) -> bool:
    return abs(x - y) <= 1e-9 + 1e-7 * abs(y)


def recognise(part: Part, problem: Problem) -> tuple[str, str] | None:
    """A sentence naming the mistake behind ``problem`` in ``part``'s own code, and how much it tells."""
    graph, got, expected = problem.graph, problem.got, problem.expected
    where = part.method and f"`{part.method}`"
    if problem.kind != "grad":
        if problem.kind == "data" and graph.expr in ("1 - a", "2 / a"):
            a = graph.point[0]
            swapped, text, sign = (a - 1, "a - 1", "-") if graph.expr == "1 - a" else (a / 2, "a / 2", "/")
            if _close(problem.data, swapped):
                return (f"That is {text}: in {part.method}(self, other) the plain number is other, on the left of "
                        f"the operator, so it must compute other {sign} self.", "cause")
        return None
    leaf_value, wanted, grad = graph.point[problem.leaf], expected[problem.leaf], got[problem.leaf]
    expr = graph.expr if isinstance(graph.expr, str) else ""
    if expr.endswith(") * c") or expr.endswith(" * c"):
        c = graph.point[-1]
        inner = [i for i in range(len(got) - 1) if expected[i] != 0]
        if inner and _close(got[-1], expected[-1]) and all(got[i] == 0 for i in inner):
            return ("backward() never reached the operands of the inner operation: it must call the _backward of "
                    "every node of the graph, from the output back to the leaves (reverse topological order), "
                    "not only the output's.", "cause")
        if problem.leaf in inner and _close(grad * c, wanted):
            return (f"That is the local derivative alone, without the upstream gradient out.grad (here c = {c:g}): "
                    f"{where}'s _backward must multiply by it: operand.grad += local derivative * out.grad.",
                    "cause")
    if part.key == "multiplication" and expr == "a * b" and _close(grad, leaf_value) and not _close(wanted, grad):
        return ("That is its own value: the derivative of a * b with respect to a is the other operand, b (and "
                "with respect to b it is a).", "cause")
    if part.key == "power" and expr.startswith("a ** "):
        k = float(expr[5:])
        if _close(grad, k * leaf_value ** k):
            return (f"That is k * a**k; the derivative of a**k is k * a**(k - 1) (here k = {k:g}).", "cause")
        if _close(grad, leaf_value ** (k - 1)):
            return (f"That is a**(k - 1) without the factor k; the derivative of a**k is k * a**(k - 1) "
                    f"(here k = {k:g}).", "cause")
    if part.key == "tanh" and expr == "tanh(a)" and _close(grad, 1 - leaf_value ** 2):
        return ("That is 1 - a**2 on the input; the derivative is 1 - t**2 with t = tanh(a), the output.", "cause")
    if part.key == "relu" and expr == "relu(a)" and leaf_value <= 0 and grad == 1.0:
        if leaf_value == 0:
            return ("The kata's ReLU has derivative 0 at exactly 0: use a strict comparison, "
                    "1.0 if self.data > 0 else 0.0.", "cause")
        return ("relu passes the gradient although its input is negative: its derivative is 1 only where "
                "self.data > 0 (a test on the output with >= 0 is always true).", "cause")
    if part.key == "a used twice" and expr in ("a + a", "a * a") and _close(2 * grad, wanted):
        return ("That is one use's contribution: a is both operands, and the second update overwrote the first. "
                "Every _backward must add to the operands' grads (grad +=), never assign them.", "cause")
    if all(g == 0 for g in got) and any(e != 0 for e in expected):
        return (f"No gradient reached the leaves: does {where} build its result from its operands (as its "
                f"children, with a _backward closure attached to it: out._backward = _backward), and does "
                f"backward() call that closure?", "pattern")
    return None


def heading(part: Part) -> str:
    """``Value multiplication (a * b)`` or ``A diamond-shaped graph``: how a sentence about ``part`` starts."""
    return part.title[0].upper() + part.title[1:] if part.title.startswith("a ") else f"Value {part.title}"


def wrong_part(day03, keys) -> tuple[Part, str] | None:
    """The first of ``keys`` (with what they are built from, primitives first) that fails on its own."""
    for key in all_parts(keys):
        part = PARTS_BY_KEY[key]
        try:
            found = day03.probe(probes.value_expressions, [g.sendable() for g in part.graphs])
        except LearnerRaised:
            return part, "raises an error on its own"
        try:
            if first_problem(part.graphs, found):
                return part, "is wrong on its own too"
        except CheckFailed:  # its data or grad is not even a number
            return part, "is wrong on its own too"
    return None


#: The method Python looks for, by the operator in a TypeError "unsupported operand type(s) for ...".
OPERATOR_METHODS = {"+": "add", "-": "sub", "*": "mul", "/": "truediv", "** or pow()": "pow"}


def explain_crash(exc: LearnerRaised) -> None:
    """Fail naming the cause when the learner's Value raised for a reason the text shows: a plain number
    used as a Value, or an operator Python found no method for. Anything else is left to propagate."""
    text = exc.text.strip()
    if exc.type_name == "AttributeError" and re.search(r"'(int|float)' object has no attribute", text):
        fail(f"{describe_raise(exc).rstrip('.')}. A plain number has no .data or .grad: wrap it first, "
             f"other = other if isinstance(other, Value) else Value(other).", names="cause")
    found = re.search(r"unsupported operand type\(s\) for (.+?): '(\w+)' and '(\w+)'", text)
    if exc.type_name == "TypeError" and found and found.group(1) in OPERATOR_METHODS:
        name = OPERATOR_METHODS[found.group(1)]
        if found.group(2) in ("int", "float"):
            fail(f"{describe_raise(exc).rstrip('.')}. With a plain number on the left of {found.group(1)}, Python "
                 f"calls the Value's __r{name}__(self, other), with other the number: define it.", names="cause")
        fail(f"{describe_raise(exc).rstrip('.')}. Python found no __{name}__ in Value for {found.group(1)}: "
             f"define it.", names="cause")


def check_value_part(day03, part: Part):
    """Build every graph of ``part``, compare it with the judge's own numbers, and say what is wrong, where."""
    try:
        found = run_graphs(day03, part.graphs)
    except LearnerRaised as exc:
        explain_crash(exc)
        raise
    problem = first_problem(part.graphs, found)
    if problem is None:
        return
    blamed = wrong_part(day03, part.parts)
    if blamed:
        other, how = blamed
        uses = (f"{part.title} is usually built on it" if part.built else
                "this check's graphs use it too" if part.key in ORDER and ORDER[part.key] < len(OPERATORS) else
                "this graph uses it")
        fail(f"{heading(part)}: {problem.text} But {other.title} {how} (its own check says how), and {uses}: "
             f"fix {other.title} first.")
    named = recognise(part, problem)
    if named:
        fail(f"{heading(part)}: {problem.text} {named[0]}", names=named[1])
    alone = isinstance(problem.graph.expr, str) and not problem.graph.expr.endswith(" * c")
    if not part.built and alone and part.method and part.key in ORDER and ORDER[part.key] < len(OPERATORS):
        fail(f"{heading(part)}: {problem.text} Only `{part.method}` runs here: "
             + ("the value it computes is wrong." if problem.kind == "data" else
                "the local derivative its _backward adds is wrong."))
    if part.parts and part.method and problem.kind in ("data", "grad"):
        listed = listing(part.parts)
        how = (f"everything it is usually built from ({listed}) is right on its own, so look at `{part.method}` and "
               f"how it combines them" if part.built else
               f"{listed} {'is' if ',' not in listed and ' and ' not in listed else 'are'} right on its own, "
               f"so look at `{part.method}`")
        fail(f"{heading(part)}: {problem.text} Here {how}.")
    fail(f"{heading(part)}: {problem.text}")


def listing(keys) -> str:
    """``multiplication (a * b), addition (a + b) and tanh(a)``: the parts ``keys`` rely on, in check order."""
    titles = [PARTS_BY_KEY[k].title for k in all_parts(keys)]
    return ", ".join(titles[:-1]) + (" and " if len(titles) > 1 else "") + titles[-1]


@exercise("day03.Value")
def test_value_leaf(day03):
    try:
        a = day03.probe(probes.value_leaf, 3.0)
    except LearnerRaised as exc:
        exc.call = "`Value(3.0)`"
        raise
    expect_scalar("Value(3.0).data", number("Value(3.0).data", a["data"]), 3.0)
    expect_scalar("Value(3.0).grad", number("Value(3.0).grad", a["grad"]), 0.0,
                  context=" before any backward pass (it must start at 0.0)")


@exercise("day03.Value")
@pytest.mark.parametrize("key", [p.key for p in OPERATORS])
def test_value_operator(day03, key):
    check_value_part(day03, PARTS_BY_KEY[key])


#: Why an operator fails on extreme inputs, when the learner's code raised there.
EXTREME_CAUSES = {
    "tanh at +-1000": "tanh(1000) is exactly 1.0 and tanh(-1000) exactly -1.0: compute it with math.tanh; "
                      "(exp(2x) - 1) / (exp(2x) + 1) and (exp(x) - exp(-x)) / (exp(x) + exp(-x)) overflow once |x| "
                      "passes about 355.",
    "exp at 700 and -1000": "exp(700) is about 1.01e304, still a float64: compute it with math.exp, and its "
                            "derivative from out.data.",
    "log at 1e-300": "log(1e-300) is about -690.78 and its derivative 1e300, both float64 numbers: use math.log(x) "
                     "as it is (no epsilon) and 1 / x for the derivative.",
    "division by 1e-100": "a / 1e-100 is 7e99 and its derivative with respect to b, -a / b**2, is -7e199, both "
                          "float64 numbers: a * b ** -1 computes them.",
}


@exercise("day03.Value")
@pytest.mark.parametrize("key", [p.key for p in EXTREMES])
def test_value_extreme_inputs(day03, key):
    part = PARTS_BY_KEY[key]
    try:
        found = run_graphs(day03, part.graphs)
    except LearnerRaised as exc:
        if exc.type_name not in FLOAT_TROUBLE + ("ValueError",):
            raise
        fail(f"{describe_raise(exc).rstrip('.')}. {EXTREME_CAUSES[key]}", names="cause")
    problem = first_problem(part.graphs, found)
    if problem is None:
        return
    if wrong_part(day03, part.parts) is None and problem.kind in ("data", "grad"):
        if key == "log at 1e-300" and problem.kind == "data" and problem.data > -100:
            fail(f"{heading(part)}: {problem.text} That is the logarithm of a much larger number, as if something "
                 f"(an epsilon?) were added to the input. {EXTREME_CAUSES[key]}", names="cause")
        fail(f"{heading(part)}: {problem.text} {EXTREME_CAUSES[key]}")
    check_value_part(day03, part)


@exercise("day03.Value")
@pytest.mark.parametrize("key", [p.key for p in SHARED])
def test_value_shared_nodes(day03, key):
    part = PARTS_BY_KEY[key]
    found = run_graphs(day03, part.graphs)
    problem = first_problem(part.graphs, found)
    if problem is None:
        return
    if key != "a used twice" and problem.kind == "grad" and wrong_part(day03, part.parts) is None:
        fail(f"{heading(part)}: {problem.text} Its operations ({listing(part.parts)}) are right on their own, so "
             f"backward() runs some node's _backward before all of its users have added their contributions, or "
             f"more than once: build the order with a depth-first search that keeps a visited set and appends a "
             f"node after all of its operands, then run it reversed.", names="cause")
    check_value_part(day03, part)


@exercise("day03.Value")
@pytest.mark.parametrize("seed", RANDOM_SEEDS)
def test_value_random_expression(day03, seed):
    check_value_part(day03, random_part(seed))


@exercise("day03.Value")
def test_value_records_its_graph(day03):
    try:
        found = day03.probe(probes.value_graph_record)
    except LearnerRaised as exc:
        exc.call = "`c = a * b` then `Value(5.0, (a, b), 'custom')`, with a = Value(2.0) and b = Value(5.0),"
        raise
    children = found["c._prev"]
    if not isinstance(children, list) or set(children) != {"a", "b"}:
        fail("c = a * b must remember its operands in c._prev (a tuple or set holding a and b); "
             "backward() walks the graph through it, and the day's figure draws it.")
    if found["a._prev"] != []:
        fail("a leaf Value(2.0) must have an empty _prev.")
    if found["c._op"] is None:
        fail("c = a * b must record its operation in c._op as a string, for example '*'.")
    if not isinstance(found["made._prev"], list) or sorted(found["made._prev"]) != ["a", "b"] \
            or found["made._op"] != "custom":
        fail(f"Value(5.0, (a, b), 'custom') must keep its _children in _prev and its _op: yours has _prev "
             f"{found['made._prev']} and _op {found['made._op']!r}; the operators build their results this way.")
