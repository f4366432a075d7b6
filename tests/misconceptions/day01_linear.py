"""Known-buggy versions of Day 1, planted as patches of solutions/day01_linear.py."""
from grader.catalog import mutant
from tests.probes import day01_linear as probes

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


# -- probes: the day's catalog probes (tests/probes/day01_linear.py) tell the mistakes apart --
PROBES = {
    "day01.linear_scores": probes.catalog_linear_scores,
    "day01.predict": probes.catalog_predict,
    "day01.train_linear_classifier": probes.catalog_train_linear_classifier,
    _SVM_NAIVE: probes.catalog_svm_loss_naive,
    _SVM_VEC: probes.catalog_svm_loss_vectorized,
    _SM_NAIVE: probes.catalog_softmax_loss_naive,
    _SM_VEC: probes.catalog_softmax_loss_vectorized,
}
