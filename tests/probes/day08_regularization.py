"""Day 8 probes: they run in the sandboxed worker, beside the learner's day08_regularization module.

``EarlyStopping`` is an object with state, and ``adamw`` is called step after step with the
config it returned, so both are driven from here; the checks judge the plain data that comes
back. The figures' experiments (training the learner's Day 4 ``TwoLayerNet`` with and without
the learner's ``l2_penalty``, and the loss landscapes) run here too.
"""
import numpy as np

from ._shared import loss_and_accuracy, returned_pair, sibling, snapshot, softmax_loss
from .day06_adaptive import step_with_config, trajectory


# -- adamw --------------------------------------------------------------------------------------------
def adamw_path(day08, w0, curvatures, config, num_steps):
    """Day 6's :func:`trajectory` with the learner's ``adamw``: the path on f(w) = 0.5 * sum(curvatures * w**2)
    and the final config, or ``bad`` and ``step`` when a call returns something other than a pair."""
    return trajectory(day08, "adamw", w0, curvatures, config, num_steps)


def adamw_with_config(day08, w, dw, config):
    """Day 6's :func:`step_with_config` with the learner's ``adamw``."""
    return step_with_config(day08, "adamw", w, dw, config)


def adamw_two_parameters(day08, w_a, w_b, dw_a, dw_b):
    """Two parameters whose first call omits config (the default None): are their states separate?

    Returns parameter b's step when a was stepped first, b's step alone from ``{}``, and whether
    both calls returned the very same dict.
    """
    results = [day08.adamw(w_a, dw_a), day08.adamw(w_b, dw_b), day08.adamw(w_b, dw_b, {})]
    first, second, alone = (returned_pair(result) for result in results)
    if first is None or second is None or alone is None:
        return {"bad": next(result for result in results if returned_pair(result) is None)}
    return {"b after a": np.array(second[0], dtype=float), "b alone": np.array(alone[0], dtype=float),
            "one_dict": first[1] is second[1]}


# -- EarlyStopping ------------------------------------------------------------------------------------
def _epoch_params(epoch):
    """The params a model has after ``epoch``: every entry tells the epoch (W1 = epoch, b1 = -epoch, W2 = 10 epoch)."""
    return {"W1": np.full((2, 3), float(epoch)), "b1": np.full(3, -float(epoch)), "W2": np.full((3, 2), 10.0 * epoch)}


def _tag(best_params):
    """Which epoch's params ``best_params`` holds (read from W1[0, 0]); NaN when it holds none."""
    if best_params is None:
        return float("nan")
    return float(np.asarray(best_params["W1"], dtype=float).flat[0])


def _stopper(day08, patience, min_delta, mode):
    """``EarlyStopping`` built with only the arguments given (None leaves an argument at its default)."""
    kwargs = {}
    if min_delta is not None:
        kwargs["min_delta"] = min_delta
    if mode is not None:
        kwargs["mode"] = mode
    return day08.EarlyStopping(patience, **kwargs)


def _best_epoch(stopper):
    value = stopper.best_epoch
    return -1 if value is None else value


def run_stopper(day08, patience, metrics, min_delta=None, mode=None, updates="replace", until_stop=True):
    """Step a new ``EarlyStopping`` through ``metrics``, one epoch each, as a training loop would.

    The params passed at epoch k are one dict (the model's ``params``) holding W1 = k, b1 = -k,
    W2 = 10 k. Between epochs the loop moves to the next epoch's values either by putting new
    arrays into the same dict (``updates="replace"``, as ``params[name] = next_w`` does) or by
    writing into the same arrays (``"inplace"``, as ``params[name] -= step`` does). With
    ``until_stop`` the loop ends at the first True, else it runs through every metric.

    Returns, per epoch stepped: ``stop`` (what step returned), ``best_epoch`` (-1 for None),
    ``best_metric``, ``tag`` (the epoch whose values best_params held right after the step) and
    ``tag_later`` (the same, read after the loop had moved its params on to the next epoch's
    values). Then ``final_best_params``: best_params once the loop has ended and the caller has
    overwritten its params once more (in place and by replacement), as training further would.
    """
    stopper = _stopper(day08, patience, min_delta, mode)
    params = _epoch_params(0)
    out = {"stop": [], "best_epoch": [], "best_metric": [], "tag": [], "tag_later": []}
    for epoch, metric in enumerate(metrics):
        decision = stopper.step(metric, params)
        missing = [name for name in ("best_epoch", "best_metric", "best_params") if not hasattr(stopper, name)]
        if missing:
            return {"missing": missing}
        out["stop"].append(decision)
        out["best_epoch"].append(_best_epoch(stopper))
        out["best_metric"].append(float(stopper.best_metric))
        out["tag"].append(_tag(stopper.best_params))
        following = _epoch_params(epoch + 1)
        for name, value in following.items():
            if updates == "replace":
                params[name] = value
            else:
                params[name][...] = value
        out["tag_later"].append(_tag(stopper.best_params))
        if until_stop and isinstance(decision, (bool, np.bool_)) and decision:
            break
    for name, value in params.items():  # the caller trains on: in place, then new arrays
        value += 1000.0
        params[name] = value - 5000.0
    best = stopper.best_params
    out["final_best_params"] = None if best is None else {name: np.array(value, dtype=float, copy=True)
                                                          for name, value in best.items()}
    out["stop"] = [bool(d) if isinstance(d, (bool, np.bool_)) else d for d in out["stop"]]
    for key in ("best_epoch", "best_metric", "tag", "tag_later"):
        out[key] = np.array(out[key], dtype=float)
    return out


