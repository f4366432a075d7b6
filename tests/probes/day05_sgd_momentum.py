"""Day 5 probes: they run in the sandboxed worker, beside the learner's day05_sgd_momentum module.

The analytic functions and the suite's own update rules are module-level here so that both
sides use the very same code: the learner's ``minimize`` calls them in the worker, and the
checks (in the judge) compute the expected paths with them. They are pure NumPy.
"""
import numpy as np

# -- analytic functions: loss_and_grad(w) -> (loss, dw) -----------------------------------------
#: The curvatures of the ill-conditioned quadratic along its two axes (condition number 50).
BOWL_CURVATURES = (1.0, 50.0)
#: Where each function has its minimum.
BOWL_MINIMUM = (0.0, 0.0)
ROSENBROCK_MINIMUM = (1.0, 1.0)


def ill_conditioned_quadratic(w):
    """f(w) = 0.5 (w0**2 + 50 w1**2): a bowl 50 times steeper across than along; minimum 0 at (0, 0).

    Elementwise in the two coordinates, so ``w`` may also be a stack of grids ``(2, ...)``."""
    a, b = BOWL_CURVATURES
    loss = 0.5 * (a * w[0] ** 2 + b * w[1] ** 2)
    return loss, np.array([a * w[0], b * w[1]])


