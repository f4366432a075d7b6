"""Checks for Day 1: linear scores, SVM and softmax losses, prediction, minibatch SGD."""
import math

import numpy as np
import pytest

from grader.judge import unpack

from ..probes import day01_linear as probes
from ..probes._shared import softmax_loss
from . import edges
from .expect import expect_array, expect_scalar, expect_unchanged, fail, shapes
from .gradcheck import GRAD_TOL, LOSS_ATOL, check_gradients, numerical_gradient_of

exercise = pytest.mark.exercise

#: What each function returns: a tuple of these values (unpacked by the judge, with a sentence if not).
RETURNS = {name: "(loss, dW, db)" for name in
           ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized")}
RETURNS["train_linear_classifier"] = "(W, b, loss_history)"


# -- fixtures ---------------------------------------------------------------------------
def hand_fixture():
    """Two examples whose losses are worked out by hand below.

    scores = X @ W + b = [[1, 2.5, 2.5], [0, -0.5, -2.5]], y = [0, 2].
    SVM: example 0 has margins 2.5 and 2.5, example 1 has 3.5 and 3; mean (5 + 6.5) / 2 = 5.75.
    Softmax: log(1 + 2 e^1.5) = 2.29893 and 2.5 + log(1 + e^-0.5 + e^-2.5) = 3.02390; mean 2.66141.
    sum(W**2) = 7, so reg = 0.1 adds 0.35.
    """
    X = np.array([[1.0, 2.0], [0.0, -1.0]])
    W = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 2.0]])
    b = np.array([0.0, 0.5, -0.5])
    return W, b, X, np.array([0, 2])


def random_fixture(seed=231, N=5, D=4, C=3):
    """Small, non-square, seeded inputs; y = [2, 1, 1, 0, 1] for the default seed."""
    gen = np.random.default_rng(seed)
    return gen.standard_normal((D, C)), gen.standard_normal(C), gen.standard_normal((N, D)), gen.integers(0, C, N)


HAND_SVM = {0.0: 5.75, 0.1: 6.1}
HAND_SOFTMAX = {0.0: 2.6614126205108164, 0.1: 3.0114126205108165}
RANDOM_SVM = {0.0: 6.372488812051332, 0.3: 8.439766598536872}
RANDOM_SOFTMAX = {0.0: 3.309589096177921, 0.3: 5.376866882663461}
LARGE_REG = 1.5

LOSSES = {
    "svm_loss_naive": (HAND_SVM, RANDOM_SVM),
    "svm_loss_vectorized": (HAND_SVM, RANDOM_SVM),
    "softmax_loss_naive": (HAND_SOFTMAX, RANDOM_SOFTMAX),
    "softmax_loss_vectorized": (HAND_SOFTMAX, RANDOM_SOFTMAX),
}


def _names(*names):
    return [pytest.param(n, marks=exercise(f"day01.{n}"), id=n) for n in names]


loss_names = pytest.mark.parametrize("name", _names(*LOSSES))
SVM_NAMES = _names("svm_loss_naive", "svm_loss_vectorized")
SOFTMAX_NAMES = _names("softmax_loss_naive", "softmax_loss_vectorized")


def kind_of(name):
    return "svm" if name.startswith("svm") else "softmax"


# -- recognising a mistake from what came back --------------------------------------------------
# The judge's own arithmetic (trusted, like the gradient checker): the data loss and the score
# gradient of both losses, and the wrong versions a known mistake would give. A check names a
# cause only when the learner's values match exactly one of these and not the right answer.
def data_loss_and_dscores(kind, scores, y, *, zero_margin_counts=False):
    """The averaged data loss and its gradient with respect to the scores (already divided by N)."""
    n, rows = len(y), np.arange(len(y))
    if kind == "svm":
        margins = scores - scores[rows, y][:, None] + 1.0
        violated = margins >= 0 if zero_margin_counts else margins > 0
        violated[rows, y] = False
        dscores = violated.astype(float)
        dscores[rows, y] = -dscores.sum(axis=1)
        return float(np.sum(np.where(violated, margins, 0.0))) / n, dscores / n
    return softmax_loss(scores, y)


