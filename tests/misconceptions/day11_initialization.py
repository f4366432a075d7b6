"""Known-buggy versions of Day 11, planted as patches of solutions/day11_initialization.py."""
from grader.catalog import Mutant
from tests.probes import day11_initialization as probes

_XAVIER, _HE = "day11.xavier_init", "day11.he_init"
_STATS, _NORMS, _FLOW = "day11.activation_stats", "day11.gradient_norms", "day11.diagnose_gradient_flow"

_NORMAL_DRAW = "return rng.standard_normal((fan_in, fan_out)) * std"
_UNIFORM_DRAW = "return rng.uniform(-limit, limit, (fan_in, fan_out))"


def _init_mutants(exercise, std, limit):
    """The mistakes both initialisations can make; ``std`` and ``limit`` are the reference's lines."""
    return [
        Mutant(exercise=exercise, id="variance_not_std",
               mistake="the weights are scaled by the variance instead of the standard deviation (the square root "
                       "is missing), so they are far too small.",
               fix="std is the square root of the variance: multiply the standard normal draws by math.sqrt(...).",
               patch=[(std, std.replace("math.sqrt(", "(", 1))]),
        Mutant(exercise=exercise, id="uniform_limit_is_std",
               mistake="the uniform limit is the normal std, but a uniform on [-a, a] has std a / sqrt(3), so the "
                       "weights are sqrt(3) times too small.",
               fix="use limit = sqrt(3) * std, that is sqrt(6 / ...) instead of sqrt(2 / ...).",
               patch=[(limit, limit.replace("6.0", "2.0"))]),
        Mutant(exercise=exercise, id="zero_init",
               mistake="every weight starts at 0, so all units of a layer compute the same thing and get the same "
                       "gradient (and a zero matrix passes no gradient back at all).",
               fix="draw random weights: rng.standard_normal((fan_in, fan_out)) * std.",
               patch=[(_NORMAL_DRAW, "return np.zeros((fan_in, fan_out))")]),
        Mutant(exercise=exercise, id="constant_init",
               mistake="every weight starts at the same value (std), so all units of a layer stay identical: the "
                       "symmetry between them is never broken.",
               fix="draw random weights: rng.standard_normal((fan_in, fan_out)) * std.",
               patch=[(_NORMAL_DRAW, "return np.full((fan_in, fan_out), std)")]),
        Mutant(exercise=exercise, id="distribution_ignored",
               mistake="the distribution argument is ignored: 'uniform' also returns normal draws.",
               fix="for distribution='uniform', draw rng.uniform(-limit, limit, (fan_in, fan_out)).",
               patch=[('if distribution == "normal":', "if distribution:")]),
        Mutant(exercise=exercise, id="unknown_distribution_accepted",
               mistake="an unknown distribution (a typo such as 'gaussian') silently gives uniform draws instead of "
                       "an error.",
               fix="test for 'uniform' explicitly and raise ValueError for anything else.",
               patch=[('if distribution == "uniform":', 'if distribution != "normal":')]),
        Mutant(exercise=exercise, id="transposed",
               mistake="W has shape (fan_out, fan_in), but it is used as x @ W with x of shape (N, fan_in).",
               fix="draw shape (fan_in, fan_out).",
               patch=[(_NORMAL_DRAW, "return rng.standard_normal((fan_out, fan_in)) * std"),
                      (_UNIFORM_DRAW, "return rng.uniform(-limit, limit, (fan_out, fan_in))")]),
        Mutant(exercise=exercise, id="rng_ignored",
               mistake="the draws come from a generator created inside the function with a fixed seed, so the rng "
                       "argument is ignored and every call returns the same matrix.",
               fix="draw from the rng argument.",
               patch=[('    if distribution == "normal":\n',
                       '    rng = np.random.default_rng(0)\n    if distribution == "normal":\n')]),
        Mutant(exercise=exercise, id="global_random",
               mistake="the draws come from NumPy's global random state (np.random.randn) instead of the rng argument.",
               fix="draw from rng: rng.standard_normal((fan_in, fan_out)) * std.",
               patch=[(_NORMAL_DRAW, "return np.random.randn(fan_in, fan_out) * std")]),
    ]


_XAVIER_STD = "std = math.sqrt(2.0 / (fan_in + fan_out))"
_XAVIER_LIMIT = "limit = math.sqrt(6.0 / (fan_in + fan_out))"
_HE_STD = "std = math.sqrt(2.0 / fan_in)"
_HE_LIMIT = "limit = math.sqrt(6.0 / fan_in)"

