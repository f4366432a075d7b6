"""Day 14 probes: the capstone's training runs, in the sandboxed worker, with the learner's own code.

:func:`train_capstone` is the whole run of a configuration (``capstone_config()``, checked and
completed with its defaults by the judge): the learner's Day 13 ``train_val_split``,
``preprocess``, ``FullyConnectedNet``, ``train`` and ``evaluate``, the learner's update rule of
Day 5, 6 or 8, and the learner's Day 7 schedules. The images arrive as uint8 arrays (the judge
loads MNIST); everything else happens here.

The network is handed to ``train`` inside :class:`Watched`, which passes every call through and
only looks: it prints one line per epoch (``make capstone`` shows them as its progress), and it
ends the run early, with the history so far, when the loss stops being a finite number or the
time budget runs out, so that the check can say so in a sentence rather than time out.

The tables at the top (the update rules, their hyperparameters and defaults, the schedules)
are read by the judge as well: the check's configuration validator and ``make capstone`` use
the very same ones.
"""
import math
import time

import numpy as np

from ._shared import sibling

#: Update rule name -> the learner's day module that defines it.
OPTIMIZERS = {"sgd": "day05_sgd_momentum", "sgd_momentum": "day05_sgd_momentum",
              "nesterov_momentum": "day05_sgd_momentum", "rmsprop": "day06_adaptive", "adam": "day06_adaptive",
              "adamw": "day08_regularization"}
