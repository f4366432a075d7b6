"""Day 7 probes: they run in the sandboxed worker, beside the learner's day07_schedules_landscapes module.

The schedules and the loss function below are module-level so that both sides use the very same
code: the learner's functions receive them in the worker, and the checks (in the judge) evaluate
them directly for the trusted values. Their constants are fixed and read-only.
"""
import numpy as np

from ._shared import loss_and_accuracy, sibling, softmax_loss


def _constant(array):
    array.setflags(write=False)
    return array


# -- schedules to wrap (step -> learning rate) ----------------------------------------------------
def decaying_schedule(step):
    """0.2 * 0.8**step: a schedule that changes at every step, so a warm-up aimed at the wrong step shows."""
    return 0.2 * 0.8 ** step


def constant_schedule(step):
    """0.05 at every step."""
    return 0.05


def warmup_values(day07, schedule, warmup_steps, steps):
    """``linear_warmup(schedule, warmup_steps)`` evaluated at ``steps``, in that order.

    Returns ``{"callable": False, "type": ...}`` when linear_warmup did not return a function.
    """
    warmed_up = day07.linear_warmup(schedule, warmup_steps)
    if not callable(warmed_up):
        return {"callable": False, "type": type(warmed_up).__name__}
    return {"callable": True, "values": [warmed_up(step) for step in steps]}


# -- a small loss landscape (params -> float) ----------------------------------------------------------
_CONSTANTS = np.random.default_rng(77)
#: Inputs and regression targets of a tiny tanh network, so the loss couples every parameter.
LANDSCAPE_X = _constant(_CONSTANTS.standard_normal((6, 4)))
LANDSCAPE_T = _constant(_CONSTANTS.standard_normal((6, 2)))
PARAM_SHAPES = {"W1": (4, 3), "b1": (3,), "W2": (3, 2), "b2": (2,)}


def coupled_loss(params):
    """Mean squared error of tanh(X W1 + b1) W2 + b2 against fixed targets: every parameter matters."""
    hidden = np.tanh(LANDSCAPE_X @ params["W1"] + params["b1"])
    scores = hidden @ params["W2"] + params["b2"]
    return float(np.mean((scores - LANDSCAPE_T) ** 2))


def along_and_inputs(day07, params, direction, alphas):
    """loss_along_direction, with the inputs (the dict and its arrays) as the learner's code left them."""
    losses = day07.loss_along_direction(coupled_loss, params, direction, alphas)
    return {"losses": losses, "params": params, "direction": direction}


def surface_and_inputs(day07, params, d1, d2, alphas, betas):
    """loss_surface, with the inputs (the dicts and their arrays) as the learner's code left them."""
    surface = day07.loss_surface(coupled_loss, params, d1, d2, alphas, betas)
    return {"surface": surface, "params": params, "d1": d1, "d2": d2}


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart ------------------------------
def _catalog_params(seed):
    gen = np.random.default_rng(seed)
    return {name: gen.standard_normal(shape) * 0.7 for name, shape in PARAM_SHAPES.items()}


def catalog_step_decay(day07):
    return {"lr0 = 0.3, drop = 0.5, every = 4, steps 0..13":
            np.array([day07.step_decay(0.3, s, 0.5, 4) for s in range(14)], dtype=float),
            "lr0 = 1, drop = 0.1, every = 1, steps 0..4":
            np.array([day07.step_decay(1.0, s, 0.1, 1) for s in range(5)], dtype=float)}


def catalog_exponential_decay(day07):
    return {"lr0 = 0.1, k = 0.05, steps 0..40 by 5":
            np.array([day07.exponential_decay(0.1, s, 0.05) for s in range(0, 41, 5)], dtype=float),
            "lr0 = 2, k = 0.5, steps 0..4": np.array([day07.exponential_decay(2.0, s, 0.5) for s in range(5)],
                                                     dtype=float)}


def catalog_cosine_annealing(day07):
    return {"lr0 = 0.1, total_steps = 10, lr_min = 0.02, steps 0..14":
            np.array([day07.cosine_annealing(0.1, s, 10, lr_min=0.02) for s in range(15)], dtype=float),
            "lr0 = 1, total_steps = 4, default lr_min, steps 0..6":
            np.array([day07.cosine_annealing(1.0, s, 4) for s in range(7)], dtype=float)}


def catalog_linear_warmup(day07):
    warmed_up = day07.linear_warmup(decaying_schedule, 4)
    constant = day07.linear_warmup(constant_schedule, 3)
    return {"0.2 * 0.8**step warmed up over 4 steps, steps 0..7": np.array([warmed_up(s) for s in range(8)]),
            "the same at steps 6, 0, 2, 0": np.array([warmed_up(s) for s in (6, 0, 2, 0)]),
            "0.05 warmed up over 3 steps, steps 0..4": np.array([constant(s) for s in range(5)])}