def wrong_score_gradients(kind, scores, y):
    """``(dscores, why)`` of the mistakes that change the score gradient, each already divided by N."""
    n, rows = len(y), np.arange(len(y))
    _, right = data_loss_and_dscores(kind, scores, y)
    if kind == "softmax":
        probs = right.copy()
        probs[rows, y] += 1.0 / n
        return [(probs, "in <grads><where>, the score gradient is P instead of P - one_hot(y): subtract 1 from the "
                        "probability of the correct class of each example")]
    violations = -right[rows, y] * n  # violated margins per row
    flipped, once, itself = right.copy(), right.copy(), right.copy()
    flipped[rows, y] = violations / n
    once[rows, y] = -1.0 / n
    itself[rows, y] = -(violations + 1.0) / n
    _, at_zero = data_loss_and_dscores(kind, scores, y, zero_margin_counts=True)
    every = np.ones_like(right) / n  # every wrong class counted, whatever its margin
    every[rows, y] = -(scores.shape[1] - 1.0) / n
    return [(flipped, "in <grads><where>, the correct class gains once per violated margin instead of losing: "
                      "every positive margin must subtract x_i from column y[i] of dW and 1 from db[y[i]]"),
            (once, "in <grads><where>, the correct class loses once per example instead of once per violated "
                   "margin: subtract x_i from column y[i] of dW (and 1 from db[y[i]]) for every positive margin"),
            (itself, "in <grads><where>, the correct class counts its own margin s_y - s_y + 1 = 1 as violated: "
                     "leave it out of the mask before summing each row's violated margins"),
            (every, "in <grads><where>, every wrong class passes gradient whatever its margin: only a positive "
                    "margin (margin > 0) contributes x_i to column j and -x_i to column y[i]"),
            (at_zero, "in <grads><where>, a margin of exactly 0 counts as violated; by the kata's convention such "
                      "a margin passes no gradient (like ReLU's mask x > 0): use margin > 0, not >= 0")]


def _as_floats(value):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _matches(got, expected) -> bool:
    """Whether every value of ``got`` equals the one of ``expected`` (same shape, float64 noise apart)."""
    for g, e in zip(got, expected):
        g, e = _as_floats(g), np.asarray(e, dtype=float)
        if g is None or g.shape != e.shape or not np.all(np.isfinite(g)) or not np.allclose(g, e, rtol=1e-7, atol=1e-9):
            return False
    return True


def recognised(got, truth, hypotheses):
    """The explanation of the single hypothesis ``got`` matches; None if it is right, or matches none or several.

    ``hypotheses`` is a list of ``(values, why)``; ``values`` is one tuple like ``truth``, or a list of
    ``(tuple, label)`` when a mistake can show in several ways (in dW and db, in dW only, in db only):
    the label of the first way that matches replaces ``<grads>`` in ``why``, and its note (after a
    ``|``) follows ``<where>``.
    """
    if _matches(got, truth):
        return None
    hits = []
    for values, why in hypotheses:
        for value, label in values if isinstance(values, list) else [(values, "")]:
            if not _matches(value, truth) and _matches(got, value):
                grads, _, note = label.partition("|")
                hits.append(why.replace("<grads>", grads).replace("<where>", "<where>" + note))
                break
    return hits[0] if len(hits) == 1 else None


def expect_loss(kind, loss, W, b, X, y, reg, expected, context):
    """The loss equals ``expected``; a known mistake's value is named (a cause), anything else is a mismatch."""
    n = X.shape[0]
    data, _ = data_loss_and_dscores(kind, X @ W + b, y)
    penalty = 0.5 * reg * float(np.sum(W * W))
    hypotheses = []
    if kind == "svm":
        hypotheses.append(((data + 1.0 + penalty,),
                           "it is exactly 1 too large: the sum over classes also counts j == y[i], whose margin "
                           "s_y - s_y + 1 is always 1, once per example. Skip the correct class"))
    if reg:
        hypotheses += [
            ((data,), f"it lacks the L2 penalty 0.5 * reg * sum(W**2) = {penalty:.6g}. Add it after averaging"),
            ((data + 2 * penalty,), f"its L2 penalty is reg * sum(W**2) = {2 * penalty:.6g}, twice the convention "
                                    f"0.5 * reg * sum(W**2) = {penalty:.6g}, whose gradient is exactly reg * W"),
            ((data + penalty / n,), f"its L2 penalty was divided by N = {n} along with the data loss. Average the "
                                    f"data loss only, then add 0.5 * reg * sum(W**2)"),
        ]
        if np.any(b):
            hypotheses.append(((data + penalty + 0.5 * reg * float(np.sum(b * b)),),
                               "it also penalises the bias with 0.5 * reg * sum(b**2); the L2 penalty covers W only"))
    if n > 1:
        hypotheses.append(((n * data + penalty,), f"its data loss is summed over the N = {n} examples instead of "
                                                  f"averaged. Divide it by N"))
    if kind == "softmax" and n > 1:
        scores, rows = X @ W + b, np.arange(n)
        shifted = scores - scores.max(axis=1, keepdims=True)
        for flat in (shifted, scores - scores.max()):  # each row shifted by its maximum, or the batch by one
            over_batch = flat - np.log(np.sum(np.exp(flat)))
            hypotheses.append(((-np.mean(over_batch[rows, y]) + penalty,),
                               "its probabilities are normalised by the sum of exp over the whole batch; normalise "
                               "each row by its own sum (axis=1, keepdims=True)"))
        over_examples = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
        hypotheses.append(((-np.mean(over_examples[rows, y]) + penalty,),
                           "its probabilities are normalised over each column (axis=0, the examples) instead of "
                           "each row (axis=1, the classes)"))
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        hypotheses.append(((-np.mean(log_probs[:, y]) + penalty,),
                           "it averages log_probs[:, y], an N x N block of whole columns; pick one entry per row "
                           "with log_probs[np.arange(N), y]"))
    why = recognised((loss,), (expected,), hypotheses) if np.ndim(loss) == 0 else None
    if why:
        fail(f"loss is {float(loss):.10g} but should be {expected:.10g}{context}: {why}.", names="cause")
    expect_scalar("loss", loss, expected, atol=LOSS_ATOL, context=context)


