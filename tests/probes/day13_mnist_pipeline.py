"""Day 13 probes: they run in the sandboxed worker, beside the learner's day13_mnist_pipeline module.

The suite's own models, update rules and schedules are module-level here so that both sides use
the very same code: the learner's ``train`` and ``evaluate`` drive them in the worker, and the
checks (in the judge) compute the expected histories with them. They are pure NumPy.

- :class:`SoftmaxModel` is a linear softmax classifier that learns for real and records every
  call of ``loss`` (which examples, training or test mode); column 0 of every data set the
  checks build holds the example's id, so a batch says which examples it holds.
- :class:`ClockModel` does not learn: its one parameter counts the updates it received, and its
  accuracies follow a script, epoch by epoch, so early stopping meets exactly the sequence of
  validation accuracies a check wants (a peak, a tie, a decline).
- :class:`ScoresModel` returns given columns of X as its scores, for ``evaluate``.
- :func:`logging_momentum` logs every call (which parameter, its step count, its learning rate)
  in :data:`RULE_LOG` and returns a new config each time.
"""
import contextlib
import io

import numpy as np

from .day05_sgd_momentum import suite_momentum, suite_sgd


# -- models -----------------------------------------------------------------------------------------
class SoftmaxModel:
    """Scores ``X[:, 1:] @ W1 + b1``, softmax cross-entropy, L2 ``0.5 * reg * sum(W1**2)``; records its calls.

    Column 0 of X is the example's id, not a feature: ``calls`` gets ``("train", ids)`` for
    ``loss(X, y)`` and ``("test", ids)`` for ``loss(X)``, with ``ids = X[:, 0]`` as integers.
    """

    def __init__(self, params, reg=0.0):
        self.params = {name: np.array(value, dtype=float) for name, value in params.items()}
        self.reg = reg
        self.calls = []

    def loss(self, X, y=None):
        self.calls.append(("train" if y is not None else "test", np.rint(X[:, 0]).astype(np.int64)))
        W, b = self.params["W1"], self.params["b1"]
        features = X[:, 1:]
        scores = features @ W + b
        if y is None:
            return scores
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(X.shape[0])
        loss = -log_probs[rows, y].mean() + 0.5 * self.reg * np.sum(W * W)
        dscores = np.exp(log_probs)
        dscores[rows, y] -= 1.0
        dscores /= X.shape[0]
        return float(loss), {"W1": features.T @ dscores + self.reg * W, "b1": dscores.sum(axis=0)}


class ClockModel:
    """A model whose accuracies follow a script, and whose one parameter counts its updates.

    ``loss(X, y)`` returns the loss ``1 / (1 + W1[0])`` and the gradient ``-1`` for ``W1``, so SGD
    with learning rate 1 adds 1 per iteration: after epoch e (counted from 0) of an honest loop,
    ``W1 = (e + 1) * iterations_per_epoch``. In test mode, the epoch is read back from ``W1``, and
    the first ``round(acc * n)`` examples of the training (or validation) ids are classified
    correctly, with ``acc`` that epoch's entry of ``train_script`` (or ``val_script``); before any
    update, or past the script's end, its first (or last) entry applies.
    """

    def __init__(self, labels, num_train, iterations_per_epoch, train_script, val_script, num_classes=3):
        self.params = {"W1": np.zeros(1)}
        self.labels = np.asarray(labels)
        self.num_train = num_train
        self.iterations_per_epoch = iterations_per_epoch
        self.scripts = (list(train_script), list(val_script))
        self.num_classes = num_classes
        self.calls = []

    def _epoch(self):
        return int(np.rint(self.params["W1"][0])) // self.iterations_per_epoch - 1

    def loss(self, X, y=None):
        ids = np.rint(X[:, 0]).astype(np.int64)
        self.calls.append(("train" if y is not None else "test", ids))
        if y is not None:
            return 1.0 / (1.0 + float(self.params["W1"][0])), {"W1": -np.ones(1)}
        epoch = self._epoch()
        scores = np.zeros((len(ids), self.num_classes))
        for row, example in enumerate(ids):
            is_val = example >= self.num_train
            script = self.scripts[1 if is_val else 0]
            acc = script[min(max(epoch, 0), len(script) - 1)]
            rank = example - self.num_train if is_val else example
            size = len(self.labels) - self.num_train if is_val else self.num_train
            right = rank < int(round(acc * size))
            label = int(self.labels[example])
            scores[row, label if right else (label + 1) % self.num_classes] = 1.0
        return scores


