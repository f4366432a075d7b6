"""Checks for Day 3: layer forward/backward pairs, losses on scores, and the Value autograd engine."""
import math

import numpy as np
import pytest

from grader.judge import describe_value, unpack
from grader.sandbox.client import LearnerRaised

from ..probes import day03_backprop as probes
from ..probes.day03_backprop import OPERATOR_EXPRESSIONS, random_program
from .expect import expect_array, expect_scalar, expect_unchanged, fail, shapes
from .gradcheck import GRAD_ATOL, GRAD_TOL, H, LOSS_ATOL, VALUE_RTOL, check_gradients, numerical_gradient_of, rel_error

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


@pytest.fixture
def day03(impl):
    """The learner's day03_backprop module, run in the sandboxed worker."""
    return impl.module("day03_backprop", returns=RETURNS)


# -- fixtures ---------------------------------------------------------------------------------
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


def relu_zeros():
    """Inputs with exact zeros, a positive and a negative entry in every row."""
    x = np.array([[-1.5, 0.0, 2.0], [0.0, 3.0, -0.5]])
    dout = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return x, dout


#: sigmoid(0) = 1/2, sigmoid(ln 3) = 3/4, sigmoid(-ln 3) = 1/4, so s(1 - s) = 1/4, 3/16, 3/16.
SIGMOID_X = np.array([[0.0, math.log(3.0), -math.log(3.0)]])
SIGMOID_OUT = np.array([[0.5, 0.75, 0.25]])
#: tanh(0) = 0 and tanh(+-ln 2) = +-(2 - 1/2) / (2 + 1/2) = +-0.6, so 1 - t^2 = 1, 0.64, 0.64.
TANH_X = np.array([[0.0, math.log(2.0), -math.log(2.0)]])
TANH_OUT = np.array([[0.0, 0.6, -0.6]])
ACTIVATION_DOUT = np.array([[2.0, 4.0, 8.0]])

ACTIVATIONS = {
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "tanh": np.tanh,
}


def inputs(**arrays) -> str:
    """`` for x (3, 2, 3), dout (3, 4)``: what a gradient-check message names after the gradient."""
    return shapes(**arrays)


def forward_names(kinds):
    return pytest.mark.parametrize("kind", [pytest.param(k, marks=exercise(f"day03.{k}_forward"), id=k) for k in kinds])


def backward_names(kinds):
    return pytest.mark.parametrize("kind", [pytest.param(k, marks=exercise(f"day03.{k}_backward"), id=k) for k in kinds])


def expect_inputs_unchanged_by_forward_backward(day03, kind, inputs, names, dout):
    """Run ``{kind}_forward`` then ``{kind}_backward`` on the same objects in the worker (as a network
    would: the cache may share the inputs) and check that neither changed an input or dout."""
    after = day03.probe(probes.inputs_after_forward_backward, kind, inputs, dout)
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
RANDOM_SVM_LOSS = {1.0: 6.990778340204689, 0.5: 5.801676487754408}


# -- affine layer ---------------------------------------------------------------------------------
@exercise("day03.affine_forward")
def test_affine_forward_hand_values(day03):
    x, W, b, _ = hand_affine()
    out, _ = day03.affine_forward(x, W, b)
    expect_array("out", out, HAND_AFFINE_OUT, context=" on the worked fixture" + shapes(x=x, W=W, b=b))


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
    context = " on the worked fixture" + shapes(x=x, W=W, dout=dout)
    expect_array("dx", dx, HAND_AFFINE_DX, context=context)
    expect_array("dW", dW, HAND_AFFINE_DW, context=context)
    expect_array("db", db, HAND_AFFINE_DB, context=context)


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
def test_relu_forward_values(day03):
    x, _ = relu_zeros()
    out, _ = day03.relu_forward(x)
    expect_array("out", out, [[0.0, 0.0, 2.0], [0.0, 3.0, 0.0]], context=f" for x = {x.tolist()}")


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
    expect_array("out", out, SIGMOID_OUT, context=" for x = [0, ln 3, -ln 3]")


@exercise("day03.tanh_forward")
def test_tanh_forward_hand_values(day03):
    out, _ = day03.tanh_forward(TANH_X)
    expect_array("out", out, TANH_OUT, context=" for x = [0, ln 2, -ln 2]")


