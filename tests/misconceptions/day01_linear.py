"""Known-buggy versions of Day 1, planted as patches of solutions/day01_linear.py."""
import numpy as np

from grader.catalog import mutant

_SVM_NAIVE, _SVM_VEC = "day01.svm_loss_naive", "day01.svm_loss_vectorized"
_SM_NAIVE, _SM_VEC = "day01.softmax_loss_naive", "day01.softmax_loss_vectorized"

_REG_LOSS_MISSING = ("the L2 penalty is missing from the loss.",
                     "add 0.5 * reg * np.sum(W * W) to the loss after averaging.")
_REG_GRAD_MISSING = ("the L2 term is missing from dW.", "add reg * W to dW (and nothing to db).")
_REG_LOSS_FACTOR = ("the L2 penalty lacks its 0.5: reg * sum(W**2) is twice the convention.",
                    "use 0.5 * reg * np.sum(W * W), whose gradient is exactly reg * W.")
_REG_GRAD_FACTOR = ("the L2 gradient is 2 * reg * W, but the penalty 0.5 * reg * sum(W**2) has gradient reg * W.",
                    "use dW += reg * W.")
_SUMMED = ("the loss and gradients are summed over the batch instead of averaged.",
           "divide the data loss, dW and db by the number of examples N.")