class ScoresModel:
    """``loss(X)`` returns ``X[:, :num_classes]`` as the scores; records the size of every call and its mode."""

    def __init__(self, num_classes):
        self.num_classes = num_classes
        self.params = {}
        self.sizes = []
        self.modes = []

    def loss(self, X, y=None):
        self.sizes.append(int(X.shape[0]))
        self.modes.append("train" if y is not None else "test")
        if y is not None:
            return 0.0, {}
        return np.array(X[:, :self.num_classes], dtype=float)


# -- update rules and schedules -----------------------------------------------------------------------
#: One entry per call of :func:`logging_momentum`: (size of w, the step count t of its config, the
#: learning rate used). Cleared by every probe that uses it.
RULE_LOG = []


sgd = suite_sgd  # the kata's SGD and momentum, as Day 5's suite defines them
sgd_momentum = suite_momentum


def logging_momentum(w, dw, config=None):
    """Momentum that counts its steps in ``t``, logs each call in RULE_LOG and returns a *new* config.

    A velocity of another shape (left by another parameter that shares the config) is treated as
    zero rather than broadcast, so a shared config shows in the log instead of crashing.
    """
    config = {} if config is None else config
    lr, mu = config.get("learning_rate", 1e-2), config.get("momentum", 0.9)
    t = config.get("t", 0) + 1
    velocity = config.get("velocity")
    if velocity is None or np.shape(velocity) != np.shape(w):
        velocity = np.zeros_like(w)
    velocity = mu * velocity - lr * dw
    RULE_LOG.append((int(np.size(w)), t, float(lr)))
    return w + velocity, {"learning_rate": lr, "momentum": mu, "t": t, "velocity": velocity}


def logging_momentum_in_place(w, dw, config=None):
    """The same momentum, writing its state into the dict it was given and returning that dict (as the Day 5
    and 6 rules do): a config shared between parameters then counts the steps of both."""
    config = {} if config is None else config
    lr, mu = config.setdefault("learning_rate", 1e-2), config.setdefault("momentum", 0.9)
    config["t"] = config.get("t", 0) + 1
    velocity = config.get("velocity")
    if velocity is None or np.shape(velocity) != np.shape(w):
        velocity = np.zeros_like(w)
    config["velocity"] = mu * velocity - lr * dw
    RULE_LOG.append((int(np.size(w)), config["t"], float(lr)))
    return w + config["velocity"], config


def decaying_schedule(step):
    """0.5 * 0.8**step: a learning rate that changes at every iteration."""
    return 0.5 * 0.8 ** step


def _rule_log():
    log = np.array(RULE_LOG, dtype=float).reshape(-1, 3)
    return {"sizes": log[:, 0], "t": log[:, 1], "learning_rates": log[:, 2]}


# -- data ---------------------------------------------------------------------------------------------
def id_data(num_train, num_val, num_features, num_classes, seed):
    """A data dict whose column 0 is the example's id (0 .. num_train + num_val - 1), the rest noise
    plus a class signal, and whose labels cycle through the classes."""
    gen = np.random.default_rng(seed)
    total = num_train + num_val
    y = gen.integers(0, num_classes, total)
    X = 0.5 * gen.standard_normal((total, num_features))
    X[np.arange(total), 1 + y % (num_features - 1)] += 1.0
    X[:, 0] = np.arange(total)
    return {"X_train": X[:num_train], "y_train": y[:num_train], "X_val": X[num_train:], "y_val": y[num_train:]}


def blobs(num_train, num_val, num_features, num_classes, seed, dtype=np.float64):
    """A data dict of separable Gaussian blobs (one centre per class, spread 1, centres about 4 apart)."""
    gen = np.random.default_rng(seed)
    centres = 2.5 * gen.standard_normal((num_classes, num_features))
    total = num_train + num_val
    y = gen.integers(0, num_classes, total)
    X = (centres[y] + gen.standard_normal((total, num_features))).astype(dtype)
    return {"X_train": X[:num_train], "y_train": y[:num_train], "X_val": X[num_train:], "y_val": y[num_train:]}