@exercise("day03.relu_backward")
def test_relu_backward_is_zero_at_exact_zeros(day03):
    x, dout = relu_zeros()
    _, cache = day03.relu_forward(x)
    dx = day03.relu_backward(dout, cache)
    expected = np.array([[0.0, 0.0, 3.0], [0.0, 5.0, 0.0]])
    wrong = np.asarray(dx, dtype=float) != expected if np.shape(dx) == expected.shape else None
    if wrong is not None and np.any(wrong) and np.all(x[wrong] == 0):
        fail(f"dx is {np.asarray(dx).tolist()} for x = {x.tolist()} and dout = {dout.tolist()}; at the entries "
             f"where x is exactly 0 it should be 0. The kata's ReLU has derivative 0 at 0: build the mask "
             f"with a strict x > 0.")
    expect_array("dx", dx, expected, context=f" for x = {x.tolist()} and dout = {dout.tolist()}")


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
    # s (1 - s) = [1/4, 3/16, 3/16], times dout = [2, 4, 8].
    expect_array("dx", dx, [[0.5, 0.75, 1.5]], context=" for x = [0, ln 3, -ln 3] and dout = [2, 4, 8]")


@exercise("day03.tanh_backward")
def test_tanh_backward_hand_values(day03):
    _, cache = day03.tanh_forward(TANH_X)
    dx = day03.tanh_backward(ACTIVATION_DOUT, cache)
    # 1 - t^2 = [1, 0.64, 0.64], times dout = [2, 4, 8].
    expect_array("dx", dx, [[2.0, 2.56, 5.12]], context=" for x = [0, ln 2, -ln 2] and dout = [2, 4, 8]")


@backward_names(["relu", "sigmoid", "tanh"])
def test_activation_backward_leaves_inputs_alone(day03, kind, rng):
    x, dout = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    expect_inputs_unchanged_by_forward_backward(day03, kind, (x,), ("x",), dout)


# -- losses on scores ----------------------------------------------------------------------------------
@exercise("day03.softmax_loss")
def test_softmax_loss_hand_values(day03):
    scores, y = hand_scores()
    loss, dscores = day03.softmax_loss(scores, y)
    context = " on the worked two-example fixture"
    expect_scalar("loss", loss, HAND_SOFTMAX_LOSS, atol=LOSS_ATOL, context=context)
    expect_array("dscores", dscores, HAND_SOFTMAX_DSCORES, context=context)


@exercise("day03.svm_loss")
@pytest.mark.parametrize("delta", [1.0, 2.0])
def test_svm_loss_hand_values(day03, delta):
    scores, y = hand_scores()
    loss, dscores = day03.svm_loss(scores, y, delta=delta)
    context = f" on the worked two-example fixture with delta = {delta}"
    expect_scalar("loss", loss, HAND_SVM_LOSS[delta], atol=LOSS_ATOL, context=context)
    expect_array("dscores", dscores, HAND_SVM_DSCORES, context=context)


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
                  context=shapes(scores=scores) + f" with delta = {delta}")


@pytest.mark.parametrize("name", [pytest.param(n, marks=exercise(f"day03.{n}"), id=n) for n in ("softmax_loss", "svm_loss")])
def test_loss_gradient(day03, name):
    scores, y = random_scores(seed=8, N=6, C=4)
    loss_fn = getattr(day03, name)
    _, dscores = loss_fn(scores, y)
    check_gradients([("dscores", dscores, numerical_gradient_of(loss_fn, (scores, y), wrt=0, output=0))],
                    batch_size=scores.shape[0], context=inputs(scores=scores))


@exercise("day03.svm_loss")
def test_svm_loss_zero_margin_passes_no_gradient(day03):
    # Row 0 (y = 0): class 1 sits exactly on the margin (0 - 1 + 1 = 0), class 2 violates it by 1.
    # Row 1 (y = 1): class 0 violates by 1, class 2 is clear (0 - 2 + 1 < 0). Loss (1 + 1) / 2 = 1.
    scores, y = np.array([[1.0, 0.0, 1.0], [2.0, 2.0, 0.0]]), np.array([0, 1])
    loss, dscores = day03.svm_loss(scores, y)
    context = " for scores [[1, 0, 1], [2, 2, 0]] with y = [0, 1], where one margin is exactly 0"
    expect_scalar("loss", loss, 1.0, atol=LOSS_ATOL, context=context)
    expect_array("dscores", dscores, [[-0.5, 0.0, 0.5], [0.5, -0.5, 0.0]],
                 context=context + " (a margin of exactly 0 passes no gradient: use margins > 0)")


