"""Day 12 probes: they run in the sandboxed worker, beside the learner's day12_debugging_search module.

``ReluNet`` is the suite's own fully connected network with the kata's model API (like Day 4's
``TwoLayerNet``, of any depth): the debugging checks hand it to the learner's functions, so they
never depend on the learner's own networks, and the judge runs the same class itself for the
trusted values. The figure probes at the end train the learner's Day 4 ``TwoLayerNet``.
"""
import time

import numpy as np

from ._shared import sibling, softmax_loss


# -- the suite's own models ---------------------------------------------------------------------
class ReluNet:
    """``affine - ReLU - ... - affine - softmax`` with params ``W1, b1, ..., WL, bL`` and an L2 penalty ``reg``.

    ``loss(X)`` returns the scores, ``loss(X, y)`` returns ``(loss, grads)``; every call with labels
    is recorded in ``calls`` as the parameters it saw and the gradients it returned (copies).
    """

    def __init__(self, params, reg=0.0):
        self.params = params
        self.reg = reg
        self.calls = []

    def _layers(self):
        return sorted(int(name[1:]) for name in self.params if name[:1] == "W" and name[1:].isdigit())

    def loss(self, X, y=None):
        layers = self._layers()
        hidden, cache = np.asarray(X, dtype=float), []
        for position, k in enumerate(layers):
            z = hidden @ self.params[f"W{k}"] + self.params[f"b{k}"]
            cache.append((hidden, z))
            hidden = np.maximum(z, 0.0) if position < len(layers) - 1 else z
        if y is None:
            return hidden
        loss, upstream = softmax_loss(hidden, y)
        loss += 0.5 * self.reg * sum(float(np.sum(self.params[f"W{k}"] ** 2)) for k in layers)
        grads = {}
        for position in range(len(layers) - 1, -1, -1):
            k, (inputs, z) = layers[position], cache[position]
            if position < len(layers) - 1:
                upstream = upstream * (z > 0)
            grads[f"W{k}"] = inputs.T @ upstream + self.reg * self.params[f"W{k}"]
            grads[f"b{k}"] = upstream.sum(axis=0)
            upstream = upstream @ self.params[f"W{k}"].T
        grads = {name: grads[name] for name in self.params}
        self.calls.append({"params": {k: np.array(v, copy=True) for k, v in self.params.items()},
                           "grads": {k: np.array(v, copy=True) for k, v in grads.items()}})
        return loss, grads


def network_params(dims, weight_scale, rng, hidden_bias=0.0):
    """``W1 ... WL`` of shapes ``(dims[k-1], dims[k])`` as ``weight_scale * randn``; hidden biases ``hidden_bias``."""
    params = {}
    for k in range(1, len(dims)):
        params[f"W{k}"] = weight_scale * rng.standard_normal((dims[k - 1], dims[k]))
        params[f"b{k}"] = np.full(dims[k], float(hidden_bias) if k < len(dims) - 1 else 0.0)
    return params


def _accuracy(model, X, y):
    return float(np.mean(np.argmax(model.loss(X), axis=1) == y))


class Factory:
    """A ``make_model(rng)`` that records its calls and keeps the models it built.

    ``dead`` builds a broken network: every hidden bias is -100, so no ReLU ever fires, no
    gradient reaches the weights, and only the last bias can learn (one class for every input).
    """

    def __init__(self, dims, weight_scale=0.5, dead=False):
        self.dims, self.weight_scale, self.dead = dims, weight_scale, dead
        self.models, self.arguments = [], []

    def __call__(self, rng=None):
        self.arguments.append(type(rng).__name__)
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(12345)
        model = ReluNet(network_params(self.dims, self.weight_scale, gen, -100.0 if self.dead else 0.0))
        self.models.append(model)
        return model


# -- for the checks -------------------------------------------------------------------------------
def initial_loss(day12, params, reg, X, y):
    """The learner's initial_loss_check on a ReluNet with these params; also the params it left behind."""
    model = ReluNet({k: np.array(v, dtype=float) for k, v in params.items()}, reg)
    result = day12.initial_loss_check(model, X, y)
    return {"result": result, "params after": model.params}


def overfit_recording(day12, dims, X, y, steps, seed, learning_rate=None):
    """The learner's overfit_small_batch with a recording factory: what it returned, every call of each model
    it built, each model's final params and true accuracy, and how make_model was called."""
    factory = Factory(dims)
    rng = np.random.default_rng(seed)
    if learning_rate is None:
        accuracy = day12.overfit_small_batch(factory, X, y, steps, rng)
    else:
        accuracy = day12.overfit_small_batch(factory, X, y, steps, rng, learning_rate=learning_rate)
    return {"accuracy": accuracy, "arguments": factory.arguments,
            "models": [{"calls": m.calls, "final": m.params, "accuracy": _accuracy(m, X, y)} for m in factory.models]}


