"""Known-buggy versions of Day 12, planted as patches of solutions/day12_debugging_search.py.

The three mutants of ``day12.train_tiny_network`` marked ``planted=True`` are the bugs its stub
ships with (grader/stubs.py): the learner repairs them.
"""
from grader.catalog import Mutant
from tests.probes import day12_debugging_search as probes

_INITIAL, _OVERFIT, _RATIO = "day12.initial_loss_check", "day12.overfit_small_batch", "day12.update_ratio"
_LOG_UNIFORM, _RANDOM, _GRID = "day12.sample_log_uniform", "day12.random_search", "day12.grid_search"
_BEST, _REPAIR = "day12.best_trial", "day12.train_tiny_network"

_RATIO_LINE = "np.linalg.norm(updates[name]) / (np.linalg.norm(params[name]) + RATIO_EPS)"
_LOG_DRAW = "np.exp(rng.uniform(np.log(low), np.log(high), size))"
_PRODUCT = "itertools.product(*(space[name] for name in names))"

MUTANTS = [
    # -- initial_loss_check -----------------------------------------------------------------------
    Mutant(exercise=_INITIAL, id="log10_not_ln",
           mistake="the expected loss is log10(C), but the cross-entropy uses the natural logarithm.",
           fix="use np.log(C): the initial loss is ln C (2.303 for ten classes).",
           patch=[("float(np.log(num_classes))", "float(np.log10(num_classes))")]),
    Mutant(exercise=_INITIAL, id="classes_from_distinct_labels",
           mistake="C is the number of distinct labels in the batch, which is too small when a class has no example "
                   "in it.",
           fix="take C from the scores: model.loss(X).shape[1].",
           patch=[("num_classes = np.shape(model.loss(X))[1]", "num_classes = len(np.unique(y))")]),
    Mutant(exercise=_INITIAL, id="classes_from_largest_label",
           mistake="C is y.max() + 1, which is too small when the batch lacks the last classes.",
           fix="take C from the scores: model.loss(X).shape[1].",
           patch=[("num_classes = np.shape(model.loss(X))[1]", "num_classes = int(np.max(y)) + 1")]),
    Mutant(exercise=_INITIAL, id="swapped",
           mistake="the pair comes back as (expected, observed) instead of (observed, expected).",
           fix="return the model's loss first, then ln C.",
           patch=[("return float(observed), float(np.log(num_classes))",
                   "return float(np.log(num_classes)), float(observed)")]),

    # -- overfit_small_batch ----------------------------------------------------------------------
    Mutant(exercise=_OVERFIT, id="gradient_ascent",
           mistake="the update adds the gradient, climbing the loss instead of descending it.",
           fix="step against the gradient: params[k] - learning_rate * grads[k].",
           patch=[("model.params[name] - learning_rate * grads[name]",
                   "model.params[name] + learning_rate * grads[name]")]),
    Mutant(exercise=_OVERFIT, id="update_never_stored",
           mistake="the new value is assigned to the loop variable, so model.params never changes.",
           fix="store it in the dict: model.params[name] = model.params[name] - learning_rate * grads[name].",
           patch=[("        for name in model.params:\n"
                   "            model.params[name] = model.params[name] - learning_rate * grads[name]\n",
                   "        for name, value in model.params.items():\n"
                   "            value = value - learning_rate * grads[name]\n")]),
    Mutant(exercise=_OVERFIT, id="fresh_model_every_step",
           mistake="make_model is called inside the loop, so every step starts again from a fresh model.",
           fix="build the model once, before the loop.",
           patch=[("    model = make_model(rng)\n    for _ in range(steps):\n",
                   "    for _ in range(steps):\n        model = make_model(rng)\n")]),
    Mutant(exercise=_OVERFIT, id="learning_rate_ignored",
           mistake="the step uses a fixed learning rate of 0.1 instead of the learning_rate argument.",
           fix="multiply the gradient by learning_rate.",
           patch=[("- learning_rate * grads[name]", "- 0.1 * grads[name]")]),
    Mutant(exercise=_OVERFIT, id="hard_coded_names",
           mistake="only W1, b1, W2 and b2 are updated, so the other parameters of a deeper model never learn.",
           fix="loop over the keys of model.params, whatever they are.",
           patch=[("for name in model.params:", 'for name in ("W1", "b1", "W2", "b2"):')]),

    # -- update_ratio -------------------------------------------------------------------------------
    Mutant(exercise=_RATIO, id="inverted",
           mistake="the ratio is norm(param) / norm(update), upside down.",
           fix="divide the update's norm by the parameter's: norm(update) / (norm(param) + eps).",
           patch=[(_RATIO_LINE, "np.linalg.norm(params[name]) / (np.linalg.norm(updates[name]) + RATIO_EPS)")]),
    Mutant(exercise=_RATIO, id="squared_norms",
           mistake="the ratio compares sums of squares, the squares of the norms.",
           fix="take the square roots: np.linalg.norm(update) / (np.linalg.norm(param) + eps).",
           patch=[(_RATIO_LINE, "np.sum(updates[name] ** 2) / (np.sum(params[name] ** 2) + RATIO_EPS)")]),
    Mutant(exercise=_RATIO, id="mean_absolute_values",
           mistake="the ratio compares mean absolute values instead of Frobenius norms.",
           fix="use np.linalg.norm of each array (the square root of the sum of its squares).",
           patch=[(_RATIO_LINE, "np.mean(np.abs(updates[name])) / (np.mean(np.abs(params[name])) + RATIO_EPS)")]),
    Mutant(exercise=_RATIO, id="spectral_norm",
           mistake="np.linalg.norm(W, 2) is the largest singular value of a matrix, not its Frobenius norm.",
           fix="call np.linalg.norm(W) without an order (or on W.ravel()).",
           patch=[(_RATIO_LINE, "np.linalg.norm(updates[name], 2) / (np.linalg.norm(params[name], 2) + RATIO_EPS)")]),
    Mutant(exercise=_RATIO, id="no_epsilon",
           mistake="the parameter's norm is used without the epsilon, so a parameter that is exactly zero divides by "
                   "zero.",
           fix="divide by norm(param) + RATIO_EPS.",
           patch=[(_RATIO_LINE, "np.linalg.norm(updates[name]) / np.linalg.norm(params[name])")]),

    # -- sample_log_uniform -----------------------------------------------------------------------
    Mutant(exercise=_LOG_UNIFORM, id="linear_scale",
           mistake="the value is drawn uniformly between low and high, not its logarithm, so almost every sample "
                   "lands in the top decade.",
           fix="draw the exponent: np.exp(rng.uniform(np.log(low), np.log(high))).",
           patch=[(_LOG_DRAW, "rng.uniform(low, high, size)")]),
    Mutant(exercise=_LOG_UNIFORM, id="mixed_bases",
           mistake="the exponent is drawn between log10(low) and log10(high) but raised with exp (base e), so the "
                   "samples leave [low, high].",
           fix="use one base for both: np.exp with np.log bounds, or 10 ** with np.log10 bounds.",
           patch=[(_LOG_DRAW, "np.exp(rng.uniform(np.log10(low), np.log10(high), size))")]),
    Mutant(exercise=_LOG_UNIFORM, id="integer_exponent",
           mistake="the exponent is drawn as an integer, so only exact powers of ten come out.",
           fix="draw the exponent as a float with rng.uniform.",
           patch=[(_LOG_DRAW,
                   "10.0 ** rng.integers(round(np.log10(low)), round(np.log10(high)), size, endpoint=True)")]),
    Mutant(exercise=_LOG_UNIFORM, id="bounds_not_validated",
           mistake="low <= 0 (or high < low) is not rejected, so log(0) gives -inf and the draw fails or returns "
                   "nonsense.",
           fix="raise ValueError unless 0 < low <= high.",
           patch=[("    if not 0 < low <= high:\n", "    if False:\n")]),

    # -- random_search ------------------------------------------------------------------------------
    Mutant(exercise=_RANDOM, id="linear_for_log_scale",
           mistake="a log-scale hyperparameter is drawn uniformly between low and high, so almost all trials try "
                   "its top decade.",
           fix="draw it with sample_log_uniform(low, high, rng).",
           patch=[("trial[name] = sample_log_uniform(low, high, rng)", "trial[name] = float(rng.uniform(low, high))")]),
    Mutant(exercise=_RANDOM, id="log_for_linear_scale",
           mistake="a linear-scale hyperparameter is drawn log-uniformly, crowding its trials at the low end.",
           fix="draw it with rng.uniform(low, high).",
           patch=[("trial[name] = float(rng.uniform(low, high))", "trial[name] = sample_log_uniform(low, high, rng)")]),
    Mutant(exercise=_RANDOM, id="shared_trial_dict",
           mistake="one dict is created before the loop and appended every time, so every trial shows the last "
                   "values drawn.",
           fix="create a new dict for every trial, inside the loop.",
           patch=[("    trials = []\n    for _ in range(n_trials):\n        trial = {}\n",
                   "    trials = []\n    trial = {}\n    for _ in range(n_trials):\n")]),
    Mutant(exercise=_RANDOM, id="own_generator",
           mistake="the search makes its own generator with a fixed seed instead of drawing from rng, so every "
                   "search gives the same trials.",
           fix="draw every value from the rng argument.",
           patch=[("    trials = []\n    for _ in range(n_trials):\n",
                   "    rng = np.random.default_rng(0)\n    trials = []\n    for _ in range(n_trials):\n")]),

    # -- grid_search --------------------------------------------------------------------------------
    Mutant(exercise=_GRID, id="zip_not_product",
           mistake="zip pairs the i-th values of the lists instead of combining every value with every other.",
           fix="use itertools.product(*lists): one trial per combination.",
           patch=[(_PRODUCT, "zip(*(space[name] for name in names))")]),
    Mutant(exercise=_GRID, id="last_key_slowest",
           mistake="the loops are nested the other way round: the last hyperparameter varies slowest.",
           fix="follow itertools.product over the keys in order: the first one varies slowest.",
           patch=[("dict(zip(names, values))", "dict(zip(names[::-1], values))"),
                  (_PRODUCT, "itertools.product(*(space[name] for name in names[::-1]))")]),
    Mutant(exercise=_GRID, id="shared_trial_dict",
           mistake="one dict is updated and appended for every combination, so every trial shows the last one.",
           fix="build a new dict per combination: dict(zip(names, values)).",
           patch=[("    return [dict(zip(names, values)) for values in " + _PRODUCT + "]\n",
                   "    trials, trial = [], {}\n"
                   "    for values in " + _PRODUCT + ":\n"
                   "        trial.update(zip(names, values))\n"
                   "        trials.append(trial)\n"
                   "    return trials\n")]),

    # -- best_trial ---------------------------------------------------------------------------------
    Mutant(exercise=_BEST, id="selects_on_test",
           mistake="the best trial is chosen on the test accuracy, which makes the test set part of training.",
           fix="compare the trials on result['val_acc'] only.",
           patch=[('result["val_acc"] > best["val_acc"]', 'result["test_acc"] > best["test_acc"]')]),
    Mutant(exercise=_BEST, id="selects_on_train",
           mistake="the best trial is chosen on the training accuracy, which rewards overfitting.",
           fix="compare the trials on result['val_acc'] only.",
           patch=[('result["val_acc"] > best["val_acc"]', 'result["train_acc"] > best["train_acc"]')]),
    Mutant(exercise=_BEST, id="lowest_accuracy",
           mistake="the comparison is reversed: the trial with the lowest validation accuracy is chosen.",
           fix="keep a result when its val_acc is higher: result['val_acc'] > best['val_acc'].",
           patch=[('result["val_acc"] > best["val_acc"]', 'result["val_acc"] < best["val_acc"]')]),
    Mutant(exercise=_BEST, id="last_of_ties",
           mistake="on a tie the last of the tied trials wins (>=), not the first.",
           fix="replace the best only when a result is strictly better (>).",
           patch=[('result["val_acc"] > best["val_acc"]', 'result["val_acc"] >= best["val_acc"]')]),
    Mutant(exercise=_BEST, id="border_not_flagged",
           mistake="a best value on the border of the range tried is never flagged.",
           fix="compare each best value with the smallest and largest value tried: 'low' or 'high'.",
           patch=[("    return best, border\n", "    return best, {}\n")]),
    Mutant(exercise=_BEST, id="only_high_border",
           mistake="only a best value at the top of the range is flagged, never one at the bottom.",
           fix="flag 'low' when the best value is the smallest one tried, 'high' when it is the largest.",
           patch=[('        if value == low:\n            border[name] = "low"\n        elif value == high:\n',
                   "        if value == high:\n")]),

    # -- train_tiny_network: the three bugs its stub ships with -----------------------------------------
    Mutant(exercise=_REPAIR, id="update_climbs", planted=True,
           mistake="every parameter moves along its gradient (+=), so each step climbs the loss instead of "
                   "descending it.",
           fix="step against the gradient: params[name] -= learning_rate * grad.",
           patch=[("params[name] -= learning_rate * grad", "params[name] += learning_rate * grad")]),
    Mutant(exercise=_REPAIR, id="labels_shuffled_apart", planted=True,
           mistake="X and y are shuffled with two different permutations, so every epoch pairs the inputs with "
                   "other examples' labels.",
           fix="draw one permutation per epoch and index both with it: X[order], y[order].",
           patch=[("        order = rng.permutation(num_examples)\n        X_epoch, y_epoch = X[order], y[order]\n",
                   "        X_epoch = X[rng.permutation(num_examples)]\n"
                   "        y_epoch = y[rng.permutation(num_examples)]\n")]),
    Mutant(exercise=_REPAIR, id="loss_summed", planted=True,
           mistake="the loss and its gradient are summed over the minibatch instead of averaged, so every step is "
                   "batch_size times too large.",
           fix="average: loss = -np.mean(...) and divide dscores by the batch size n.",
           patch=[("loss = -np.mean(log_probs[rows, y_batch])", "loss = -np.sum(log_probs[rows, y_batch])"),
                  ("            dscores /= n\n", "")]),
]


PROBES = {
    _INITIAL: probes.catalog_initial_loss_check,
    _OVERFIT: probes.catalog_overfit_small_batch,
    _RATIO: probes.catalog_update_ratio,
    _LOG_UNIFORM: probes.catalog_sample_log_uniform,
    _RANDOM: probes.catalog_random_search,
    _GRID: probes.catalog_grid_search,
    _BEST: probes.catalog_best_trial,
    _REPAIR: probes.catalog_train_tiny_network,
}
