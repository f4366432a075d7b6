"""Known-buggy versions of Day 4, planted as patches of solutions/day04_gradcheck.py."""
from grader.catalog import mutant
from tests.probes import day04_gradcheck as probes

_NUM, _NUM_ARRAY = "day04.eval_numerical_gradient", "day04.eval_numerical_gradient_array"
_SPARSE, _NET = "day04.grad_check_sparse", "day04.TwoLayerNet"

_ONE_SIDED = ("the difference is one-sided, (f(x + h) - f(x)) / h, whose error shrinks only like h.",
              "use the centred difference (f(x + h) - f(x - h)) / (2 * h), whose error shrinks like h**2.")
_NOT_RESTORED = ("x is not put back after probing: each entry is left at its value minus h.",
                 "save original = x[ix] before nudging and write x[ix] = original after the second evaluation.")

MUTANTS = [
    # -- eval_numerical_gradient ------------------------------------------------------------
    mutant(_NUM, "one_sided_difference", *_ONE_SIDED,
           ("x[ix] = original - h", "x[ix] = original"), ("/ (2 * h)", "/ h")),
    mutant(_NUM, "x_not_restored", *_NOT_RESTORED,
           ("        x[ix] = original  # the exact value back, not original - h + h\n", "")),
    mutant(_NUM, "restored_by_arithmetic",
           "x is nudged and restored by adding and subtracting h instead of writing the saved value back, so entries drift by rounding errors.",
           "save original = x[ix] first and write exactly that value back: x + h - 2h + h is not always x in floating point.",
           ("x[ix] = original + h", "x[ix] += h"), ("x[ix] = original - h", "x[ix] -= 2 * h"),
           ("x[ix] = original  # the exact value back", "x[ix] += h  # the exact value back")),
    mutant(_NUM, "probes_a_copy",
           "the nudges go to a copy of x, so a function that reads x itself (like model.loss reading model.params) never sees them.",
           "modify x in place (x[ix] = ...) and restore it afterwards; do not copy it.",
           ("    grad = np.zeros(x.shape)\n", "    grad = np.zeros(x.shape)\n    x = x.copy()\n")),
    mutant(_NUM, "divides_by_h",
           "the centred difference is divided by h instead of 2h, doubling every entry.",
           "the two evaluation points are 2h apart: divide by (2 * h).",
           ("/ (2 * h)", "/ h")),

    # -- eval_numerical_gradient_array -----------------------------------------------------
    mutant(_NUM_ARRAY, "one_sided_difference", *_ONE_SIDED,
           ("x[ix] = original - h", "x[ix] = original"), ("/ (2 * h)", "/ h")),
    mutant(_NUM_ARRAY, "x_not_restored", *_NOT_RESTORED, ("        x[ix] = original\n", "")),
    mutant(_NUM_ARRAY, "output_not_copied",
           "f's output is kept without copying, so when f returns x or a view of it, the '+h' output changes with x.",
           "copy each output before changing x again: np.array(f(x), dtype=float).",
           ("out_plus = np.array(f(x), dtype=float)", "out_plus = np.asarray(f(x))"),
           ("out_minus = np.array(f(x), dtype=float)", "out_minus = np.asarray(f(x))")),

    # -- rel_error ---------------------------------------------------------------------------
    mutant("day04.rel_error", "no_floor",
           "the denominator has no floor, so two entries that are both 0 give 0/0 = nan.",
           "divide by np.maximum(1e-8, np.abs(a) + np.abs(b)).",
           ("np.maximum(1e-8, np.abs(a) + np.abs(b))", "(np.abs(a) + np.abs(b))")),
    mutant("day04.rel_error", "mean_not_max",
           "the errors are averaged, so one wrong entry among many right ones looks fine.",
           "report the worst entry: np.max, not np.mean.",
           ("np.max(", "np.mean(")),
    mutant("day04.rel_error", "abs_of_sum",
           "the denominator is |a + b| instead of |a| + |b|, which is near 0 when a and b have opposite signs.",
           "divide by the combined sizes np.abs(a) + np.abs(b), so the error never exceeds 1.",
           ("np.abs(a) + np.abs(b)", "np.abs(a + b)")),

    # -- grad_check_sparse -------------------------------------------------------------------
    mutant(_SPARSE, "global_random",
           "the coordinates come from NumPy's global random state instead of the rng argument.",
           "draw them from rng: ix = tuple(int(rng.integers(n)) for n in x.shape).",
           ("ix = tuple(int(rng.integers(n))", "ix = tuple(int(np.random.randint(n))")),
    mutant(_SPARSE, "x_not_restored", *_NOT_RESTORED, ("        x[ix] = original\n", "")),
    mutant(_SPARSE, "one_sided_difference", *_ONE_SIDED,
           ("x[ix] = original - h", "x[ix] = original"), ("/ (2 * h)", "/ h")),
    mutant(_SPARSE, "same_coordinate_every_time",
           "one coordinate is drawn before the loop, so every check tests the same entry.",
           "draw a new ix inside the loop, once per check.",
           ("    for _ in range(num_checks):\n        ix = tuple(int(rng.integers(n)) for n in x.shape)\n",
            "    ix = tuple(int(rng.integers(n)) for n in x.shape)\n    for _ in range(num_checks):\n")),

    # -- TwoLayerNet -------------------------------------------------------------------------
    mutant(_NET, "reg_on_biases",
           "the L2 penalty also covers the biases b1 and b2.",
           "regularise the weight matrices only: 0.5 * reg * (sum(W1**2) + sum(W2**2)), and reg * W in dW1 and dW2.",
           ("np.sum(W1 * W1) + np.sum(W2 * W2)", "np.sum(W1 * W1) + np.sum(W2 * W2) + np.sum(b1 * b1) + np.sum(b2 * b2)"),
           ('"b1": db1,', '"b1": db1 + self.reg * b1,'), ('"b2": db2,', '"b2": db2 + self.reg * b2,')),
    mutant(_NET, "reg_loss_factor",
           "the L2 penalty lacks its 0.5: reg * sum(W**2) is twice the convention (and no longer matches the gradient reg * W).",
           "use 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2)).",
           ("0.5 * self.reg *", "self.reg *")),
    mutant(_NET, "reg_gradient_missing",
           "the L2 term is missing from dW1 and dW2.",
           "add self.reg * W1 to dW1 and self.reg * W2 to dW2 (and nothing to the biases).",
           ("dW1 + self.reg * W1", "dW1"), ("dW2 + self.reg * W2", "dW2")),
    mutant(_NET, "reg_gradient_factor",
           "the L2 gradient is 2 * reg * W, but the penalty 0.5 * reg * sum(W**2) has gradient reg * W.",
           "add self.reg * W1 to dW1 and self.reg * W2 to dW2.",
           ("dW1 + self.reg * W1", "dW1 + 2 * self.reg * W1"), ("dW2 + self.reg * W2", "dW2 + 2 * self.reg * W2")),
    mutant(_NET, "relu_on_scores",
           "a ReLU is applied to the output scores, so no score can be negative.",
           "the last layer is a plain affine_forward (and affine_backward); the ReLU belongs to the hidden layer only.",
           ("affine_forward(hidden, W2, b2)", "affine_relu_forward(hidden, W2, b2)"),
           ("affine_backward(dscores, scores_cache)", "affine_relu_backward(dscores, scores_cache)")),
    mutant(_NET, "no_hidden_relu",
           "the hidden layer has no ReLU, so the network is just one linear map.",
           "use affine_relu_forward for the first layer (and affine_relu_backward on the way back).",
           ("affine_relu_forward(X, W1, b1)", "affine_forward(X, W1, b1)"),
           ("affine_relu_backward(dhidden, hidden_cache)", "affine_backward(dhidden, hidden_cache)")),
    mutant(_NET, "weight_scale_ignored",
           "the initial weights are drawn with standard deviation 1, ignoring weight_scale.",
           "multiply the draws: weight_scale * rng.standard_normal(shape).",
           ('"W1": weight_scale * rng.standard_normal', '"W1": rng.standard_normal'),
           ('"W2": weight_scale * rng.standard_normal', '"W2": rng.standard_normal')),
]


# -- probes: the day's catalog probes (tests/probes/day04_gradcheck.py) tell the mistakes apart --
PROBES = {
    _NUM: probes.catalog_eval_numerical_gradient,
    _NUM_ARRAY: probes.catalog_eval_numerical_gradient_array,
    "day04.rel_error": probes.catalog_rel_error,
    _SPARSE: probes.catalog_grad_check_sparse,
    _NET: probes.catalog_TwoLayerNet,
}