# -- iterate_minibatches ------------------------------------------------------------------------------
def minibatches(day13, X, y, batch_size, rng, shuffle=None, limit=1000):
    """The batches of one call, as lists (at most ``limit``), the inputs as the code left them, and the
    next draw of ``rng`` (None when rng is None). ``shuffle`` None leaves the argument at its default."""
    args = (X, y, batch_size, rng) if shuffle is None else (X, y, batch_size, rng, shuffle)
    X_batches, y_batches = [], []
    for k, batch in enumerate(day13.iterate_minibatches(*args)):
        if k >= limit:
            break
        X_batch, y_batch = batch
        X_batches.append(np.array(X_batch))
        y_batches.append(np.array(y_batch))
    return {"X_batches": X_batches, "y_batches": y_batches, "X": X, "y": y,
            "next draw": None if rng is None else float(rng.random())}


def two_epochs(day13, X, y, batch_size, seed):
    """The row ids of two consecutive calls with the same generator: each call must draw a new order."""
    rng = np.random.default_rng(seed)
    first = [np.array(b[0][:, 0]) for b in day13.iterate_minibatches(X, y, batch_size, rng)]
    second = [np.array(b[0][:, 0]) for b in day13.iterate_minibatches(X, y, batch_size, rng)]
    return {"first": first, "second": second}


def is_lazy(day13, X, y, batch_size, seed):
    """Whether a call draws nothing from rng before its first batch is asked for (a generator)."""
    rng = np.random.default_rng(seed)
    batches = day13.iterate_minibatches(X, y, batch_size, rng)
    untouched = rng.bit_generator.state == np.random.default_rng(seed).bit_generator.state
    first = next(iter(batches))
    return {"untouched before the first batch": bool(untouched), "first batch size": int(np.shape(first[0])[0])}


# -- FullyConnectedNet --------------------------------------------------------------------------------
def _set_params(net, params, dtype=None):
    for name, value in params.items():
        net.params[name] = np.array(value, dtype=dtype) if dtype is not None else value


def new_net(day13, hidden_dims, kwargs):
    """``FullyConnectedNet(hidden_dims, **kwargs)``: its params and attributes."""
    kwargs = dict(kwargs)
    for key in ("dtype",):
        if key in kwargs and isinstance(kwargs[key], str):
            kwargs[key] = np.dtype(kwargs[key])
    net = day13.FullyConnectedNet(hidden_dims, **kwargs)
    params = getattr(net, "params", None)
    return {"params": dict(params) if isinstance(params, dict) else None,
            "rng is a Generator": isinstance(getattr(net, "rng", None), np.random.Generator),
            "reg": getattr(net, "reg", None), "keep_prob": getattr(net, "keep_prob", None)}


def net_loss(day13, params, X, y, hidden_dims, keep_prob, reg, seed, dtype="float64"):
    """``loss(X, y)`` (scores when y is None) of a net built with these settings, then given ``params``, with
    ``model.rng = default_rng(seed)`` set just before the call."""
    D, C = np.shape(params["W1"])[0], np.shape(params[f"b{len(hidden_dims) + 1}"])[0]
    net = day13.FullyConnectedNet(list(hidden_dims), input_dim=D, num_classes=C, keep_prob=keep_prob, reg=reg,
                                  rng=np.random.default_rng(0), dtype=np.dtype(dtype))
    _set_params(net, params, np.dtype(dtype))
    net.rng = np.random.default_rng(seed)
    return net.loss(X, y)


def net_repeatability(day13, params, X, y, hidden_dims, keep_prob, reg, seed):
    """Losses of three training calls: two each after ``model.rng = default_rng(seed)``, one right after."""
    D, C = np.shape(params["W1"])[0], np.shape(params[f"b{len(hidden_dims) + 1}"])[0]
    net = day13.FullyConnectedNet(list(hidden_dims), input_dim=D, num_classes=C, keep_prob=keep_prob, reg=reg,
                                  rng=np.random.default_rng(0))
    _set_params(net, params)
    net.rng = np.random.default_rng(seed)
    first = net.loss(X, y)[0]
    net.rng = np.random.default_rng(seed)
    second = net.loss(X, y)[0]
    third = net.loss(X, y)[0]
    return {"first": first, "second": second, "third": third}


