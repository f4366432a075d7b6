"""Known-buggy versions of Day 5, planted as patches of solutions/day05_sgd_momentum.py."""
from grader.catalog import Mutant
from tests.probes import day05_sgd_momentum as probes

_SGD, _MOM, _NES, _MIN = "day05.sgd", "day05.sgd_momentum", "day05.nesterov_momentum", "day05.minimize"

_NOT_WRITTEN_BACK = dict(
    mistake="the new velocity is never stored in config, so every call starts from rest and the rule is plain SGD.",
    fix="write it back before returning: config['velocity'] = v.")
_EMPTY_REPLACED = dict(
    mistake="`if not config` (or `config or {}`) also replaces an empty dict passed in, so the caller's dict never "
            "receives the defaults or the state.",
    fix="test `if config is None:` and otherwise write into the very dict you were given.")

MUTANTS = [
    # -- sgd ----------------------------------------------------------------------------------------
    Mutant(exercise=_SGD, id="ascent_sign",
           mistake="the step adds the gradient, w + learning_rate * dw, and climbs the loss.",
           fix="step against the gradient: next_w = w - learning_rate * dw.",
           patch=[('next_w = w - config["learning_rate"] * dw', 'next_w = w + config["learning_rate"] * dw')]),
    Mutant(exercise=_SGD, id="w_modified_in_place",
           mistake="w is updated in place (w -= ...), so the caller's parameters change behind its back.",
           fix="build a new array: next_w = w - learning_rate * dw.",
           patch=[('next_w = w - config["learning_rate"] * dw',
                   'w -= config["learning_rate"] * dw\n    next_w = w')]),
    Mutant(exercise=_SGD, id="default_learning_rate",
           mistake="a missing learning_rate defaults to 1e-3 (Adam's default) instead of 1e-2.",
           fix='use config.setdefault("learning_rate", 1e-2).',
           patch=[('config.setdefault("learning_rate", 1e-2)', 'config.setdefault("learning_rate", 1e-3)')]),
    Mutant(exercise=_SGD, id="empty_config_replaced", **_EMPTY_REPLACED,
           patch=[("if config is None:", "if not config:")]),

    # -- sgd_momentum -----------------------------------------------------------------------------
    Mutant(exercise=_MOM, id="ascent_sign",
           mistake="the velocity gains + learning_rate * dw, so the rule climbs the loss.",
           fix="v = momentum * v - learning_rate * dw, then next_w = w + v.",
           patch=[("v = momentum * v - learning_rate * dw", "v = momentum * v + learning_rate * dw")]),
    Mutant(exercise=_MOM, id="velocity_sign_flipped",
           mistake="the velocity is stored with the opposite sign (v = momentum * v + learning_rate * dw, "
                   "next_w = w - v): the first step is right, but a velocity handed over means the opposite.",
           fix="the velocity is the step itself: v = momentum * v - learning_rate * dw and next_w = w + v.",
           patch=[("v = momentum * v - learning_rate * dw", "v = momentum * v + learning_rate * dw"),
                  ("next_w = w + v", "next_w = w - v")]),
    Mutant(exercise=_MOM, id="velocity_not_written_back", **_NOT_WRITTEN_BACK,
           patch=[('    config["velocity"] = v\n', "")]),
    Mutant(exercise=_MOM, id="velocity_never_read",
           mistake="the velocity starts from zeros on every call instead of from config['velocity'].",
           fix="read the stored one: v = config.get('velocity', np.zeros_like(w)).",
           patch=[('v = config.get("velocity", np.zeros_like(w))', "v = np.zeros_like(w)")]),
    Mutant(exercise=_MOM, id="w_modified_in_place",
           mistake="w is updated in place (w += v), so the caller's parameters change behind its back.",
           fix="build a new array: next_w = w + v.",
           patch=[("next_w = w + v", "w += v\n    next_w = w")]),
    Mutant(exercise=_MOM, id="velocity_in_gradient_units",
           mistake="the velocity accumulates raw gradients (v = momentum * v + dw, then w - learning_rate * v, the "
                   "PyTorch convention), so the stored velocity is not the step.",
           fix="keep the step itself: v = momentum * v - learning_rate * dw and next_w = w + v.",
           patch=[("v = momentum * v - learning_rate * dw", "v = momentum * v + dw"),
                  ("next_w = w + v", "next_w = w - learning_rate * v")]),
    Mutant(exercise=_MOM, id="momentum_on_gradient",
           mistake="the momentum multiplies the gradient term instead of the old velocity, so the velocity never "
                   "decays: v = v - momentum * learning_rate * dw.",
           fix="decay the old velocity: v = momentum * v - learning_rate * dw.",
           patch=[("v = momentum * v - learning_rate * dw", "v = v - momentum * learning_rate * dw")]),
    Mutant(exercise=_MOM, id="zero_momentum_as_missing",
           mistake="a momentum of 0 is treated as missing (`config.get('momentum') or 0.9`), so it becomes 0.9.",
           fix="only a missing key gets the default: config.setdefault('momentum', 0.9).",
           patch=[('config.setdefault("momentum", 0.9)', 'config["momentum"] = config.get("momentum") or 0.9')]),
    Mutant(exercise=_MOM, id="mutable_default_config",
           mistake="the default config is a mutable default argument (config={}), one dict shared by every call "
                   "that omits it, so the velocity leaks from one parameter to the next.",
           fix="use config=None in the signature and create a fresh dict inside: if config is None: config = {}.",
           patch=[("def sgd_momentum(w, dw, config=None):", "def sgd_momentum(w, dw, config={}):"),
                  ("    if config is None:\n        config = {}\n", "")]),
    Mutant(exercise=_MOM, id="empty_config_replaced", **_EMPTY_REPLACED,
           patch=[("if config is None:", "if not config:")]),

    # -- nesterov_momentum --------------------------------------------------------------------------
    Mutant(exercise=_NES, id="plain_momentum_update",
           mistake="the update is plain momentum, next_w = w + v, not Nesterov's.",
           fix="use the re-parametrised step: next_w = w - momentum * v_prev + (1 + momentum) * v.",
           patch=[("next_w = w - momentum * v_prev + (1 + momentum) * v", "next_w = w + v")]),
    Mutant(exercise=_NES, id="lookahead_sign",
           mistake="the look-ahead correction has the wrong sign: w + momentum * v_prev + (1 + momentum) * v.",
           fix="subtract the old look-ahead: next_w = w - momentum * v_prev + (1 + momentum) * v.",
           patch=[("next_w = w - momentum * v_prev", "next_w = w + momentum * v_prev")]),
    Mutant(exercise=_NES, id="missing_one_plus_momentum",
           mistake="the new velocity is added once instead of (1 + momentum) times: w - momentum * v_prev + v.",
           fix="next_w = w - momentum * v_prev + (1 + momentum) * v.",
           patch=[("+ (1 + momentum) * v", "+ v")]),
    Mutant(exercise=_NES, id="ascent_sign",
           mistake="the velocity gains + learning_rate * dw, so the rule climbs the loss.",
           fix="v = momentum * v_prev - learning_rate * dw.",
           patch=[("v = momentum * v_prev - learning_rate * dw", "v = momentum * v_prev + learning_rate * dw")]),
    Mutant(exercise=_NES, id="velocity_sign_flipped",
           mistake="the velocity is stored with the opposite sign (v = momentum * v_prev + learning_rate * dw, and "
                   "the update's signs flipped to match): the first step is right, a velocity handed over is not.",
           fix="the velocity is the step direction itself: v = momentum * v_prev - learning_rate * dw and "
               "next_w = w - momentum * v_prev + (1 + momentum) * v.",
           patch=[("v = momentum * v_prev - learning_rate * dw", "v = momentum * v_prev + learning_rate * dw"),
                  ("next_w = w - momentum * v_prev + (1 + momentum) * v",
                   "next_w = w + momentum * v_prev - (1 + momentum) * v")]),
    Mutant(exercise=_NES, id="stores_old_velocity",
           mistake="config['velocity'] keeps the old velocity v_prev instead of the new one.",
           fix="store the new velocity: config['velocity'] = v.",
           patch=[('config["velocity"] = v', 'config["velocity"] = v_prev')]),
    Mutant(exercise=_NES, id="velocity_not_written_back", **_NOT_WRITTEN_BACK,
           patch=[('    config["velocity"] = v\n', "")]),
    Mutant(exercise=_NES, id="w_modified_in_place",
           mistake="w is updated in place, so the caller's parameters change behind its back.",
           fix="build a new array: next_w = w - momentum * v_prev + (1 + momentum) * v.",
           patch=[("next_w = w - momentum * v_prev + (1 + momentum) * v",
                   "w += (1 + momentum) * v - momentum * v_prev\n    next_w = w")]),

    # -- minimize ----------------------------------------------------------------------------------------
    Mutant(exercise=_MIN, id="drops_w0",
           mistake="the trajectory leaves out the starting point w0.",
           fix="start the list with w0 (trajectory = [w]) and append each new point: num_steps + 1 points.",
           patch=[("trajectory = [w]", "trajectory = []")]),
    Mutant(exercise=_MIN, id="gradient_at_w0",
           mistake="every gradient is taken at w0 instead of at the current point.",
           fix="evaluate loss_and_grad(w) at the current w in each step.",
           patch=[("_, dw = loss_and_grad(w)", "_, dw = loss_and_grad(w0)")]),
    Mutant(exercise=_MIN, id="config_not_passed_on",
           mistake="the config the rule returns is dropped, so every call gets the first config and a rule's state "
                   "(a velocity started from config None) is lost.",
           fix="keep it: w, config = rule(w, dw, config).",
           patch=[("w, config = rule(w, dw, config)", "w, _ = rule(w, dw, config)")]),
    Mutant(exercise=_MIN, id="one_step_short",
           mistake="the loop makes num_steps - 1 updates.",
           fix="loop for _ in range(num_steps): num_steps updates, num_steps + 1 points with w0.",
           patch=[("range(num_steps)", "range(num_steps - 1)")]),
]


# -- probes: the day's catalog probes (tests/probes/day05_sgd_momentum.py) tell the mistakes apart --
PROBES = {
    _SGD: probes.catalog_sgd,
    _MOM: probes.catalog_sgd_momentum,
    _NES: probes.catalog_nesterov_momentum,
    _MIN: probes.catalog_minimize,
}