def stopper_types(day08, patience, metrics):
    """What kinds of value ``best_epoch`` and ``best_params`` are after a plain run in mode "min"."""
    stopper = day08.EarlyStopping(patience)
    params = _epoch_params(0)
    for metric in metrics:
        stopper.step(metric, params)
    epoch = getattr(stopper, "best_epoch", None)
    return {"best_epoch": type(epoch).__name__,
            "best_epoch is an int": isinstance(epoch, (int, np.integer)) and not isinstance(epoch, bool),
            "best_params": type(getattr(stopper, "best_params", None)).__name__}


def bad_mode(day08, mode):
    """Whether ``EarlyStopping(3, mode=mode)`` raises ValueError (any other exception propagates)."""
    try:
        day08.EarlyStopping(3, mode=mode)
    except ValueError:
        return True
    return False


def fresh_stopper(day08, patience, min_delta, mode):
    """The public state of a stopper that has not been stepped yet."""
    stopper = _stopper(day08, patience, min_delta, mode)
    return {"best_epoch": getattr(stopper, "best_epoch", None), "best_params": getattr(stopper, "best_params", None)}


def train_with_early_stopping(day08, X, y, X_val, y_val, learning_rate, max_epochs, patience, seed):
    """Full-batch gradient descent on an over-parametrised least-squares problem, stopped by the learner's
    EarlyStopping on the validation loss; then the best params are restored and the validation loss measured.

    The model's params are updated in place (``params["W1"] -= ...``), the hardest case for a stopper
    that forgot to copy. Returns the validation losses seen, the epoch step first said stop, the
    stopper's best_epoch and best_metric, and the validation loss after restoring best_params into
    the model (copying each array's values into the model's own arrays).
    """
    rng = np.random.default_rng(seed)
    D = X.shape[1]
    params = {"W1": 0.01 * rng.standard_normal((D, 1)), "b1": np.zeros(1)}
    stopper = day08.EarlyStopping(patience)

    def val_loss():
        residual = X_val @ params["W1"] + params["b1"] - y_val[:, None]
        return float(np.mean(residual**2))

    history, stopped = [], None
    for epoch in range(max_epochs):
        residual = X @ params["W1"] + params["b1"] - y[:, None]
        params["W1"] -= learning_rate * 2 * X.T @ residual / len(y)
        params["b1"] -= learning_rate * 2 * np.mean(residual, axis=0)
        history.append(val_loss())
        if stopper.step(history[-1], params):
            stopped = epoch
            break
    final = val_loss()
    for name, value in stopper.best_params.items():
        params[name][...] = value
    return {"history": np.array(history), "stopped": stopped, "best_epoch": stopper.best_epoch,
            "best_metric": float(stopper.best_metric), "restored": val_loss(), "final": final}


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart -------------------------------
_L2_PARAMS_SEED = 808


def _l2_params():
    gen = np.random.default_rng(_L2_PARAMS_SEED)
    return {"W1": gen.standard_normal((4, 3)), "b1": gen.standard_normal(3), "W2": 3.0 * gen.standard_normal((3, 5)),
            "b2": gen.standard_normal(5), "W3": np.array([[0.0, 1e3], [-2.0, 1e-8]]), "b3": np.array([4.0, -1e3])}


