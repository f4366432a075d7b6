"""Checks for Day 3: layer forward/backward pairs, losses on scores, and the Value autograd engine."""
import math

import numpy as np
import pytest

from .expect import expect_array, expect_scalar, expect_unchanged, fail, shapes
from .gradcheck import (GRAD_ATOL, GRAD_TOL, H, LOSS_ATOL, VALUE_RTOL, check_gradients, numerical_gradient,
                        numerical_gradient_array, rel_error)

exercise = pytest.mark.exercise


@pytest.fixture
def day03(impl):
    return impl.module("day03_backprop")


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
    check_gradients([
        ("dx", dx, numerical_gradient_array(lambda v: day03.affine_forward(v, W, b)[0], x.copy(), dout)),
        ("dW", dW, numerical_gradient_array(lambda v: day03.affine_forward(x, v, b)[0], W.copy(), dout)),
        ("db", db, numerical_gradient_array(lambda v: day03.affine_forward(x, W, v)[0], b.copy(), dout)),
    ], context=inputs(x=x, W=W, dout=dout))


@exercise("day03.affine_backward")
def test_affine_backward_leaves_inputs_alone(day03):
    x, W, b, dout = random_affine()
    copies = [a.copy() for a in (x, W, b, dout)]
    _, cache = day03.affine_forward(x, W, b)
    day03.affine_backward(dout, cache)
    for label, before, after in zip(("x", "W", "b", "dout"), copies, (x, W, b, dout)):
        expect_unchanged(label, before, after)


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
    check_gradients([("dx", dx, numerical_gradient_array(lambda v: forward(v)[0], x.copy(), dout))],
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
    copies = (x.copy(), dout.copy())
    _, cache = getattr(day03, f"{kind}_forward")(x)
    getattr(day03, f"{kind}_backward")(dout, cache)
    expect_unchanged("x", copies[0], x)
    expect_unchanged("dout", copies[1], dout)


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
    check_gradients([("dscores", dscores, numerical_gradient(lambda s: loss_fn(s, y)[0], scores.copy()))],
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
    forward = day03.affine_relu_forward
    check_gradients([
        ("dx", dx, numerical_gradient_array(lambda v: forward(v, W, b)[0], x.copy(), dout)),
        ("dW", dW, numerical_gradient_array(lambda v: forward(x, v, b)[0], W.copy(), dout)),
        ("db", db, numerical_gradient_array(lambda v: forward(x, W, v)[0], b.copy(), dout)),
    ], context=inputs(x=x, W=W, dout=dout))


# -- Value ----------------------------------------------------------------------------------------------
class FloatOps:
    """The suite's plain-float twin of Value's methods, to evaluate an expression without autograd."""
    exp, log, tanh = staticmethod(math.exp), staticmethod(math.log), staticmethod(math.tanh)
    relu = staticmethod(lambda t: t if t > 0 else 0.0)


class ValueOps:
    """The same operations called as Value methods."""
    exp = staticmethod(lambda v: v.exp())
    log = staticmethod(lambda v: v.log())
    tanh = staticmethod(lambda v: v.tanh())
    relu = staticmethod(lambda v: v.relu())


def numerical_partials(expr, point):
    """Centred differences of ``expr(FloatOps, *point)`` with respect to each input."""
    partials = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += H
        down[i] -= H
        partials.append((expr(FloatOps, *up) - expr(FloatOps, *down)) / (2 * H))
    return partials


SHARED_HINT = (" This graph reuses nodes: each use must add its contribution (grad +=, never =), and backward() "
               "must run a node's _backward only after every node that uses it (reverse topological order, "
               "each node once).")


def check_value_expression(day03, label, expr, point, names="abc", hint=""):
    """Build ``expr`` from Values at ``point``, call backward, and compare data and every leaf's grad."""
    leaves = [day03.Value(v) for v in point]
    out = expr(ValueOps, *leaves)
    where = f" for {label} at " + ", ".join(f"{n} = {v:g}" for n, v in zip(names, point))
    if not isinstance(out, day03.Value):
        fail(f"the expression returned {type(out).__name__}, not a Value{where}; every operation must return a new Value.")
    expect_scalar("out.data", out.data, expr(FloatOps, *point), rtol=VALUE_RTOL, context=where)
    out.backward()
    checked = []
    for name, leaf, numerical in zip(names, leaves, numerical_partials(expr, point)):
        grad = float(leaf.grad)
        error = 0.0 if abs(grad - numerical) <= GRAD_ATOL else rel_error(grad, numerical)
        if error > GRAD_TOL:
            others = f" ({', '.join(checked)} {'is' if len(checked) == 1 else 'are'} right)" if checked else ""
            fail(f"after out.backward(), {name}.grad is {grad:.10g} but the numerical derivative is {numerical:.10g} "
                 f"(relative error {error:.1e}, allowed {GRAD_TOL:.0e}){where}{others}.{hint}")
        checked.append(f"{name}.grad")


#: One expression per operator, with plain numbers on either side; a = 0.7, b = -1.3. Most multiply by
#: another Value, so the operator's _backward sees an out.grad other than 1 (the chain rule shows).
OPERATOR_EXPRESSIONS = {
    "a + b": lambda o, a, b: a + b,
    "a - b": lambda o, a, b: a - b,
    "a * b": lambda o, a, b: a * b,
    "a / b": lambda o, a, b: a / b,
    "a ** 3 + b": lambda o, a, b: a ** 3 + b,
    "b ** 2 * a ** -0.5": lambda o, a, b: b ** 2 * a ** -0.5,
    "-a * b": lambda o, a, b: -a * b,
    "(a + 2) * (3 + b)": lambda o, a, b: (a + 2) * (3 + b),
    "(a - 2) * (3 - b)": lambda o, a, b: (a - 2) * (3 - b),
    "2 * a + (b * 3) * a": lambda o, a, b: 2 * a + (b * 3) * a,
    "(a / 4) * (2 / b)": lambda o, a, b: (a / 4) * (2 / b),
    "exp(a) * b": lambda o, a, b: o.exp(a) * b,
    "log(a) * b": lambda o, a, b: o.log(a) * b,
    "tanh(a) * b": lambda o, a, b: o.tanh(a) * b,
    "relu(a) * 2 + relu(b) * a": lambda o, a, b: o.relu(a) * 2 + o.relu(b) * a,
}


@exercise("day03.Value")
def test_value_leaf(day03):
    a = day03.Value(3.0)
    expect_scalar("Value(3.0).data", a.data, 3.0)
    expect_scalar("Value(3.0).grad", a.grad, 0.0, context=" before any backward pass (it must start at 0.0)")


@exercise("day03.Value")
@pytest.mark.parametrize("label", list(OPERATOR_EXPRESSIONS))
def test_value_operator(day03, label):
    check_value_expression(day03, label, OPERATOR_EXPRESSIONS[label], (0.7, -1.3))


@exercise("day03.Value")
def test_value_backward_seeds_the_output(day03):
    a, b = day03.Value(2.0), day03.Value(-3.0)
    out = a * b
    out.backward()
    expect_scalar("out.grad", out.grad, 1.0, context=" after out.backward() (dL/dL = 1 seeds the pass)")
    expect_scalar("a.grad", a.grad, -3.0, context=" for out = a * b with a = 2, b = -3")
    expect_scalar("b.grad", b.grad, 2.0, context=" for out = a * b with a = 2, b = -3")


@exercise("day03.Value")
def test_value_reused_node(day03):
    # c = (a + a)^2 = 4 a^2, so dc/da = 8 a = 12 at a = 1.5, and dc/db = 2 b = 6.
    a = day03.Value(1.5)
    b = a + a
    c = b * b
    c.backward()
    context = " for b = a + a; c = b * b at a = 1.5"
    expect_scalar("c.data", c.data, 9.0, context=context)
    expect_scalar("b.grad", b.grad, 6.0, context=context + " (b is used twice by c = b * b: both uses contribute)")
    expect_scalar("a.grad", a.grad, 12.0, context=context + " (a is used twice by b = a + a, and b twice by c = b * b: every use contributes exactly once)")


def node_used_several_times(o, a, b):
    d = a * b
    return d + d * d + o.tanh(d) - d / 3


def diamond(o, x, y):
    # a feeds both b and c, which meet again in d: a diamond around an inner node.
    a = x * y
    b = a + 1
    c = o.tanh(a)
    return b * c


@exercise("day03.Value")
def test_value_node_used_several_times(day03):
    check_value_expression(day03, "d = a * b; out = d + d * d + tanh(d) - d / 3", node_used_several_times, (0.6, -0.9),
                           hint=SHARED_HINT)


@exercise("day03.Value")
def test_value_diamond(day03):
    check_value_expression(day03, "a = x * y; out = (a + 1) * tanh(a), a diamond", diamond, (0.8, 0.5), names="xy",
                           hint=SHARED_HINT)


#: Building blocks of the random expressions: safe on every real input (log and division see
#: only positive numbers, exp only non-positive ones).
RANDOM_OPS = [
    ("{a} + {b}", lambda o, a, b: a + b),
    ("{a} - {b}", lambda o, a, b: a - b),
    ("{a} * {b}", lambda o, a, b: a * b),
    ("{a} / (1 + {b} * {b})", lambda o, a, b: a / (1 + b * b)),
    ("2.0 / (1.0 + {a} * {a})", lambda o, a, b: 2.0 / (1.0 + a * a)),
    ("1.5 - {a}", lambda o, a, b: 1.5 - a),
    ("0.5 * {a} + {b} / 4", lambda o, a, b: 0.5 * a + b / 4),
    ("{a} ** 2 - {b}", lambda o, a, b: a ** 2 - b),
    ("({a} * {a} + 1) ** 0.5", lambda o, a, b: (a * a + 1) ** 0.5),
    ("-{a}", lambda o, a, b: -a),
    ("exp(-({a} * {a}))", lambda o, a, b: o.exp(-(a * a))),
    ("log({a} * {a} + 1)", lambda o, a, b: o.log(a * a + 1)),
    ("tanh({a})", lambda o, a, b: o.tanh(a)),
    ("relu({a}) + {b}", lambda o, a, b: o.relu(a) + b),
]


def random_expression(seed, num_leaves=3, num_steps=10):
    """A random program over the leaves, its text, and the point to evaluate it at.

    The first operand of each step comes from the latest nodes and the second from any node,
    so nodes get reused and paths split and meet again (diamonds).
    """
    gen = np.random.default_rng(seed)
    program = []
    for step in range(num_steps):
        size = num_leaves + step
        low = max(0, size - 4)
        program.append((int(gen.integers(len(RANDOM_OPS))), int(gen.integers(low, size)), int(gen.integers(size))))
    point = tuple(float(v) for v in gen.uniform(-1.5, 1.5, num_leaves))
    labels = list("abc"[:num_leaves]) + [f"n{k}" for k in range(1, num_steps + 1)]
    text = "; ".join(f"{labels[num_leaves + k]} = " + RANDOM_OPS[op][0].format(a=labels[i], b=labels[j])
                     for k, (op, i, j) in enumerate(program))
    text += f"; out = {labels[-1]} * {labels[-2]} + {labels[-3]}"

    def expr(o, *leaves):
        nodes = list(leaves)
        for op, i, j in program:
            nodes.append(RANDOM_OPS[op][1](o, nodes[i], nodes[j]))
        return nodes[-1] * nodes[-2] + nodes[-3]
    return expr, point, text


#: Seeds whose expressions reach every leaf (each leaf's gradient is far from 0).
RANDOM_SEEDS = [2, 5, 11, 12, 15, 16]


@exercise("day03.Value")
@pytest.mark.parametrize("seed", RANDOM_SEEDS)
def test_value_random_expression(day03, seed):
    expr, point, text = random_expression(seed)
    check_value_expression(day03, f"the random expression {text}", expr, point, hint=SHARED_HINT)


@exercise("day03.Value")
@pytest.mark.parametrize("x,expected_grad", [(0.0, 0.0), (-2.0, 0.0), (3.0, 1.0)], ids=["at 0", "negative", "positive"])
def test_value_relu_gradient(day03, x, expected_grad):
    a = day03.Value(x)
    out = a.relu()
    out.backward()
    expect_scalar("relu(a).data", out.data, max(x, 0.0), context=f" for a = {x}")
    expect_scalar("a.grad", a.grad, expected_grad, context=f" for relu(a) at a = {x} (the kata's ReLU has derivative 0 at exactly 0)")


@exercise("day03.Value")
def test_value_records_its_graph(day03):
    a, b = day03.Value(2.0), day03.Value(5.0)
    c = a * b
    children = getattr(c, "_prev", None)
    if children is None or {id(v) for v in children} != {id(a), id(b)}:
        fail("c = a * b must remember its operands in c._prev (a tuple or set holding a and b); "
             "backward() walks the graph through it, and the day's figure draws it.")
    if tuple(getattr(a, "_prev", ())) != ():
        fail("a leaf Value(2.0) must have an empty _prev.")
    if not isinstance(getattr(c, "_op", None), str):
        fail("c = a * b must record its operation in c._op as a string, for example '*'.")