MUTANTS = [
    mutant("day01.linear_scores", "bias_forgotten",
           "the bias b is not added to the scores.", "return X @ W + b.",
           ("return X @ W + b", "return X @ W")),

    # -- SVM, loops ------------------------------------------------------------------------
    mutant(_SVM_NAIVE, "hinge_counts_correct_class",
           "the hinge loss also counts j == y, adding delta = 1 per example (gradient checks cannot see it).",
           "skip the correct class in the inner loop: if j == y[i]: continue.",
           ("            if j == y[i]:\n                continue\n", "")),
    mutant(_SVM_NAIVE, "correct_column_sign_flipped",
           "the correct-class column of dW gets +x_i instead of -x_i.",
           "each positive margin subtracts X[i] from dW[:, y[i]].",
           ("dW[:, y[i]] -= X[i]", "dW[:, y[i]] += X[i]")),
    mutant(_SVM_NAIVE, "reg_missing_from_loss", *_REG_LOSS_MISSING, ("    loss += 0.5 * reg * np.sum(W * W)\n", "")),
    mutant(_SVM_NAIVE, "reg_missing_from_gradient", *_REG_GRAD_MISSING, ("    dW += reg * W\n", "")),
    mutant(_SVM_NAIVE, "reg_loss_factor", *_REG_LOSS_FACTOR, ("loss += 0.5 * reg *", "loss += reg *")),
    mutant(_SVM_NAIVE, "reg_gradient_factor", *_REG_GRAD_FACTOR, ("dW += reg * W", "dW += 2 * reg * W")),
    mutant(_SVM_NAIVE, "summed_not_averaged", *_SUMMED,
           ("    loss /= num_examples\n    dW /= num_examples\n    db /= num_examples\n", "")),

    # -- SVM, vectorized ---------------------------------------------------------------------
    mutant(_SVM_VEC, "hinge_counts_correct_class",
           "the hinge loss also counts the correct class, adding delta = 1 per example.",
           "zero the correct-class margins before summing: margins[np.arange(N), y] = 0.",
           ("    margins[rows, y] = 0.0\n", "")),
    mutant(_SVM_VEC, "correct_column_sign_flipped",
           "the correct-class entries of the score gradient are +(number of positive margins) instead of minus.",
           "set dscores[np.arange(N), y] = -dscores.sum(axis=1).",
           ("dscores[rows, y] = -dscores.sum(axis=1)", "dscores[rows, y] = dscores.sum(axis=1)")),
    mutant(_SVM_VEC, "reg_missing_from_loss", *_REG_LOSS_MISSING, (" + 0.5 * reg * np.sum(W * W)", "")),
    mutant(_SVM_VEC, "reg_missing_from_gradient", *_REG_GRAD_MISSING, ("dW = X.T @ dscores + reg * W", "dW = X.T @ dscores")),
    mutant(_SVM_VEC, "reg_loss_factor", *_REG_LOSS_FACTOR, ("0.5 * reg * np.sum", "reg * np.sum")),
    mutant(_SVM_VEC, "reg_gradient_factor", *_REG_GRAD_FACTOR, ("+ reg * W", "+ 2 * reg * W")),
    mutant(_SVM_VEC, "summed_not_averaged", *_SUMMED,
           ("margins.sum() / num_examples", "margins.sum()"), ("    dscores /= num_examples\n", "")),
    mutant(_SVM_VEC, "db_not_summed",
           "db is the (N, C) score gradient instead of its sum over the batch.",
           "the bias is shared by every example: db = dscores.sum(axis=0).",
           ("db = dscores.sum(axis=0)", "db = dscores")),

    # -- softmax, loops ----------------------------------------------------------------------
    mutant(_SM_NAIVE, "no_max_shift",
           "the scores are exponentiated without subtracting their maximum, so exp overflows on large scores.",
           "subtract np.max(scores) from the scores before np.exp; the probabilities do not change.",
           ("shifted = scores - np.max(scores)", "shifted = scores")),
    mutant(_SM_NAIVE, "log_of_softmax",
           "log-probabilities are computed as log(softmax), which underflows to log(0) = -inf for very unlikely classes.",
           "compute them directly: shifted - np.log(np.sum(np.exp(shifted))).",
           ("log_probs = shifted - np.log(np.sum(np.exp(shifted)))",
            "log_probs = np.log(np.exp(shifted) / np.sum(np.exp(shifted)))")),
    mutant(_SM_NAIVE, "missing_minus_one",
           "the score gradient is p instead of p - 1 at the correct class.",
           "after computing the probabilities, subtract 1 at y[i].",
           ("        dscores[y[i]] -= 1.0\n", "")),
    mutant(_SM_NAIVE, "reg_missing_from_loss", *_REG_LOSS_MISSING, ("    loss += 0.5 * reg * np.sum(W * W)\n", "")),
    mutant(_SM_NAIVE, "reg_missing_from_gradient", *_REG_GRAD_MISSING, ("    dW += reg * W\n", "")),
    mutant(_SM_NAIVE, "reg_loss_factor", *_REG_LOSS_FACTOR, ("loss += 0.5 * reg *", "loss += reg *")),
    mutant(_SM_NAIVE, "reg_gradient_factor", *_REG_GRAD_FACTOR, ("dW += reg * W", "dW += 2 * reg * W")),
    mutant(_SM_NAIVE, "summed_not_averaged", *_SUMMED,
           ("    loss /= num_examples\n    dW /= num_examples\n    db /= num_examples\n", "")),

    # -- softmax, vectorized -------------------------------------------------------------------
    mutant(_SM_VEC, "no_max_shift",
           "the scores are exponentiated without subtracting their maximum, so exp overflows on large scores.",
           "subtract each row's maximum: scores - np.max(scores, axis=1, keepdims=True).",
           ("shifted = scores - np.max(scores, axis=1, keepdims=True)", "shifted = scores")),
    mutant(_SM_VEC, "global_max_shift",
           "one maximum over the whole batch is subtracted, so rows with much smaller scores underflow to exp = 0.",
           "shift each row by its own maximum: np.max(scores, axis=1, keepdims=True).",
           ("np.max(scores, axis=1, keepdims=True)", "np.max(scores)")),
    mutant(_SM_VEC, "log_of_softmax",
           "log-probabilities are computed as log(softmax), which underflows to log(0) = -inf for very unlikely classes.",
           "use the log-sum-exp form: shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True)).",
           ("log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))",
            "log_probs = np.log(np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True))")),
    mutant(_SM_VEC, "missing_minus_one",
           "the score gradient is P instead of P minus the one-hot labels.",
           "subtract 1 at the correct classes: dscores[np.arange(N), y] -= 1.",
           ("    dscores[rows, y] -= 1.0\n", "")),
    mutant(_SM_VEC, "reg_missing_from_loss", *_REG_LOSS_MISSING, (" + 0.5 * reg * np.sum(W * W)", "")),
    mutant(_SM_VEC, "reg_missing_from_gradient", *_REG_GRAD_MISSING, ("dW = X.T @ dscores + reg * W", "dW = X.T @ dscores")),
    mutant(_SM_VEC, "reg_loss_factor", *_REG_LOSS_FACTOR, ("0.5 * reg * np.sum", "reg * np.sum")),
    mutant(_SM_VEC, "reg_gradient_factor", *_REG_GRAD_FACTOR, ("+ reg * W", "+ 2 * reg * W")),
    mutant(_SM_VEC, "summed_not_averaged", *_SUMMED,
           ("-np.mean(log_probs[rows, y])", "-np.sum(log_probs[rows, y])"), ("    dscores /= num_examples\n", "")),
    mutant(_SM_VEC, "db_not_summed",
           "db is the (N, C) score gradient instead of its sum over the batch.",
           "the bias is shared by every example: db = dscores.sum(axis=0).",
           ("db = dscores.sum(axis=0)", "db = dscores")),

    # -- prediction and training ---------------------------------------------------------------
    mutant("day01.predict", "argmax_over_examples",
           "the argmax runs over the examples (axis 0) instead of the classes.",
           "take np.argmax(scores, axis=1): one class per example.",
           ("axis=1)", "axis=0)")),
    mutant("day01.train_linear_classifier", "gradient_ascent",
           "the update adds the gradient, climbing the loss instead of descending it.",
           "step against the gradient: W = W - learning_rate * dW.",
           ("W = W - learning_rate * dW", "W = W + learning_rate * dW")),
    mutant("day01.train_linear_classifier", "bias_never_updated",
           "the bias is never updated.", "step it too: b = b - learning_rate * db.",
           ("b = b - learning_rate * db", "b = b")),
]


