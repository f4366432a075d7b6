"""Day 2 probes: they run in the sandboxed worker, beside the learner's day02_perceptron_mlp module.

The first part holds the functions the checks pass to the learner's code (activations for
``mlp_forward``, curves for ``relu_interpolant``); the judge may call them too, as they are
the suite's own trusted code. The second part holds the catalog's probes.
"""
import warnings

import numpy as np


# -- callables for the checks (passed to mlp_forward and relu_interpolant) -----------------------
def relu(z):
    """The suite's own ReLU, so ``mlp_forward`` is graded independently of the learner's ``relu``."""
    return np.maximum(z, 0.0)


def identity(z):
    """No activation at all: ``mlp_forward(X, layers, identity)`` is a purely linear stack."""
    return z


def cubic(t):
    """A curved function with f(a) != 0 on every interval the checks use."""
    return 0.5 * np.asarray(t) ** 3 - np.asarray(t) + 2.0


def line(t):
    """f(t) = 3t - 1: a line is its own linear interpolant."""
    return 3.0 * np.asarray(t) - 1.0


def cos_plus_half_t(t):
    """cos(t) + t / 2: curved, with f(a) != 0, so every interpolation mistake shows."""
    return np.cos(t) + 0.5 * np.asarray(t)


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart -------------------------
_GRID = np.array([-1000.0, -30.0, -2.0, -0.5, 0.0, 0.5, 2.0, 30.0, 1000.0])
_INT_X = np.array([-3, -1, 0, 2, 5])
_HAND_X, _HAND_Y = np.array([[-2.0, 2.0], [1.0, 1.0], [-1.0, 0.0]]), np.array([-1, 1, 1])
_XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
#: The same inputs as tests/checks/edges.py KINK_X (the worker cannot import the judge's modules).
_KINK_X = np.array([[-1.5, 0.0, 2.0], [0.0, 3.0, -0.5]])


def _float_trouble(fn, x) -> bool:
    """True when fn(x) overflows, divides by zero or makes a NaN (raised or warned)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            try:
                fn(x)
            except (FloatingPointError, RuntimeWarning, OverflowError):
                return True
    return False


def _activation_outputs(fn, name):
    """Values on a grid up to |x| = 1000, and where the floating-point trouble is.

    The trouble at x = +1000 and at x = -1000 is recorded separately: the textbook form
    1 / (1 + exp(-x)) overflows only at -1000, exp(x) / (1 + exp(x)) only at +1000, and an
    np.where that computes both forms for every x overflows at both (with the right values).
    """
    with np.errstate(all="ignore"):
        values = fn(_GRID.copy())
        on_ints = np.asarray(fn(_INT_X.copy()))
    return {f"{name}(x) at x = {_GRID.tolist()}": values,
            f"{name}(x) at integer x = {_INT_X.tolist()}": on_ints.astype(float),
            f"{name} of an integer array gives floats": bool(on_ints.dtype.kind == "f"),
            "floating-point trouble at x = 1000": _float_trouble(fn, np.array([1000.0])),
            "floating-point trouble at x = -1000": _float_trouble(fn, np.array([-1000.0])),
            "floating-point trouble for |x| <= 30": _float_trouble(fn, _GRID[1:-1].copy())}


def catalog_sigmoid(day02):
    return _activation_outputs(day02.sigmoid, "sigmoid")


def catalog_tanh(day02):
    return _activation_outputs(day02.tanh, "tanh")


def catalog_relu(day02):
    x = _KINK_X.copy()
    out = np.array(day02.relu(x), dtype=float, copy=True)
    return {"relu(x)": out, "x after the call": x}


def catalog_perceptron_train(day02):
    out = {}
    for label, X, y, epochs, lr in (("hand fixture", _HAND_X, _HAND_Y, 5, 0.5),
                                    ("one negative example", np.array([[1.0, 2.0]]), np.array([-1]), 2, 1.0),
                                    ("one positive example", np.array([[1.0, -2.0]]), np.array([1]), 2, 0.25),
                                    ("XOR", _XOR_X, np.array([-1, 1, 1, -1]), 4, 1.0),
                                    ("order fixture", np.array([[1.0, 0.0], [2.0, 1.0], [0.0, 2.0], [-1.0, -1.0]]),
                                     np.array([1, 1, -1, -1]), 2, 1.0)):
        w, b, mistakes = day02.perceptron_train(X.copy(), y.copy(), epochs, lr)
        out[f"w ({label})"] = w
        out[f"b ({label})"] = b
        out[f"mistakes_per_epoch ({label})"] = np.asarray(mistakes, dtype=float)
    return out


def catalog_mlp_forward(day02):
    gen = np.random.default_rng(4)
    X = gen.standard_normal((5, 3))
    layers = [(gen.standard_normal((m, n)), gen.standard_normal(n)) for m, n in ((3, 4), (4, 4), (4, 2))]
    return {"scores (3 -> 4 -> 4 -> 2, relu)": day02.mlp_forward(X, layers, relu),
            "scores (3 -> 4 -> 4 -> 2, tanh)": day02.mlp_forward(X, layers, np.tanh),
            "scores (one layer, relu)": day02.mlp_forward(X, layers[:1], relu)}


def catalog_collapse_linear(day02):
    gen = np.random.default_rng(6)
    layers = [(gen.standard_normal((3, 3)), gen.standard_normal(3)) for _ in range(3)]
    W, b = day02.collapse_linear(layers)
    return {"W": W, "b": b}


def _forward(X, layers):
    """The suite's forward pass: ReLU between layers, none after the last."""
    hidden = X
    for k, (W, b) in enumerate(layers):
        hidden = hidden @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)
        if k < len(layers) - 1:
            hidden = relu(hidden)
    return hidden


def catalog_xor_network(day02):
    return {"scores on [0, 0], [0, 1], [1, 0], [1, 1]": _forward(_XOR_X, day02.xor_network())}


def catalog_relu_interpolant(day02):
    t = np.linspace(-1.0, 2.0, 13).reshape(-1, 1)
    return {f"net(t), n = {n}": _forward(t, day02.relu_interpolant(cos_plus_half_t, -1.0, 2.0, n))
            for n in (2, 3, 6)}
