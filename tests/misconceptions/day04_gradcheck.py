"""Known-buggy versions of Day 4, planted as patches of solutions/day04_gradcheck.py."""
from grader.catalog import Mutant
from tests.probes import day04_gradcheck as probes

_NUM, _NUM_ARRAY = "day04.eval_numerical_gradient", "day04.eval_numerical_gradient_array"
_REL, _SPARSE, _NET = "day04.rel_error", "day04.grad_check_sparse", "day04.TwoLayerNet"

_ONE_SIDED = dict(
    id="one_sided_difference",
    mistake="the difference is one-sided, (f(x + h) - f(x)) / h, whose error shrinks only like h.",
    fix="use the centred difference (f(x + h) - f(x - h)) / (2 * h), whose error shrinks like h**2.",
    patch=[("x[ix] = original - h", "x[ix] = original"), ("/ (2 * h)", "/ h")])
_NOT_RESTORED = dict(
    id="x_not_restored",
    mistake="x is not put back after probing: each entry is left at its value minus h.",
    fix="save original = x[ix] before nudging and write x[ix] = original after the second evaluation.")
_H_IGNORED = dict(
    id="h_ignored",
    mistake="the step is fixed at 1e-5 inside the function, so the h it is given is never used.",
    fix="use the argument h; do not assign h in the body.")