#: The hyperparameters each rule reads from its config, with the defaults of the optimizer convention.
RULE_KEYS = {
    "sgd": {"learning_rate": 1e-2},
    "sgd_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "nesterov_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
    "adamw": {"learning_rate": 1e-3, "weight_decay": 1e-2, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}
#: Schedule kind -> its keys and their defaults (None: decided by the length of the run, see the docstring
#: of capstone_config). Every kind also takes "warmup", the iterations of a linear warm-up (default 0).
SCHEDULE_KEYS = {"cosine": {"lr_min": 0.0, "total_steps": None}, "step": {"drop": 0.5, "every": None},
                 "exponential": {"k": None}}
#: Images and classes of MNIST.
INPUT_DIM, NUM_CLASSES = 784, 10
#: The training accuracy of each epoch is measured on this many training examples.
TRAIN_ACC_SAMPLES = 5000
#: What starts the lines ``make capstone`` relays as progress.
PROGRESS_MARK = "[capstone] "


class Stop(Exception):
    """Ends a run early: ``reason`` is "diverged" (a loss that is not finite) or "time" (the budget ran out)."""

    def __init__(self, reason, iteration):
        super().__init__(reason)
        self.reason, self.iteration = reason, iteration


class Watched:
    """The learner's network as ``train`` sees it: every call and attribute goes through to it.

    Each training-mode ``loss`` call is counted and its loss kept; after the last iteration of each
    epoch a line is printed; a loss that is not finite, or the time budget running out, raises
    :class:`Stop` out of the learner's ``train``.
    """

    def __init__(self, net, per_epoch, epochs, budget, label, announce):
        state = {"net": net, "per_epoch": per_epoch, "epochs": epochs, "budget": budget, "label": label,
                 "announce": announce, "losses": [], "start": time.perf_counter()}
        object.__setattr__(self, "_state", state)

    @property
    def params(self):
        return self._state["net"].params

    @params.setter
    def params(self, value):
        self._state["net"].params = value

    def __getattr__(self, name):
        return getattr(object.__getattribute__(self, "_state")["net"], name)

    def __setattr__(self, name, value):
        setattr(self._state["net"], name, value)

    def loss(self, X, y=None):
        state = self._state
        if y is None:
            return state["net"].loss(X)
        out = state["net"].loss(X, y)
        try:
            value = float(out[0])
        except (TypeError, ValueError, IndexError, KeyError):
            return out  # not (loss, grads): the learner's train will say so itself
        losses = state["losses"]
        losses.append(value)
        if not math.isfinite(value):
            raise Stop("diverged", len(losses) - 1)
        elapsed = time.perf_counter() - state["start"]
        if len(losses) % state["per_epoch"] == 0 and state["announce"]:
            epoch = len(losses) // state["per_epoch"]
            recent = losses[-state["per_epoch"]:]
            print(f"{PROGRESS_MARK}{state['label']}: epoch {epoch}/{state['epochs']}, mean minibatch loss "
                  f"{sum(recent) / len(recent):.4f}, {elapsed:.0f} s", flush=True)
        if elapsed > state["budget"]:
            raise Stop("time", len(losses) - 1)
        return out


class Clocked(Watched):
    """:class:`Watched` with a stopwatch for ``make bench``: it times training alone and measures the
    test accuracy after every epoch, off the clock.

    The clock leaves out the calls without labels (``train``'s own accuracy measurements) and the
    test evaluations, so an epoch's seconds are its forward passes, backward passes and updates.
    """

    def __init__(self, net, per_epoch, epochs, budget, label, announce, measure):
        super().__init__(net, per_epoch, epochs, budget, label, announce)
        self._state.update(measure=measure, off=0.0, marks=[])

    def loss(self, X, y=None):
        state = self._state
        if y is None:
            started = time.perf_counter()
            out = state["net"].loss(X)
            state["off"] += time.perf_counter() - started
            return out
        if state["losses"] and len(state["losses"]) % state["per_epoch"] == 0:
            self.mark()  # the previous epoch's last update is done: measure it
        return super().loss(X, y)

    def mark(self):
        state = self._state
        now = time.perf_counter()
        clock = now - state["start"] - state["off"]
        accuracy = float(state["measure"](state["net"]))
        state["off"] += time.perf_counter() - now
        state["marks"].append([clock, accuracy])


def _schedule(day14, config, total_steps, per_epoch):
    """The learning-rate schedule of ``config`` built from the learner's Day 7 functions, or None."""
    spec = config.get("schedule")
    if spec is None:
        return None
    day07 = sibling(day14, "day07_schedules_landscapes")
    lr0, kind = config["learning_rate"], spec["kind"]
    if kind == "cosine":
        steps = spec.get("total_steps") or total_steps
        lr_min = spec.get("lr_min", 0.0)

        def schedule(step):
            return day07.cosine_annealing(lr0, step, steps, lr_min)
    elif kind == "step":
        every = spec.get("every") or per_epoch
        drop = spec.get("drop", 0.5)

        def schedule(step):
            return day07.step_decay(lr0, step, drop, every)
    else:
        k = spec.get("k")
        k = math.log(100.0) / total_steps if k is None else k

        def schedule(step):
            return day07.exponential_decay(lr0, step, k)
    warmup = spec.get("warmup", 0)
    return day07.linear_warmup(schedule, warmup) if warmup else schedule


def rule_of(day14, name):
    """The learner's update rule ``name`` (``adam`` of day06_adaptive, ...)."""
    return getattr(sibling(day14, OPTIMIZERS[name]), name)


def _peak_memory_mb():
    try:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    except (ImportError, OSError, ValueError):
        return None


def train_capstone(day14, config, data, time_budget, *, train_subset=None, evaluate_test=True, keep_params=False,
                   label="training", announce=True, clocked=False):
    """Train ``config`` (complete, with its defaults) on MNIST with the learner's code; return what happened.

    ``data`` holds uint8 ``train_images`` (N, 28, 28), ``train_labels`` (N,) and, when
    ``evaluate_test``, ``test_images`` and ``test_labels``. The learner's ``train_val_split`` holds
    out ``config["val_size"]`` examples; ``train_subset`` keeps only the first that many of the
    training part (a short search trial). The split, the initial weights and the minibatch order each
    come from their own stream of ``config["seed"]``, so runs of one seed start alike.

    Returns the learner's history as it came back (or None when the run was stopped), the losses seen
    by :class:`Watched`, why it stopped early (None, "diverged", "time") and at which iteration, the
    test accuracy, the seconds of training, the first layer's weights (and all params with
    ``keep_params``), and the worker's peak memory.
    """
    day13 = sibling(day14, "day13_mnist_pipeline")
    split_rng, init_rng, batch_rng = [np.random.default_rng(s) for s in np.random.SeedSequence(config["seed"]).spawn(3)]
    dtype = np.dtype(config["dtype"])
    labels = np.asarray(data["train_labels"]).astype(np.int64)
    train_images, y_train, val_images, y_val = day13.train_val_split(data["train_images"], labels, config["val_size"],
                                                                     split_rng)
    if train_subset is not None:
        train_images, y_train = train_images[:train_subset], y_train[:train_subset]
    mean = np.asarray(day13.preprocess(train_images, None, dtype)).mean(axis=0, dtype=np.float64)
    sets = {"X_train": day13.preprocess(train_images, mean, dtype), "y_train": y_train,
            "X_val": day13.preprocess(val_images, mean, dtype), "y_val": y_val}
    del train_images, val_images
    net = day13.FullyConnectedNet(list(config["hidden_dims"]), input_dim=INPUT_DIM, num_classes=NUM_CLASSES,
                                  keep_prob=config["keep_prob"], reg=config["reg"], init=config["init"], rng=init_rng,
                                  dtype=dtype)
    per_epoch = -(-len(y_train) // config["batch_size"])
    total = per_epoch * config["epochs"]
    schedule = _schedule(day14, config, total, per_epoch)
    rule_config = {key: config[key] for key in RULE_KEYS[config["optimizer"]] if key in config}
    if clocked:  # make bench: the seconds of training and the test accuracy after each epoch
        X_test = day13.preprocess(data["test_images"], mean, dtype)
        y_test = np.asarray(data["test_labels"]).astype(np.int64)
        watched = Clocked(net, per_epoch, config["epochs"], time_budget, label, announce,
                          lambda model: day13.evaluate(model, X_test, y_test))
    else:
        watched = Watched(net, per_epoch, config["epochs"], time_budget, label, announce)
    stopped, stopped_at, history = None, None, None
    start = time.perf_counter()
    try:
        history = day13.train(watched, sets, rule_of(day14, config["optimizer"]), rule_config,
                              epochs=config["epochs"], batch_size=config["batch_size"], rng=batch_rng,
                              schedule=schedule, patience=config.get("patience"),
                              num_train_samples=TRAIN_ACC_SAMPLES, progress=False)
    except Stop as stop:
        stopped, stopped_at = stop.reason, stop.iteration
    seconds = time.perf_counter() - start
    if clocked and stopped is None:
        watched.mark()
    test_acc = None
    if evaluate_test and stopped is None:
        labels = np.asarray(data["test_labels"]).astype(np.int64)
        test_acc = day13.evaluate(net, day13.preprocess(data["test_images"], mean, dtype), labels)
        if announce:
            print(f"{PROGRESS_MARK}{label}: test accuracy {100 * float(test_acc):.2f} % on {len(labels)} test images, "
                  f"{seconds:.1f} s of training (budget {time_budget:g} s)", flush=True)
    first = np.array(net.params["W1"], dtype=np.float32)
    out = {"history": _plain_history(history), "losses": np.array(watched._state["losses"], dtype=np.float64),
           "stopped": stopped, "stopped_at": stopped_at,
           "iterations_per_epoch": per_epoch, "num_train": len(y_train), "num_val": len(y_val),
           "test_acc": test_acc, "seconds": seconds, "first_layer": first, "peak_memory_mb": _peak_memory_mb()}
    if clocked:
        out["epoch_marks"] = watched._state["marks"]  # [seconds of training so far, test accuracy] per epoch
    if keep_params:
        out["params"] = {name: np.array(value) for name, value in net.params.items()}
        out["gradcheck_batch"] = _hardest(net, sets["X_val"], y_val)
    return out


def _hardest(net, X, y):
    """The :data:`GRADCHECK_BATCH` validation examples the trained network finds hardest (the smallest margin of
    their correct class's score): a trained network is confidently right on most examples, whose gradients are
    too small for a gradient check to mean anything."""
    margins = []
    for start in range(0, len(y), 1000):
        scores = np.asarray(net.loss(X[start:start + 1000]), dtype=np.float64)
        rows = np.arange(scores.shape[0])
        correct = scores[rows, y[start:start + 1000]]
        scores[rows, y[start:start + 1000]] = -np.inf
        margins.append(correct - scores.max(axis=1))
    order = np.argsort(np.concatenate(margins), kind="stable")[:GRADCHECK_BATCH]
    return np.asarray(X[order], dtype=np.float64), np.asarray(y[order])


def _plain_history(history):
    """The learner's history with its lists as float arrays (one value each on the wire, however long)."""
    if not isinstance(history, dict):
        return history
    plain = dict(history)
    for key in ("loss", "train_acc", "val_acc"):
        try:
            values = np.asarray(history[key], dtype=np.float64)
        except (KeyError, TypeError, ValueError):
            continue
        if values.ndim == 1:
            plain[key] = values
    return plain


# -- the rest of make capstone: the search's trials, the gradient check ----------------------------------
#: Examples of the gradient check's batch (from the validation set, preprocessed like the training data).
GRADCHECK_BATCH = 8


def search_trials(day14, space, n_trials, seed):
    """The learner's Day 12 ``random_search(space, n_trials, rng)``; None when it is not written yet."""
    try:
        return sibling(day14, "day12_debugging_search").random_search(space, n_trials, np.random.default_rng(seed))
    except NotImplementedError:
        return None


def choose_trial(day14, results):
    """The learner's Day 12 ``best_trial(results)`` as ``(best, border)``; None when it is not written yet."""
    try:
        return sibling(day14, "day12_debugging_search").best_trial(results)
    except NotImplementedError:
        return None


def _float64_net(day14, params, config, seed):
    day13 = sibling(day14, "day13_mnist_pipeline")
    net = day13.FullyConnectedNet(list(config["hidden_dims"]), input_dim=INPUT_DIM, num_classes=NUM_CLASSES,
                                  keep_prob=config["keep_prob"], reg=config["reg"], init=config["init"],
                                  rng=np.random.default_rng(0), dtype=np.float64)
    for name, value in params.items():
        net.params[name] = np.array(value, dtype=np.float64)
    net.rng = np.random.default_rng(seed)  # the same dropout masks on every call
    return net


def net_loss_and_grads(day14, params, config, X, y, seed):
    """``loss(X, y)`` of the learner's network, rebuilt in float64 with ``params``: ``(loss, grads)``."""
    return _float64_net(day14, params, config, seed).loss(X, y)


def patched_loss(day14, params, name, indices, values, config, X, y, seed):
    """The loss of the same float64 network with ``params[name].flat[indices] = values``: the gradient
    check differentiates it with respect to ``values`` (a few entries of one parameter)."""
    params = dict(params)
    patched = np.array(params[name], dtype=np.float64)
    patched.flat[np.asarray(indices, dtype=np.int64)] = values
    params[name] = patched
    return _float64_net(day14, params, config, seed).loss(X, y)[0]


def capstone_report_of(day14, results):
    """The learner's ``capstone_report(results)``; None when it is not written yet."""
    try:
        return day14.capstone_report(results)
    except NotImplementedError:
        return None


# -- for make compare: capstone_report on fixed results at the edges of every criterion -------------------
_CRITERIA = ("accuracy", "time", "gradient_check", "optimizers", "search", "complete")


def with_changes(results, **changes):
    """``results`` (a capstone_report input) with some values replaced; the gradient check's are nested."""
    for key, value in changes.items():
        if key in ("max_rel_error", "tolerance"):
            results["gradcheck"][key] = value
        else:
            results[key] = value
    return results


def _results(**changes):
    trials = [{"params": {"learning_rate": lr, "reg": 1e-5}, "val_acc": acc}
              for lr, acc in ((3e-4, 0.96), (1e-3, 0.97), (3e-3, 0.968), (1e-2, 0.93))]
    return with_changes({"test_acc": 0.981, "seconds": 75.0, "time_budget": 600.0,
                         "gradcheck": {"max_rel_error": 2e-9, "tolerance": 1e-6},
                         "optimizers": {"sgd": [0.92], "sgd_momentum": [0.95], "adam": [0.97]}, "search": trials},
                        **changes)


def catalog_capstone_report(day14):
    """The criteria ``capstone_report`` ticks (in the order accuracy, time, gradient_check, optimizers, search,
    complete) on results that meet them all, then on results at the edge of each."""
    nan = float("nan")
    cases = {"all met": _results(), "test_acc 0.95": _results(test_acc=0.95), "test_acc nan": _results(test_acc=nan),
             "seconds = budget": _results(seconds=600.0), "seconds nan": _results(seconds=nan),
             "error = tolerance": _results(max_rel_error=1e-6), "error nan": _results(max_rel_error=nan),
             "no adam": _results(optimizers={"sgd": [0.9]}),
             "empty sgd": _results(optimizers={"sgd": [], "adam": [0.9]}),
             "3 trials": _results(search=_results()["search"][:3]),
             "a nan trial": _results(search=[*_results()["search"][:3], {"params": {}, "val_acc": nan}])}
    out = {}
    for name, results in cases.items():
        ticks = day14.capstone_report(results)
        try:
            out[name] = np.array([bool(ticks[c]) for c in _CRITERIA])
        except (TypeError, KeyError, IndexError, ValueError):
            out[name] = f"returned {type(ticks).__name__} without the six criteria"
    return out
