"""Known-buggy versions of Day 6, planted as patches of solutions/day06_adaptive.py."""
from grader.catalog import Mutant
from tests.probes import day06_adaptive as probes

_RMS, _ADAM = "day06.rmsprop", "day06.adam"

_RMS_STEP = "next_w = w - learning_rate * dw / (np.sqrt(cache) + epsilon)"
_ADAM_STEP = "next_w = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)"
_NEW_DICT_IF_NONE = "    if config is None:\n        config = {}\n"

MUTANTS = [
    # -- RMSprop ---------------------------------------------------------------------------------
    Mutant(exercise=_RMS, id="epsilon_inside_sqrt",
           mistake="epsilon is added inside the square root, so sqrt(cache + epsilon) is at least 1e-4 and tiny "
                   "gradients barely move w.",
           fix="add it outside: dw / (np.sqrt(cache) + epsilon).",
           patch=[("np.sqrt(cache) + epsilon", "np.sqrt(cache + epsilon)")]),
    Mutant(exercise=_RMS, id="epsilon_missing",
           mistake="there is no epsilon in the denominator, so a coordinate whose cache is 0 divides 0 by 0.",
           fix="divide by np.sqrt(cache) + epsilon.",
           patch=[("(np.sqrt(cache) + epsilon)", "np.sqrt(cache)")]),
    Mutant(exercise=_RMS, id="no_square_root",
           mistake="the gradient is divided by the mean square itself instead of its square root, so the step "
                   "scales like 1 / dw instead of being about learning_rate.",
           fix="divide by np.sqrt(cache) + epsilon: the root of the mean square has the gradient's units.",
           patch=[("(np.sqrt(cache) + epsilon)", "(cache + epsilon)")]),
    Mutant(exercise=_RMS, id="missing_one_minus_decay",
           mistake="the new squared gradient is added without the factor (1 - decay_rate), so the cache is a "
                   "growing sum rather than an average.",
           fix="cache = decay_rate * cache + (1 - decay_rate) * dw**2.",
           patch=[("(1 - decay_rate) * dw**2", "dw**2")]),
    Mutant(exercise=_RMS, id="decay_rate_roles_swapped",
           mistake="decay_rate weights the new squared gradient and 1 - decay_rate the old cache, so the average "
                   "forgets almost everything at each step.",
           fix="decay_rate keeps the old average: cache = decay_rate * cache + (1 - decay_rate) * dw**2.",
           patch=[("decay_rate * cache + (1 - decay_rate) * dw**2", "(1 - decay_rate) * cache + decay_rate * dw**2")]),
    Mutant(exercise=_RMS, id="cache_of_dw_not_squared",
           mistake="the cache averages dw instead of dw**2, so it can go negative and its square root is nan.",
           fix="average the squared gradient: (1 - decay_rate) * dw**2.",
           patch=[("(1 - decay_rate) * dw**2", "(1 - decay_rate) * dw")]),
    Mutant(exercise=_RMS, id="default_decay_rate",
           mistake="decay_rate defaults to 0.9 (Keras' rho) instead of the course's 0.99.",
           fix="config.setdefault('decay_rate', 0.99).",
           patch=[('config.setdefault("decay_rate", 0.99)', 'config.setdefault("decay_rate", 0.9)')]),
    Mutant(exercise=_RMS, id="gradient_ascent",
           mistake="the step adds the scaled gradient, climbing the loss instead of descending it.",
           fix="next_w = w - learning_rate * dw / (np.sqrt(cache) + epsilon).",
           patch=[("w - learning_rate * dw", "w + learning_rate * dw")]),
    Mutant(exercise=_RMS, id="cache_not_read",
           mistake="the cache starts from zeros at every call instead of being read from config, so every step is "
                   "a first step.",
           fix="read it with config.get('cache', np.zeros_like(w)): zeros only when it is missing.",
           patch=[('cache = config.get("cache", np.zeros_like(w))', "cache = np.zeros_like(w)")]),
    Mutant(exercise=_RMS, id="cache_not_stored",
           mistake="the new cache is never written back into config, so every step starts from the old one.",
           fix="config['cache'] = cache before returning config.",
           patch=[('    config["cache"] = cache\n', "")]),
    Mutant(exercise=_RMS, id="config_copied",
           mistake="the state is written into a copy of config, so the dict the caller passed in never sees it.",
           fix="write into config itself: config['cache'] = cache, with no dict(config) copy.",
           patch=[("        config = {}\n", "        config = {}\n    config = dict(config)\n")]),
    Mutant(exercise=_RMS, id="empty_config_replaced",
           mistake="`config = config or {}` replaces an empty dict passed in by a new one, so its caller never "
                   "sees the state.",
           fix="test for None explicitly: if config is None: config = {}.",
           patch=[(_NEW_DICT_IF_NONE, "    config = config or {}\n")]),
    Mutant(exercise=_RMS, id="state_shared_across_parameters",
           mistake="the default config is a dict in the signature (config={}), created once, so every parameter "
                   "stepped without a config shares one cache.",
           fix="keep config=None in the signature and create a new dict inside: if config is None: config = {}.",
           patch=[("def rmsprop(w, dw, config=None):", "def rmsprop(w, dw, config={}):")]),
    Mutant(exercise=_RMS, id="w_modified_in_place",
           mistake="w is updated in place (w -= ...), so the caller's array changes.",
           fix="build a new array: next_w = w - learning_rate * dw / (np.sqrt(cache) + epsilon).",
           patch=[(_RMS_STEP, "w -= learning_rate * dw / (np.sqrt(cache) + epsilon)\n    next_w = w")]),

    # -- Adam ------------------------------------------------------------------------------------
    Mutant(exercise=_ADAM, id="no_bias_correction",
           mistake="m and v are used without bias correction, so the first steps are off by (1 - beta1) / "
                   "sqrt(1 - beta2), about 3.16 times the learning rate.",
           fix="m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t), and step with m_hat / (np.sqrt(v_hat) + "
               "epsilon).",
           patch=[("m_hat / (np.sqrt(v_hat) + epsilon)", "m / (np.sqrt(v) + epsilon)")]),
    Mutant(exercise=_ADAM, id="m_not_corrected",
           mistake="the step uses the uncorrected m instead of m_hat, so early steps are too small by 1 - beta1**t.",
           fix="step with m_hat = m / (1 - beta1**t).",
           patch=[("learning_rate * m_hat /", "learning_rate * m /")]),
    Mutant(exercise=_ADAM, id="v_not_corrected",
           mistake="the step uses the uncorrected v instead of v_hat, so early steps are too large by "
                   "1 / sqrt(1 - beta2**t).",
           fix="step with v_hat = v / (1 - beta2**t).",
           patch=[("(np.sqrt(v_hat) + epsilon)", "(np.sqrt(v) + epsilon)")]),
    Mutant(exercise=_ADAM, id="efficient_form",
           mistake="the step uses the paper's 'efficient' form, learning_rate * sqrt(1 - beta2**t) / (1 - beta1**t) "
                   "* m / (sqrt(v) + epsilon), which weighs epsilon differently: tiny gradients move w too far.",
           fix="use the course's form: m_hat / (np.sqrt(v_hat) + epsilon), with m_hat and v_hat the corrected "
               "averages.",
           patch=[("learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)",
                   "learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + epsilon)")]),
    Mutant(exercise=_ADAM, id="t_incremented_after_use",
           mistake="t is used before it is incremented (or the correction uses beta**(t - 1)), so the first step "
                   "divides by 1 - beta**0 = 0 and gives nan.",
           fix="increment first, t = config.get('t', 0) + 1, then correct with beta1**t and beta2**t.",
           patch=[('t = config.get("t", 0) + 1', 't = config.get("t", 0)'), ("= m, v, t\n", "= m, v, t + 1\n")]),
    Mutant(exercise=_ADAM, id="epsilon_inside_sqrt",
           mistake="epsilon is added inside the square root, so sqrt(v_hat + epsilon) is at least 1e-4 and tiny "
                   "gradients barely move w.",
           fix="add it outside: m_hat / (np.sqrt(v_hat) + epsilon).",
           patch=[("np.sqrt(v_hat) + epsilon", "np.sqrt(v_hat + epsilon)")]),
    Mutant(exercise=_ADAM, id="epsilon_missing",
           mistake="there is no epsilon in the denominator, so a coordinate with a zero gradient divides 0 by 0.",
           fix="divide by np.sqrt(v_hat) + epsilon.",
           patch=[("(np.sqrt(v_hat) + epsilon)", "np.sqrt(v_hat)")]),
    Mutant(exercise=_ADAM, id="no_square_root",
           mistake="m_hat is divided by v_hat itself instead of its square root, so the step scales like 1 / dw.",
           fix="divide by np.sqrt(v_hat) + epsilon.",
           patch=[("(np.sqrt(v_hat) + epsilon)", "(v_hat + epsilon)")]),
    Mutant(exercise=_ADAM, id="missing_one_minus_beta1",
           mistake="the gradient is added to m without the factor (1 - beta1), so m is a sum, not an average.",
           fix="m = beta1 * m + (1 - beta1) * dw.",
           patch=[("(1 - beta1) * dw", "dw")]),
    Mutant(exercise=_ADAM, id="missing_one_minus_beta2",
           mistake="the squared gradient is added to v without the factor (1 - beta2), so v is a sum, not an "
                   "average.",
           fix="v = beta2 * v + (1 - beta2) * dw**2.",
           patch=[("(1 - beta2) * dw**2", "dw**2")]),
    Mutant(exercise=_ADAM, id="betas_swapped",
           mistake="beta1 and beta2 are swapped: the gradient's average decays with beta2 and its square's with "
                   "beta1.",
           fix="m uses beta1 (0.9) and v uses beta2 (0.999), in the averages and in their corrections.",
           patch=[("m = beta1 * m + (1 - beta1) * dw", "m = beta2 * m + (1 - beta2) * dw"),
                  ("v = beta2 * v + (1 - beta2) * dw**2", "v = beta1 * v + (1 - beta1) * dw**2"),
                  ("m / (1 - beta1**t)", "m / (1 - beta2**t)"), ("v / (1 - beta2**t)", "v / (1 - beta1**t)")]),
    Mutant(exercise=_ADAM, id="corrected_moments_stored",
           mistake="the bias-corrected m_hat and v_hat are stored in config instead of m and v, so the correction "
                   "compounds from step to step.",
           fix="store the raw averages: config['m'], config['v'] = m, v.",
           patch=[("= m, v, t\n", "= m_hat, v_hat, t\n")]),
    Mutant(exercise=_ADAM, id="t_not_stored",
           mistake="the incremented t is never written back, so every step is corrected as if it were the first.",
           fix="store it with the averages: config['t'] = t.",
           patch=[('config["m"], config["v"], config["t"] = m, v, t', 'config["m"], config["v"] = m, v')]),
    Mutant(exercise=_ADAM, id="state_not_read",
           mistake="m, v and t start from zero at every call instead of being read from config, so every step is "
                   "a first step.",
           fix="read them with config.get('m', np.zeros_like(w)) and so on: zeros only when they are missing.",
           patch=[('m = config.get("m", np.zeros_like(w))', "m = np.zeros_like(w)"),
                  ('v = config.get("v", np.zeros_like(w))', "v = np.zeros_like(w)"),
                  ('t = config.get("t", 0) + 1', "t = 1")]),
    Mutant(exercise=_ADAM, id="state_not_stored",
           mistake="m, v and t are never written back into config, so every step is a first step.",
           fix="config['m'], config['v'], config['t'] = m, v, t before returning config.",
           patch=[('    config["m"], config["v"], config["t"] = m, v, t\n', "")]),
    Mutant(exercise=_ADAM, id="default_learning_rate",
           mistake="learning_rate defaults to 1e-2 (RMSprop's default) instead of Adam's 1e-3.",
           fix="config.setdefault('learning_rate', 1e-3).",
           patch=[('config.setdefault("learning_rate", 1e-3)', 'config.setdefault("learning_rate", 1e-2)')]),
    Mutant(exercise=_ADAM, id="gradient_ascent",
           mistake="the step adds the scaled gradient, climbing the loss instead of descending it.",
           fix="next_w = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon).",
           patch=[("w - learning_rate * m_hat", "w + learning_rate * m_hat")]),
    Mutant(exercise=_ADAM, id="config_copied",
           mistake="the state is written into a copy of config, so the dict the caller passed in never sees it.",
           fix="write into config itself, with no dict(config) copy.",
           patch=[("        config = {}\n", "        config = {}\n    config = dict(config)\n")]),
    Mutant(exercise=_ADAM, id="empty_config_replaced",
           mistake="`config = config or {}` replaces an empty dict passed in by a new one, so its caller never "
                   "sees the state.",
           fix="test for None explicitly: if config is None: config = {}.",
           patch=[(_NEW_DICT_IF_NONE, "    config = config or {}\n")]),
    Mutant(exercise=_ADAM, id="state_shared_across_parameters",
           mistake="the default config is a dict in the signature (config={}), created once, so every parameter "
                   "stepped without a config shares one m, v and t.",
           fix="keep config=None in the signature and create a new dict inside: if config is None: config = {}.",
           patch=[("def adam(w, dw, config=None):", "def adam(w, dw, config={}):")]),
    Mutant(exercise=_ADAM, id="w_modified_in_place",
           mistake="w is updated in place (w -= ...), so the caller's array changes.",
           fix="build a new array: next_w = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon).",
           patch=[(_ADAM_STEP, "w -= learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)\n    next_w = w")]),
]


# -- probes: the day's catalog probes (tests/probes/day06_adaptive.py) tell the mistakes apart --
PROBES = {
    _RMS: probes.catalog_rmsprop,
    _ADAM: probes.catalog_adam,
}