def catalog_l2_penalty(day08):
    out = {}
    params = _l2_params()
    before = snapshot(params)
    for reg in (0.3, 2.0):
        loss, grads = day08.l2_penalty(params, reg)
        out[f"loss (reg = {reg:g})"] = float(loss)
        out[f"grads (reg = {reg:g})"] = {name: grads[name] for name in grads} if isinstance(grads, dict) else grads
    only_first = {"W1": params["W1"], "b1": params["b1"]}
    out["loss of one layer"] = float(day08.l2_penalty(only_first, 0.5)[0])
    out["params unchanged"] = all(np.array_equal(before[k], params[k]) for k in params)
    return out


def _catalog_adamw_inputs():
    gen = np.random.default_rng(818)
    scales = np.array([0.0, 1e-8, -1e-6, 1e-3, -0.5, 2.0, -30.0, 1e3])
    w = 2.0 * gen.standard_normal(scales.size)
    dw = scales * gen.uniform(0.5, 1.5, scales.size)
    config = {"learning_rate": 0.1, "weight_decay": 0.3, "beta1": 0.7, "beta2": 0.9, "epsilon": 1e-6,
              "m": dw * gen.uniform(-1.5, 1.5, scales.size), "v": (dw * gen.uniform(0.5, 1.5, scales.size)) ** 2,
              "t": 3}
    return w, dw, config


def catalog_adamw(day08):
    w, dw, config = _catalog_adamw_inputs()
    out = {}
    with np.errstate(all="ignore"):
        w_before, dw_before = w.copy(), dw.copy()
        next_w, returned = day08.adamw(w, dw, dict(config))
        out["step (prefilled state)"] = np.asarray(next_w, dtype=float) - w_before
        for key in ("m", "v", "t"):
            out[f"{key} (prefilled state)"] = returned.get(key)
        out["w unchanged"] = bool(np.array_equal(w, w_before))
        out["dw unchanged"] = bool(np.array_equal(dw, dw_before))
        next_w, returned = day08.adamw(w_before.copy(), dw_before.copy(), {"learning_rate": 0.1,
                                                                             "weight_decay": 0.3})
        out["step (zero state)"] = np.asarray(next_w, dtype=float) - w_before
        next_w, _ = day08.adamw(w_before.copy(), dw_before.copy(), None)
        out["step (config=None)"] = np.asarray(next_w, dtype=float) - w_before
        run = adamw_path(day08, np.array([1.0, -1.0, 0.5]), np.array([100.0, 1.0, 0.0]),
                         {"learning_rate": 0.05, "weight_decay": 0.5}, 4)
        out["path (4 steps)"] = run.get("path")
        passed = {}
        day08.adamw(w_before.copy(), dw_before.copy(), passed)
        out["state in the dict passed in"] = all(key in passed for key in ("m", "v", "t"))
    return out


#: Metric sequences that meet every rule of EarlyStopping: patience, a reset, min_delta's boundary,
#: mode "max", NaN and infinite values. Values are exact in binary, so boundaries are exact.
_STOPPER_CASES = {
    "min, patience 3": dict(patience=3, metrics=[4.0, 3.0, 3.5, 3.0, 2.5, 2.75, 2.625, 3.0, 2.5, 2.0, 3.0]),
    "min, patience 2, min_delta 0.25": dict(patience=2, min_delta=0.25,
                                            metrics=[2.0, 1.75, 1.5, 1.375, 1.25, 1.125, 1.0, 0.5, 0.375]),
    "max, patience 2": dict(patience=2, mode="max", metrics=[0.5, 0.625, 0.625, 0.75, 0.6875, 0.875, 0.75, 0.5]),
    "max, patience 3, min_delta 0.125": dict(patience=3, mode="max", min_delta=0.125,
                                             metrics=[0.25, 0.375, 0.5, 0.5625, 0.75, 0.625, 0.5, 0.25]),
    "min, patience 2, nan and inf": dict(patience=2, metrics=[np.inf, np.nan, 1.0, np.nan, 0.5, 1e300, 0.5]),
    "min, patience 1": dict(patience=1, metrics=[1.0, 0.5, 0.5, 0.25]),
    "min, patience 3, nan first": dict(patience=3, metrics=[np.nan, 2.0, 1.0, 1.5, 1.5, 1.5]),
    "max, patience 4, in place": dict(patience=4, mode="max", updates="inplace",
                                      metrics=[0.25, 0.5, 0.375, 0.5, 0.4375, 0.625, 0.625, 0.5, 0.5]),
}