def catalog_random_direction(day07):
    params = _catalog_params(70)
    params["W1"][:, 1] = 0.0  # a dead unit: its filter has norm 0
    rng = np.random.default_rng(71)
    # A learner drawing from NumPy's global state still gives reproducible outputs: the catalog
    # (and only the catalog, run with the global-random check off) seeds it, then puts it back.
    saved = np.random.get_state()
    np.random.seed(7)
    try:
        normalised = day07.random_direction(params, rng)
        raw = day07.random_direction(params, np.random.default_rng(72), filter_normalize=False)
    finally:
        np.random.set_state(saved)
    out = {f"direction[{name}]": np.asarray(value, dtype=float) for name, value in normalised.items()}
    out.update({f"raw direction[{name}]": np.asarray(value, dtype=float) for name, value in raw.items()})
    out["next draw of rng"] = rng.random()
    return out


def _restored(params, before):
    return bool(all(np.array_equal(params[name], before[name]) for name in before) and params.keys() == before.keys())


def catalog_loss_along_direction(day07):
    params, direction = _catalog_params(73), _catalog_params(74)
    before = {name: value.copy() for name, value in params.items()}
    losses = day07.loss_along_direction(coupled_loss, params, direction, [0.3, -1.7, 0.0, 2.9, 0.1])
    return {"losses": np.asarray(losses, dtype=float), "params restored bit for bit": _restored(params, before),
            "params[W1] afterwards": np.asarray(params["W1"], dtype=float)}


def catalog_loss_surface(day07):
    params, d1, d2 = _catalog_params(75), _catalog_params(76), _catalog_params(77)
    before = {name: value.copy() for name, value in params.items()}
    surface = day07.loss_surface(coupled_loss, params, d1, d2, [0.3, -1.7, 0.0, 2.9], [0.7, 0.0, -0.9])
    return {"surface": np.asarray(surface, dtype=float), "params restored bit for bit": _restored(params, before),
            "params[W1] afterwards": np.asarray(params["W1"], dtype=float)}


# -- for the figures: the learner's schedules, and training with the learner's network and optimizers ------
def schedule_curves(day07, steps, lr0, total_steps, warmup_steps):
    """The learner's four schedules at every step: step decay, exponential decay, cosine, warm-up + cosine."""
    every = total_steps // 4
    k = np.log(2.0) / every  # halves as often as the step decay does
    cosine = lambda step: day07.cosine_annealing(lr0, step, total_steps, lr_min=0.01 * lr0)
    out = {"step decay": np.array([day07.step_decay(lr0, s, 0.5, every) for s in steps], dtype=float),
           "exponential decay": np.array([day07.exponential_decay(lr0, s, k) for s in steps], dtype=float),
           "cosine annealing": np.array([cosine(s) for s in steps], dtype=float)}
    warmed_up = day07.linear_warmup(cosine, warmup_steps)  # in course order, so the first unwritten one is named
    out["warm-up + cosine"] = np.array([warmed_up(s) for s in steps], dtype=float)
    return {**out, "every": every, "k": float(k)}


#: The update rules the experiments use: name -> (day module, function).
RULES = {"sgd": ("day05_sgd_momentum", "sgd"), "sgd_momentum": ("day05_sgd_momentum", "sgd_momentum"),
         "adam": ("day06_adaptive", "adam")}
WEIGHT_SCALE = 0.05
#: A minibatch loss above this (the initial loss is ln 10 = 2.3) or not finite: the run diverged.
DIVERGED = 20.0


def _run(day07, day04, update, X, y, X_val, y_val, learning_rate, epochs, batch_size, hidden_dim, seed, schedule):
    rng = np.random.default_rng(seed)
    net = day04.TwoLayerNet(X.shape[1], hidden_dim, int(y.max()) + 1, WEIGHT_SCALE, 0.0, rng)
    initial = {name: np.array(value, copy=True) for name, value in net.params.items()}
    configs = {name: {"learning_rate": learning_rate} for name in net.params}
    losses, rates, val_loss, val_acc = [], [], [], []
    diverged, step = None, 0
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y) - batch_size + 1, batch_size):
            batch = order[start:start + batch_size]
            try:
                loss, grads = net.loss(X[batch], y[batch])
                loss = float(loss)
            except (FloatingPointError, OverflowError, ZeroDivisionError):
                loss = float("inf")
            losses.append(loss)
            if not np.isfinite(loss) or loss > DIVERGED:
                diverged = step
                break
            rate = learning_rate if schedule is None else float(schedule(step))
            rates.append(rate)
            for name in net.params:
                configs[name]["learning_rate"] = rate
                net.params[name], configs[name] = update(net.params[name], grads[name], configs[name])
            step += 1
        if diverged is not None:
            break
        loss, accuracy = loss_and_accuracy(net, X_val, y_val)
        val_loss.append(loss)
        val_acc.append(accuracy)
    return {"losses": np.array(losses), "rates": np.array(rates), "val_loss": np.array(val_loss),
            "val_acc": np.array(val_acc), "diverged_at": diverged,
            "params": {name: np.array(value, dtype=float) for name, value in net.params.items()},
            "initial": initial}