MUTANTS = [
    # -- eval_numerical_gradient ------------------------------------------------------------
    Mutant(exercise=_NUM, **_ONE_SIDED),
    Mutant(exercise=_NUM, **_NOT_RESTORED,
           patch=[("        x[ix] = original  # the exact value back, not original - h + h\n", "")]),
    Mutant(exercise=_NUM, id="restored_by_arithmetic",
           mistake="x is nudged and restored by adding and subtracting h instead of writing the saved value back, "
                   "so entries drift by rounding errors.",
           fix="save original = x[ix] first and write exactly that value back: x + h - 2h + h is not always x in "
               "floating point.",
           patch=[("x[ix] = original + h", "x[ix] += h"), ("x[ix] = original - h", "x[ix] -= 2 * h"),
                  ("x[ix] = original  # the exact value back", "x[ix] += h  # the exact value back")]),
    Mutant(exercise=_NUM, id="probes_a_copy",
           mistake="the nudges go to a copy of x, so a function that reads x itself (like model.loss reading "
                   "model.params) never sees them.",
           fix="modify x in place (x[ix] = ...) and restore it afterwards; do not copy it.",
           patch=[("    grad = np.zeros(x.shape)\n", "    grad = np.zeros(x.shape)\n    x = x.copy()\n")]),
    Mutant(exercise=_NUM, id="divides_by_h",
           mistake="the centred difference is divided by h instead of 2h, doubling every entry.",
           fix="the two evaluation points are 2h apart: divide by (2 * h).",
           patch=[("/ (2 * h)", "/ h")]),
    Mutant(exercise=_NUM, id="precedence_of_2h",
           mistake="the difference is written `/ 2 * h`, which divides by 2 and then multiplies by h, giving h**2 "
                   "times the gradient.",
           fix="put the denominator in parentheses: (f_plus - f_minus) / (2 * h).",
           patch=[("/ (2 * h)", "/ 2 * h")]),
    Mutant(exercise=_NUM, **_H_IGNORED,
           patch=[("    grad = np.zeros(x.shape)\n", "    h = 1e-5\n    grad = np.zeros(x.shape)\n")]),

    # -- eval_numerical_gradient_array -----------------------------------------------------
    Mutant(exercise=_NUM_ARRAY, **_ONE_SIDED),
    Mutant(exercise=_NUM_ARRAY, **_NOT_RESTORED, patch=[("        x[ix] = original\n", "")]),
    Mutant(exercise=_NUM_ARRAY, id="output_not_copied",
           mistake="f's output is kept without copying, so when f returns x or a view of it, the '+h' output "
                   "changes with x.",
           fix="copy each output before changing x again: np.array(f(x), dtype=float).",
           patch=[("out_plus = np.array(f(x), dtype=float)", "out_plus = np.asarray(f(x))"),
                  ("out_minus = np.array(f(x), dtype=float)", "out_minus = np.asarray(f(x))")]),
    Mutant(exercise=_NUM_ARRAY, id="df_ignored",
           mistake="the outputs' changes are summed without weighting them by df, which computes the gradient of "
                   "sum(f(x)) as if df were all ones.",
           fix="weight each output's change by the upstream gradient: np.sum((out_plus - out_minus) * df) / (2 * h).",
           patch=[("np.sum((out_plus - out_minus) * df)", "np.sum(out_plus - out_minus)")]),
    Mutant(exercise=_NUM_ARRAY, **_H_IGNORED,
           patch=[("    grad = np.zeros(x.shape)\n", "    h = 1e-5\n    grad = np.zeros(x.shape)\n")]),

    # -- rel_error ---------------------------------------------------------------------------
    Mutant(exercise=_REL, id="no_floor",
           mistake="the denominator has no floor, so two entries that are both 0 give 0/0 = nan.",
           fix="divide by np.maximum(1e-8, np.abs(a) + np.abs(b)).",
           patch=[("np.maximum(1e-8, np.abs(a) + np.abs(b))", "(np.abs(a) + np.abs(b))")]),
    Mutant(exercise=_REL, id="mean_not_max",
           mistake="the errors are averaged, so one wrong entry among many right ones looks fine.",
           fix="report the worst entry: np.max, not np.mean.",
           patch=[("np.max(", "np.mean(")]),
    Mutant(exercise=_REL, id="abs_of_sum",
           mistake="the denominator is |a + b| instead of |a| + |b|, which is near 0 when a and b have opposite signs.",
           fix="divide by the combined sizes np.abs(a) + np.abs(b), so the error never exceeds 1.",
           patch=[("np.abs(a) + np.abs(b)", "np.abs(a + b)")]),
    Mutant(exercise=_REL, id="floor_added",
           mistake="1e-8 is added to the denominator instead of being its floor, which shrinks every error of tiny "
                   "numbers.",
           fix="take the larger of the two: np.maximum(1e-8, np.abs(a) + np.abs(b)).",
           patch=[("np.maximum(1e-8, np.abs(a) + np.abs(b))", "(np.abs(a) + np.abs(b) + 1e-8)")]),
    Mutant(exercise=_REL, id="norm_ratio",
           mistake="the error is a ratio of norms over the whole arrays, norm(a - b) / (norm(a) + norm(b)), which "
                   "dilutes one wrong entry among many and is 0/0 for two zero arrays.",
           fix="take the error entry by entry and report the worst: np.max(np.abs(a - b) / np.maximum(1e-8, "
               "np.abs(a) + np.abs(b))).",
           patch=[("return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))",
                   "return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))")]),

    # -- grad_check_sparse -------------------------------------------------------------------
    Mutant(exercise=_SPARSE, id="global_random",
           mistake="the coordinates come from NumPy's global random state instead of the rng argument.",
           fix="draw them from rng: ix = tuple(int(rng.integers(n)) for n in x.shape).",
           patch=[("ix = tuple(int(rng.integers(n))", "ix = tuple(int(np.random.randint(n))")]),
    Mutant(exercise=_SPARSE, **_NOT_RESTORED, patch=[("        x[ix] = original\n", "")]),
    Mutant(exercise=_SPARSE, **_ONE_SIDED),
    Mutant(exercise=_SPARSE, id="same_coordinate_every_time",
           mistake="one coordinate is drawn before the loop, so every check tests the same entry.",
           fix="draw a new ix inside the loop, once per check.",
           patch=[("    for _ in range(num_checks):\n        ix = tuple(int(rng.integers(n)) for n in x.shape)\n",
                   "    ix = tuple(int(rng.integers(n)) for n in x.shape)\n    for _ in range(num_checks):\n")]),
    Mutant(exercise=_SPARSE, **_H_IGNORED, patch=[("    errors = []\n", "    h = 1e-5\n    errors = []\n")]),
    Mutant(exercise=_SPARSE, id="error_without_floor",
           mistake="each error is computed inline as |n - a| / (|n| + |a|), with no floor, so a coordinate where "
                   "both gradients are 0 gives 0/0.",
           fix="compute each error with rel_error(numerical, analytic_grad[ix]), whose floor 1e-8 makes 0/0 a 0.",
           patch=[("errors.append(rel_error(numerical, analytic_grad[ix]))",
                   "errors.append(abs(numerical - analytic_grad[ix]) / (abs(numerical) + abs(analytic_grad[ix])))")]),

    Mutant(exercise=_SPARSE, id="absolute_difference",
           mistake="each entry is the absolute difference |numerical - analytic|, which depends on the gradient's "
                   "scale, not the relative error.",
           fix="compute each error with rel_error(numerical, analytic_grad[ix]).",
           patch=[("errors.append(rel_error(numerical, analytic_grad[ix]))",
                   "errors.append(abs(numerical - analytic_grad[ix]))")]),

    # -- TwoLayerNet -------------------------------------------------------------------------
    Mutant(exercise=_NET, id="reg_on_biases",
           mistake="the L2 penalty also covers the biases b1 and b2.",
           fix="regularise the weight matrices only: 0.5 * reg * (sum(W1**2) + sum(W2**2)), and reg * W in dW1 "
               "and dW2.",
           patch=[("np.sum(W1 * W1) + np.sum(W2 * W2)",
                   "np.sum(W1 * W1) + np.sum(W2 * W2) + np.sum(b1 * b1) + np.sum(b2 * b2)"),
                  ('"b1": db1,', '"b1": db1 + self.reg * b1,'), ('"b2": db2,', '"b2": db2 + self.reg * b2,')]),
    Mutant(exercise=_NET, id="reg_loss_factor",
           mistake="the L2 penalty lacks its 0.5: reg * sum(W**2) is twice the convention (and no longer matches "
                   "the gradient reg * W).",
           fix="use 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2)).",
           patch=[("0.5 * self.reg *", "self.reg *")]),
    Mutant(exercise=_NET, id="reg_loss_missing",
           mistake="the L2 penalty is missing from the loss, though its gradient reg * W is in dW1 and dW2.",
           fix="add 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2)) to the data loss.",
           patch=[("loss = data_loss + 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))", "loss = data_loss")]),
    Mutant(exercise=_NET, id="reg_gradient_missing",
           mistake="the L2 term is missing from dW1 and dW2.",
           fix="add self.reg * W1 to dW1 and self.reg * W2 to dW2 (and nothing to the biases).",
           patch=[("dW1 + self.reg * W1", "dW1"), ("dW2 + self.reg * W2", "dW2")]),
    Mutant(exercise=_NET, id="reg_gradient_factor",
           mistake="the L2 gradient is 2 * reg * W, but the penalty 0.5 * reg * sum(W**2) has gradient reg * W.",
           fix="add self.reg * W1 to dW1 and self.reg * W2 to dW2.",
           patch=[("dW1 + self.reg * W1", "dW1 + 2 * self.reg * W1"),
                  ("dW2 + self.reg * W2", "dW2 + 2 * self.reg * W2")]),
    Mutant(exercise=_NET, id="relu_on_scores",
           mistake="a ReLU is applied to the output scores, so no score can be negative.",
           fix="the last layer is a plain affine_forward (and affine_backward); the ReLU belongs to the hidden layer "
               "only.",
           patch=[("affine_forward(hidden, W2, b2)", "affine_relu_forward(hidden, W2, b2)"),
                  ("affine_backward(dscores, scores_cache)", "affine_relu_backward(dscores, scores_cache)")]),
    Mutant(exercise=_NET, id="no_hidden_relu",
           mistake="the hidden layer has no ReLU, so the network is just one linear map.",
           fix="use affine_relu_forward for the first layer (and affine_relu_backward on the way back).",
           patch=[("affine_relu_forward(X, W1, b1)", "affine_forward(X, W1, b1)"),
                  ("affine_relu_backward(dhidden, hidden_cache)", "affine_backward(dhidden, hidden_cache)")]),
    Mutant(exercise=_NET, id="relu_mask_non_strict",
           mistake="the hidden ReLU's backward pass, written by hand, masks with pre >= 0, so a pre-activation of "
                   "exactly 0 passes the gradient; the kata's ReLU has derivative 0 at 0.",
           fix="mask with a strict pre > 0, or call affine_relu_backward, which does.",
           patch=[("_, dW1, db1 = affine_relu_backward(dhidden, hidden_cache)",
                   "affine_cache, pre = hidden_cache\n"
                   "        _, dW1, db1 = affine_backward(dhidden * (pre >= 0), affine_cache)")]),
    Mutant(exercise=_NET, id="relu_backward_unmasked",
           mistake="the hidden ReLU's backward pass, written by hand, lets the gradient through every hidden unit, "
                   "even those that were off (a mask taken from the ReLU's output with >= 0 is true everywhere).",
           fix="mask with the pre-activation, pre > 0, or call affine_relu_backward, which does.",
           patch=[("_, dW1, db1 = affine_relu_backward(dhidden, hidden_cache)",
                   "affine_cache, pre = hidden_cache\n"
                   "        _, dW1, db1 = affine_backward(dhidden * (hidden >= 0), affine_cache)")]),
    Mutant(exercise=_NET, id="softmax_not_shifted",
           mistake="the softmax is written by hand as exp(scores) / sum(exp(scores)) without subtracting each row's "
                   "max, so scores near 1000 overflow to inf and the loss becomes nan.",
           fix="subtract each row's max before exponentiating, or call your Day 3 softmax_loss(scores, y), which does.",
           patch=[("data_loss, dscores = softmax_loss(scores, y)",
                   "rows = np.arange(scores.shape[0])\n"
                   "        probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)\n"
                   "        data_loss = -np.mean(np.log(probs[rows, y]))\n"
                   "        dscores = probs.copy()\n"
                   "        dscores[rows, y] -= 1.0\n"
                   "        dscores /= scores.shape[0]")]),
    Mutant(exercise=_NET, id="returns_probabilities",
           mistake="with y None, loss returns the softmax probabilities instead of the raw class scores.",
           fix="return the scores of the last affine layer as they are when y is None.",
           patch=[("if y is None:\n            return scores",
                   "if y is None:\n"
                   "            shifted = scores - scores.max(axis=1, keepdims=True)\n"
                   "            return np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)")]),
    Mutant(exercise=_NET, id="weight_scale_ignored",
           mistake="the initial weights are drawn with standard deviation 1, ignoring weight_scale.",
           fix="multiply the draws: weight_scale * rng.standard_normal(shape).",
           patch=[('"W1": weight_scale * rng.standard_normal', '"W1": rng.standard_normal'),
                  ('"W2": weight_scale * rng.standard_normal', '"W2": rng.standard_normal')]),
]


# -- probes: the day's catalog probes (tests/probes/day04_gradcheck.py) tell the mistakes apart --
PROBES = {
    _NUM: probes.catalog_eval_numerical_gradient,
    _NUM_ARRAY: probes.catalog_eval_numerical_gradient_array,
    _REL: probes.catalog_rel_error,
    _SPARSE: probes.catalog_grad_check_sparse,
    _NET: probes.catalog_TwoLayerNet,
}
