"""Known-buggy versions of Day 2, planted as patches of solutions/day02_perceptron_mlp.py."""
from grader.catalog import mutant
from tests.probes import day02_perceptron_mlp as probes

_PERCEPTRON, _MLP, _COLLAPSE = "day02.perceptron_train", "day02.mlp_forward", "day02.collapse_linear"
_INTERP = "day02.relu_interpolant"

MUTANTS = [
    # -- activations -----------------------------------------------------------------------
    mutant("day02.sigmoid", "naive_overflow",
           "sigmoid is computed as 1 / (1 + exp(-x)), and exp(-x) overflows to inf (with a warning) for x = -1000.",
           "exponentiate only -|x|: with z = exp(-|x|), use 1 / (1 + z) where x >= 0 and z / (1 + z) where x < 0.",
           ("return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))", "return 1.0 / (1.0 + np.exp(-x))")),
    mutant("day02.sigmoid", "exp_ratio_nan",
           "sigmoid is computed as exp(x) / (1 + exp(x)), which is inf / inf = nan for x = 1000.",
           "use that form only where x < 0, and 1 / (1 + exp(-x)) where x >= 0 (or z = exp(-|x|) for both).",
           ("return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))", "return np.exp(x) / (1.0 + np.exp(x))")),
    mutant("day02.tanh", "naive_overflow",
           "tanh is computed as (e^x - e^-x) / (e^x + e^-x), which overflows to inf / inf = nan for large |x|.",
           "exponentiate only -2|x|: t = exp(-2|x|) and tanh(x) = sign(x) * (1 - t) / (1 + t).",
           ("return np.sign(x) * (1.0 - t) / (1.0 + t)",
            "return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))")),
    mutant("day02.tanh", "sign_lost",
           "tanh is computed from |x| and never gets its sign back, so tanh(-x) comes out as +tanh(x).",
           "tanh is odd: multiply (1 - t) / (1 + t) by np.sign(x).",
           ("return np.sign(x) * (1.0 - t) / (1.0 + t)", "return (1.0 - t) / (1.0 + t)")),
    mutant("day02.relu", "in_place",
           "relu writes zeros into the caller's array instead of returning a new one.",
           "return np.maximum(x, 0.0), which builds a new array and leaves x alone.",
           ("return np.maximum(x, 0.0)", "x[x < 0] = 0.0\n    return x")),
    mutant("day02.relu", "step_not_relu",
           "relu returns the 0/1 step (x > 0), the perceptron's activation, instead of max(0, x).",
           "keep the positive values themselves: np.maximum(x, 0.0).",
           ("return np.maximum(x, 0.0)", "return (x > 0).astype(float)")),

    # -- perceptron ----------------------------------------------------------------------------
    mutant(_PERCEPTRON, "bias_updated_per_feature",
           "the bias is updated inside the loop over features, so each mistake moves it D times instead of once.",
           "update b once per mistake, outside any loop over the features: b = b + learning_rate * y[i].",
           ("                w = w + learning_rate * y[i] * X[i]\n                b = b + learning_rate * y[i]\n",
            "                w = w.copy()\n"
            "                for d in range(dim):\n"
            "                    w[d] += learning_rate * y[i] * X[i, d]\n"
            "                    b = b + learning_rate * y[i]\n")),
    mutant(_PERCEPTRON, "zero_one_labels_in_update",
           "the update uses 0/1 labels ((y + 1) / 2), so a misclassified negative example never moves w or b.",
           "the rule needs y in {-1, +1}: w = w + learning_rate * y[i] * X[i] pushes w away from negative examples.",
           ("w = w + learning_rate * y[i] * X[i]", "w = w + learning_rate * (y[i] + 1) / 2 * X[i]"),
           ("b = b + learning_rate * y[i]", "b = b + learning_rate * (y[i] + 1) / 2")),
    mutant(_PERCEPTRON, "zero_one_labels_in_test",
           "the mistake test compares the prediction (score > 0, a 0/1 value) with y as if labels were 0/1, "
           "so every example labelled -1 counts as a mistake, even when it is classified correctly.",
           "with labels in {-1, +1}, an example is a mistake exactly when y[i] * score <= 0.",
           ("if y[i] * score <= 0:", "if int(score > 0) != y[i]:")),
    mutant(_PERCEPTRON, "strict_mistake_test",
           "the mistake test is y * score < 0, so from w = 0 (every score 0) nothing is ever a mistake and w never moves.",
           "count a score of exactly 0 as a mistake: if y[i] * score <= 0.",
           ("if y[i] * score <= 0:", "if y[i] * score < 0:")),

    # -- MLP forward -----------------------------------------------------------------------------
    mutant(_MLP, "activation_on_output",
           "the activation is also applied after the last layer, so ReLU scores can never be negative.",
           "apply the activation between layers only; return the last layer's hidden @ W + b as it is.",
           ("return hidden @ W_out + b_out", "return activation(hidden @ W_out + b_out)")),
    mutant(_MLP, "no_activation_between_layers",
           "no activation is applied between the layers, so the network is one linear map in disguise.",
           "after every layer but the last, apply the activation: hidden = activation(hidden @ W + b).",
           ("hidden = activation(hidden @ W + b)", "hidden = hidden @ W + b")),
    mutant(_MLP, "activation_before_affine",
           "the activation is applied to each layer's input (X included) instead of its output.",
           "apply it after the affine map: hidden = activation(hidden @ W + b), starting from the raw X.",
           ("hidden = activation(hidden @ W + b)", "hidden = activation(hidden) @ W + b"),
           ("return hidden @ W_out + b_out", "return activation(hidden) @ W_out + b_out")),

    # -- collapse_linear ---------------------------------------------------------------------------
    mutant(_COLLAPSE, "biases_summed",
           "the biases are simply added up, but an earlier bias also passes through every later weight matrix.",
           "carry the bias through: b = b @ W_next + b_next.",
           ("b = b @ W_next + b_next", "b = b + b_next")),
    mutant(_COLLAPSE, "product_reversed",
           "the weight matrices are multiplied in the wrong order (W_next @ W).",
           "with x @ W as the convention, the input-side matrix comes first: W = W @ W_next.",
           ("W = W @ W_next", "W = W_next @ W")),

    # -- XOR ---------------------------------------------------------------------------------------
    mutant("day02.xor_network", "or_not_xor",
           "the output weight of relu(x1 + x2 - 1) is -1, so the (1, 1) corner scores 2 - 1 = 1: the network computes OR.",
           "that unit must cancel twice its value: an output weight of -2 gives 2 - 2 = 0 at (1, 1).",
           ("W2 = np.array([[1.0], [-2.0]])", "W2 = np.array([[1.0], [-1.0]])")),
    mutant("day02.xor_network", "hidden_bias_missing",
           "both hidden units have bias 0, so they compute the same relu(x1 + x2) "
           "and the network stays linear on the corners.",
           "give the second hidden unit the bias -1, so it only switches on at (1, 1).",
           ("b1 = np.array([0.0, -1.0])", "b1 = np.array([0.0, 0.0])")),

    # -- ReLU interpolation ---------------------------------------------------------------------------
    mutant(_INTERP, "slopes_not_differenced",
           "each hidden unit's output weight is the slope of its piece, but the ReLUs add up, "
           "so every later piece gets the sum of all earlier slopes.",
           "use the change of slope at each knot: s_0, s_1 - s_0, s_2 - s_1, ...",
           ("W2 = slope_changes.reshape(n_pieces, 1)", "W2 = slopes.reshape(n_pieces, 1)")),
    mutant(_INTERP, "output_bias_missing",
           "the output bias is 0 instead of f(a), so the whole curve is shifted by f(a).",
           "every ReLU is 0 at x = a, so the output bias must be f(a).",
           ("b2 = values[:1].copy()", "b2 = np.zeros(1)")),
    mutant(_INTERP, "knots_off_by_one",
           "the knots are np.linspace(a, b, n_pieces), which makes n_pieces - 1 pieces, not n_pieces.",
           "n pieces need n + 1 knots: np.linspace(a, b, n_pieces + 1).",
           ("knots = np.linspace(a, b, n_pieces + 1)", "knots = np.linspace(a, b, n_pieces)"),
           ("W1 = np.ones((1, n_pieces))", "W1 = np.ones((1, n_pieces - 1))"),
           ("W2 = slope_changes.reshape(n_pieces, 1)", "W2 = slope_changes.reshape(n_pieces - 1, 1)")),
]


# -- probes: the day's catalog probes (tests/probes/day02_perceptron_mlp.py) tell the mistakes apart --
PROBES = {
    "day02.sigmoid": probes.catalog_sigmoid,
    "day02.tanh": probes.catalog_tanh,
    "day02.relu": probes.catalog_relu,
    _PERCEPTRON: probes.catalog_perceptron_train,
    _MLP: probes.catalog_mlp_forward,
    _COLLAPSE: probes.catalog_collapse_linear,
    "day02.xor_network": probes.catalog_xor_network,
    _INTERP: probes.catalog_relu_interpolant,
}