@exercise("day03.softmax_loss")
@pytest.mark.parametrize("correct", [0, 1, 2])
def test_softmax_loss_is_finite_on_extreme_scores(day03, correct):
    scores = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    y = np.array([correct, 2])
    with np.errstate(all="ignore"):
        loss, dscores = day03.softmax_loss(scores, y)
    # -log softmax([1000, 0, -1000])[c] is 0, 1000 or 2000; -log softmax([1, 2, 3])[2] = log(e + e^2 + e^3) - 3.
    context = f" for scores [[1000, 0, -1000], [1, 2, 3]] with y = [{correct}, 2] (shift each row by its own maximum)"
    second_row = math.log(math.e + math.e ** 2 + math.e ** 3) - 3.0  # 0.4076
    expect_scalar("loss", loss, ([0.0, 1000.0, 2000.0][correct] + second_row) / 2, atol=LOSS_ATOL, context=context)
    probs = np.array([[1.0, 0.0, 0.0], np.exp([1.0, 2.0, 3.0]) / np.sum(np.exp([1.0, 2.0, 3.0]))])
    expect_array("dscores", dscores, (probs - np.eye(3)[y]) / 2, context=context)


@pytest.mark.parametrize("name", [pytest.param(n, marks=exercise(f"day03.{n}"), id=n) for n in ("softmax_loss", "svm_loss")])
def test_loss_leaves_inputs_alone(day03, name):
    scores, y = random_scores()
    copies = (scores.copy(), y.copy())
    getattr(day03, name)(scores, y)
    expect_unchanged("scores", copies[0], scores)
    expect_unchanged("y", copies[1], y)


# -- affine-ReLU sandwich -------------------------------------------------------------------------------
@exercise("day03.affine_relu_forward")
def test_affine_relu_forward_hand_values(day03):
    x, W, b, _ = hand_affine()
    out, _ = day03.affine_relu_forward(x, W, b)
    expect_array("out", out, HAND_AFFINE_RELU_OUT, context=" on the worked fixture" + shapes(x=x, W=W, b=b))


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
    expect_array("dx", dx, HAND_AFFINE_RELU_DX, context=context)
    expect_array("dW", dW, HAND_AFFINE_RELU_DW, context=context)
    expect_array("db", db, HAND_AFFINE_RELU_DB, context=context)


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
    if isinstance(value, (int, float)) or (isinstance(value, np.ndarray) and value.ndim == 0
                                           and value.dtype.kind in "biuf"):
        return float(value)
    fail(f"{name} is {describe_value(value)}, not a number{context}; data and grad must hold plain floats.")


SHARED_HINT = (" This graph reuses nodes: each use must add its contribution (grad +=, never =), and backward() "
               "must run a node's _backward only after every node that uses it (reverse topological order, "
               "each node once).")


def check_value_expression(day03, label, description, point, names="abc", hint=""):
    """Build an expression from Values at ``point`` in the worker, call backward, and compare data and
    every leaf's grad with the judge's own evaluation; ``description`` is an expression id of
    ``probes.EXPRESSIONS`` or a random program (see ``probes.random_program``)."""
    expr = probes.expression(description)
    where = f" for {label} at " + ", ".join(f"{n} = {v:g}" for n, v in zip(names, point))
    try:
        found = day03.probe(probes.value_expression, description, point)
    except LearnerRaised as exc:
        # Building the expression or backward() raised. Judge the forward pass first (the chain
        # rule's order), and say which of the two raised.
        try:
            forward = day03.probe(probes.value_expression, description, point, backward=False)
        except LearnerRaised as again:
            again.call = f"building the expression from your Values{where}"
            raise again from None
        check_value_data(forward, expr, point, where)
        exc.call = f"out.backward(){where}"
        raise
    check_value_data(found, expr, point, where)
    checked = []
    for name, grad, numerical in zip(names, found["grads"], numerical_partials(expr, point)):
        grad = number(f"{name}.grad", grad, f" after out.backward(){where}")
        error = 0.0 if abs(grad - numerical) <= GRAD_ATOL else rel_error(grad, numerical)
        if error > GRAD_TOL:
            others = f" ({', '.join(checked)} {'is' if len(checked) == 1 else 'are'} right)" if checked else ""
            fail(f"after out.backward(), {name}.grad is {grad:.10g} but the numerical derivative is {numerical:.10g} "
                 f"(relative error {error:.1e}, allowed {GRAD_TOL:.0e}){where}{others}.{hint}")
        checked.append(f"{name}.grad")