def catalog_EarlyStopping(day08):
    out = {}
    with np.errstate(all="ignore"):
        for label, case in _STOPPER_CASES.items():
            run = run_stopper(day08, until_stop=False, **case)
            for key in ("stop", "best_epoch", "best_metric", "tag", "tag_later"):
                value = run[key]
                out[f"{key} ({label})"] = np.array(value, dtype=float) if key == "stop" else value
            out[f"final best_params ({label})"] = run["final_best_params"]
    return out


# -- for the figures: training the learner's TwoLayerNet with and without the learner's l2_penalty ----------
def train_regularized(day08, X, y, X_val, y_val, reg, epochs, batch_size, learning_rate, hidden_dim, seed,
                      patience, momentum=0.9, weight_scale=0.05):
    """Train the learner's Day 4 TwoLayerNet (built with reg 0) with SGD + momentum, adding the learner's
    ``l2_penalty(net.params, reg)`` to the loss and its grads to the gradients when ``reg > 0``.

    Per epoch: the data loss and accuracy on the whole training and validation sets, the penalty and
    the weights' squared norm. The learner's ``EarlyStopping(patience)`` watches the validation loss
    (training goes on regardless, to draw the whole curve): the epoch it first said stop, its
    best_epoch, and the validation accuracy after restoring its best_params. Also the final params.
    """
    day04 = sibling(day08, "day04_gradcheck")
    rng = np.random.default_rng(seed)
    net = day04.TwoLayerNet(X.shape[1], hidden_dim, int(y.max()) + 1, weight_scale, 0.0, rng)
    velocity = {name: np.zeros_like(value) for name, value in net.params.items()}
    try:
        stopper, stopper_note = day08.EarlyStopping(patience), None
    except NotImplementedError as exc:  # the curves do not need it; only the early-stopping marks do
        stopper, stopper_note = None, str(exc)
    curves = {key: [] for key in ("train_loss", "train_acc", "val_loss", "val_acc", "penalty", "weight_norm2")}
    stop_epoch = None
    for epoch in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y) - batch_size + 1, batch_size):
            batch = order[start:start + batch_size]
            _, grads = net.loss(X[batch], y[batch])
            if reg > 0:
                _, penalty_grads = day08.l2_penalty(net.params, reg)
                grads = {name: grads[name] + penalty_grads[name] for name in grads}
            for name in net.params:
                velocity[name] = momentum * velocity[name] - learning_rate * grads[name]
                net.params[name] = net.params[name] + velocity[name]
        for prefix, (inputs, labels) in (("train", (X, y)), ("val", (X_val, y_val))):
            loss, accuracy = loss_and_accuracy(net, inputs, labels)
            curves[f"{prefix}_loss"].append(loss)
            curves[f"{prefix}_acc"].append(accuracy)
        curves["penalty"].append(float(day08.l2_penalty(net.params, reg)[0]) if reg > 0 else 0.0)
        curves["weight_norm2"].append(float(sum(np.sum(v * v) for k, v in net.params.items() if k.startswith("W"))))
        if stopper is not None and stopper.step(curves["val_loss"][-1], net.params) and stop_epoch is None:
            stop_epoch = epoch
    final = {name: np.array(value, dtype=float) for name, value in net.params.items()}
    out = {key: np.array(value) for key, value in curves.items()}
    out.update({"stop_epoch": stop_epoch, "best_epoch": None, "restored_val_loss": None, "restored_val_acc": None,
                "params": final, "stopper_note": stopper_note})
    if stopper is not None and isinstance(stopper.best_params, dict):
        for name, value in stopper.best_params.items():
            net.params[name] = np.array(value, copy=True)
        out["restored_val_loss"], out["restored_val_acc"] = loss_and_accuracy(net, X_val, y_val)
        out["best_epoch"] = stopper.best_epoch
    return out


def _local_direction(params, rng):
    """A filter-normalised random direction (Li et al. 2018), for when Day 7's random_direction is not written."""
    direction = {}
    for name, value in params.items():
        draw = rng.standard_normal(np.shape(value))
        if np.ndim(value) <= 1:
            direction[name] = np.zeros_like(draw)
        else:
            direction[name] = draw * (np.linalg.norm(value, axis=0, keepdims=True)
                                      / np.linalg.norm(draw, axis=0, keepdims=True))
    return direction


