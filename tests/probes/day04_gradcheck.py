"""Day 4 probes: they run in the sandboxed worker, beside the learner's day04_gradcheck module.

The functions to differentiate are module-level here so that both sides use the very same
function: the learner's checker calls them in the worker, and the judge's trusted checker
(tests/checks/gradcheck.py) differentiates them too. Their constants are fixed and read-only.
"""
import numpy as np


def _constant(array):
    array.setflags(write=False)
    return array


_CONSTANTS = np.random.default_rng(11)
#: 0.5 x.A.x + c.x with x (5,).
QUADRATIC_A = _constant(_CONSTANTS.standard_normal((5, 5)))
QUADRATIC_C = _constant(_CONSTANTS.standard_normal(5))
#: logsumexp(x @ W) with x (3, 4), W (4, 2).
LOGSUMEXP_W = _constant(_CONSTANTS.standard_normal((4, 2)))
#: x @ W with x (3, 4), W (4, 2).
MATMUL_W = _constant(_CONSTANTS.standard_normal((4, 2)))

PARAM_NAMES = ("W1", "b1", "W2", "b2")


# -- scalar functions f(x) -> float ------------------------------------------------------------
def sum_of_squares(v):
    """sum(x**2), whose gradient is 2x; its centred difference is exact up to round-off."""
    return np.sum(v ** 2)


def sum_sin(v):
    """sum(sin(x)), whose gradient is cos(x)."""
    return np.sum(np.sin(v))


def quadratic(v):
    """0.5 x.A.x + c.x for x of 5 entries."""
    return 0.5 * v @ QUADRATIC_A @ v + QUADRATIC_C @ v


def logsumexp_of_matmul(v):
    """logsumexp of every entry of x @ W, x (3, 4), computed stably."""
    z = (v @ LOGSUMEXP_W).ravel()
    return z.max() + np.log(np.sum(np.exp(z - z.max())))


def cubic_with_cross_term(v):
    """sum(x**3) + x[0, 0] x[2, 1], for x of at least 3 rows and 2 columns."""
    return np.sum(v ** 3) + v[0, 0] * v[2, 1]


def sum_exp(v):
    """sum(exp(x)), whose gradient exp(x) is also its curvature."""
    return np.sum(np.exp(v))


def sum_exp_first_row(v):
    """sum(exp(x[0])): every entry outside the first row has a gradient of exactly 0."""
    return np.sum(np.exp(v[0]))


# -- array functions f(x) -> array ----------------------------------------------------------------
def matmul(v):
    """x @ W for x (3, 4), W (4, 2)."""
    return v @ MATMUL_W


def scaled_tanh(v):
    """1.5 tanh(x), elementwise."""
    return 1.5 * np.tanh(v)


def transpose(v):
    """x.T: a view of x, which changes when x is nudged again."""
    return v.T


def transposed_copy(v):
    """x.T as a new array: the same function as :func:`transpose`, without the view."""
    return v.T.copy()


# -- for the checks: functions that read x itself (built here, where x lives) ---------------------
def gradient_reading_x(day04, x):
    """eval_numerical_gradient of ``lambda _: cubic_with_cross_term(x)``, which ignores its argument and
    reads x itself (as ``lambda _: model.loss(X, y)[0]`` reads ``model.params``)."""
    return day04.eval_numerical_gradient(lambda _ignored: cubic_with_cross_term(x), x)


def sparse_reading_x(day04, x, analytic_grad, num_checks, h, rng):
    """grad_check_sparse of ``lambda _: sum_exp(x)``, which ignores its argument and reads x itself."""
    return day04.grad_check_sparse(lambda _ignored: sum_exp(x), x, analytic_grad, num_checks, h, rng)


# -- for the checks: TwoLayerNet ------------------------------------------------------------------
def _params_of(net):
    """``{"found": ..., "params": ...}``: whether net.params exists, and what it is."""
    if not hasattr(net, "params"):
        return {"found": False, "params": None}
    params = net.params
    return {"found": True, "params": dict(params) if type(params) is dict else params}


def _net_with(day04, params, reg):
    """TwoLayerNet(D, H, C, 1.0, reg, rng) whose params are then overwritten with copies of ``params``."""
    D, H = np.shape(params["W1"])
    net = day04.TwoLayerNet(D, H, np.shape(params["W2"])[1], 1.0, reg, np.random.default_rng(0))
    if not isinstance(getattr(net, "params", None), dict):
        raise TypeError("a TwoLayerNet must keep its parameters in a dict net.params with keys W1, b1, W2, b2")
    for name in PARAM_NAMES:
        net.params[name] = np.array(params[name], dtype=float)
    return net