def expect_known_gradient_mistakes(kind, dW, db, W, b, X, y, reg, context):
    """Fail with the cause when (dW, db) is exactly what a known mistake gives; otherwise say nothing."""
    n, num_classes = X.shape[0], W.shape[1]
    if np.shape(db) == (n, num_classes):
        fail(f"db{context} has shape {(n, num_classes)}, one row per example, but must have shape ({num_classes},): "
             f"the bias is shared by all N = {n} examples, so sum the score gradient over axis 0.", names="cause")
    scores = X @ W + b
    _, dscores = data_loss_and_dscores(kind, scores, y)
    dW_data, db_data = X.T @ dscores, dscores.sum(axis=0)
    truth = (dW_data + reg * W, db_data)
    # A wrong score gradient shows in dW and db, or (in loops, which update them separately) in one of them.
    hypotheses = [([((X.T @ wrong + reg * W, wrong.sum(axis=0)), "dW and db"),
                    ((X.T @ wrong + reg * W, db_data), "dW| (db is right)"),
                    ((truth[0], wrong.sum(axis=0)), "db| (dW is right)")], why)
                  for wrong, why in wrong_score_gradients(kind, scores, y)]
    if reg:
        hypotheses += [
            ((dW_data, db_data), "dW<where> lacks the L2 term: it is the gradient of the data loss alone. Add "
                                 "reg * W to dW"),
            ((dW_data + 2 * reg * W, db_data), "dW<where> has the L2 term 2 * reg * W, but the penalty "
                                               "0.5 * reg * sum(W**2) has gradient reg * W"),
            ((dW_data + reg * W / n, db_data), f"dW<where> has its L2 term reg * W divided by N = {n} along with "
                                               f"the data gradient; add it after averaging"),
        ]
        if np.any(b):
            hypotheses.append(((dW_data + reg * W, db_data + reg * b),
                               "db<where> contains reg * b, but the L2 penalty covers W only: db has no L2 term"))
    if n > 1:
        hypotheses.append(((n * dW_data + reg * W, n * db_data),
                           f"dW and db<where> hold the data gradient summed over the N = {n} examples instead of "
                           f"averaged: divide them by N"))
    why = recognised((dW, db), truth, hypotheses)
    if why:
        fail(why.replace("<where>", context) + ".", names="cause")


def check_loss_gradient(kind, loss_fn, W, b, X, y, reg):
    _, dW, db = loss_fn(W, b, X, y, reg)
    context = shapes(W=W, X=X) + f" with reg = {reg}"
    expect_known_gradient_mistakes(kind, dW, db, W, b, X, y, reg, context)
    num_dW = numerical_gradient_of(loss_fn, (W, b, X, y, reg), wrt=0, output=0)
    num_db = numerical_gradient_of(loss_fn, (W, b, X, y, reg), wrt=1, output=0)
    check_gradients([("dW", dW, num_dW), ("db", db, num_db)], tol=GRAD_TOL, batch_size=X.shape[0], context=context)


