"""Day 11 probes: they run in the sandboxed worker, beside the learner's day11_initialization module.

``DeepNet`` is the suite's own fully connected network (forward, backward and softmax loss in
float64, like Day 4's ``TwoLayerNet`` but of any depth): the gradient-norm checks hand it to the
learner's ``gradient_norms``, so they never depend on the learner's own networks. The judge runs
the same class itself for the trusted values (it is the kata's code, not the learner's).
"""
import warnings

import numpy as np


# -- activations the checks pass to activation_stats (functions the worker knows) ----------------
def relu(x):
    """ReLU, elementwise: ``max(0, x)``."""
    return np.maximum(x, 0.0)


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # never overflows, unlike 1 / (1 + exp(-x))


#: name -> (activation, its derivative as a function of the pre-activation)
ACTIVATIONS = {
    "relu": (relu, lambda z: (z > 0).astype(float)),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
}


def layer_numbers(params):
    """The numbers k of the weights ``W<k>`` in ``params``, in increasing order."""
    return sorted(int(name[1:]) for name in params if name[:1] == "W" and name[1:].isdigit())


def network_params(dims, scale, seed, bias=0.0):
    """Weights ``W1 ... WL`` of shapes ``(dims[k-1], dims[k])`` drawn as ``scale(fan_in) * randn``, biases ``bias``.

    ``scale`` is a number or a function of fan_in; keys go in the usual order W1, b1, W2, b2, ...
    """
    gen = np.random.default_rng(seed)
    params = {}
    for k in range(1, len(dims)):
        std = scale(dims[k - 1]) if callable(scale) else scale
        params[f"W{k}"] = gen.standard_normal((dims[k - 1], dims[k])) * std
        params[f"b{k}"] = np.full(dims[k], float(bias))
    return params


class DeepNet:
    """A fully connected network ``affine - act - ... - affine - softmax`` with the kata's model API.

    ``params`` holds ``W1 ... WL`` and ``b1 ... bL`` (any key order); the activation follows every
    layer but the last. ``loss(X, y=None)`` returns the scores when ``y`` is None, else
    ``(loss, grads)``. Every call is recorded in ``calls``.
    """

    def __init__(self, params, activation="relu"):
        self.params = params
        self.activation = activation
        self.calls = []

    def loss(self, X, y=None):
        self.calls.append({"X": np.array(X, copy=True), "y": None if y is None else np.array(y, copy=True)})
        phi, dphi = ACTIVATIONS[self.activation]
        layers = layer_numbers(self.params)
        hidden, cache = X, []
        for position, k in enumerate(layers):
            z = hidden @ self.params[f"W{k}"] + self.params[f"b{k}"]
            cache.append((hidden, z))
            hidden = phi(z) if position < len(layers) - 1 else z
        scores = hidden
        if y is None:
            return scores
        n, rows = X.shape[0], np.arange(X.shape[0])
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        loss = float(-np.mean(log_probs[rows, y]))
        upstream = np.exp(log_probs)
        upstream[rows, y] -= 1.0
        upstream /= n
        grads = {}
        for position in range(len(layers) - 1, -1, -1):
            k = layers[position]
            hidden, z = cache[position]
            if position < len(layers) - 1:
                upstream = upstream * dphi(z)
            grads[f"W{k}"] = hidden.T @ upstream
            grads[f"b{k}"] = upstream.sum(axis=0)
            upstream = upstream @ self.params[f"W{k}"].T
        return loss, {name: grads[name] for name in self.params if name in grads}


class GivenGradients:
    """A model whose ``loss`` returns fixed gradients (any values: zeros, tiny, huge, infinite)."""

    def __init__(self, params, grads):
        self.params, self._grads = params, grads
        self.calls = []

    def loss(self, X, y=None):
        self.calls.append({"X": np.array(X, copy=True), "y": None if y is None else np.array(y, copy=True)})
        if y is None:
            return np.zeros((X.shape[0], 2))
        return 1.0, {name: np.array(value, copy=True) for name, value in self._grads.items()}


# -- for the checks -----------------------------------------------------------------------------
def _snapshot(params):
    return {name: np.array(value, copy=True) for name, value in params.items()}


def norms_of_network(day11, params, X, y, activation="relu"):
    """The learner's gradient_norms of a DeepNet with ``params`` (in the key order given), and what it did."""
    model = DeepNet(params, activation)
    norms = day11.gradient_norms(model, X, y)
    return {"norms": norms, "calls": model.calls, "params after": _snapshot(model.params)}


def norms_of_given_gradients(day11, params, grads, X, y):
    """The learner's gradient_norms of a model whose loss returns ``grads``, and what it did."""
    model = GivenGradients(params, grads)
    norms = day11.gradient_norms(model, X, y)
    return {"norms": norms, "calls": model.calls, "params after": _snapshot(model.params)}


def flow_of_network(day11, params, X, y, activation="relu"):
    """The learner's gradient_norms of a DeepNet, and its diagnose_gradient_flow of them (the figure)."""
    norms = day11.gradient_norms(DeepNet(params, activation), X, y)
    return {"norms": norms, "verdict": day11.diagnose_gradient_flow(norms)}


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart ---------------------------
def _attempt(function, *args, **kwargs):
    """``function(...)``, or a short description of what it raised (so a crashing mistake can be named too).

    RuntimeWarnings (a division by zero, the square root of a negative number) count as raised, as they
    do in the checks, whatever the caller's warning filters are.
    """
    try:
        with warnings.catch_warnings(), np.errstate(divide="warn", over="warn", invalid="warn"):
            warnings.simplefilter("error", RuntimeWarning)
            return function(*args, **kwargs)
    except NotImplementedError:
        raise  # not written yet: `make compare` says so, instead of comparing a crash
    except Exception as exc:  # the catalog compares outcomes; a crash is one of them
        return f"raised {type(exc).__name__}"