# -- probes: fixed inputs whose outputs tell the mistakes apart -------------------------------
def _inputs(seed=5, N=6, D=4, C=3):
    gen = np.random.default_rng(seed)
    return gen.standard_normal((D, C)), gen.standard_normal(C), gen.standard_normal((N, D)), gen.integers(0, C, N)


def _probe_loss(name):
    def probe(module):
        loss_fn = getattr(module, name)
        W, b, X, y = _inputs()
        loss, dW, db = loss_fn(W, b, X, y, 0.7)
        out = {"loss": loss, "dW": dW, "db": db}
        # A batch mixing huge and ordinary scores separates the stability mistakes.
        W_big = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
        with np.errstate(all="ignore"):
            out["loss on scores [1000, 0, -1000] and [1, 2, 3]"] = loss_fn(W_big, np.zeros(3), np.eye(2), np.array([2, 0]), 0.0)[0]
            # Overflow breaks even the likely class; underflow only the unlikely ones.
            out["loss on scores [1000, 0, -1000], class 0 correct"] = loss_fn(W_big[:1], np.zeros(3), np.eye(1), np.array([0]), 0.0)[0]
        return out
    return probe


def _probe_scores(module):
    W, b, X, _ = _inputs()
    return {"scores": module.linear_scores(X, W, b)}


def _probe_predict(module):
    W, b, X, _ = _inputs(N=5, D=4, C=3)
    return {"y_pred": module.predict(W, b, X)}


def _quadratic_loss(W, b, X, y, reg):
    """A smooth loss pulling the scores towards one-hot targets: distinct gradients for W and b."""
    targets = np.eye(W.shape[1])[y]
    residual = X @ W + b - targets
    n = X.shape[0]
    return 0.5 * np.sum(residual ** 2) / n + 0.5 * reg * np.sum(W * W), X.T @ residual / n + reg * W, residual.sum(0) / n


def _probe_train(module):
    W0, _, X, y = _inputs(N=20, D=3, C=3)
    W, b, history = module.train_linear_classifier(X, y, _quadratic_loss, 0.1, 0.01, 25, 8, np.random.default_rng(0))
    return {"W": W, "b": b, "loss_history": np.asarray(history, dtype=float)}


PROBES = {
    "day01.linear_scores": _probe_scores,
    "day01.predict": _probe_predict,
    "day01.train_linear_classifier": _probe_train,
    **{f"day01.{name}": _probe_loss(name) for name in
       ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized")},
}