# -- linear_scores and predict ---------------------------------------------------------------
@exercise("day01.linear_scores")
def test_linear_scores_hand_values(day01):
    W, b, X, _ = hand_fixture()
    scores = day01.linear_scores(X, W, b)
    context = shapes(X=X, W=W, b=b)
    if not _matches((scores,), (X @ W + b,)) and _matches((scores,), (X @ W,)):
        fail(f"scores{context} equal X @ W: the bias b = {b.tolist()} is not added. Return X @ W + b.", names="cause")
    expect_array("scores", scores, [[1.0, 2.5, 2.5], [0.0, -0.5, -2.5]], context=context)


@exercise("day01.linear_scores")
def test_linear_scores_non_square(day01):
    W, b, X, _ = random_fixture(N=7, D=4, C=3)
    expect_array("scores", day01.linear_scores(X, W, b), X @ W + b, context=shapes(X=X, W=W, b=b))


@exercise("day01.predict")
def test_predict_reference(day01):
    W, b, X, _ = random_fixture()
    y_pred = day01.predict(W, b, X)
    scores = X @ W + b
    context = shapes(X=X, W=W)
    if np.ndim(y_pred) == 0 and _matches((y_pred,), (np.argmax(scores),)):
        fail(f"y_pred{context} is a single number, np.argmax over the flattened (N, C) scores; take "
             f"np.argmax(scores, axis=1): one class per example.", names="cause")
    if np.shape(y_pred) == (W.shape[1],) and _matches((y_pred,), (np.argmax(scores, axis=0),)):
        fail(f"y_pred{context} has one entry per class, the argmax over axis 0 (the examples); take "
             f"np.argmax(scores, axis=1): one class per example.", names="cause")
    if _matches((y_pred,), (np.max(scores, axis=1),)):
        fail(f"y_pred{context} holds each example's highest score, not its class: use np.argmax, not np.max.",
             names="cause")
    expect_array("y_pred", np.asarray(y_pred), np.array([0, 0, 1, 2, 0]), context=context)


@exercise("day01.predict")
def test_predict_uses_bias_and_returns_integers(day01):
    X = np.ones((4, 2))
    W = np.array([[0.5, 0.0, 0.0], [0.0, 0.0, 0.0]])  # X @ W prefers class 0 ...
    b = np.array([0.0, 0.0, 1.0])                      # ... but with the bias every score row is [0.5, 0, 1]
    y_pred = np.asarray(day01.predict(W, b, X))
    context = " when X @ W alone prefers class 0 and the bias b = [0, 0, 1] makes class 2 win"
    if _matches((y_pred,), (np.zeros(4),)):
        fail(f"y_pred is [0, 0, 0, 0]{context}: the bias is ignored. Predict from the full scores "
             f"X @ W + b (linear_scores).", names="cause")
    if y_pred.dtype.kind not in "iu":
        fail(f"predict must return integer class indices, but returned dtype {y_pred.dtype}{context}.")
    expect_array("y_pred", y_pred, np.array([2, 2, 2, 2]), context=context)


@exercise("day01.predict")
def test_predict_breaks_ties_towards_the_first_class(day01):
    X, W, b = np.eye(3), edges.TIED_SCORES.copy(), np.zeros(3)  # the scores are exactly TIED_SCORES
    y_pred = day01.predict(W, b, X)
    context = " for scores [[1, 3, 3], [2, 2, 2], [-1, -1, -2]], where every row has a tie for the highest score"
    last = np.array([2, 2, 1])
    if _matches((y_pred,), (last,)):
        fail(f"y_pred is {last.tolist()}{context}: your predict picks the last of the tied classes; the convention "
             f"(np.argmax's) is the first one, so keep the earlier class unless a later score is strictly higher.",
             names="cause")
    expect_array("y_pred", np.asarray(y_pred), edges.TIED_PREDICTION, context=context)


# -- the four losses ---------------------------------------------------------------------------
@loss_names
@pytest.mark.parametrize("reg", [0.0, 0.1])
def test_loss_hand_computed(day01, name, reg):
    hand, _ = LOSSES[name]
    W, b, X, y = hand_fixture()
    loss, _, _ = getattr(day01, name)(W, b, X, y, reg)
    expect_loss(kind_of(name), loss, W, b, X, y, reg, hand[reg],
                context=f" on the worked two-example fixture with reg = {reg}")