def _with_global_seed(function, *args, **kwargs):
    """``function(...)`` with NumPy's global random state seeded (and restored afterwards), so that code
    drawing from it by mistake gives the same values every time it is probed."""
    state = np.random.get_state()
    np.random.seed(0)
    try:
        return _attempt(function, *args, **kwargs)
    finally:
        np.random.set_state(state)


def _init_outputs(init):
    out = {}
    for fan_in, fan_out in ((5, 3), (2, 7)):
        for distribution in ("normal", "uniform"):
            out[f"W {fan_in}x{fan_out} {distribution}"] = _with_global_seed(
                init, fan_in, fan_out, np.random.default_rng(11), distribution=distribution)
    out["W 4x6 default"] = _with_global_seed(init, 4, 6, np.random.default_rng(12))
    gen = np.random.default_rng(13)
    _with_global_seed(init, 3, 3, gen)
    out["next draw of the rng after a 3x3 call"] = float(gen.random())
    out["unknown distribution"] = _with_global_seed(init, 3, 3, np.random.default_rng(14), distribution="gaussian")
    big = _with_global_seed(init, 400, 50, np.random.default_rng(15), distribution="uniform")
    if isinstance(big, np.ndarray):
        out["std of a 400x50 uniform draw"] = float(np.std(big))
    return out


def catalog_xavier_init(day11):
    return _init_outputs(day11.xavier_init)


def catalog_he_init(day11):
    return _init_outputs(day11.he_init)


def catalog_activation_stats(day11):
    gen = np.random.default_rng(21)
    dims = (6, 9, 4, 7)
    X = gen.standard_normal((8, dims[0]))
    layers = [(gen.standard_normal((dims[k], dims[k + 1])) * 0.8, gen.standard_normal(dims[k + 1]) * 0.3)
              for k in range(len(dims) - 1)]
    out = {"stats with relu": _attempt(day11.activation_stats, X, layers, relu),
           "stats with tanh": _attempt(day11.activation_stats, X, layers, np.tanh)}
    # one layer whose units all output 0.7: the std is 0 up to rounding (and NaN for the naive formula)
    constant = [(np.zeros((dims[0], 6)), np.full(6, 0.7))]  # (8, 6) entries of 0.7: mean(h**2) < mean(h)**2
    out["stats of a constant layer"] = _attempt(day11.activation_stats, X, constant, relu)
    return out


def catalog_gradient_norms(day11):
    gen = np.random.default_rng(31)
    X, y = gen.standard_normal((7, 5)), gen.integers(0, 3, 7)
    small = network_params((5, 8, 6, 3), 0.7, seed=32, bias=0.1)
    deep = network_params((5,) + (4,) * 11 + (3,), lambda n: np.sqrt(2.0 / n), seed=33, bias=0.05)
    reversed_keys = {name: small[name] for name in reversed(list(small))}
    return {"norms of a 3-layer network": _attempt(day11.gradient_norms, DeepNet(small), X, y),
            "norms of a 12-layer network": _attempt(day11.gradient_norms, DeepNet(deep), X, y),
            "norms with params listed b3, W3, ..., b1, W1": _attempt(day11.gradient_norms, DeepNet(reversed_keys),
                                                                      X, y)}


#: The crafted lists of the catalog's diagnosis probe, with why each one is there.
DIAGNOSIS_CASES = (
    ("healthy", (0.8, 1.1, 2.5)),
    ("shrinks by 1e5", (1e-5, 1e-3, 1.0)),
    ("grows by 1e5", (1.0, 1e-3, 1e-5)),
    ("all tiny", (3e-9, 4e-9, 2e-9)),
    ("all huge", (4e3, 5e3, 3e3)),
    ("NaN", (1.0, float("nan"), 1.0)),
    ("inf", (1.0, float("inf"))),
    ("at ratio 1e-2", (1.0, 5.0, 100.0)),
    ("at ratio 1e2", (100.0, 5.0, 1.0)),
    ("at 1e3", (1e3, 900.0, 1e3)),
    ("at 1e-6", (1e-6, 1e-6)),
    ("huge and shrinking", (1e-3, 2e3)),
    ("tiny and growing", (9e-7, 1e-10)),
    ("all zero", (0.0, 0.0, 0.0)),
    ("last zero", (0.5, 0.0)),
    ("first zero", (0.0, 0.5)),
    ("one tiny layer", (1e-7, 1.0, 1.0)),
    ("middle tiny", (1.0, 1e-8, 1.0)),
    ("middle huge", (1.0, 2e3, 1.0)),
    ("middle above 1e-6", (2e-7, 2e-6, 3e-7)),
    ("one layer", (0.3,)),
)


def catalog_diagnose_gradient_flow(day11):
    return {name: _attempt(day11.diagnose_gradient_flow, list(norms)) for name, norms in DIAGNOSIS_CASES}