def _local_line(loss_fn, params, direction, alphas):
    return np.array([float(loss_fn({k: v + a * direction[k] for k, v in params.items()})) for a in alphas])


def _landscape_tools(day08):
    """Day 7's random_direction and loss_along_direction when they are written, else the local helpers."""
    try:
        day07 = sibling(day08, "day07_schedules_landscapes")
        probe_params = {"W1": np.ones((2, 2)), "b1": np.zeros(2)}
        day07.loss_along_direction(lambda p: 0.0, probe_params, day07.random_direction(
            probe_params, np.random.default_rng(0)), [0.0])
        return day07.random_direction, day07.loss_along_direction, None
    except NotImplementedError as exc:
        return _local_direction, _local_line, f"{exc} is not written yet"
    except Exception as exc:  # a missing module or a bug of Day 7 must not hide Day 8's landscape
        return _local_direction, _local_line, f"Day 7's landscape functions failed ({type(exc).__name__})"


def l2_landscapes(day08, params_plain, params_l2, X, y, X_val, y_val, reg, alphas, seed):
    """1-D loss landscapes with Day 7's tools (or local helpers when they are not written).

    Around the network trained without L2, along one filter-normalised direction: the training
    data loss, the same plus the learner's ``l2_penalty(point, reg)``, and the penalty alone.
    Around each trained network, along its own direction: the validation loss. ``note`` names
    the Day 7 function that was missing, or None.
    """
    day04 = sibling(day08, "day04_gradcheck")
    direction_fn, line_fn, missing = _landscape_tools(day08)
    D, H = np.shape(params_plain["W1"])
    net = day04.TwoLayerNet(D, H, np.shape(params_plain["W2"])[1], 0.05, 0.0, np.random.default_rng(0))

    def data_loss(inputs, labels):
        def loss_fn(point):
            for name in net.params:
                net.params[name] = point[name]
            return softmax_loss(np.asarray(net.loss(inputs), dtype=float), labels)[0]
        return loss_fn

    def penalty(point):
        return float(day08.l2_penalty(point, reg)[0])

    def objective(point):
        return data_loss(X, y)(point) + penalty(point)

    rng = np.random.default_rng(seed)
    d_plain = direction_fn(params_plain, rng)
    d_l2 = direction_fn(params_l2, rng)
    with np.errstate(all="ignore"):
        return {"train": line_fn(data_loss(X, y), params_plain, d_plain, alphas),
                "objective": line_fn(objective, params_plain, d_plain, alphas),
                "penalty": line_fn(penalty, params_plain, d_plain, alphas),
                "val plain": line_fn(data_loss(X_val, y_val), params_plain, d_plain, alphas),
                "val l2": line_fn(data_loss(X_val, y_val), params_l2, d_l2, alphas),
                "train l2": line_fn(data_loss(X, y), params_l2, d_l2, alphas),
                "note": missing}


def decay_vs_gradient_scale(day08, scales, num_steps, learning_rate, weight_decay):
    """How much the weight decay shrinks a weight w0 = 1 in ``num_steps`` steps of a constant gradient, by its scale.

    For each gradient size in ``scales`` (one coordinate each): AdamW (the learner's ``adamw``)
    against the same rule with ``weight_decay = 0`` (plain Adam), and Adam + L2 (``adamw`` with
    weight_decay 0 fed ``dw + weight_decay * w``) against plain Adam. Returns the shrinkage each
    decay caused, ``w_adam - w_decayed`` after the steps, per scale.
    """
    scales = np.asarray(scales, dtype=float)
    runs = {}
    for label, decoupled, coupled in (("adam", 0.0, 0.0), ("adamw", weight_decay, 0.0),
                                      ("adam_l2", 0.0, weight_decay)):
        w = np.ones_like(scales)
        config = {"learning_rate": learning_rate, "weight_decay": decoupled}
        for _ in range(num_steps):
            w, config = day08.adamw(w, scales + coupled * w, config)
        runs[label] = np.array(w, dtype=float)
    return {"adamw": runs["adam"] - runs["adamw"], "adam_l2": runs["adam"] - runs["adam_l2"]}
