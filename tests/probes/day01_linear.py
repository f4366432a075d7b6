"""Day 1 probes: they run in the sandboxed worker, beside the learner's day01_linear module."""
import numpy as np


# -- for the checks -------------------------------------------------------------------------
class RecordingLoss:
    """A loss_fn with a constant gradient that records every call it gets."""

    def __init__(self, dW_value=0.5, db_value=-1.0):
        self.calls = []
        self.dW_value, self.db_value = dW_value, db_value

    def __call__(self, W, b, X_batch, y_batch, reg):
        self.calls.append({"W": np.array(W, copy=True), "b": np.array(b, copy=True),
                           "X": np.array(X_batch, copy=True), "y": np.array(y_batch, copy=True), "reg": reg})
        return float(len(self.calls)), np.full_like(W, self.dW_value), np.full_like(b, self.db_value)


def train_recording(day01, X, y, learning_rate, reg, num_iters, batch_size, rng, dW_value=0.5, db_value=-1.0):
    """Train with a RecordingLoss; return what train_linear_classifier returned and every call it made."""
    loss_fn = RecordingLoss(dW_value, db_value)
    result = day01.train_linear_classifier(X, y, loss_fn, learning_rate, reg, num_iters, batch_size, rng)
    return {"result": result, "calls": loss_fn.calls}


def softmax_for_tests(W, b, X, y, reg):
    """The suite's own softmax loss (stable: log-sum-exp), so training is graded independently of the loss exercises."""
    scores = X @ W + b
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    n, rows = X.shape[0], np.arange(X.shape[0])
    loss = -np.mean(log_probs[rows, y]) + 0.5 * reg * np.sum(W * W)
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    return loss, X.T @ dscores / n + reg * W, dscores.sum(axis=0) / n


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart -------------------------
def _inputs(seed=5, N=6, D=4, C=3):
    gen = np.random.default_rng(seed)
    return gen.standard_normal((D, C)), gen.standard_normal(C), gen.standard_normal((N, D)), gen.integers(0, C, N)


def _loss_outputs(loss_fn, hinge=False):
    W, b, X, y = _inputs()
    loss, dW, db = loss_fn(W, b, X, y, 0.7)
    out = {"loss": loss, "dW": dW, "db": db}
    # A batch mixing huge and ordinary scores separates the stability mistakes.
    W_big = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    with np.errstate(all="ignore"):
        out["loss on scores [1000, 0, -1000] and [1, 2, 3]"] = loss_fn(W_big, np.zeros(3), np.eye(2),
                                                                       np.array([2, 0]), 0.0)[0]
        # Overflow breaks even the likely class; underflow only the unlikely ones.
        out["loss on scores [1000, 0, -1000], class 0 correct"] = loss_fn(W_big[:1], np.zeros(3), np.eye(1),
                                                                          np.array([0]), 0.0)[0]
    if hinge:  # scores [[1, 0, 1], [2, 2, 0]] with y = [0, 1] (tests/checks/edges.py): one margin is exactly 0
        _, out["dW at a zero margin"], out["db at a zero margin"] = loss_fn(
            np.array([[1.0, 0.0, 1.0], [2.0, 2.0, 0.0]]), np.zeros(3), np.eye(2), np.array([0, 1]), 0.0)
    return out


def catalog_svm_loss_naive(day01):
    return _loss_outputs(day01.svm_loss_naive, hinge=True)


def catalog_svm_loss_vectorized(day01):
    return _loss_outputs(day01.svm_loss_vectorized, hinge=True)


def catalog_softmax_loss_naive(day01):
    return _loss_outputs(day01.softmax_loss_naive)


def catalog_softmax_loss_vectorized(day01):
    return _loss_outputs(day01.softmax_loss_vectorized)


def catalog_linear_scores(day01):
    W, b, X, _ = _inputs()
    return {"scores": day01.linear_scores(X, W, b)}


def catalog_predict(day01):
    W, b, X, _ = _inputs(N=5, D=4, C=3)
    return {"y_pred": day01.predict(W, b, X),
            # every row has a tie for the highest score (tests/checks/edges.py)
            "y_pred on tied scores": day01.predict(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [-1.0, -1.0, -2.0]]),
                                                   np.zeros(3), np.eye(3)),
            # X @ W prefers class 0, the bias makes class 2 win
            "y_pred when the bias decides": day01.predict(np.array([[0.5, 0.0, 0.0], [0.0, 0.0, 0.0]]),
                                                          np.array([0.0, 0.0, 1.0]), np.ones((2, 2)))}


def _quadratic_loss(W, b, X, y, reg):
    """A smooth loss pulling the scores towards one-hot targets: distinct gradients for W and b."""
    targets = np.eye(W.shape[1])[y]
    residual = X @ W + b - targets
    n = X.shape[0]
    loss = 0.5 * np.sum(residual ** 2) / n + 0.5 * reg * np.sum(W * W)
    return loss, X.T @ residual / n + reg * W, residual.sum(0) / n


def catalog_train_linear_classifier(day01):
    W0, _, X, y = _inputs(N=20, D=3, C=3)
    W, b, history = day01.train_linear_classifier(X, y, _quadratic_loss, 0.1, 0.01, 25, 8, np.random.default_rng(0))
    # Labels {0, 2}: class 1 has no example, yet C = y.max() + 1 = 3.
    W_gap, _, _ = day01.train_linear_classifier(X, 2 * (y > 0), RecordingLoss(), 0.1, 0.0, 1, 4,
                                                np.random.default_rng(1))
    return {"W": W, "b": b, "loss_history": np.asarray(history, dtype=float),
            "W shape when class 1 has no example": np.asarray(np.shape(W_gap), dtype=float)}
