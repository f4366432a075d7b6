"""Known-buggy versions of Day 1, planted as patches of solutions/day01_linear.py."""
from grader.catalog import Mutant
from tests.probes import day01_linear as probes

_SCORES, _PREDICT, _TRAIN = "day01.linear_scores", "day01.predict", "day01.train_linear_classifier"
_SVM_NAIVE, _SVM_VEC = "day01.svm_loss_naive", "day01.svm_loss_vectorized"
_SM_NAIVE, _SM_VEC = "day01.softmax_loss_naive", "day01.softmax_loss_vectorized"

# Mistakes every loss can make, as (id, mistake, fix); the patches differ between the loops and the
# vectorized code, and are given with each exercise below.
_REG_LOSS_MISSING = ("reg_missing_from_loss", "the L2 penalty is missing from the loss.",
                     "add 0.5 * reg * np.sum(W * W) to the loss after averaging.")
_REG_GRAD_MISSING = ("reg_missing_from_gradient", "the L2 term is missing from dW.",
                     "add reg * W to dW (and nothing to db).")
_REG_LOSS_FACTOR = ("reg_loss_factor", "the L2 penalty lacks its 0.5: reg * sum(W**2) is twice the convention.",
                    "use 0.5 * reg * np.sum(W * W), whose gradient is exactly reg * W.")
_REG_GRAD_FACTOR = ("reg_gradient_factor",
                    "the L2 gradient is 2 * reg * W, but the penalty 0.5 * reg * sum(W**2) has gradient reg * W.",
                    "use dW += reg * W.")
_REG_INSIDE_AVERAGE = ("reg_inside_average",
                       "the L2 penalty and its gradient are added before dividing by N, so they are divided by N too.",
                       "divide the data loss, dW and db by N first, then add 0.5 * reg * np.sum(W * W) and reg * W.")
_BIAS_REGULARISED = ("bias_regularised",
                     "the bias is regularised too: the loss has 0.5 * reg * sum(b**2) and db has reg * b.",
                     "the L2 penalty covers the weights W only; leave b out of both the loss and db.")
_SUMMED = ("summed_not_averaged", "the loss and gradients are summed over the batch instead of averaged.",
           "divide the data loss, dW and db by the number of examples N.")
_GRAD_NOT_AVERAGED = ("gradient_not_averaged",
                      "the loss is averaged over the batch but dW and db are not: they are N times too large.",
                      "divide the data part of dW and db by N, as the loss is.")
_DB_NOT_SUMMED = ("db_not_summed", "db is the (N, C) score gradient instead of its sum over the batch.",
                  "the bias is shared by every example: db = dscores.sum(axis=0).")
_HINGE_AT_ZERO = ("zero_margin_counts",
                  "a margin of exactly 0 is counted as violated (>= 0), so it passes gradient; the convention is > 0.",
                  "count a margin only when it is strictly positive: margin > 0.")


def _common(exercise, spec, *patch):
    ident, mistake, fix = spec
    return Mutant(exercise=exercise, id=ident, mistake=mistake, fix=fix, patch=list(patch))


_LOOP_TAIL = ("    loss /= num_examples\n    dW /= num_examples\n    db /= num_examples\n"
              "    loss += 0.5 * reg * np.sum(W * W)\n    dW += reg * W\n")
_LOOP_TAIL_REG_FIRST = ("    loss += 0.5 * reg * np.sum(W * W)\n    dW += reg * W\n"
                        "    loss /= num_examples\n    dW /= num_examples\n    db /= num_examples\n")


def _loop_mutants(exercise):
    """The regularisation and averaging mistakes of a loss written with loops (the two naive losses)."""
    return [
        _common(exercise, _REG_LOSS_MISSING, ("    loss += 0.5 * reg * np.sum(W * W)\n", "")),
        _common(exercise, _REG_GRAD_MISSING, ("    dW += reg * W\n", "")),
        _common(exercise, _REG_LOSS_FACTOR, ("loss += 0.5 * reg *", "loss += reg *")),
        _common(exercise, _REG_GRAD_FACTOR, ("dW += reg * W", "dW += 2 * reg * W")),
        _common(exercise, _REG_INSIDE_AVERAGE, (_LOOP_TAIL, _LOOP_TAIL_REG_FIRST)),
        _common(exercise, _BIAS_REGULARISED,
                ("loss += 0.5 * reg * np.sum(W * W)", "loss += 0.5 * reg * (np.sum(W * W) + np.sum(b * b))"),
                ("    dW += reg * W\n", "    dW += reg * W\n    db += reg * b\n")),
        _common(exercise, _SUMMED, ("    loss /= num_examples\n    dW /= num_examples\n    db /= num_examples\n", "")),
        _common(exercise, _GRAD_NOT_AVERAGED, ("    dW /= num_examples\n    db /= num_examples\n", "")),
    ]