_STATS_LINES = ("        hidden = activation(hidden @ W + b)\n"
                "        stats.append((float(np.mean(hidden)), float(np.std(hidden))))\n")

_ABSOLUTE_RULES = ('    largest = np.max(norms)\n'
                   '    if largest > EXPLODING_NORM:\n        return "exploding"\n'
                   '    if largest < VANISHING_NORM:\n        return "vanishing"\n')
_RATIO_RULES = ('    first, last = norms[0], norms[-1]\n'
                '    if first > FLOW_RATIO * last:\n        return "exploding"\n'
                '    if first < last / FLOW_RATIO:\n        return "vanishing"\n')

MUTANTS = [
    # -- xavier_init ------------------------------------------------------------------------------
    Mutant(exercise=_XAVIER, id="fan_in_only",
           mistake="the scale uses fan_in only, std = sqrt(1 / fan_in) (LeCun's), instead of Xavier's "
                   "sqrt(2 / (fan_in + fan_out)).",
           fix="average the forward and backward needs: std = sqrt(2 / (fan_in + fan_out)), "
               "limit = sqrt(6 / (fan_in + fan_out)).",
           patch=[(_XAVIER_STD, "std = math.sqrt(1.0 / fan_in)"), (_XAVIER_LIMIT, "limit = math.sqrt(3.0 / fan_in)")]),
    Mutant(exercise=_XAVIER, id="he_scale",
           mistake="Xavier is scaled like He, std = sqrt(2 / fan_in), ignoring fan_out.",
           fix="Xavier uses both fans: std = sqrt(2 / (fan_in + fan_out)), limit = sqrt(6 / (fan_in + fan_out)).",
           patch=[(_XAVIER_STD, "std = math.sqrt(2.0 / fan_in)"), (_XAVIER_LIMIT, "limit = math.sqrt(6.0 / fan_in)")]),
    *_init_mutants(_XAVIER, _XAVIER_STD, _XAVIER_LIMIT),

    # -- he_init ------------------------------------------------------------------------------------
    Mutant(exercise=_HE, id="fan_out",
           mistake="the scale uses fan_out instead of fan_in: std = sqrt(2 / fan_out).",
           fix="each output adds up fan_in products, so use std = sqrt(2 / fan_in) and limit = sqrt(6 / fan_in).",
           patch=[(_HE_STD, "std = math.sqrt(2.0 / fan_out)"), (_HE_LIMIT, "limit = math.sqrt(6.0 / fan_out)")]),
    Mutant(exercise=_HE, id="missing_factor_two",
           mistake="the scale lacks He's factor 2, std = sqrt(1 / fan_in), so a ReLU network's activations halve "
                   "their second moment at every layer.",
           fix="double the variance to make up for the half a ReLU zeroes: std = sqrt(2 / fan_in), "
               "limit = sqrt(6 / fan_in).",
           patch=[(_HE_STD, "std = math.sqrt(1.0 / fan_in)"), (_HE_LIMIT, "limit = math.sqrt(3.0 / fan_in)")]),
    Mutant(exercise=_HE, id="xavier_scale",
           mistake="He is scaled like Xavier, std = sqrt(2 / (fan_in + fan_out)).",
           fix="He uses fan_in only: std = sqrt(2 / fan_in), limit = sqrt(6 / fan_in).",
           patch=[(_HE_STD, "std = math.sqrt(2.0 / (fan_in + fan_out))"),
                  (_HE_LIMIT, "limit = math.sqrt(6.0 / (fan_in + fan_out))")]),
    *_init_mutants(_HE, _HE_STD, _HE_LIMIT),

    # -- activation_stats -------------------------------------------------------------------------------
    Mutant(exercise=_STATS, id="before_activation",
           mistake="the statistics are those of the pre-activations h @ W + b, taken before the activation.",
           fix="apply the activation first, then take np.mean and np.std of its output.",
           patch=[(_STATS_LINES, "        pre = hidden @ W + b\n        hidden = activation(pre)\n"
                                 "        stats.append((float(np.mean(pre)), float(np.std(pre))))\n")]),
    Mutant(exercise=_STATS, id="no_activation_on_last",
           mistake="the last layer gets no activation, as in mlp_forward, but this stack is all hidden layers.",
           fix="apply the activation after every layer, the last one included.",
           patch=[("    for W, b in layers:\n        hidden = activation(hidden @ W + b)\n",
                   "    for k, (W, b) in enumerate(layers):\n        hidden = hidden @ W + b\n"
                   "        if k < len(layers) - 1:\n            hidden = activation(hidden)\n")]),
    Mutant(exercise=_STATS, id="variance_not_std",
           mistake="the second number is the variance of the activations, not their standard deviation.",
           fix="use np.std (the square root of np.var).",
           patch=[("float(np.std(hidden))", "float(np.var(hidden))")]),
    Mutant(exercise=_STATS, id="std_per_unit",
           mistake="the std is taken per unit (over the batch, axis=0) and then averaged, instead of over all the "
                   "layer's activations.",
           fix="take np.std(h) over every entry of the (N, D_k) array, with no axis.",
           patch=[("float(np.std(hidden))", "float(np.mean(np.std(hidden, axis=0)))")]),
    Mutant(exercise=_STATS, id="sample_std",
           mistake="the std is the sample std (ddof=1) instead of the population std np.std(h) (ddof=0).",
           fix="use np.std(h) with the default ddof=0.",
           patch=[("float(np.std(hidden))", "float(np.std(hidden, ddof=1))")]),
    Mutant(exercise=_STATS, id="naive_std",
           mistake="the std is computed as sqrt(mean(h**2) - mean(h)**2), which goes slightly negative, hence NaN, "
                   "for a layer whose units all have the same value.",
           fix="use np.std(h), which works from the deviations h - mean(h).",
           patch=[("float(np.std(hidden))", "float(np.sqrt(np.mean(hidden ** 2) - np.mean(hidden) ** 2))")]),
    Mutant(exercise=_STATS, id="input_included",
           mistake="the statistics of the input X come first, so there is one (mean, std) more than layers.",
           fix="start with an empty list: stats[k] describes the output of layer k + 1.",
           patch=[("    stats = []\n", "    stats = [(float(np.mean(X)), float(np.std(X)))]\n")]),
    Mutant(exercise=_STATS, id="not_chained",
           mistake="every layer is applied to the input X instead of to the previous layer's activations.",
           fix="feed each layer the previous one's output: h = activation(h @ W + b), starting from h = X.",
           patch=[("hidden = activation(hidden @ W + b)", "hidden = activation(X @ W + b)")]),

    # -- gradient_norms ----------------------------------------------------------------------------------
    Mutant(exercise=_NORMS, id="bias_norms",
           mistake="the norms are those of the bias gradients b1, b2, ... instead of the weight gradients.",
           fix="measure grads['W1'], grads['W2'], ...: the keys of the weights.",
           patch=[('name[:1] == "W"', 'name[:1] == "b"')]),
    Mutant(exercise=_NORMS, id="weight_norms",
           mistake="the norms are those of the weights themselves (model.params), not of their gradients.",
           fix="read the gradients returned by model.loss(X, y): np.linalg.norm(grads[name]).",
           patch=[("np.linalg.norm(grads[name])", "np.linalg.norm(model.params[name])")]),
    Mutant(exercise=_NORMS, id="squared_norm",
           mistake="each norm is the sum of squares, without the square root.",
           fix="take the square root: np.linalg.norm(grads[name]), or np.sqrt(np.sum(g ** 2)).",
           patch=[("np.linalg.norm(grads[name])", "np.sum(grads[name] ** 2)")]),
    Mutant(exercise=_NORMS, id="l1_norm",
           mistake="each norm is the sum of absolute values (an L1 norm) instead of the Frobenius norm.",
           fix="use the square root of the sum of squares: np.linalg.norm(grads[name]).",
           patch=[("np.linalg.norm(grads[name])", "np.sum(np.abs(grads[name]))")]),
    Mutant(exercise=_NORMS, id="biases_included",
           mistake="each layer's norm also counts its bias gradient, sqrt(|dW|^2 + |db|^2).",
           fix="measure the weight gradient alone: np.linalg.norm(grads['Wk']).",
           patch=[("np.linalg.norm(grads[name])",
                   "np.sqrt(np.sum(grads[name] ** 2) + np.sum(grads['b' + name[1:]] ** 2))")]),
    Mutant(exercise=_NORMS, id="text_order",
           mistake="the layers are sorted as text, so W10, W11, W12 come between W1 and W2.",
           fix="sort by the layer number: int(name[1:]).",
           patch=[("sorted((int(name[1:]), name)", "sorted((name, name)")]),
    Mutant(exercise=_NORMS, id="dict_order",
           mistake="the norms follow the order of the keys in model.params instead of the layer numbers.",
           fix="sort the weight names by their number, int(name[1:]), whatever the dict's order.",
           patch=[("sorted((int(name[1:]), name)", "list((int(name[1:]), name)")]),
    Mutant(exercise=_NORMS, id="output_first",
           mistake="the norms are listed from the last layer to the first (the order backpropagation visits them).",
           fix="list them input side first: W1, W2, ..., WL.",
           patch=[("for _, name in layers]", "for _, name in layers][::-1]")]),

    # -- diagnose_gradient_flow ----------------------------------------------------------------------
    Mutant(exercise=_FLOW, id="ratio_inverted",
           mistake="the first and last layers are swapped, so a gradient that shrinks towards the input is called "
                   "exploding and one that grows is called vanishing.",
           fix="norms[0] is the first layer (input side): first < 1e-2 * last is vanishing, first > 1e2 * last "
               "exploding.",
           patch=[("first, last = norms[0], norms[-1]", "first, last = norms[-1], norms[0]")]),
    Mutant(exercise=_FLOW, id="bounds_inclusive",
           mistake="the comparisons are not strict, so norms exactly at a bound (1e3, 1e-6, a factor of exactly "
                   "100) are flagged.",
           fix="use strict comparisons: a norm exactly at a bound is healthy.",
           patch=[("largest > EXPLODING_NORM", "largest >= EXPLODING_NORM"),
                  ("largest < VANISHING_NORM", "largest <= VANISHING_NORM"),
                  ("if first > FLOW_RATIO * last:", "if first >= FLOW_RATIO * last:"),
                  ("if first < last / FLOW_RATIO:", "if first <= last / FLOW_RATIO:")]),
    Mutant(exercise=_FLOW, id="nan_not_checked",
           mistake="NaN norms are not caught: every comparison with NaN is False, so a diverged network is called "
                   "healthy.",
           fix="first of all, return 'exploding' when not np.all(np.isfinite(norms)).",
           patch=[('    if not np.all(np.isfinite(norms)):\n        return "exploding"\n', "")]),
    Mutant(exercise=_FLOW, id="ratio_before_bounds",
           mistake="the first/last ratio is tested before the absolute bounds, so a network with huge gradients "
                   "that also shrink towards the input is called vanishing.",
           fix="apply the rules in the documented order: the absolute bounds (1e3, 1e-6) before the ratio.",
           patch=[(_ABSOLUTE_RULES + _RATIO_RULES, _RATIO_RULES + _ABSOLUTE_RULES)]),
    Mutant(exercise=_FLOW, id="ratio_only",
           mistake="only the ratio between the first and last layers is used, so a network whose gradients are "
                   "all tiny (or all huge) is called healthy.",
           fix="add the absolute bounds: largest > 1e3 is exploding, largest < 1e-6 vanishing.",
           patch=[(_ABSOLUTE_RULES, "")]),
    Mutant(exercise=_FLOW, id="smallest_for_vanishing",
           mistake="the vanishing bound is tested on the smallest norm instead of the largest, so one tiny layer "
                   "anywhere is called vanishing.",
           fix="gradients have vanished when even the largest norm is below 1e-6: use np.max.",
           patch=[("if largest < VANISHING_NORM:", "if np.min(norms) < VANISHING_NORM:")]),
    Mutant(exercise=_FLOW, id="mean_not_largest",
           mistake="the absolute bounds are tested on the mean norm instead of the largest, so one exploding layer "
                   "among ordinary ones goes unnoticed.",
           fix="compare the largest norm, np.max(norms), with 1e3 and 1e-6.",
           patch=[("largest = np.max(norms)", "largest = np.mean(norms)")]),
    Mutant(exercise=_FLOW, id="divides_by_last",
           mistake="the ratio first / last is computed by division, which fails (or warns) when the last norm is "
                   "exactly 0.",
           fix="compare products instead: first > 1e2 * last and first < 1e-2 * last.",
           patch=[("if first > FLOW_RATIO * last:", "if first / last > FLOW_RATIO:"),
                  ("if first < last / FLOW_RATIO:", "if first / last < 1 / FLOW_RATIO:")]),
]

PROBES = {
    _XAVIER: probes.catalog_xavier_init,
    _HE: probes.catalog_he_init,
    _STATS: probes.catalog_activation_stats,
    _NORMS: probes.catalog_gradient_norms,
    _FLOW: probes.catalog_diagnose_gradient_flow,
}