def new_net_params(day04, input_dim, hidden_dim, num_classes, weight_scale, reg, rng):
    """The params of a freshly built TwoLayerNet."""
    return _params_of(day04.TwoLayerNet(input_dim, hidden_dim, num_classes, weight_scale, reg, rng))


def net_loss(day04, params, X, y=None, reg=0.0):
    """What ``net.loss(X)`` (y None) or ``net.loss(X, y)`` returns for a net with the given params and reg."""
    net = _net_with(day04, params, reg)
    return net.loss(X) if y is None else net.loss(X, y)


def fresh_net_loss(day04, input_dim, hidden_dim, num_classes, weight_scale, reg, rng, X, y):
    """What ``net.loss(X, y)`` returns for a freshly built TwoLayerNet."""
    return day04.TwoLayerNet(input_dim, hidden_dim, num_classes, weight_scale, reg, rng).loss(X, y)


def net_inputs_after_loss(day04, params, X, y, reg):
    """X, y and net.params as left by ``net.loss(X, y)`` followed by ``net.loss(X)``."""
    net = _net_with(day04, params, reg)
    net.loss(X, y)
    net.loss(X)
    return {"X": X, "y": y, "params": _params_of(net)["params"]}


# -- for the figure: relative error of numerical gradients against the step h ---------------------
def one_sided_gradient(f, x, h):
    """(f(x + h e_i) - f(x)) / h for every i: the forward difference, drawn only for contrast."""
    base = float(f(x))
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        original = x[ix]
        x[ix] = original + h
        grad[ix] = (float(f(x)) - base) / h
        x[ix] = original
    return grad


def _error_curves(day04, f, x, analytic, steps):
    """Relative errors (the learner's rel_error) of the learner's centred and of a one-sided gradient, per h."""
    centred = [day04.rel_error(day04.eval_numerical_gradient(f, x, h=float(h)), analytic) for h in steps]
    one_sided = [day04.rel_error(one_sided_gradient(f, x, float(h)), analytic) for h in steps]
    return {"centred": np.array(centred, dtype=float), "one_sided": np.array(one_sided, dtype=float)}


def error_vs_h_sine(day04, steps):
    """The error curves for f(x) = sum(sin(x)) at 6 seeded points, against its exact gradient cos(x)."""
    x = np.random.default_rng(0).standard_normal(6)
    return _error_curves(day04, sum_sin, x, np.cos(x), steps)


def error_vs_h_network(day04, steps):
    """The error curves for dL/dW1 of the learner's TwoLayerNet, against its own analytic grads['W1']."""
    gen = np.random.default_rng(1)
    net = day04.TwoLayerNet(5, 4, 3, 0.5, 0.1, gen)
    X, y = gen.standard_normal((6, 5)), gen.integers(0, 3, 6)
    _, grads = net.loss(X, y)
    return _error_curves(day04, lambda _ignored: net.loss(X, y)[0], net.params["W1"], grads["W1"], steps)


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart ---------------------------
def _restoration(x, before):
    return {"x afterwards": x, "x restored bit for bit": bool(np.array_equal(x, before))}


def catalog_eval_numerical_gradient(day04):
    gen = np.random.default_rng(40)
    x = gen.standard_normal((3, 4)) * 3  # 3 of these 12 entries do not survive x + h - 2h + h
    before = x.copy()
    out = {"grad of sum(sin(x))": day04.eval_numerical_gradient(lambda v: np.sum(np.sin(v)), x)}
    out.update(_restoration(x, before))
    x = before.copy()
    out["grad of a function reading x itself"] = day04.eval_numerical_gradient(lambda _: np.sum(x ** 3), x)
    # A step far from the default: a checker that ignores h, or writes / 2 * h for / (2 * h), shows here.
    out["grad of sum(sin(x)) with h = 1e-2"] = day04.eval_numerical_gradient(lambda v: np.sum(np.sin(v)),
                                                                            before[0].copy(), h=1e-2)
    return out


def catalog_eval_numerical_gradient_array(day04):
    gen = np.random.default_rng(41)
    x = gen.standard_normal((3, 2)) * 3
    before = x.copy()
    df = gen.standard_normal((3, 2))
    out = {"grad of tanh(x)": day04.eval_numerical_gradient_array(np.tanh, x, df)}
    out.update(_restoration(x, before))
    x = before.copy()
    out["grad of f(x) = x.T"] = day04.eval_numerical_gradient_array(lambda v: v.T, x, df.T)
    out["grad of tanh(x) with h = 1e-2"] = day04.eval_numerical_gradient_array(np.tanh, before[0].copy(), df[0],
                                                                              h=1e-2)
    return out