def _vectorized_mutants(exercise, data_loss_summed):
    """The regularisation, averaging and bias mistakes of a vectorized loss."""
    return [
        _common(exercise, _REG_LOSS_MISSING, (" + 0.5 * reg * np.sum(W * W)", "")),
        _common(exercise, _REG_GRAD_MISSING, ("dW = X.T @ dscores + reg * W", "dW = X.T @ dscores")),
        _common(exercise, _REG_LOSS_FACTOR, ("0.5 * reg * np.sum", "reg * np.sum")),
        _common(exercise, _REG_GRAD_FACTOR, ("+ reg * W", "+ 2 * reg * W")),
        _common(exercise, _BIAS_REGULARISED,
                ("0.5 * reg * np.sum(W * W)", "0.5 * reg * (np.sum(W * W) + np.sum(b * b))"),
                ("db = dscores.sum(axis=0)", "db = dscores.sum(axis=0) + reg * b")),
        _common(exercise, _SUMMED, data_loss_summed, ("    dscores /= num_examples\n", "")),
        _common(exercise, _GRAD_NOT_AVERAGED, ("    dscores /= num_examples\n", "")),
        _common(exercise, _DB_NOT_SUMMED, ("db = dscores.sum(axis=0)", "db = dscores")),
    ]


MUTANTS = [
    Mutant(exercise=_SCORES, id="bias_forgotten",
           mistake="the bias b is not added to the scores.", fix="return X @ W + b.",
           patch=[("return X @ W + b", "return X @ W")]),

    # -- SVM, loops ------------------------------------------------------------------------
    Mutant(exercise=_SVM_NAIVE, id="hinge_counts_correct_class",
           mistake="the hinge loss also counts j == y, adding delta = 1 per example (gradient checks cannot see it).",
           fix="skip the correct class in the inner loop: if j == y[i]: continue.",
           patch=[("            if j == y[i]:\n                continue\n", "")]),
    Mutant(exercise=_SVM_NAIVE, id="correct_column_sign_flipped",
           mistake="the correct-class column of dW gets +x_i instead of -x_i.",
           fix="each positive margin subtracts X[i] from dW[:, y[i]].",
           patch=[("dW[:, y[i]] -= X[i]", "dW[:, y[i]] += X[i]")]),
    _common(_SVM_NAIVE, _HINGE_AT_ZERO, ("if margin > 0:", "if margin >= 0:")),
    *_loop_mutants(_SVM_NAIVE),

    # -- SVM, vectorized ---------------------------------------------------------------------
    Mutant(exercise=_SVM_VEC, id="hinge_counts_correct_class",
           mistake="the hinge loss also counts the correct class, adding delta = 1 per example.",
           fix="zero the correct-class margins before summing: margins[np.arange(N), y] = 0.",
           patch=[("    margins[rows, y] = 0.0\n", "")]),
    Mutant(exercise=_SVM_VEC, id="correct_column_sign_flipped",
           mistake="the correct-class entries of the score gradient are +(number of positive margins) instead of "
                   "minus.",
           fix="set dscores[np.arange(N), y] = -dscores.sum(axis=1).",
           patch=[("dscores[rows, y] = -dscores.sum(axis=1)", "dscores[rows, y] = dscores.sum(axis=1)")]),
    Mutant(exercise=_SVM_VEC, id="correct_class_minus_one",
           mistake="the correct class gets -1 per example in the score gradient, instead of -1 per positive margin.",
           fix="set dscores[np.arange(N), y] = -dscores.sum(axis=1): the number of violated margins in the row.",
           patch=[("dscores[rows, y] = -dscores.sum(axis=1)", "dscores[rows, y] = -1.0")]),
    _common(_SVM_VEC, _HINGE_AT_ZERO,
            ("dscores = (margins > 0).astype(scores.dtype)\n",
             "dscores = (scores - correct_scores + 1.0 >= 0).astype(scores.dtype)\n    dscores[rows, y] = 0.0\n")),
    *_vectorized_mutants(_SVM_VEC, ("margins.sum() / num_examples", "margins.sum()")),

    # -- softmax, loops ----------------------------------------------------------------------
    Mutant(exercise=_SM_NAIVE, id="no_max_shift",
           mistake="the scores are exponentiated without subtracting their maximum, so exp overflows on large scores.",
           fix="subtract np.max(scores) from the scores before np.exp; the probabilities do not change.",
           patch=[("shifted = scores - np.max(scores)", "shifted = scores")]),
    Mutant(exercise=_SM_NAIVE, id="log_of_softmax",
           mistake="log-probabilities are computed as log(softmax), which underflows to log(0) = -inf for very "
                   "unlikely classes.",
           fix="compute them directly: shifted - np.log(np.sum(np.exp(shifted))).",
           patch=[("log_probs = shifted - np.log(np.sum(np.exp(shifted)))",
                   "log_probs = np.log(np.exp(shifted) / np.sum(np.exp(shifted)))")]),
    Mutant(exercise=_SM_NAIVE, id="missing_minus_one",
           mistake="the score gradient is p instead of p - 1 at the correct class.",
           fix="after computing the probabilities, subtract 1 at y[i].",
           patch=[("        dscores[y[i]] -= 1.0\n", "")]),
    *_loop_mutants(_SM_NAIVE),

    # -- softmax, vectorized -------------------------------------------------------------------
    Mutant(exercise=_SM_VEC, id="no_max_shift",
           mistake="the scores are exponentiated without subtracting their maximum, so exp overflows on large scores.",
           fix="subtract each row's maximum: scores - np.max(scores, axis=1, keepdims=True).",
           patch=[("shifted = scores - np.max(scores, axis=1, keepdims=True)", "shifted = scores")]),
    Mutant(exercise=_SM_VEC, id="global_max_shift",
           mistake="one maximum over the whole batch is subtracted, so rows with much smaller scores underflow to "
                   "exp = 0.",
           fix="shift each row by its own maximum: np.max(scores, axis=1, keepdims=True).",
           patch=[("np.max(scores, axis=1, keepdims=True)", "np.max(scores)")]),
    Mutant(exercise=_SM_VEC, id="log_of_softmax",
           mistake="log-probabilities are computed as log(softmax), which underflows to log(0) = -inf for very "
                   "unlikely classes.",
           fix="use the log-sum-exp form: shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True)).",
           patch=[("log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))",
                   "log_probs = np.log(np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True))")]),
    Mutant(exercise=_SM_VEC, id="normalised_over_batch",
           mistake="the exponentials are normalised by their sum over the whole batch instead of each row's sum.",
           fix="sum each row on its own: np.sum(np.exp(shifted), axis=1, keepdims=True).",
           patch=[("np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))", "np.log(np.sum(np.exp(shifted)))")]),
    Mutant(exercise=_SM_VEC, id="normalised_over_examples",
           mistake="the exponentials are normalised over each column (axis=0, the examples) instead of each row.",
           fix="sum over the classes: np.sum(np.exp(shifted), axis=1, keepdims=True).",
           patch=[("np.sum(np.exp(shifted), axis=1, keepdims=True)",
                   "np.sum(np.exp(shifted), axis=0, keepdims=True)")]),
    Mutant(exercise=_SM_VEC, id="whole_columns_picked",
           mistake="log_probs[:, y] and dscores[:, y] pick whole columns (an N x N block) instead of one entry per "
                   "row.",
           fix="index the correct class of each row with two arrays: log_probs[np.arange(N), y].",
           patch=[("-np.mean(log_probs[rows, y])", "-np.mean(log_probs[:, y])"),
                  ("dscores[rows, y] -= 1.0", "dscores[:, y] -= 1.0")]),
    Mutant(exercise=_SM_VEC, id="missing_minus_one",
           mistake="the score gradient is P instead of P minus the one-hot labels.",
           fix="subtract 1 at the correct classes: dscores[np.arange(N), y] -= 1.",
           patch=[("    dscores[rows, y] -= 1.0\n", "")]),
    *_vectorized_mutants(_SM_VEC, ("-np.mean(log_probs[rows, y])", "-np.sum(log_probs[rows, y])")),

    # -- prediction ---------------------------------------------------------------------------------
    Mutant(exercise=_PREDICT, id="argmax_over_examples",
           mistake="the argmax runs over the examples (axis 0) instead of the classes.",
           fix="take np.argmax(scores, axis=1): one class per example.",
           patch=[("axis=1)", "axis=0)")]),
    Mutant(exercise=_PREDICT, id="argmax_without_axis",
           mistake="np.argmax without an axis returns one index into the flattened (N, C) scores, not one class per "
                   "example.",
           fix="take np.argmax(scores, axis=1).",
           patch=[("np.argmax(linear_scores(X, W, b), axis=1)", "np.argmax(linear_scores(X, W, b))")]),
    Mutant(exercise=_PREDICT, id="bias_ignored",
           mistake="the prediction uses X @ W without the bias.",
           fix="predict from the full scores X @ W + b (linear_scores).",
           patch=[("linear_scores(X, W, b)", "X @ W")]),
    Mutant(exercise=_PREDICT, id="max_not_argmax",
           mistake="np.max returns each example's highest score, not the class that has it.",
           fix="use np.argmax(scores, axis=1).",
           patch=[("np.argmax(", "np.max(")]),
    Mutant(exercise=_PREDICT, id="last_tie_wins",
           mistake="on tied scores the last of the tied classes wins (a >= comparison), not the first as with "
                   "np.argmax.",
           fix="replace the best class only when a score is strictly higher (>), or use np.argmax(scores, axis=1).",
           patch=[("    return np.argmax(linear_scores(X, W, b), axis=1)\n",
                   "    scores = linear_scores(X, W, b)\n"
                   "    y_pred = np.zeros(scores.shape[0], dtype=int)\n"
                   "    for i in range(scores.shape[0]):\n"
                   "        for c in range(scores.shape[1]):\n"
                   "            if scores[i, c] >= scores[i, y_pred[i]]:\n"
                   "                y_pred[i] = c\n"
                   "    return y_pred\n")]),

    # -- training -------------------------------------------------------------------------------
    Mutant(exercise=_TRAIN, id="gradient_ascent",
           mistake="the update adds the gradient, climbing the loss instead of descending it.",
           fix="step against the gradient: W = W - learning_rate * dW.",
           patch=[("W = W - learning_rate * dW", "W = W + learning_rate * dW")]),
    Mutant(exercise=_TRAIN, id="bias_never_updated",
           mistake="the bias is never updated.", fix="step it too: b = b - learning_rate * db.",
           patch=[("b = b - learning_rate * db", "b = b")]),
    Mutant(exercise=_TRAIN, id="reg_in_update",
           mistake="the update subtracts learning_rate * reg * W on top of dW, which already holds the L2 term.",
           fix="use W = W - learning_rate * dW: loss_fn's gradient includes the penalty's reg * W.",
           patch=[("W = W - learning_rate * dW", "W = W - learning_rate * (dW + reg * W)")]),
    Mutant(exercise=_TRAIN, id="minibatch_drawn_once",
           mistake="the minibatch indices are drawn once, before the loop, so every iteration sees the same examples.",
           fix="draw idx = rng.choice(N, size=batch_size, replace=True) inside the loop.",
           patch=[("    for _ in range(num_iters):\n"
                   "        idx = rng.choice(num_examples, size=batch_size, replace=True)\n",
                   "    idx = rng.choice(num_examples, size=batch_size, replace=True)\n"
                   "    for _ in range(num_iters):\n")]),
    Mutant(exercise=_TRAIN, id="full_batch",
           mistake="loss_fn is evaluated on the whole training set every iteration instead of on the minibatch.",
           fix="call loss_fn(W, b, X[idx], y[idx], reg) with the indices drawn this iteration.",
           patch=[("loss_fn(W, b, X[idx], y[idx], reg)", "loss_fn(W, b, X, y, reg)")]),
    Mutant(exercise=_TRAIN, id="classes_counted_from_unique",
           mistake="the number of classes is the number of distinct labels, which is too small when a class has no "
                   "example.",
           fix="use C = y.max() + 1.",
           patch=[("num_classes = int(np.max(y)) + 1", "num_classes = len(np.unique(y))")]),
]


# -- probes: the day's catalog probes (tests/probes/day01_linear.py) tell the mistakes apart --
PROBES = {
    _SCORES: probes.catalog_linear_scores,
    _PREDICT: probes.catalog_predict,
    _TRAIN: probes.catalog_train_linear_classifier,
    _SVM_NAIVE: probes.catalog_svm_loss_naive,
    _SVM_VEC: probes.catalog_svm_loss_vectorized,
    _SM_NAIVE: probes.catalog_softmax_loss_naive,
    _SM_VEC: probes.catalog_softmax_loss_vectorized,
}