def check_value_data(found, expr, point, where):
    """The expression's result is a Value whose data is the judge's float evaluation."""
    if not found["is_value"]:
        fail(f"the expression returned {found['type']}, not a Value{where}; every operation must return a new Value.")
    expect_scalar("out.data", number("out.data", found["data"], where), expr(FloatOps, *point), rtol=VALUE_RTOL,
                  context=where)


@exercise("day03.Value")
def test_value_leaf(day03):
    a = day03.probe(probes.value_leaf, 3.0)
    expect_scalar("Value(3.0).data", number("Value(3.0).data", a["data"]), 3.0)
    expect_scalar("Value(3.0).grad", number("Value(3.0).grad", a["grad"]), 0.0,
                  context=" before any backward pass (it must start at 0.0)")


@exercise("day03.Value")
@pytest.mark.parametrize("label", list(OPERATOR_EXPRESSIONS))
def test_value_operator(day03, label):
    check_value_expression(day03, label, label, (0.7, -1.3))


@exercise("day03.Value")
def test_value_backward_seeds_the_output(day03):
    found = day03.probe(probes.value_product, 2.0, -3.0)
    context = " for out = a * b with a = 2, b = -3"
    expect_scalar("out.grad", number("out.grad", found["out.grad"], context), 1.0,
                  context=" after out.backward() (dL/dL = 1 seeds the pass)")
    expect_scalar("a.grad", number("a.grad", found["a.grad"], context), -3.0, context=context)
    expect_scalar("b.grad", number("b.grad", found["b.grad"], context), 2.0, context=context)


@exercise("day03.Value")
def test_value_reused_node(day03):
    # c = (a + a)^2 = 4 a^2, so dc/da = 8 a = 12 at a = 1.5, and dc/db = 2 b = 6.
    found = day03.probe(probes.value_reused_node, 1.5)
    context = " for b = a + a; c = b * b at a = 1.5"
    expect_scalar("c.data", number("c.data", found["c.data"], context), 9.0, context=context)
    expect_scalar("b.grad", number("b.grad", found["b.grad"], context), 6.0,
                  context=context + " (b is used twice by c = b * b: both uses contribute)")
    expect_scalar("a.grad", number("a.grad", found["a.grad"], context), 12.0,
                  context=context + " (a is used twice by b = a + a, and b twice by c = b * b: every use contributes exactly once)")


@exercise("day03.Value")
def test_value_node_used_several_times(day03):
    check_value_expression(day03, "d = a * b; out = d + d * d + tanh(d) - d / 3", "node_used_several_times",
                           (0.6, -0.9), hint=SHARED_HINT)


@exercise("day03.Value")
def test_value_diamond(day03):
    check_value_expression(day03, "a = x * y; out = (a + 1) * tanh(a), a diamond", "diamond", (0.8, 0.5), names="xy",
                           hint=SHARED_HINT)


#: Seeds whose expressions reach every leaf (each leaf's gradient is far from 0).
RANDOM_SEEDS = [2, 5, 11, 12, 15, 16]


@exercise("day03.Value")
@pytest.mark.parametrize("seed", RANDOM_SEEDS)
def test_value_random_expression(day03, seed):
    program, point, text = random_program(seed)
    check_value_expression(day03, f"the random expression {text}", program, point, hint=SHARED_HINT)


@exercise("day03.Value")
@pytest.mark.parametrize("x,expected_grad", [(0.0, 0.0), (-2.0, 0.0), (3.0, 1.0)], ids=["at 0", "negative", "positive"])
def test_value_relu_gradient(day03, x, expected_grad):
    found = day03.probe(probes.value_relu, x)
    context = f" for relu(a) at a = {x}"
    expect_scalar("relu(a).data", number("relu(a).data", found["data"], context), max(x, 0.0), context=f" for a = {x}")
    expect_scalar("a.grad", number("a.grad", found["grad"], context), expected_grad,
                  context=f" for relu(a) at a = {x} (the kata's ReLU has derivative 0 at exactly 0)")


@exercise("day03.Value")
def test_value_records_its_graph(day03):
    found = day03.probe(probes.value_graph_record)
    children = found["c._prev"]
    if not isinstance(children, list) or set(children) != {"a", "b"}:
        fail("c = a * b must remember its operands in c._prev (a tuple or set holding a and b); "
             "backward() walks the graph through it, and the day's figure draws it.")
    if found["a._prev"] != []:
        fail("a leaf Value(2.0) must have an empty _prev.")
    if found["c._op"] is None:
        fail("c = a * b must record its operation in c._op as a string, for example '*'.")