@loss_names
@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_loss_reference_value(day01, name, reg):
    _, reference = LOSSES[name]
    W, b, X, y = random_fixture()
    loss, _, _ = getattr(day01, name)(W, b, X, y, reg)
    expect_loss(kind_of(name), loss, W, b, X, y, reg, reference[reg], context=shapes(W=W, X=X) + f" with reg = {reg}")


@loss_names
@pytest.mark.parametrize("reg", [0.0, LARGE_REG])
def test_loss_gradient(day01, name, reg):
    W, b, X, y = random_fixture(seed=7, N=6, D=5, C=4)
    check_loss_gradient(kind_of(name), getattr(day01, name), W, b, X, y, reg)


@loss_names
def test_loss_leaves_inputs_alone(day01, name):
    W, b, X, y = random_fixture()
    copies = [a.copy() for a in (W, b, X, y)]
    getattr(day01, name)(W, b, X, y, 0.3)
    for label, before, after in zip("W b X y".split(), copies, (W, b, X, y)):
        expect_unchanged(label, before, after)


@pytest.mark.parametrize("kind", [pytest.param("svm", marks=exercise("day01.svm_loss_vectorized")),
                                  pytest.param("softmax", marks=exercise("day01.softmax_loss_vectorized"))])
@pytest.mark.parametrize("seed", [0, 1])
def test_vectorized_agrees_with_naive(day01, kind, seed):
    W, b, X, y = random_fixture(seed=seed, N=9, D=6, C=5)
    naive = getattr(day01, f"{kind}_loss_naive")(W, b, X, y, 0.2)
    fast = getattr(day01, f"{kind}_loss_vectorized")(W, b, X, y, 0.2)
    context = f" ({kind}_loss_vectorized vs your {kind}_loss_naive{shapes(W=W, X=X)})"
    expect_scalar("loss", fast[0], float(naive[0]), atol=1e-9, context=context)
    expect_array("dW", fast[1], naive[1], atol=1e-9, context=context)
    expect_array("db", fast[2], naive[2], atol=1e-9, context=context)


# -- the SVM at its kink --------------------------------------------------------------------------
@pytest.mark.parametrize("name", SVM_NAMES)
def test_svm_zero_margin_passes_no_gradient(day01, name):
    # X is the identity and W = scores - b, so X @ W + b is exactly edges.ZERO_MARGIN_SCORES (every
    # number is a small binary fraction): row 0's class-1 margin is 0 - 1 + 1 = 0, and dW = dscores.
    X, b = np.eye(2), np.array([0.5, -0.25, 0.25])
    W, y = edges.ZERO_MARGIN_SCORES - b, edges.ZERO_MARGIN_Y
    loss, dW, db = getattr(day01, name)(W, b, X, y, 0.0)
    context = (" for scores [[1, 0, 1], [2, 2, 0]], y = [0, 1] (row 0's class-1 margin is exactly 0; X = I, so "
               "dW = dscores)")
    expect_loss("svm", loss, W, b, X, y, 0.0, edges.ZERO_MARGIN_LOSS, context)
    expect_known_gradient_mistakes("svm", dW, db, W, b, X, y, 0.0, context)
    expect_array("dW", dW, edges.ZERO_MARGIN_DSCORES, context=context)
    expect_array("db", db, edges.ZERO_MARGIN_DSCORES.sum(axis=0), context=context)


# -- softmax stability ---------------------------------------------------------------------------
def _non_finite(value) -> bool:
    value = _as_floats(value)
    return value is not None and value.ndim == 0 and not np.isfinite(value)


def right_on_ordinary_scores(loss_fn) -> bool:
    """Whether ``loss_fn`` gives the right loss on the worked fixture (scores between -2.5 and 2.5)."""
    W, b, X, y = hand_fixture()
    return _matches((loss_fn(W, b, X, y, 0.0)[0],), (HAND_SOFTMAX[0.0],))


OVERFLOW = ("e^1000 overflows float64 to inf. Subtract each row's maximum score before np.exp (the probabilities "
            "do not change)")