def net_draws(day13, params, X, y, hidden_dims, keep_prob, seed):
    """The next draw of ``model.rng`` after a training call and after a test call (from ``default_rng(seed)``)."""
    D, C = np.shape(params["W1"])[0], np.shape(params[f"b{len(hidden_dims) + 1}"])[0]
    net = day13.FullyConnectedNet(list(hidden_dims), input_dim=D, num_classes=C, keep_prob=keep_prob,
                                  rng=np.random.default_rng(0))
    _set_params(net, params)
    net.rng = np.random.default_rng(seed)
    net.loss(X, y)
    after_train = float(net.rng.random())
    net.rng = np.random.default_rng(seed)
    net.loss(X)
    after_test = float(net.rng.random())
    return {"after a training call": after_train, "after a test call": after_test}


def net_float32(day13, params, X, y, hidden_dims, keep_prob, reg, seed):
    """A float32 net given ``params``: the dtypes (and values) of its params, scores (for a float64 and a
    float32 X), loss and grads. keep_prob and reg are given as NumPy float64 scalars, as a hyperparameter
    search (np.logspace, rng.uniform) hands them out."""
    D, C = np.shape(params["W1"])[0], np.shape(params[f"b{len(hidden_dims) + 1}"])[0]
    net = day13.FullyConnectedNet(list(hidden_dims), input_dim=D, num_classes=C, keep_prob=np.float64(keep_prob),
                                  reg=np.float64(reg), rng=np.random.default_rng(0), dtype=np.float32)
    built = {name: str(np.asarray(value).dtype) for name, value in net.params.items()}
    _set_params(net, params, np.float32)
    scores64 = net.loss(np.asarray(X, dtype=np.float64))
    scores32 = net.loss(np.asarray(X, dtype=np.float32))
    net.rng = np.random.default_rng(seed)
    loss, grads = net.loss(np.asarray(X, dtype=np.float32), y)
    net.rng = np.random.default_rng(seed)
    loss64x, grads64x = net.loss(np.asarray(X, dtype=np.float64), y)
    return {"built dtypes": built,
            "scores dtype, float64 X": str(np.asarray(scores64).dtype),
            "scores dtype, float32 X": str(np.asarray(scores32).dtype),
            "scores": np.asarray(scores32, dtype=np.float64),
            "loss type": type(loss).__name__, "loss": float(loss),
            "grads dtypes": {name: str(np.asarray(g).dtype) for name, g in grads.items()},
            "grads dtypes, float64 X": {name: str(np.asarray(g).dtype) for name, g in grads64x.items()},
            "grads": {name: np.asarray(g, dtype=np.float64) for name, g in grads.items()}}


def net_bad_init(day13):
    """What ``FullyConnectedNet([3], input_dim=4, num_classes=2, init="kaiming")`` does: the exception's type."""
    try:
        day13.FullyConnectedNet([3], input_dim=4, num_classes=2, init="kaiming", rng=np.random.default_rng(0))
    except ValueError:  # anything else (the stub's NotImplementedError too) is the learner's crash, reported as such
        return {"raised": "ValueError"}
    return {"raised": None}


# -- evaluate -----------------------------------------------------------------------------------------
def evaluate_recorded(day13, X, y, num_classes, batch_size=None):
    """``evaluate(ScoresModel, X, y[, batch_size])``: the accuracy, the size and mode of every call, and the inputs
    as the code left them."""
    model = ScoresModel(num_classes)
    accuracy = day13.evaluate(model, X, y) if batch_size is None else day13.evaluate(model, X, y, batch_size)
    return {"accuracy": accuracy, "sizes": model.sizes, "modes": model.modes, "X": X, "y": y}


# -- train ----------------------------------------------------------------------------------------------
def _quietly(function):
    """``function()`` with stdout and stderr captured (they are not terminals): its result and what it wrote."""
    sink = io.StringIO()
    with contextlib.redirect_stderr(sink), contextlib.redirect_stdout(sink):
        result = function()
    return result, sink.getvalue()