def catalog_rel_error(day04):
    cases = {"[1, 2] vs [1.1, 2]": ([1.0, 2.0], [1.1, 2.0]), "zeros vs zeros": (np.zeros(3), np.zeros(3)),
             "1 vs -1": (1.0, -1.0), "[1, 1, 1, 1] vs [1, 1, 1, 2]": (np.ones(4), [1.0, 1.0, 1.0, 2.0]),
             "3e-9 vs -1e-9": (3e-9, -1e-9)}
    return {label: day04.rel_error(a, b) for label, (a, b) in cases.items()}


def catalog_grad_check_sparse(day04):
    gen = np.random.default_rng(42)
    x = gen.standard_normal((2, 3, 2))
    before = x.copy()
    planted = np.exp(x) * (1 + 0.05 * np.arange(1, 13).reshape(x.shape))  # a distinct error per entry
    rng = np.random.default_rng(7)
    # A learner drawing from NumPy's global state still gives reproducible outputs: the catalog
    # (and only the catalog, run with the global-random check off) seeds it, then puts it back.
    saved = np.random.get_state()
    np.random.seed(7)
    try:
        errors = day04.grad_check_sparse(lambda v: np.sum(np.exp(v)), x, planted, 6, 1e-5, rng)
        exact = day04.grad_check_sparse(lambda v: np.sum(np.exp(v)), x.copy(), np.exp(x), 4, 1e-5,
                                        np.random.default_rng(8))
        wide = day04.grad_check_sparse(lambda v: np.sum(np.exp(v)), before.copy(), np.exp(before), 3, 1e-2,
                                       np.random.default_rng(8))
        first_row = before.reshape(4, 3)  # f depends on row 0 only: the other entries' gradients are exactly 0
        zero_grad = np.zeros_like(first_row)
        zero_grad[0] = np.exp(first_row[0])
        zeros = day04.grad_check_sparse(sum_exp_first_row, first_row.copy(), zero_grad, 6, 1e-5,
                                        np.random.default_rng(11))
    finally:
        np.random.set_state(saved)
    out = {"errors with a planted gradient": np.asarray(errors, dtype=float),
           "errors with the exact gradient": np.asarray(exact, dtype=float),
           "errors with the exact gradient, h = 1e-2": np.asarray(wide, dtype=float),
           "errors where both gradients are 0": np.asarray(zeros, dtype=float),
           "next draw of rng": rng.random()}
    out.update(_restoration(x, before))
    return out


def catalog_TwoLayerNet(day04):
    gen = np.random.default_rng(43)
    X = gen.standard_normal((4, 2, 3))
    y = np.array([0, 2, 1, 2])
    net = day04.TwoLayerNet(6, 5, 3, 0.1, 0.3, np.random.default_rng(9))
    out = {f"initial {name}": np.array(value, copy=True) for name, value in net.params.items()}
    for name, shape in (("W1", (6, 5)), ("b1", (5,)), ("W2", (5, 3)), ("b2", (3,))):
        net.params[name] = gen.standard_normal(shape)
    out["scores"] = net.loss(X)
    loss, grads = net.loss(X, y)
    out["loss"] = loss
    out["grads"] = {name: grads[name] for name in PARAM_NAMES}
    # One example whose second hidden unit sits exactly at the ReLU's kink (pre-activation 0).
    kink = {"W1": np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]), "b1": np.array([0.0, 1.0, 0.5]),
            "W2": np.array([[2.0, 0.0], [0.0, 5.0], [1.0, -1.0]]), "b2": np.array([0.0, -3.0])}
    _, kink_grads = _net_with(day04, kink, 0.1).loss(np.array([[1.0, -1.0]]), np.array([1]))
    out["grads at a ReLU kink"] = {name: kink_grads[name] for name in PARAM_NAMES}
    # Scores [1000, 0, -1000] in every row (those of tests/checks/edges.py), each class correct once.
    extreme = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]]),
               "b2": np.zeros(3)}
    out["loss on scores of +-1000"] = _net_with(day04, extreme, 0.0).loss(np.tile([1.0, -1.0], (3, 1)),
                                                                          np.array([0, 1, 2]))[0]
    return out