@pytest.mark.parametrize("name", SOFTMAX_NAMES)
@pytest.mark.parametrize("correct", [0, 1, 2])
def test_softmax_is_finite_on_extreme_logits(day01, name, correct):
    loss_fn = getattr(day01, name)
    X, W, b = np.array([[1.0]]), edges.EXTREME_LOGITS[None, :].copy(), np.zeros(3)  # scores [1000, 0, -1000]
    y = np.array([correct])
    with np.errstate(all="ignore"):  # look at the values first; the warnings are checked below
        loss, dW, db = loss_fn(W, b, X, y, 0.0)
    expected = edges.EXTREME_LOGITS_LOSS[correct]
    context = f" for scores [1000, 0, -1000] with correct class {correct}"
    if _non_finite(loss) and right_on_ordinary_scores(loss_fn):  # then the extreme scores alone broke it
        if correct == 0:
            fail(f"loss is {float(loss)}{context}, whose probability is 1 (expected loss 0), although ordinary scores "
                 f"give the right loss: {OVERFLOW}.", names="cause")
        with np.errstate(all="ignore"):
            likely = loss_fn(W, b, X, np.array([0]), 0.0)[0]
        if _matches((likely,), (0.0,)) and float(loss) == np.inf:
            fail(f"loss is inf{context} (expected {expected:g}), although correct class 0 and ordinary scores give "
                 f"the right loss: the probability of class {correct} rounds to 0 and -log(0) = inf. Compute the "
                 f"log-probabilities as shifted - log(sum(exp(shifted))), never as log(softmax).", names="cause")
        if _non_finite(likely):
            fail(f"loss is {float(loss)}{context} (expected {expected:g}), and also for correct class 0, whose "
                 f"probability is 1, although ordinary scores give the right loss: {OVERFLOW}.", names="cause")
    expect_scalar("loss", loss, expected, atol=1e-9, context=context)
    probs = np.array([1.0, 0.0, 0.0])
    expect_known_gradient_mistakes("softmax", dW, db, W, b, X, y, 0.0, context)
    expect_array("db", db, probs - np.eye(3)[correct], atol=1e-9, context=context)
    expect_array("dW", dW, (probs - np.eye(3)[correct])[None, :], atol=1e-9, context=context)
    loss_fn(W, b, X, y, 0.0)  # now with warnings on: an overflow or log(0) warning fails at your line


@pytest.mark.parametrize("name", SOFTMAX_NAMES)
def test_softmax_shifts_each_row_by_its_own_maximum(day01, name):
    # Row 0 scores [1000, 0, -1000], row 1 scores [1, 2, 3]: one maximum for the whole batch (1000)
    # would underflow every exponential of row 1.
    loss_fn = getattr(day01, name)
    X, W, b = np.eye(2), np.array([edges.EXTREME_LOGITS, [1.0, 2.0, 3.0]]), np.zeros(3)
    y = np.array([2, 0])
    row_losses = (edges.EXTREME_LOGITS_LOSS[2], math.log(math.e + math.e ** 2 + math.e ** 3) - 1.0)  # 2000, 2.4076
    expected = sum(row_losses) / 2
    context = " for a batch mixing scores [1000, 0, -1000] and [1, 2, 3] with y = [2, 0]"
    with np.errstate(all="ignore"):
        loss, dW, db = loss_fn(W, b, X, y, 0.0)
        alone = [loss_fn(W, b, X[i:i + 1], y[i:i + 1], 0.0)[0] for i in range(2)] if _non_finite(loss) else None
    if alone is not None and all(_matches((got,), (want,)) for got, want in zip(alone, row_losses)) \
            and right_on_ordinary_scores(loss_fn):
        fail(f"loss is {float(loss)}{context}, although each row alone gives the right loss: one maximum for the "
             f"whole batch (1000) makes every exponential of row [1, 2, 3] underflow to 0. Shift each row by its own "
             f"maximum: np.max(scores, axis=1, keepdims=True).", names="cause")
    expect_scalar("loss", loss, expected, atol=1e-9, context=context)
    probs = np.array([[1.0, 0.0, 0.0], np.exp([1.0, 2.0, 3.0]) / np.sum(np.exp([1.0, 2.0, 3.0]))])
    dscores = (probs - np.eye(3)[y]) / 2
    expect_known_gradient_mistakes("softmax", dW, db, W, b, X, y, 0.0, context)
    expect_array("dW", dW, X.T @ dscores, context=context)
    expect_array("db", db, dscores.sum(axis=0), context=context)
    loss_fn(W, b, X, y, 0.0)  # now with warnings on: an overflow or log(0) warning fails at your line


# -- training ---------------------------------------------------------------------------------
def numbered_rows(N=12, D=3, C=4):
    """Rows whose first feature is their index, so a minibatch row tells where it came from."""
    X = np.column_stack([np.arange(N, dtype=float), np.ones((N, D - 1))])
    return X, np.arange(N) % C