def train_softmax(day13, data, initial, reg, rule, config, kwargs):
    """``train`` of a :class:`SoftmaxModel` (from ``initial``) with ``rule`` (a probe rule) and ``config``.

    Returns the history, the final params, the model's calls, the rule's log, the caller's config and data
    as the code left them, and what was written to stdout and stderr."""
    RULE_LOG.clear()
    model = SoftmaxModel(initial, reg)
    history, output = _quietly(lambda: day13.train(model, data, rule, config, **kwargs))
    return {"history": history, "params": dict(model.params), "calls": [list(c) for c in model.calls],
            "rule log": _rule_log(), "config": config, "data": data, "output": output}


def train_clock(day13, labels, num_train, batch_size, train_script, val_script, kwargs):
    """``train`` of a :class:`ClockModel` with SGD at learning rate 1: the history, the final clock and calls."""
    num_val = len(labels) - num_train
    X = np.zeros((len(labels), 2))
    X[:, 0] = np.arange(len(labels))
    data = {"X_train": X[:num_train], "y_train": np.asarray(labels[:num_train]),
            "X_val": X[num_train:], "y_val": np.asarray(labels[num_train:])}
    del num_val
    iterations = -(-num_train // batch_size)
    model = ClockModel(labels, num_train, iterations, train_script, val_script)
    history, output = _quietly(lambda: day13.train(model, data, sgd, {"learning_rate": 1.0},
                                                  batch_size=batch_size, **kwargs))
    return {"history": history, "clock": float(model.params["W1"][0]), "calls": [list(c) for c in model.calls],
            "output": output}


def train_network(day13, data, hidden_dims, keep_prob, reg, dtype, seed, config, kwargs):
    """A :class:`FullyConnectedNet` trained with ``train`` and SGD with momentum: history and final accuracy."""
    D, C = data["X_train"].shape[1], int(max(data["y_train"].max(), data["y_val"].max())) + 1
    net = day13.FullyConnectedNet(list(hidden_dims), input_dim=D, num_classes=C, keep_prob=keep_prob, reg=reg,
                                  rng=np.random.default_rng(seed), dtype=np.dtype(dtype))
    history, output = _quietly(lambda: day13.train(net, data, sgd_momentum, config, **kwargs))
    return {"history": history, "val accuracy": day13.evaluate(net, data["X_val"], data["y_val"]),
            "dtypes": {name: str(np.asarray(v).dtype) for name, v in net.params.items()}, "output": output}


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart ------------------------------
def _attempt(compute, *args, **kwargs):
    """``compute(*args, **kwargs)``, or the name of the exception it raised (a mutant may crash on one input).

    NotImplementedError (a stub) is let through, so that unwritten code reads as not started."""
    try:
        return compute(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as exc:  # the catalog compares outputs; a crash is an output too
        return f"raised {type(exc).__name__}"


def _ids(batches):
    return np.array([int(round(float(v))) for b in batches for v in np.asarray(b)[:, 0]], dtype=float)


def catalog_preprocess(day13):
    gen = np.random.default_rng(50)
    images = gen.integers(0, 256, (3, 4, 4)).astype(np.uint8)
    images[:, 0, 0], images[:, 0, 1] = 0, 255
    test_images = gen.integers(0, 120, (2, 4, 4)).astype(np.uint8)
    mean = (images.reshape(3, -1) / 255.0).mean(axis=0)
    float32 = _attempt(lambda: day13.preprocess(images, None, np.float32))
    return {"X": _attempt(lambda: day13.preprocess(images)),
            "X of the test images, centred": _attempt(lambda: day13.preprocess(test_images, mean)),
            "float32 X": np.asarray(float32, dtype=float) if not isinstance(float32, str) else float32,
            "float32 dtype": str(np.asarray(float32).dtype) if not isinstance(float32, str) else float32}


def catalog_train_val_split(day13):
    X = np.zeros((20, 2))
    X[:, 0] = np.arange(20)
    y = np.arange(20) % 7
    rng = np.random.default_rng(51)
    parts = _attempt(lambda: day13.train_val_split(X, y, 6, rng))
    if isinstance(parts, str):
        return {"parts": parts}
    return {"ids of part 1": np.asarray(parts[0], dtype=float).reshape(len(parts[0]), -1)[:, 0],
            "part 2": np.asarray(parts[1], dtype=float), "part 3": np.asarray(parts[2], dtype=float),
            "part 4": np.asarray(parts[3], dtype=float), "next draw": float(rng.random())}


def _all_batches(day13, X, y, batch_size, rng, shuffle):
    return [(np.array(a), np.array(b)) for a, b in day13.iterate_minibatches(X, y, batch_size, rng, shuffle)]


def catalog_iterate_minibatches(day13):
    out = {}
    for label, n, batch_size, shuffle in (("23 by 5", 23, 5, True), ("20 by 5", 20, 5, True),
                                          ("7 by 3 in order", 7, 3, False)):
        X = np.zeros((n, 2))
        X[:, 0] = np.arange(n)
        y = np.arange(n) % 7
        rng = np.random.default_rng(52)
        batches = _attempt(_all_batches, day13, X, y, batch_size, rng, shuffle)
        if isinstance(batches, str):
            out[label] = batches
            continue
        out[f"{label}: sizes"] = np.array([len(b) for _, b in batches], dtype=float)
        out[f"{label}: ids"] = _ids([a for a, _ in batches if len(a)])
        out[f"{label}: labels"] = np.concatenate([b for _, b in batches]).astype(float) if batches else np.zeros(0)
        out[f"{label}: X afterwards"] = X[:, 0].copy()
        out[f"{label}: next draw"] = float(rng.random())
    return out


def _weight_stds(day13, init):
    net = day13.FullyConnectedNet([40, 30], input_dim=60, num_classes=20, init=init, rng=np.random.default_rng(53))
    return np.array([np.std(value) for name, value in net.params.items() if name.startswith("W")])


def catalog_FullyConnectedNet(day13):
    out = {}
    for init in ("he", "xavier"):
        out[f"{init}: weight stds"] = _attempt(_weight_stds, day13, init)
    gen = np.random.default_rng(54)
    hidden = [6, 4]
    params = {"W1": gen.standard_normal((5, 6)) / 2, "b1": 0.1 * gen.standard_normal(6),
              "W2": gen.standard_normal((6, 4)) / 2, "b2": 0.1 * gen.standard_normal(4),
              "W3": gen.standard_normal((4, 3)) / 2, "b3": 0.1 * gen.standard_normal(3)}
    X, y = gen.standard_normal((6, 5)), np.array([0, 1, 2, 2, 1, 0])
    built = _attempt(lambda: new_net(day13, hidden, {"input_dim": 5, "num_classes": 3, "rng": gen}))
    out["param shapes"] = (np.array([s for v in built["params"].values() for s in np.shape(v)], dtype=float)
                           if isinstance(built, dict) and isinstance(built["params"], dict) else str(built))
    out["test scores"] = _attempt(lambda: net_loss(day13, params, X, None, hidden, 0.5, 0.3, 55))
    result = _attempt(lambda: net_loss(day13, params, X, y, hidden, 0.6, 0.3, 56))
    if isinstance(result, str):
        out["training loss"] = result
    else:
        out["training loss"], out["grads"] = result[0], dict(result[1])
    out["repeated losses"] = _attempt(lambda: net_repeatability(day13, params, X, y, hidden, 0.6, 0.3, 57))
    out["draws"] = _attempt(lambda: net_draws(day13, params, X, y, hidden, 1.0, 58))
    float32 = _attempt(lambda: net_float32(day13, params, X, y, hidden, 0.6, 0.3, 59))
    if isinstance(float32, str):
        out["float32"] = float32
    else:
        out["float32 dtypes"] = "; ".join(f"{k}: {float32[k]}" for k in (
            "built dtypes", "scores dtype, float64 X", "scores dtype, float32 X", "loss type", "grads dtypes",
            "grads dtypes, float64 X"))
    return out


def _evaluate_summary(day13, X, y, num_classes, batch_size=None):
    out = evaluate_recorded(day13, X, y, num_classes, batch_size)
    return {"accuracy": out["accuracy"], "sizes": np.array(out["sizes"], dtype=float), "modes": " ".join(out["modes"])}


def catalog_evaluate(day13):
    gen = np.random.default_rng(60)
    X = gen.standard_normal((25, 4))
    predicted = np.argmax(X[:, :3], axis=1)
    y = (predicted + 1) % 3
    y[:20], y[22] = predicted[:20], predicted[22]
    big = gen.standard_normal((2500, 3))
    return {"25 by 10": _attempt(_evaluate_summary, day13, X, y, 3, 10),
            "2500 by default": _attempt(_evaluate_summary, day13, big, np.argmax(big, axis=1), 3),
            "ties": _attempt(_evaluate_summary, day13, np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]), np.array([1, 0]),
                             3, 1)}