def rosenbrock(w):
    """f(w) = (1 - x)**2 + 100 (y - x**2)**2: a curved, flat-bottomed valley; minimum 0 at (1, 1).

    Elementwise in the two coordinates, so ``w`` may also be a stack of grids ``(2, ...)``."""
    x, y = w[0], w[1]
    loss = (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2
    return loss, np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


def graded_bowl(w):
    """0.5 sum(c w**2) for ``w`` of any shape, with curvatures c = 1, 2, ..., w.size in reading order."""
    w = np.asarray(w, dtype=float)
    c = np.arange(1.0, w.size + 1.0).reshape(w.shape)
    return 0.5 * float(np.sum(c * w * w)), c * w


# -- the suite's own update rules (the oracle; also rules the learner's minimize must drive) -------
def suite_sgd(w, dw, config=None):
    """SGD as the kata defines it."""
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config


def suite_momentum(w, dw, config=None):
    """SGD with momentum as the kata defines it (the velocity is the step)."""
    config = {} if config is None else config
    lr, mu = config.setdefault("learning_rate", 1e-2), config.setdefault("momentum", 0.9)
    v = mu * config.get("velocity", np.zeros_like(w)) - lr * dw
    config["velocity"] = v
    return w + v, config


def suite_nesterov(w, dw, config=None):
    """Nesterov momentum in the kata's re-parametrised form."""
    config = {} if config is None else config
    lr, mu = config.setdefault("learning_rate", 1e-2), config.setdefault("momentum", 0.9)
    v_prev = config.get("velocity", np.zeros_like(w))
    v = mu * v_prev - lr * dw
    config["velocity"] = v
    return w - mu * v_prev + (1 + mu) * v, config


SUITE_RULES = {"sgd": suite_sgd, "sgd_momentum": suite_momentum, "nesterov_momentum": suite_nesterov}


def counting_rule(w, dw, config=None):
    """A rule that returns a *new* config each call, counting the calls in ``t``: the k-th call steps by
    ``learning_rate / k``. Only a loop that passes the returned config on sees the count grow."""
    config = {} if config is None else config
    t = config.get("t", 0) + 1
    lr = config.get("learning_rate", 0.1)
    return w - lr / t * dw, {"learning_rate": lr, "t": t}


def drive(loss_and_grad, w0, rule, config, num_steps):
    """The suite's minimize: ``num_steps + 1`` points from w0, each gradient at the current point, and the
    last config."""
    w = np.array(w0, dtype=float)
    points = [w]
    for _ in range(num_steps):
        _, dw = loss_and_grad(w)
        w, config = rule(w, dw, config)
        points.append(np.array(w, dtype=float))
    return np.array(points), config


def trusted_path(loss_and_grad, w0, rule, config, num_steps):
    """The points of :func:`drive` with one of the suite's rules."""
    return drive(loss_and_grad, w0, rule, config, num_steps)[0]


# -- for the checks ---------------------------------------------------------------------------
def _dict_or_type(value):
    """A config as it can travel back: the dict itself, or the name of what came instead."""
    return value if type(value) is dict else {"__not_a_dict__": type(value).__name__}


def config_identity(day05, name, w, dw, config):
    """Call the rule with ``config``; whether it returned the very dict it was given, and that dict afterwards."""
    rule = getattr(day05, name)
    given = config
    result = rule(w, dw, given)
    returned = result[1] if isinstance(result, tuple) and len(result) == 2 else None
    return {"returned_is_given": returned is given, "given_after": given, "returned": _dict_or_type(returned),
            "result_is_pair": isinstance(result, tuple) and len(result) == 2}


def omitted_config(day05, name, w, dw):
    """Call ``rule(w, dw)`` twice with no config, changing the first returned config in between.

    With a fresh dict per call, the two steps are equal and the configs are two dicts; a mutable
    default argument (``config={}``) or module-level state shares them."""
    rule = getattr(day05, name)
    first_w, first = rule(w, dw)
    if type(first) is dict:
        first["learning_rate"] = 0.5  # what a caller may do with its own config
    second_w, second = rule(w, dw)
    return {"first_w": first_w, "second_w": second_w, "same_dict": type(first) is dict and first is second,
            "first": _dict_or_type(first), "second": _dict_or_type(second)}


def interleaved(day05, name, w_a, w_b, grads_a, grads_b, config_a, config_b):
    """Two parameters, each with its own config, updated in turn (a, b, a, b, ...); each path and final config."""
    rule = getattr(day05, name)
    path_a, path_b = [], []
    for dw_a, dw_b in zip(grads_a, grads_b):
        w_a, config_a = rule(w_a, dw_a, config_a)
        w_b, config_b = rule(w_b, dw_b, config_b)
        path_a.append(np.array(w_a, dtype=float))
        path_b.append(np.array(w_b, dtype=float))
    return {"path_a": np.array(path_a), "path_b": np.array(path_b),
            "config_a": _dict_or_type(config_a), "config_b": _dict_or_type(config_b)}


def rule_on_function(day05, name, loss_and_grad, w0, config, num_steps):
    """The suite's loop driving the learner's rule ``name`` on an analytic function; the path and final config."""
    path, config = drive(loss_and_grad, w0, getattr(day05, name), config, num_steps)
    return {"path": path, "config": _dict_or_type(config)}


class _Recorder:
    """loss_and_grad and a rule that remember how they were called."""

    def __init__(self, loss_and_grad):
        self.loss_and_grad = loss_and_grad
        self.grad_at = []
        self.rule_calls = []

    def loss(self, w):
        self.grad_at.append(np.array(w, dtype=float, copy=True))
        return self.loss_and_grad(w)

    def rule(self, w, dw, config=None):
        self.rule_calls.append({"w": np.array(w, dtype=float, copy=True), "dw": np.array(dw, dtype=float, copy=True),
                                "t": config.get("t", 0) if type(config) is dict else 0 if config is None else -1})
        return counting_rule(w, dw, config)


def minimize_recording(day05, w0, config, num_steps):
    """The learner's minimize on graded_bowl with counting_rule, recording every call; and w0 afterwards."""
    recorder = _Recorder(graded_bowl)
    trajectory = day05.minimize(recorder.loss, w0, recorder.rule, config, num_steps)
    return {"trajectory": trajectory, "grad_at": recorder.grad_at, "rule_calls": recorder.rule_calls, "w0": w0}


def minimize_and_trusted(day05, name, loss_and_grad, w0, config, num_steps):
    """The learner's minimize and the suite's loop, both driving the learner's rule ``name`` from equal configs."""
    rule = getattr(day05, name)
    copy = None if config is None else dict(config)
    return {"minimize": day05.minimize(loss_and_grad, w0, rule, config, num_steps),
            "trusted": trusted_path(loss_and_grad, w0, rule, copy, num_steps)}


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart -------------------------
def _fixture(seed, shape=(2, 3)):
    gen = np.random.default_rng(seed)
    return gen.standard_normal(shape), gen.standard_normal(shape), gen.standard_normal(shape)


def _rule_outputs(rule, has_velocity):
    w, dw, v = _fixture(50)
    w_before, dw_before = w.copy(), dw.copy()
    out = {}
    # Hyperparameters and a velocity in the config: every term of the update shows.
    config = {"learning_rate": 0.05, "momentum": 0.6, "velocity": v.copy()} if has_velocity else {"learning_rate": 0.05}
    given = config
    next_w, returned = rule(w, dw, config)
    out["next_w (given hyperparameters" + (" and velocity)" if has_velocity else ")")] = next_w
    out["config returned is the one given"] = returned is given
    out["keys of the given config"] = " ".join(sorted(map(str, given)))
    if has_velocity:
        out["velocity stored"] = given.get("velocity", np.full(w.shape, np.nan))
    out["w unchanged"] = bool(np.array_equal(w, w_before))
    out["dw unchanged"] = bool(np.array_equal(dw, dw_before))
    # Defaults: an empty config must be the dict that gets the defaults and the state.
    empty = {}
    next_w, returned = rule(w_before.copy(), dw_before.copy(), empty)
    out["next_w with an empty config"] = next_w
    out["empty config filled in place"] = " ".join(f"{k}={empty[k]!r}" for k in sorted(empty) if k != "velocity")
    if has_velocity:
        out["velocity in the empty config"] = empty.get("velocity", np.full(w.shape, np.nan))
        zero = {"learning_rate": 0.05, "momentum": 0.0, "velocity": v.copy()}
        out["next_w with momentum 0"] = rule(w_before.copy(), dw_before.copy(), zero)[0]
    # Three steps, the returned config threaded through.
    config, point = {"learning_rate": 0.1, "momentum": 0.5} if has_velocity else {"learning_rate": 0.1}, w_before.copy()
    for k in range(3):
        point, config = rule(point, dw_before * (k + 1) - k, config)
    out["after three steps"] = point
    # Omitting the config twice must start from rest both times.
    first = rule(w_before.copy(), dw_before.copy())[0]
    second = rule(w_before.copy(), dw_before.copy())[0]
    out["omitted config twice gives the same step"] = bool(np.allclose(first, second))
    return out


def catalog_sgd(day05):
    return _rule_outputs(day05.sgd, has_velocity=False)


def catalog_sgd_momentum(day05):
    return _rule_outputs(day05.sgd_momentum, has_velocity=True)


def catalog_nesterov_momentum(day05):
    return _rule_outputs(day05.nesterov_momentum, has_velocity=True)


def catalog_minimize(day05):
    out = {}
    recorder = _Recorder(graded_bowl)
    w0 = np.array([[1.0, -2.0], [0.5, 3.0]])
    out["trajectory with a counting rule"] = day05.minimize(recorder.loss, w0.copy(), recorder.rule, None, 4)
    out["gradient evaluated at"] = np.array(recorder.grad_at) if recorder.grad_at else np.zeros(0)
    out["t seen by the rule"] = np.array([c["t"] for c in recorder.rule_calls], dtype=float)
    out["trajectory on the quadratic, momentum from None"] = day05.minimize(
        ill_conditioned_quadratic, np.array([-2.0, 0.5]), suite_momentum, None, 6)
    return out