def train_recording(day01, X, y, learning_rate, reg, num_iters, batch_size, rng, **constant_gradient):
    """Train with a loss_fn that records its calls (tests/probes/day01_linear.py); ``(W, b, history), calls``."""
    out = day01.probe(probes.train_recording, X, y, learning_rate, reg, num_iters, batch_size, rng,
                      **constant_gradient)
    return unpack(out["result"], RETURNS["train_linear_classifier"], "`train_linear_classifier`"), out["calls"]


@exercise("day01.train_linear_classifier")
def test_train_shapes_and_history(day01, rng):
    X, y = numbered_rows()
    (W, b, history), calls = train_recording(day01, X, y, 0.1, 0.25, 7, 5, rng)
    if np.shape(W) == (4, 3):
        fail("W has shape (4, 3), that is (C, D), but must be (D, C) = (3, 4) so that X @ W gives (N, C) scores.",
             names="cause")
    expect_array("W.shape", np.array(np.shape(W)), np.array([3, 4]),
                 context=" (D = 3 features, C = y.max() + 1 = 4 classes)")
    expect_array("b.shape", np.array(np.shape(b)), np.array([4]))
    if len(calls) != 7:
        fail(f"loss_fn was called {len(calls)} times for num_iters = 7; call it once per iteration.")
    expect_array("loss_history", np.asarray(history, dtype=float), np.arange(1.0, 8.0),
                 context=" (it must hold the loss returned by each call, in order)")


@exercise("day01.train_linear_classifier")
def test_train_counts_classes_up_to_the_largest_label(day01, rng):
    X, _ = numbered_rows()
    y = np.array([0, 1, 3] * 4)  # class 2 has no example, but it is still one of the C = 4 classes
    (W, b, _), _ = train_recording(day01, X, y, 0.1, 0.0, 2, 5, rng)
    context = " for labels y in {0, 1, 3}: C = y.max() + 1 = 4, even though class 2 has no example"
    if np.shape(W) == (3, 3):
        fail(f"W has shape (3, 3){context}; your code counted the distinct labels. Use C = y.max() + 1.",
             names="cause")
    expect_array("W.shape", np.array(np.shape(W)), np.array([3, 4]), context=context)
    expect_array("b.shape", np.array(np.shape(b)), np.array([4]), context=context)


def _first_wrong_step(before, after, step):
    """``(index, change)`` at the first entry where ``after - before`` is not ``step``; None when every entry is."""
    before, after = _as_floats(before), _as_floats(after)
    if after is None or after.shape != before.shape:
        return (), None
    wrong = np.argwhere(~np.isclose(after - before, step, rtol=1e-9, atol=1e-12))
    if not wrong.size:
        return None
    idx = tuple(int(i) for i in wrong[0])
    return idx, float(after[idx] - before[idx])


@exercise("day01.train_linear_classifier")
def test_train_takes_plain_gradient_steps(day01, rng):
    X, y = numbered_rows()
    lr, reg, dW, db = 0.1, 0.25, 0.5, -1.0
    (W, b, _), calls = train_recording(day01, X, y, lr, reg, 10, 4, rng, dW_value=dW, db_value=db)
    if len(calls) != 10:
        fail(f"loss_fn was called {len(calls)} times for num_iters = 10; call it once per iteration.")
    first_W, first_b = calls[0]["W"], calls[0]["b"]
    if np.max(np.abs(first_W)) > 0.01 or not np.any(first_W):
        fail(f"the initial W should be 0.001 * rng.standard_normal((D, C)); its largest entry was "
             f"{np.max(np.abs(first_W)):.3g}.")
    if np.any(first_b):
        fail(f"the initial b should be zeros; the first call of loss_fn got b = {np.asarray(first_b).tolist()}.")
    # Each call of loss_fn records the W and b it was given: consecutive ones, and the returned
    # ones after the last call, must differ by exactly -learning_rate * gradient.
    states = [(c["W"], c["b"]) for c in calls] + [(W, b)]
    for k in range(10):
        (W0, b0), (W1, b1) = states[k], states[k + 1]
        after = "the returned" if k == 9 else f"the one given to call {k + 2} of loss_fn"
        span = f"from the one given to call {k + 1} of loss_fn to {after.replace('the returned', 'the returned one')}"
        for name, before, now, gradient in (("W", W0, W1, dW), ("b", b0, b1, db)):
            wrong = _first_wrong_step(before, now, -lr * gradient)
            if wrong is None:
                continue
            idx, change = wrong
            if change is None:
                fail(f"{after} {name} has shape {np.shape(now)} but the {name} before it had shape "
                     f"{np.shape(before)}; an update must keep the shape.")
            sentence = (f"step {k + 1} changed {name}{list(idx)} by {change:+.6g} ({span}), but with learning_rate = "
                        f"{lr} and d{name} = {gradient} from loss_fn it must change by {-lr * gradient:+.6g}")
            explained = [
                (lr * gradient, f"{name} moved along the gradient; step against it: "
                                f"{name} = {name} - learning_rate * d{name}"),
                (-gradient, f"the step ignored learning_rate: {name} = {name} - learning_rate * d{name}"),
                (0.0, f"{name} is never updated: {name} = {name} - learning_rate * d{name}"),
            ]
            if name == "W":
                explained.append((-lr * (gradient + reg * float(np.asarray(before)[idx])),
                                  "the step also subtracted learning_rate * reg * W, but dW from loss_fn already "
                                  "contains the L2 term: W = W - learning_rate * dW"))
            why = [text for value, text in explained if math.isclose(change, value, rel_tol=1e-9, abs_tol=1e-12)]
            if len(why) == 1:
                fail(f"{sentence}: {why[0]}.", names="cause")
            fail(f"{sentence}.")