def overfit_outcome(day12, dims, X, y, steps, seed, dead=False):
    """What overfit_small_batch returns for a healthy (or a dead) network, and the accuracy its model really has."""
    factory = Factory(dims, dead=dead)
    accuracy = day12.overfit_small_batch(factory, X, y, steps, np.random.default_rng(seed))
    return {"accuracy": accuracy, "true": [_accuracy(m, X, y) for m in factory.models], "built": len(factory.models)}


def scalar_draws(day12, low, high, seed, n):
    """``n`` single draws of sample_log_uniform from one generator, and the type of the first."""
    rng = np.random.default_rng(seed)
    draws = [day12.sample_log_uniform(low, high, rng) for _ in range(n)]
    return {"draws": [float(d) for d in draws], "type": type(draws[0]).__name__, "ndim": int(np.ndim(draws[0]))}


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart -------------------------
OVERFIT_DIMS = (6, 16, 16, 4)


def overfit_batch(seed=3, n=10):
    gen = np.random.default_rng(seed)
    return gen.standard_normal((n, OVERFIT_DIMS[0])), gen.integers(0, OVERFIT_DIMS[-1], n)


def catalog_initial_loss_check(day12):
    gen = np.random.default_rng(4)
    params = {"W1": 0.5 * gen.standard_normal((3, 7)), "b1": np.zeros(7)}
    X, y = gen.standard_normal((5, 3)), np.array([0, 1, 3, 3, 1])
    observed, expected = day12.initial_loss_check(ReluNet(params), X, y)
    return {"observed": observed, "expected": expected}


def catalog_overfit_small_batch(day12):
    X, y = overfit_batch()
    out = overfit_recording(day12, OVERFIT_DIMS, X, y, 6, 0, learning_rate=0.05)
    first = out["models"][0]["final"] if out["models"] else {}
    return {"accuracy": out["accuracy"], "models built": len(out["models"]),
            "training calls": len(out["models"][0]["calls"]) if out["models"] else 0,
            "final params": np.concatenate([np.ravel(first[k]) for k in sorted(first)]) if first else np.zeros(0)}


def catalog_update_ratio(day12):
    gen = np.random.default_rng(6)
    params = {"W1": gen.standard_normal((4, 3)), "b1": np.zeros(3), "W2": 0.1 * gen.standard_normal((3, 2)),
              "b2": np.array([0.5, -0.25])}
    updates = {"W1": 1e-3 * gen.standard_normal((4, 3)), "b1": np.array([1e-3, 0.0, -2e-3]),
               "W2": 1e-2 * gen.standard_normal((3, 2)), "b2": np.zeros(2)}
    with np.errstate(all="ignore"):
        return {f"ratio {k}": v for k, v in day12.update_ratio(params, updates).items()}


def _raised(call):
    """The name of the exception ``call()`` raised, or "nothing"."""
    try:
        with np.errstate(all="ignore"):
            call()
    except Exception as exc:  # the probe only records what happened; the checks judge it
        return type(exc).__name__
    return "nothing"


def catalog_sample_log_uniform(day12):
    with np.errstate(all="ignore"):
        out = {"draws": day12.sample_log_uniform(1e-5, 1e-1, np.random.default_rng(8), size=6),
               "one draw": day12.sample_log_uniform(2.0, 50.0, np.random.default_rng(9))}
    out["raised for low = 0"] = _raised(lambda: day12.sample_log_uniform(0.0, 1.0, np.random.default_rng(0)))
    return out


CATALOG_SPACE = {"learning_rate": (1e-5, 1e-1, "log"), "keep_prob": (0.2, 0.9, "linear")}


def catalog_random_search(day12):
    trials = day12.random_search(CATALOG_SPACE, 5, np.random.default_rng(10))
    other = day12.random_search(CATALOG_SPACE, 2, np.random.default_rng(11))
    return {"values": np.array([[t[k] for k in CATALOG_SPACE] for t in trials]),
            "values with another seed": np.array([[t[k] for k in CATALOG_SPACE] for t in other])}


def catalog_grid_search(day12):
    space = {"learning_rate": [1e-3, 1e-2, 1e-1], "reg": [0.0, 1e-4], "hidden": [50, 100]}
    trials = day12.grid_search(space)
    return {"values": np.array([[t.get(k, np.nan) for k in space] for t in trials], dtype=float)}


