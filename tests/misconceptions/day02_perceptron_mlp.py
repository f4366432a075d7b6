"""Known-buggy versions of Day 2, planted as patches of solutions/day02_perceptron_mlp.py."""
from grader.catalog import Mutant
from tests.probes import day02_perceptron_mlp as probes

_SIGMOID, _TANH, _RELU = "day02.sigmoid", "day02.tanh", "day02.relu"
_PERCEPTRON, _MLP, _COLLAPSE = "day02.perceptron_train", "day02.mlp_forward", "day02.collapse_linear"
_XOR, _INTERP = "day02.xor_network", "day02.relu_interpolant"

#: The reference sigmoid's and tanh's return lines, which most activation mutants replace.
_SIGMOID_RETURN = "return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))"
_TANH_RETURN = "return np.sign(x) * (1.0 - t) / (1.0 + t)"

MUTANTS = [
    # -- sigmoid ---------------------------------------------------------------------------------
    Mutant(exercise=_SIGMOID, id="naive_overflow",
           mistake="sigmoid is computed as 1 / (1 + exp(-x)) for every x: at x = -1000, exp(-x) = exp(1000) "
                   "overflows to inf with a RuntimeWarning (the result 1 / (1 + inf) = 0 only looks right).",
           fix="exponentiate only -|x|: with z = np.exp(-np.abs(x)), use 1 / (1 + z) where x >= 0 and "
               "z / (1 + z) where x < 0.",
           patch=[(_SIGMOID_RETURN, "return 1.0 / (1.0 + np.exp(-x))")]),
    Mutant(exercise=_SIGMOID, id="exp_ratio_nan",
           mistake="sigmoid is computed as exp(x) / (1 + exp(x)) for every x: at x = 1000 that is inf / inf = nan.",
           fix="use that form only where x < 0, and 1 / (1 + exp(-x)) where x >= 0; simplest, with "
               "z = np.exp(-np.abs(x)), np.where(x >= 0, 1 / (1 + z), z / (1 + z)).",
           patch=[(_SIGMOID_RETURN, "return np.exp(x) / (1.0 + np.exp(x))")]),
    Mutant(exercise=_SIGMOID, id="where_evaluates_both",
           mistake="sigmoid chooses with np.where between a form for x >= 0 (such as 1 / (1 + exp(-x))) and one for "
                   "x < 0 (such as exp(x) / (1 + exp(x))), but np.where evaluates both branches on every x before it "
                   "picks, so one form still overflows at x = -1000 and the other at x = 1000 (the picked values are "
                   "right; the warnings are not).",
           fix="exponentiate only -|x|, whose exponential never exceeds 1: z = np.exp(-np.abs(x)), then "
               "np.where(x >= 0, 1 / (1 + z), z / (1 + z)); or compute each form on its own masked part of x "
               "(out[pos] = 1 / (1 + np.exp(-x[pos])), ...).",
           patch=[(_SIGMOID_RETURN,
                   "return np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))")]),
    Mutant(exercise=_SIGMOID, id="abs_forgotten",
           mistake="z is exp(-x) instead of exp(-|x|), so for x < 0 z / (1 + z) is 1 - sigmoid(x) "
                   "(sigmoid(-2) comes out 0.88 instead of 0.12), and at x = -1000 z = exp(1000) overflows "
                   "to inf / inf = nan.",
           fix="take the absolute value first: z = np.exp(-np.abs(x)) lies in (0, 1] for every x.",
           patch=[("z = np.exp(-np.abs(x))", "z = np.exp(-x)")]),
    Mutant(exercise=_SIGMOID, id="sign_flipped",
           mistake="the sign of x is flipped: 1 / (1 + exp(x)) is sigmoid(-x) = 1 - sigmoid(x), which falls as x "
                   "grows (and exp(x) overflows at x = 1000).",
           fix="sigmoid(x) = 1 / (1 + exp(-x)) is above 1/2 for x > 0; compute it stably with "
               "z = np.exp(-np.abs(x)) and np.where(x >= 0, 1 / (1 + z), z / (1 + z)).",
           patch=[(_SIGMOID_RETURN, "return 1.0 / (1.0 + np.exp(x))")]),

    # -- tanh --------------------------------------------------------------------------------------
    Mutant(exercise=_TANH, id="naive_overflow",
           mistake="tanh is computed as (e^x - e^-x) / (e^x + e^-x), which overflows to inf / inf = nan "
                   "at x = 1000 and at x = -1000.",
           fix="exponentiate only -2|x|: t = np.exp(-2 * np.abs(x)) and tanh(x) = np.sign(x) * (1 - t) / (1 + t).",
           patch=[(_TANH_RETURN, "return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))")]),
    Mutant(exercise=_TANH, id="one_sided_form",
           mistake="tanh is computed as (1 - e^(-2x)) / (1 + e^(-2x)) for every x; that form is safe only for "
                   "x >= 0: at x = -1000, e^2000 overflows and -inf / inf is nan.",
           fix="tanh is odd: apply the form to |x| and put the sign back, "
               "t = np.exp(-2 * np.abs(x)); np.sign(x) * (1 - t) / (1 + t).",
           patch=[(_TANH_RETURN, "return (1.0 - np.exp(-2.0 * x)) / (1.0 + np.exp(-2.0 * x))")]),
    Mutant(exercise=_TANH, id="where_evaluates_both",
           mistake="tanh chooses with np.where between a form for x >= 0 (such as (1 - e^(-2x)) / (1 + e^(-2x))) "
                   "and one for x < 0 (such as (e^(2x) - 1) / (e^(2x) + 1)), but np.where evaluates both branches on "
                   "every x before it picks, so one form still overflows at x = -1000 and the other at x = 1000 (the "
                   "picked values are right; the warnings are not).",
           fix="exponentiate only -2|x|, which never exceeds 0: t = np.exp(-2 * np.abs(x)), then "
               "np.sign(x) * (1 - t) / (1 + t); no np.where is needed.",
           patch=[(_TANH_RETURN,
                   "return np.where(x >= 0, (1.0 - np.exp(-2.0 * x)) / (1.0 + np.exp(-2.0 * x)),\n"
                   "                    (np.exp(2.0 * x) - 1.0) / (np.exp(2.0 * x) + 1.0))")]),
    Mutant(exercise=_TANH, id="naive_sigmoid_form",
           mistake="tanh is computed as 2 / (1 + e^(-2x)) - 1 (2 sigmoid(2x) - 1 with the textbook sigmoid): "
                   "at x = -1000, e^(-2x) = e^2000 overflows with a RuntimeWarning (the result -1 only looks right).",
           fix="exponentiate only -2|x|: t = np.exp(-2 * np.abs(x)) and np.sign(x) * (1 - t) / (1 + t) "
               "(or 2 * sigmoid(2 * x) - 1 with your stable sigmoid).",
           patch=[(_TANH_RETURN, "return 2.0 / (1.0 + np.exp(-2.0 * x)) - 1.0")]),
    Mutant(exercise=_TANH, id="abs_forgotten",
           mistake="t is exp(-2x) instead of exp(-2|x|), so for x < 0 np.sign(x) * (1 - t) / (1 + t) comes out as "
                   "+tanh(|x|) (tanh(-0.5) is +0.46), and at x = -1000 t = e^2000 overflows to -inf / inf = nan.",
           fix="take the absolute value first: t = np.exp(-2 * np.abs(x)) lies in (0, 1] for every x.",
           patch=[("t = np.exp(-2.0 * np.abs(x))", "t = np.exp(-2.0 * x)")]),
    Mutant(exercise=_TANH, id="sign_lost",
           mistake="tanh is computed from |x| and never gets its sign back, so tanh(-x) comes out as +tanh(x).",
           fix="tanh is odd: multiply (1 - t) / (1 + t) by np.sign(x).",
           patch=[(_TANH_RETURN, "return (1.0 - t) / (1.0 + t)")]),

    # -- relu --------------------------------------------------------------------------------------
    Mutant(exercise=_RELU, id="in_place",
           mistake="relu writes zeros into the caller's array instead of returning a new one.",
           fix="return np.maximum(x, 0.0), which builds a new array and leaves x alone.",
           patch=[("return np.maximum(x, 0.0)", "x[x < 0] = 0.0\n    return x")]),
    Mutant(exercise=_RELU, id="step_not_relu",
           mistake="relu returns the 0/1 step (x > 0), the perceptron's activation, instead of max(0, x).",
           fix="keep the positive values themselves: np.maximum(x, 0.0).",
           patch=[("return np.maximum(x, 0.0)", "return (x > 0).astype(float)")]),
    Mutant(exercise=_RELU, id="max_not_maximum",
           mistake="relu calls np.max(x, 0), which is a reduction: the largest entry along axis 0, "
                   "not the elementwise max(0, x).",
           fix="np.maximum(x, 0.0) compares every entry with 0 and keeps x's shape.",
           patch=[("return np.maximum(x, 0.0)", "return np.max(x, 0)")]),

    # -- perceptron ----------------------------------------------------------------------------
    Mutant(exercise=_PERCEPTRON, id="bias_updated_per_feature",
           mistake="the bias is updated inside the loop over features, so each mistake moves it D times "
                   "instead of once.",
           fix="update b once per mistake, outside any loop over the features: b = b + learning_rate * y[i].",
           patch=[("                w = w + learning_rate * y[i] * X[i]\n"
                   "                b = b + learning_rate * y[i]\n",
                   "                w = w.copy()\n"
                   "                for d in range(dim):\n"
                   "                    w[d] += learning_rate * y[i] * X[i, d]\n"
                   "                    b = b + learning_rate * y[i]\n")]),
    Mutant(exercise=_PERCEPTRON, id="zero_one_labels_in_update",
           mistake="the update uses 0/1 labels ((y + 1) / 2), so a misclassified negative example never moves w or b.",
           fix="the rule needs y in {-1, +1}: w = w + learning_rate * y[i] * X[i] pushes w away from negative "
               "examples.",
           patch=[("w = w + learning_rate * y[i] * X[i]", "w = w + learning_rate * (y[i] + 1) / 2 * X[i]"),
                  ("b = b + learning_rate * y[i]", "b = b + learning_rate * (y[i] + 1) / 2")]),
    Mutant(exercise=_PERCEPTRON, id="zero_one_labels_in_test",
           mistake="the mistake test compares the prediction (score > 0, a 0/1 value) with y as if labels were 0/1, "
                   "so every example labelled -1 counts as a mistake, even when it is classified correctly.",
           fix="with labels in {-1, +1}, an example is a mistake exactly when y[i] * score <= 0.",
           patch=[("if y[i] * score <= 0:", "if int(score > 0) != y[i]:")]),
    Mutant(exercise=_PERCEPTRON, id="strict_mistake_test",
           mistake="the mistake test is y * score < 0, so from w = 0 (every score 0) nothing is ever a mistake "
                   "and w never moves.",
           fix="count a score of exactly 0 as a mistake: if y[i] * score <= 0.",
           patch=[("if y[i] * score <= 0:", "if y[i] * score < 0:")]),
    Mutant(exercise=_PERCEPTRON, id="zero_score_predicts_negative",
           mistake="the prediction is +1 if score > 0 else -1, so a score of exactly 0 counts as a correct -1: "
                   "from w = 0 an example labelled -1 is never a mistake and never moves w.",
           fix="a score of 0 is on the boundary and must count as a mistake for either label: "
               "if y[i] * score <= 0.",
           patch=[("if y[i] * score <= 0:", "if (1 if score > 0 else -1) != y[i]:")]),
    Mutant(exercise=_PERCEPTRON, id="bias_ignores_learning_rate",
           mistake="the bias moves by y[i] on every mistake, without the learning rate, while w moves by "
                   "learning_rate * y[i] * x[i].",
           fix="scale both by the learning rate: b = b + learning_rate * y[i].",
           patch=[("b = b + learning_rate * y[i]", "b = b + y[i]")]),
    Mutant(exercise=_PERCEPTRON, id="bias_never_updated",
           mistake="only w is updated on a mistake; the bias stays 0, so the boundary must pass through the origin.",
           fix="update the bias too, once per mistake: b = b + learning_rate * y[i].",
           patch=[("                b = b + learning_rate * y[i]\n", "")]),
    Mutant(exercise=_PERCEPTRON, id="mistakes_cumulative",
           mistake="the mistake counter is not reset at the start of each epoch, so mistakes_per_epoch holds "
                   "running totals.",
           fix="set mistakes = 0 at the start of every epoch and append that epoch's count.",
           patch=[("    for _ in range(epochs):\n        mistakes = 0\n",
                   "    mistakes = 0\n    for _ in range(epochs):\n")]),
    Mutant(exercise=_PERCEPTRON, id="stops_when_converged",
           mistake="training stops at the first epoch without a mistake, so mistakes_per_epoch is shorter "
                   "than epochs.",
           fix="keep going for every epoch (nothing changes any more) and record 0 for each: "
               "len(mistakes_per_epoch) == epochs.",
           patch=[("        mistakes_per_epoch.append(mistakes)\n",
                   "        mistakes_per_epoch.append(mistakes)\n        if mistakes == 0:\n            break\n")]),

    Mutant(exercise=_PERCEPTRON, id="batch_update",
           mistake="every example of an epoch is scored with the weights of the start of the epoch, and their "
                   "updates are added up: one batch update per epoch instead of the perceptron's update after "
                   "each example.",
           fix="score each example with the current w and b, and update them right away on a mistake, so the "
               "next example already sees the change.",
           patch=[("        mistakes = 0\n", "        mistakes = 0\n        w_start, b_start = w, b\n"),
                  ("score = X[i] @ w + b", "score = X[i] @ w_start + b_start")]),

    # -- MLP forward -----------------------------------------------------------------------------
    Mutant(exercise=_MLP, id="activation_on_output",
           mistake="the activation is also applied after the last layer, so ReLU scores can never be negative.",
           fix="apply the activation between layers only; return the last layer's hidden @ W + b as it is.",
           patch=[("return hidden @ W_out + b_out", "return activation(hidden @ W_out + b_out)")]),
    Mutant(exercise=_MLP, id="no_activation_between_layers",
           mistake="no activation is applied between the layers, so the network is one linear map in disguise.",
           fix="after every layer but the last, apply the activation: hidden = activation(hidden @ W + b).",
           patch=[("hidden = activation(hidden @ W + b)", "hidden = hidden @ W + b")]),
    Mutant(exercise=_MLP, id="activation_before_affine",
           mistake="the activation is applied to each layer's input (X included) instead of its output.",
           fix="apply it after the affine map: hidden = activation(hidden @ W + b), starting from the raw X.",
           patch=[("hidden = activation(hidden @ W + b)", "hidden = activation(hidden) @ W + b"),
                  ("return hidden @ W_out + b_out", "return activation(hidden) @ W_out + b_out")]),
    Mutant(exercise=_MLP, id="activation_argument_ignored",
           mistake="the hidden layers always use a ReLU, whatever function is passed as "
                   "`activation`.",
           fix="call the function you were given: hidden = activation(hidden @ W + b).",
           patch=[("hidden = activation(hidden @ W + b)", "hidden = np.maximum(0.0, hidden @ W + b)")]),

    # -- collapse_linear ---------------------------------------------------------------------------
    Mutant(exercise=_COLLAPSE, id="biases_summed",
           mistake="the biases are simply added up, but an earlier bias also passes through every later weight matrix.",
           fix="carry the bias through: b = b @ W_next + b_next.",
           patch=[("b = b @ W_next + b_next", "b = b + b_next")]),
    Mutant(exercise=_COLLAPSE, id="product_reversed",
           mistake="the weight matrices are multiplied in the wrong order (W_next @ W).",
           fix="with x @ W as the convention, the input-side matrix comes first: W = W @ W_next.",
           patch=[("W = W @ W_next", "W = W_next @ W")]),
    Mutant(exercise=_COLLAPSE, id="last_bias_only",
           mistake="the collapsed bias is the last layer's bias alone; the earlier biases, carried through the "
                   "later weight matrices, are dropped.",
           fix="carry every bias through the matrices after it: b = b @ W_next + b_next at each step.",
           patch=[("b = b @ W_next + b_next", "b = b_next")]),

    # -- XOR ---------------------------------------------------------------------------------------
    Mutant(exercise=_XOR, id="or_not_xor",
           mistake="the output weight of relu(x1 + x2 - 1) is -1, so the (1, 1) corner scores 2 - 1 = 1: "
                   "the network computes OR.",
           fix="that unit must cancel twice its value: an output weight of -2 gives 2 - 2 = 0 at (1, 1).",
           patch=[("W2 = np.array([[1.0], [-2.0]])", "W2 = np.array([[1.0], [-1.0]])")]),
    Mutant(exercise=_XOR, id="hidden_bias_missing",
           mistake="both hidden units have bias 0, so they compute the same relu(x1 + x2) "
                   "and the network stays linear on the corners.",
           fix="give the second hidden unit the bias -1, so it only switches on at (1, 1).",
           patch=[("b1 = np.array([0.0, -1.0])", "b1 = np.array([0.0, 0.0])")]),

    # -- ReLU interpolation ---------------------------------------------------------------------------
    Mutant(exercise=_INTERP, id="slopes_not_differenced",
           mistake="each hidden unit's output weight is the slope of its piece, but the ReLUs add up, "
                   "so every later piece gets the sum of all earlier slopes.",
           fix="use the change of slope at each knot: s_0, s_1 - s_0, s_2 - s_1, ...",
           patch=[("W2 = slope_changes.reshape(n_pieces, 1)", "W2 = slopes.reshape(n_pieces, 1)")]),
    Mutant(exercise=_INTERP, id="output_bias_missing",
           mistake="the output bias is 0 instead of f(a), so the whole curve is shifted by f(a).",
           fix="every ReLU is 0 at x = a, so the output bias must be f(a).",
           patch=[("b2 = values[:1].copy()", "b2 = np.zeros(1)")]),
    Mutant(exercise=_INTERP, id="knots_off_by_one",
           mistake="the knots are np.linspace(a, b, n_pieces), which makes n_pieces - 1 pieces, not n_pieces.",
           fix="n pieces need n + 1 knots: np.linspace(a, b, n_pieces + 1).",
           patch=[("knots = np.linspace(a, b, n_pieces + 1)", "knots = np.linspace(a, b, n_pieces)"),
                  ("W1 = np.ones((1, n_pieces))", "W1 = np.ones((1, n_pieces - 1))"),
                  ("W2 = slope_changes.reshape(n_pieces, 1)", "W2 = slope_changes.reshape(n_pieces - 1, 1)")]),
    Mutant(exercise=_INTERP, id="slopes_not_divided_by_h",
           mistake="the slopes are the rises np.diff(f(knots)) without dividing by the knot spacing h, so every "
                   "piece climbs h times its rise (the net is right only where h = 1).",
           fix="a slope is rise over run: slopes = np.diff(values) / h with h = (b - a) / n_pieces.",
           patch=[("slopes = np.diff(values) / np.diff(knots)", "slopes = np.diff(values)")]),
    Mutant(exercise=_INTERP, id="hidden_bias_sign",
           mistake="the hidden biases are +t_k instead of -t_k, so unit k bends at x = -t_k, not at the knot t_k.",
           fix="relu(x - t_k) switches on at t_k: b1 = -knots[:-1].",
           patch=[("b1 = -knots[:-1]", "b1 = knots[:-1].copy()")]),
    Mutant(exercise=_INTERP, id="first_slope_missing",
           mistake="the first output weight is 0 instead of the first slope s_0 (the changes of slope start at "
                   "the second knot), so the net stays flat at f(a) up to the second knot and is off by a line "
                   "after it.",
           fix="the first hidden unit carries the whole first slope: W2 = [s_0, s_1 - s_0, s_2 - s_1, ...], "
               "np.diff(slopes, prepend=0).",
           patch=[("slope_changes = np.diff(slopes, prepend=0.0)",
                   "slope_changes = np.concatenate([[0.0], np.diff(slopes)])")]),
]


# -- probes: the day's catalog probes (tests/probes/day02_perceptron_mlp.py) tell the mistakes apart --
PROBES = {
    _SIGMOID: probes.catalog_sigmoid,
    _TANH: probes.catalog_tanh,
    _RELU: probes.catalog_relu,
    _PERCEPTRON: probes.catalog_perceptron_train,
    _MLP: probes.catalog_mlp_forward,
    _COLLAPSE: probes.catalog_collapse_linear,
    _XOR: probes.catalog_xor_network,
    _INTERP: probes.catalog_relu_interpolant,
}