@exercise("day01.train_linear_classifier")
def test_train_draws_minibatches_from_the_data(day01, rng):
    X, y = numbered_rows(N=12)
    _, calls = train_recording(day01, X, y, 0.1, 0.25, 20, 5, rng)
    batches = []
    for call in calls:
        X_batch, y_batch, reg = call["X"], call["y"], call["reg"]
        if X_batch.shape == X.shape:
            fail(f"loss_fn got the whole training set, {X.shape[0]} rows, instead of a minibatch of batch_size = 5; "
                 f"call it on X[idx], y[idx] with idx drawn from rng every iteration.", names="cause")
        if X_batch.shape != (5, 3):
            fail(f"each minibatch should be (batch_size, D) = (5, 3), got {X_batch.shape}.")
        rows = X_batch[:, 0].astype(int)
        if not np.array_equal(y_batch, y[rows]):
            fail("the minibatch labels do not belong to the minibatch rows; index X and y with the same indices.",
                 names="cause")
        if reg != 0.25:
            fail(f"loss_fn received reg = {reg}; pass the reg argument (0.25) through unchanged.", names="cause")
        batches.append(rows.tolist())
    seen = {row for rows in batches for row in rows}
    if len(batches) > 1 and all(rows == batches[0] for rows in batches):
        fail(f"all {len(batches)} iterations got the same minibatch (rows {batches[0]}); draw fresh indices with "
             f"rng inside the loop, every iteration.", names="cause")
    if len(seen) < 10:
        fail(f"20 minibatches of 5 touched only {len(seen)} of the 12 examples (rows {sorted(seen)}); draw each "
             f"minibatch's indices from all N examples, rng.choice(N, size=batch_size).")


@exercise("day01.train_linear_classifier")
def test_train_is_reproducible_and_pure(day01):
    X, y = numbered_rows()
    X_before, y_before = X.copy(), y.copy()
    runs = [day01.train_linear_classifier(X, y, probes.softmax_for_tests, 0.5, 0.0, 15, 4, np.random.default_rng(s))
            for s in (3, 3, 4)]
    expect_unchanged("X", X_before, X)
    expect_unchanged("y", y_before, y)
    expect_array("W (second run, same seed)", runs[1][0], runs[0][0], atol=0,
                 context="; with the same rng seed, training must give identical results")
    if np.allclose(runs[0][0], runs[2][0]):
        fail("two different rng seeds gave identical weights; draw the initial W and the minibatches from rng.")


@exercise("day01.train_linear_classifier")
def test_train_separates_a_toy_set(day01, rng):
    centres = np.array([[4.0, 0.0], [-4.0, 0.0], [0.0, 4.0]])
    y = np.repeat(np.arange(3), 30)
    X = centres[y] + rng.standard_normal((90, 2)) * 0.5
    W, b, history = day01.train_linear_classifier(X, y, probes.softmax_for_tests, 0.5, 1e-4, 200, 32, rng)
    accuracy = np.mean(np.argmax(X @ W + b, axis=1) == y)
    if accuracy < 1.0:
        fail(f"after 200 iterations on three well-separated blobs the accuracy is {accuracy:.0%}; expected 100%.")
    if not history[-1] < history[0]:
        fail(f"the loss did not go down: first {history[0]:.4g}, last {history[-1]:.4g}.")