def catalog_train(day13):
    data = id_data(23, 9, 5, 3, 61)
    initial = {"W1": 0.1 * np.random.default_rng(62).standard_normal((4, 3)), "b1": np.zeros(3)}
    out = {}
    scenario = {"epochs": 3, "batch_size": 5, "schedule": decaying_schedule, "num_train_samples": 10}
    for label, rule in (("new configs", logging_momentum), ("configs in place", logging_momentum_in_place)):
        config = {"learning_rate": 0.1, "momentum": 0.5}
        run = _attempt(lambda rule=rule, config=config: train_softmax(
            day13, data, initial, 0.05, rule, config, dict(scenario, rng=np.random.default_rng(63))))
        if isinstance(run, str):
            out[label] = run
            continue
        history = run["history"]
        out[label] = {key: (np.asarray(history[key], dtype=float) if key in ("loss", "train_acc", "val_acc")
                            else history[key]) for key in history}
        out[f"{label}: params"] = run["params"]
        out[f"{label}: steps"] = run["rule log"]["t"]
        out[f"{label}: learning rates"] = run["rule log"]["learning_rates"]
        out[f"{label}: config afterwards"] = dict(config)
    labels, val_script = np.arange(30) % 3, [0.2, 0.5, 0.7, 0.7, 0.6, 0.8, 0.9, 0.9]
    for label, epochs, patience in (("patience 2", 8, 2), ("patience 1", 8, 1), ("patience 3, 4 epochs", 4, 3),
                                     ("no patience", 5, None)):
        run = _attempt(lambda epochs=epochs, patience=patience: train_clock(
            day13, labels, 20, 6, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], val_script,
            {"epochs": epochs, "patience": patience, "rng": np.random.default_rng(64)}))
        if isinstance(run, str):
            out[label] = run
            continue
        out[label] = np.array([len(run["history"]["val_acc"]), float(run["history"]["best_epoch"]), run["clock"]])
        out[f"{label}: output"] = bool(run["output"].strip())
    shown = _attempt(lambda: train_clock(day13, labels, 20, 6, [0.5], [0.5],
                                         {"epochs": 1, "progress": True, "rng": np.random.default_rng(65)}))
    out["progress=True writes"] = bool(shown["output"].strip()) if isinstance(shown, dict) else shown
    return out


# -- for the figure: the whole pipeline on an MNIST subset (make plots day13) ---------------------------
def pipeline_run(day13, data, hidden_dims, keep_prob, reg, config, kwargs, seed=0):
    """Build a float32 FullyConnectedNet, ``train`` it with SGD + momentum, and return its history, the seconds
    per epoch and its predictions on the validation set (computed in batches of 1000)."""
    import time
    D = data["X_train"].shape[1]
    net = day13.FullyConnectedNet(list(hidden_dims), input_dim=D, num_classes=10, keep_prob=keep_prob, reg=reg,
                                  rng=np.random.default_rng(seed), dtype=np.float32)
    start = time.perf_counter()
    history = day13.train(net, data, sgd_momentum, config, **kwargs)
    seconds = time.perf_counter() - start
    X_val = data["X_val"]
    predictions = np.concatenate([np.argmax(net.loss(X_val[k:k + 1000]), axis=1) for k in range(0, len(X_val), 1000)])
    return {"history": history, "seconds per epoch": seconds / max(1, len(history["val_acc"])),
            "predictions": predictions, "val accuracy": day13.evaluate(net, X_val, data["y_val"])}
