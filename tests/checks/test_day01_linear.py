"""Checks for Day 1: linear scores, SVM and softmax losses, prediction, minibatch SGD."""
import numpy as np
import pytest

from grader.judge import unpack

from ..probes import day01_linear as probes
from .expect import expect_array, expect_scalar, expect_unchanged, fail, shapes
from .gradcheck import GRAD_TOL, LOSS_ATOL, check_gradients, numerical_gradient_of

exercise = pytest.mark.exercise

#: What each function returns: a tuple of these values (unpacked by the judge, with a sentence if not).
RETURNS = {name: "(loss, dW, db)" for name in
           ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized")}
RETURNS["train_linear_classifier"] = "(W, b, loss_history)"


@pytest.fixture
def day01(impl):
    """The learner's day01_linear module, run in the sandboxed worker."""
    return impl.module("day01_linear", returns=RETURNS)


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
loss_names = pytest.mark.parametrize(
    "name", [pytest.param(n, marks=exercise(f"day01.{n}"), id=n) for n in LOSSES])


def check_loss_gradient(loss_fn, W, b, X, y, reg):
    _, dW, db = loss_fn(W, b, X, y, reg)
    num_dW = numerical_gradient_of(loss_fn, (W, b, X, y, reg), wrt=0, output=0)
    num_db = numerical_gradient_of(loss_fn, (W, b, X, y, reg), wrt=1, output=0)
    check_gradients([("dW", dW, num_dW), ("db", db, num_db)], tol=GRAD_TOL, batch_size=X.shape[0],
                    context=shapes(W=W, X=X) + f" with reg = {reg}")


# -- linear_scores and predict ---------------------------------------------------------------
@exercise("day01.linear_scores")
def test_linear_scores_hand_values(day01):
    W, b, X, _ = hand_fixture()
    expect_array("scores", day01.linear_scores(X, W, b), [[1.0, 2.5, 2.5], [0.0, -0.5, -2.5]],
                 context=shapes(X=X, W=W, b=b))


@exercise("day01.linear_scores")
def test_linear_scores_non_square(day01):
    W, b, X, _ = random_fixture(N=7, D=4, C=3)
    expect_array("scores", day01.linear_scores(X, W, b), X @ W + b, context=shapes(X=X, W=W, b=b))


@exercise("day01.predict")
def test_predict_reference(day01):
    W, b, X, _ = random_fixture()
    expect_array("y_pred", np.asarray(day01.predict(W, b, X)), np.array([0, 0, 1, 2, 0]), context=shapes(X=X, W=W))


@exercise("day01.predict")
def test_predict_uses_bias_and_returns_integers(day01):
    W = np.zeros((2, 3))
    b = np.array([0.0, 0.0, 1.0])  # the bias alone decides: every example is class 2
    y_pred = np.asarray(day01.predict(W, b, np.ones((4, 2))))
    if y_pred.dtype.kind not in "iu":
        fail(f"predict must return integer class indices, but returned dtype {y_pred.dtype}.")
    expect_array("y_pred", y_pred, np.array([2, 2, 2, 2]), context=" when only the bias prefers class 2")


# -- the four losses ---------------------------------------------------------------------------
@loss_names
@pytest.mark.parametrize("reg", [0.0, 0.1])
def test_loss_hand_computed(day01, name, reg):
    hand, _ = LOSSES[name]
    W, b, X, y = hand_fixture()
    loss, _, _ = getattr(day01, name)(W, b, X, y, reg)
    expect_scalar("loss", loss, hand[reg], atol=LOSS_ATOL, context=f" on the worked two-example fixture with reg = {reg}")


@loss_names
@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_loss_reference_value(day01, name, reg):
    _, reference = LOSSES[name]
    W, b, X, y = random_fixture()
    loss, _, _ = getattr(day01, name)(W, b, X, y, reg)
    expect_scalar("loss", loss, reference[reg], atol=LOSS_ATOL, context=shapes(W=W, X=X) + f" with reg = {reg}")


@loss_names
@pytest.mark.parametrize("reg", [0.0, LARGE_REG])
def test_loss_gradient(day01, name, reg):
    W, b, X, y = random_fixture(seed=7, N=6, D=5, C=4)
    check_loss_gradient(getattr(day01, name), W, b, X, y, reg)


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


# -- softmax stability ---------------------------------------------------------------------------
def extreme_logits():
    """X = [[1]] and W = [[1000, 0, -1000]]: the scores are exactly [1000, 0, -1000]."""
    return np.array([[1000.0, 0.0, -1000.0]]), np.zeros(3), np.array([[1.0]])


SOFTMAX_NAMES = [pytest.param(n, marks=exercise(f"day01.{n}"), id=n)
                 for n in ("softmax_loss_naive", "softmax_loss_vectorized")]


@pytest.mark.parametrize("name", SOFTMAX_NAMES)
@pytest.mark.parametrize("correct", [0, 1, 2])
def test_softmax_is_finite_on_extreme_logits(day01, name, correct):
    W, b, X = extreme_logits()
    with np.errstate(all="ignore"):
        loss, dW, db = getattr(day01, name)(W, b, X, np.array([correct]), 0.0)
    # -log softmax([1000, 0, -1000])[c] is 0, 1000 and 2000 to double precision.
    context = f" for scores [1000, 0, -1000] with correct class {correct}"
    expect_scalar("loss", loss, [0.0, 1000.0, 2000.0][correct], atol=1e-9, context=context)
    probs = np.array([1.0, 0.0, 0.0])
    expect_array("db", db, probs - np.eye(3)[correct], atol=1e-9, context=context)
    expect_array("dW", dW, (probs - np.eye(3)[correct])[None, :], atol=1e-9, context=context)


@pytest.mark.parametrize("name", SOFTMAX_NAMES)
def test_softmax_shifts_each_row_by_its_own_maximum(day01, name):
    # Row 0 scores [1000, 0, -1000], row 1 scores [1, 2, 3]: one global maximum (1000)
    # would underflow every exponential of row 1.
    X = np.eye(2)
    W = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    with np.errstate(all="ignore"):
        loss, _, _ = getattr(day01, name)(W, np.zeros(3), X, np.array([2, 0]), 0.0)
    expected = (2000.0 + 2.40760596444438) / 2  # log(e + e^2 + e^3) - 1 = 2.4076
    expect_scalar("loss", loss, expected, atol=1e-9,
                  context=" for a batch mixing scores [1000, 0, -1000] and [1, 2, 3]")


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
    expect_array("W.shape", np.array(np.shape(W)), np.array([3, 4]), context=" (D = 3 features, C = y.max() + 1 = 4 classes)")
    expect_array("b.shape", np.array(np.shape(b)), np.array([4]))
    if len(calls) != 7:
        fail(f"loss_fn was called {len(calls)} times for num_iters = 7; call it once per iteration.")
    expect_array("loss_history", np.asarray(history, dtype=float), np.arange(1.0, 8.0),
                 context=" (it must hold the loss returned by each call, in order)")


@exercise("day01.train_linear_classifier")
def test_train_takes_plain_gradient_steps(day01, rng):
    X, y = numbered_rows()
    (W, b, _), calls = train_recording(day01, X, y, 0.1, 0.0, 10, 4, rng, dW_value=0.5, db_value=-1.0)
    # b starts at 0 and moves by -lr * db = +0.1 per step; W starts near 0 (scale 0.001).
    expect_array("b", b, np.full(4, 1.0), atol=1e-12, context=" after 10 steps of size 0.1 against db = -1 from b = 0")
    expect_array("W", W, np.full((3, 4), -0.5), atol=0.01, context=" after 10 steps of size 0.1 against dW = 0.5 from W ~ 0.001 * randn")
    first_W = calls[0]["W"]
    if np.max(np.abs(first_W)) > 0.01 or not np.any(first_W):
        fail(f"the initial W should be 0.001 * rng.standard_normal((D, C)); its largest entry was {np.max(np.abs(first_W)):.3g}.")


@exercise("day01.train_linear_classifier")
def test_train_draws_minibatches_from_the_data(day01, rng):
    X, y = numbered_rows(N=12)
    _, calls = train_recording(day01, X, y, 0.1, 0.25, 20, 5, rng)
    seen = set()
    for call in calls:
        X_batch, y_batch, reg = call["X"], call["y"], call["reg"]
        if X_batch.shape != (5, 3):
            fail(f"each minibatch should be (batch_size, D) = (5, 3), got {X_batch.shape}.")
        rows = X_batch[:, 0].astype(int)
        if not np.array_equal(y_batch, y[rows]):
            fail("the minibatch labels do not belong to the minibatch rows; index X and y with the same indices.")
        if reg != 0.25:
            fail(f"loss_fn received reg = {reg}; pass the reg argument through unchanged.")
        seen.update(rows.tolist())
    if len(seen) < 10:
        fail(f"20 minibatches of 5 touched only {len(seen)} of 12 examples; draw fresh random indices every iteration.")


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