def train_network(day07, X, y, X_val, y_val, rule, learning_rate, epochs, batch_size=100, hidden_dim=100, seed=0,
                  warmup_steps=0, cosine=False):
    """Train the learner's TwoLayerNet with the learner's ``rule`` (a key of RULES) on (X, y).

    One dict of config per parameter; with ``cosine`` the rate follows the learner's cosine_annealing
    from ``learning_rate`` over the whole run, with ``warmup_steps`` the learner's linear_warmup wraps it.
    A run stops early when its minibatch loss leaves [0, DIVERGED]. Returns the minibatch losses, the
    rates used, the validation loss and accuracy after each epoch, and the initial and final params.
    """
    day04 = sibling(day07, "day04_gradcheck")
    stem, name = RULES[rule]
    update = getattr(sibling(day07, stem), name)
    total = epochs * (len(y) // batch_size)
    schedule = None
    if cosine:
        schedule = lambda step: day07.cosine_annealing(learning_rate, step, total)
    if warmup_steps:
        schedule = day07.linear_warmup(schedule or (lambda step: learning_rate), warmup_steps)
    with np.errstate(all="ignore"):  # a diverging run is part of the experiment, not an error
        return _run(day07, day04, update, X, y, X_val, y_val, learning_rate, epochs, batch_size, hidden_dim,
                    seed, schedule)


def not_written(day07, rules):
    """For each rule of RULES: None when a tiny training run with it works, else what is not written yet
    (the exercise id of the stub that raised NotImplementedError, or the missing file)."""
    gen = np.random.default_rng(0)
    X, y = gen.standard_normal((8, 5)), np.arange(8) % 3
    found = {}
    for rule in rules:
        try:
            train_network(day07, X, y, X, y, rule, 1e-3, 1, batch_size=4, hidden_dim=3)
            found[rule] = None
        except NotImplementedError as exc:
            found[rule] = str(exc.args[0]) if exc.args else "a function of an earlier day"
        except ModuleNotFoundError as exc:
            found[rule] = f"exercises/{str(exc.name).rsplit('.', 1)[-1]}.py"
    return found


def learning_rate_sweep(day07, X, y, X_val, y_val, rule, rates, epochs, batch_size=100, hidden_dim=100, seed=0):
    """:func:`train_network` once per learning rate (same network, data order and budget); the curves only."""
    runs = [train_network(day07, X, y, X_val, y_val, rule, float(rate), epochs, batch_size, hidden_dim, seed)
            for rate in rates]
    return [{key: run[key] for key in ("losses", "val_loss", "val_acc", "diverged_at")} for run in runs]


def _network_loss(day07, params, X, y):
    """loss_fn(point) for the learner's landscapes: the data loss of a TwoLayerNet whose params are ``point``."""
    day04 = sibling(day07, "day04_gradcheck")
    D, H = np.shape(params["W1"])
    net = day04.TwoLayerNet(D, H, np.shape(params["W2"])[1], WEIGHT_SCALE, 0.0, np.random.default_rng(0))

    def loss_fn(point):
        for name in net.params:
            net.params[name] = point[name]
        return softmax_loss(np.asarray(net.loss(X), dtype=float), y)[0]
    return loss_fn


def landscape_lines(day07, params, initial, X, y, X_val, y_val, alphas, interpolation, seed):
    """1-D slices around trained ``params`` with the learner's random_direction and loss_along_direction:
    training and validation loss along one filter-normalised direction, and the straight path from the
    trained params (0) to the initial ones (1)."""
    rng = np.random.default_rng(seed)
    direction = day07.random_direction(params, rng)
    towards_initial = {name: initial[name] - params[name] for name in params}
    with np.errstate(all="ignore"):
        return {"train": day07.loss_along_direction(_network_loss(day07, params, X, y), params, direction, alphas),
                "val": day07.loss_along_direction(_network_loss(day07, params, X_val, y_val), params, direction,
                                                  alphas),
                "path train": day07.loss_along_direction(_network_loss(day07, params, X, y), params,
                                                         towards_initial, interpolation),
                "path val": day07.loss_along_direction(_network_loss(day07, params, X_val, y_val), params,
                                                       towards_initial, interpolation)}


def landscape_plane(day07, params, X, y, alphas, betas, seed):
    """The learner's loss_surface around trained ``params``, on two filter-normalised directions."""
    rng = np.random.default_rng(seed)
    d1 = day07.random_direction(params, rng)
    d2 = day07.random_direction(params, rng)
    with np.errstate(all="ignore"):
        return day07.loss_surface(_network_loss(day07, params, X, y), params, d1, d2, alphas, betas)