def catalog_best_trial(day12):
    def result(lr, reg, val, train, test):
        return {"params": {"learning_rate": lr, "reg": reg}, "val_acc": val, "train_acc": train, "test_acc": test}
    # The best on validation is result 1 (tied with 2), on test result 0, on train result 4; the worst is 3.
    results = [result(1e-3, 1e-2, 0.80, 0.99, 0.93), result(1e-1, 1e-4, 0.91, 0.95, 0.85),
               result(1e-2, 1e-3, 0.91, 0.97, 0.88), result(3e-2, 3e-3, 0.60, 0.62, 0.60),
               result(3e-3, 1e-3, 0.85, 1.00, 0.80)]
    best, border = day12.best_trial(results)
    return {"best": np.array([best["params"]["learning_rate"], best["params"]["reg"]]),
            "border": {k: str(v) for k, v in border.items()}}


def catalog_train_tiny_network(day12):
    gen = np.random.default_rng(12)
    with np.errstate(all="ignore"):
        downhill = day12.train_tiny_network(gen.standard_normal((12, 2)), np.full(12, 2), np.random.default_rng(0),
                                            learning_rate=0.01, epochs=3, batch_size=12)
        X, y = gen.standard_normal((15, 3)), np.arange(15) % 3
        frozen = day12.train_tiny_network(X, y, np.random.default_rng(1), learning_rate=0.0, epochs=3,
                                          batch_size=15, weight_scale=1.0)
        one = np.array([[0.5, -1.0, 2.0]])
        alone = day12.train_tiny_network(one, np.array([2]), np.random.default_rng(2), learning_rate=0.5, epochs=3)
        copies = day12.train_tiny_network(np.repeat(one, 8, axis=0), np.full(8, 2), np.random.default_rng(2),
                                          learning_rate=0.5, epochs=3)
    return {"losses with one label": np.array(downhill["loss"]), "losses at learning_rate 0": np.array(frozen["loss"]),
            "losses of one example": np.array(alone["loss"]), "losses of 8 copies": np.array(copies["loss"])}


# -- for the figures: the learner's Day 4 TwoLayerNet trained with plain SGD ---------------------
def _train_two_layer(day04, X, y, X_val, y_val, learning_rate, reg, epochs, batch_size, hidden_dim, seed,
                     record=False):
    rng = np.random.default_rng(seed)
    net = day04.TwoLayerNet(X.shape[1], hidden_dim, int(np.max(y)) + 1, 1e-2, reg, rng)
    losses, seconds = [], []
    diverged = False
    for _ in range(epochs):
        start = time.perf_counter()
        order = rng.permutation(len(y))
        for first in range(0, len(y) - batch_size + 1, batch_size):
            idx = order[first:first + batch_size]
            loss, grads = net.loss(X[idx], y[idx])
            if not np.isfinite(loss) or loss > 1e3:
                diverged = True
                break
            for name in net.params:
                net.params[name] = net.params[name] - learning_rate * grads[name]
            if record:
                losses.append(float(loss))
        seconds.append(time.perf_counter() - start)
        if diverged:
            break
    if diverged:
        val_acc = train_acc = 1.0 / (int(np.max(y)) + 1)
    else:
        val_acc = float(np.mean(np.argmax(net.loss(X_val), axis=1) == y_val))
        train_acc = float(np.mean(np.argmax(net.loss(X[:1000]), axis=1) == y[:1000]))
    return {"val_acc": val_acc, "train_acc": train_acc, "losses": losses, "seconds": seconds, "diverged": diverged}


def search_runs(day12, X, y, X_val, y_val, trials, epochs, batch_size=100, hidden_dim=50, seed=0):
    """Train the learner's TwoLayerNet once per trial (``learning_rate``, ``reg``); one result per trial."""
    day04 = sibling(day12, "day04_gradcheck")
    results = []
    with np.errstate(all="ignore"):  # a diverging trial is part of the search, not an error
        for trial in trials:
            run = _train_two_layer(day04, X, y, X_val, y_val, float(trial["learning_rate"]), float(trial["reg"]),
                                   epochs, batch_size, hidden_dim, seed)
            results.append({"params": dict(trial), "val_acc": run["val_acc"], "train_acc": run["train_acc"],
                            "diverged": run["diverged"]})
    return results


def batch_size_run(day12, X, y, X_val, y_val, batch_size, learning_rate, epochs, hidden_dim=50, seed=0):
    """One run of the batch-size experiment: minibatch losses, seconds per epoch, final validation accuracy."""
    day04 = sibling(day12, "day04_gradcheck")
    with np.errstate(all="ignore"):
        return _train_two_layer(day04, X, y, X_val, y_val, learning_rate, 0.0, epochs, batch_size, hidden_dim, seed,
                                record=True)
