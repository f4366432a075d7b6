"""Checks for Day 14: the capstone configuration, trained on the full MNIST, and its deliverables.

``capstone_config`` returns plain data, so it is checked here, in the judge: its keys and types
(:func:`config_problem`), its values (:func:`range_problem`), then the real thing: the
configuration is trained in the worker by tests/probes/day14_capstone.py with the learner's own
Day 13 pipeline, update rule and schedule, on the full MNIST (loaded here and sent as arrays), and
it passes above 95 % test accuracy within :data:`TIME_BUDGET`. When it does not, the history says
why (:func:`describe_run`): a loss that went to nan, an accuracy stuck at chance, a run out of
time, or a network that over- or underfits.

``capstone_report`` is checked on crafted results, at the edges of every criterion. The
deliverables of ``make capstone`` (kata_support/capstone.py) are files in
``reports/capstone/<implementation>/``, read here with size caps, as JSON or as PNG chunks, never
imported or unpickled; they must be complete, come from one run of the configuration
``capstone_config`` returns now, agree with one another, and meet the completion criteria.

:func:`config_problem`, :func:`range_problem`, :func:`resolve_config`, :func:`describe_run` and
:func:`criteria_from` are reused by ``make capstone``.
"""
import difflib
import math

import numpy as np
import pytest

from grader.judge import CheckUnavailable, describe_value
from kata_support import capstone as deliverables
from kata_support.mnist import MnistCorruptError, MnistUnavailableError

from ..probes import day14_capstone as probes
from .expect import fail, note
from .gradcheck import DEEP_GRAD_TOL

exercise = pytest.mark.exercise

#: What each function returns.
RETURNS = {"capstone_config": "config", "capstone_report": "criteria"}

#: Seconds the training of the capstone may take (2-core machine; the checks give the worker one BLAS thread).
TIME_BUDGET = 600.0
#: Seconds around the training: sending the data, preprocessing, the test set.
SETUP_SECONDS = 120.0
#: The capstone passes above this test accuracy.
TARGET_ACCURACY = 0.95
#: Below this accuracy (on validation and test), the network is at chance: it has learnt nothing.
CHANCE_ACCURACY = 0.2
#: The largest relative error the gradient check of the trained network accepts.
GRADCHECK_TOL = DEEP_GRAD_TOL
#: At least this many trials of the search must have a finite validation accuracy.
MIN_TRIALS = 4

# -- the configuration: keys, types, ranges, defaults ----------------------------------------------
#: Every key of the configuration but the rules' hyperparameters, with its default (learning_rate: the rule's).
DEFAULTS = {"hidden_dims": [100], "optimizer": "sgd", "learning_rate": None, "schedule": None, "reg": 0.0,
            "keep_prob": 1.0, "init": "he", "epochs": 10, "patience": None, "batch_size": 100, "dtype": "float32",
            "seed": 0, "val_size": 5000}
#: The rules' hyperparameters other than the learning rate, and which rules read them.
RULE_ONLY_KEYS = sorted({key for keys in probes.RULE_KEYS.values() for key in keys} - {"learning_rate"})
INTS = {"epochs": (1, 100), "batch_size": (1, 10_000), "seed": (0, None), "val_size": (1000, 20_000)}
HIDDEN_RANGE = (1, 4096)
#: Number keys -> (low, high, low included, high included, what it is).
NUMBERS = {"learning_rate": (0.0, 10.0, False, True, "the learning rate"),
           "reg": (0.0, 1.0, True, True, "the L2 strength"),
           "keep_prob": (0.0, 1.0, False, True, "the probability of keeping a hidden unit (1.0: no dropout)"),
           "momentum": (0.0, 1.0, True, False, "the fraction of the velocity kept at each step"),
           "decay_rate": (0.0, 1.0, True, False, "the decay of RMSprop's running average"),
           "beta1": (0.0, 1.0, True, False, "the decay of Adam's first moment"),
           "beta2": (0.0, 1.0, True, False, "the decay of Adam's second moment"),
           "epsilon": (0.0, 1.0, False, True, "the constant that keeps the division finite"),
           "weight_decay": (0.0, 1.0, True, True, "AdamW's decoupled decay")}
CHOICES = {"init": ("he", "xavier"), "dtype": ("float32", "float64")}


def pct(fraction, digits=1) -> str:
    """``98.2 %``: an accuracy as the kata writes it."""
    return f"{100 * float(fraction):.{digits}f} %"


def secs(seconds) -> str:
    return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_number(value) -> bool:
    return _is_int(value) or isinstance(value, (float, np.floating))


def _what(value) -> str:
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, (bool, np.bool_)):
        return f"the bool {value!r}"
    if _is_number(value):
        return f"the {'int' if _is_int(value) else 'float'} {value!r}"
    return describe_value(value)


def _unknown(key, known) -> str:
    close = difflib.get_close_matches(str(key), known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def config_problem(config) -> str | None:
    """One sentence on what makes ``config`` unusable (its structure: keys and types), or None."""
    head = "capstone_config()"
    if not isinstance(config, dict):
        return (f"{head} returned {describe_value(config)}; it must return a dict such as "
                f"{{'hidden_dims': [512, 256], 'optimizer': 'adam', 'learning_rate': 0.001, ...}}.")
    for key in config:
        if not isinstance(key, str):
            return f"{head} has the key {key!r}; every key must be a string, such as 'epochs'."
        if key not in DEFAULTS and key not in RULE_ONLY_KEYS:
            known = sorted([*DEFAULTS, *RULE_ONLY_KEYS])
            return f"{head} has the unknown key {key!r}{_unknown(key, known)}; the keys are {', '.join(known)}."
    optimizer = config.get("optimizer", DEFAULTS["optimizer"])
    if not isinstance(optimizer, str) or optimizer not in probes.OPTIMIZERS:
        names = ", ".join(repr(n) for n in probes.OPTIMIZERS)
        close = _unknown(optimizer.lower(), list(probes.OPTIMIZERS)) if isinstance(optimizer, str) else ""
        return f"'optimizer' is {_what(optimizer)}{close}; it must name one of your update rules: {names}."
    for key in RULE_ONLY_KEYS:
        if key in config and key not in probes.RULE_KEYS[optimizer]:
            reads = ", ".join(probes.RULE_KEYS[optimizer])
            return (f"{head} sets {key!r}, which {optimizer!r} does not use (it reads {reads}); remove it, or "
                    f"choose an optimizer that reads it.")
    hidden = config.get("hidden_dims", DEFAULTS["hidden_dims"])
    if not isinstance(hidden, (list, tuple)) or not all(_is_int(h) for h in hidden):
        return (f"'hidden_dims' is {_what(hidden)}; it must be a list of 1 or 2 ints, the sizes of the hidden "
                f"layers, such as [512, 256].")
    if len(hidden) not in (1, 2):
        return (f"'hidden_dims' is {list(hidden)}: {len(hidden)} hidden layers; the capstone is a 2- or 3-layer "
                f"network, so give 1 or 2 hidden layer sizes, such as [512, 256].")
    for key in ("learning_rate", *NUMBERS):
        if key in config and not _is_number(config[key]):
            return f"{key!r} is {_what(config[key])}; it must be a number (a float such as 0.001)."
    for key in INTS:
        if key in config and not _is_int(config[key]):
            return f"{key!r} is {_what(config[key])}; it must be an int."
    if "patience" in config and config["patience"] is not None and not _is_int(config["patience"]):
        return f"'patience' is {_what(config['patience'])}; it must be an int or None (no early stopping)."
    for key, allowed in CHOICES.items():
        if key in config and config[key] not in allowed:
            return f"{key!r} is {_what(config[key])}; it must be one of {', '.join(repr(a) for a in allowed)}."
    return schedule_problem(config.get("schedule"))


def schedule_problem(schedule) -> str | None:
    """The structure of the ``schedule`` entry: None, or a dict with a known ``kind`` and that kind's keys."""
    if schedule is None:
        return None
    kinds = ", ".join(repr(k) for k in probes.SCHEDULE_KEYS)
    if not isinstance(schedule, dict):
        return (f"'schedule' is {_what(schedule)}; it must be None (a constant learning rate) or a dict such as "
                f"{{'kind': 'cosine'}}, with 'kind' one of {kinds}.")
    kind = schedule.get("kind")
    if not isinstance(kind, str) or kind not in probes.SCHEDULE_KEYS:
        return f"the schedule's 'kind' is {_what(kind) if kind is not None else 'missing'}; it must be one of {kinds}."
    allowed = ["kind", "warmup", *probes.SCHEDULE_KEYS[kind]]
    for key in schedule:
        if key not in allowed:
            return (f"the {kind!r} schedule has the unknown key {key!r}{_unknown(str(key), allowed)}; its keys "
                    f"are {', '.join(allowed)}.")
    for key, value in schedule.items():
        if key == "kind" or value is None and probes.SCHEDULE_KEYS[kind].get(key, 0) is None:
            continue
        if key in ("warmup", "total_steps", "every"):
            if not _is_int(value):
                return f"the schedule's {key!r} is {_what(value)}; it must be an int (a number of iterations)."
        elif not _is_number(value):
            return f"the schedule's {key!r} is {_what(value)}; it must be a number."
    return None


def _outside(value, low, high, low_in, high_in) -> bool:
    below = value < low if low_in else value <= low
    above = high is not None and (value > high if high_in else value >= high)
    return bool(below or above or not math.isfinite(value))


def _interval(low, high, low_in, high_in) -> str:
    return f"{'[' if low_in else '('}{low:g}, {high:g}{']' if high_in else ')'}"


def range_problem(config) -> str | None:
    """One sentence on the first value of a well-formed ``config`` outside its allowed range, or None."""
    for size in config.get("hidden_dims", DEFAULTS["hidden_dims"]):
        if not HIDDEN_RANGE[0] <= size <= HIDDEN_RANGE[1]:
            return (f"'hidden_dims' holds {size}; each hidden layer has from {HIDDEN_RANGE[0]} to {HIDDEN_RANGE[1]} "
                    f"units.")
    for key, (low, high, low_in, high_in, what) in NUMBERS.items():
        if key in config and _outside(float(config[key]), low, high, low_in, high_in):
            return f"{key!r} is {config[key]!r}; {what} must lie in {_interval(low, high, low_in, high_in)}."
    for key, (low, high) in INTS.items():
        if key in config and (config[key] < low or high is not None and config[key] > high):
            span = f"from {low} to {high}" if high is not None else f"at least {low}"
            return f"{key!r} is {config[key]!r}; it must be {span}."
    epochs = config.get("epochs", DEFAULTS["epochs"])
    patience = config.get("patience")
    if patience is not None and not 1 <= patience <= epochs:
        return (f"'patience' is {patience!r}; it must be from 1 to 'epochs' ({epochs}), or None for no early "
                f"stopping.")
    schedule = config.get("schedule")
    if schedule is None:
        return None
    rate = float(config.get("learning_rate", probes.RULE_KEYS[config.get("optimizer", "sgd")]["learning_rate"]))
    checks = {"warmup": (0, None, True, True, "the warm-up, in iterations,"),
              "total_steps": (1, None, True, True, "the cosine's length, in iterations,"),
              "every": (1, None, True, True, "the iterations between drops"),
              "lr_min": (0.0, rate, True, True, "the final learning rate (at most 'learning_rate')"),
              "drop": (0.0, 1.0, False, True, "the factor of each drop"),
              "k": (0.0, 1.0, True, True, "the decay per iteration")}
    for key, (low, high, low_in, high_in, what) in checks.items():
        value = schedule.get(key)
        if value is not None and _outside(float(value), low, high, low_in, high_in):
            span = f"lie in {_interval(low, high, low_in, high_in)}" if high is not None else f"be at least {low}"
            return f"the schedule's {key!r} is {value!r}; {what} must {span}."
    return None


def resolve_config(config) -> dict:
    """``config`` (well-formed and in range) with every default filled in, as plain Python numbers."""
    resolved = {key: config.get(key, default) for key, default in DEFAULTS.items()}
    optimizer = resolved["optimizer"]
    for key, default in probes.RULE_KEYS[optimizer].items():
        resolved[key] = float(config.get(key, default))
    resolved["hidden_dims"] = [int(h) for h in resolved["hidden_dims"]]
    for key in INTS:
        resolved[key] = int(resolved[key])
    for key in ("reg", "keep_prob"):
        resolved[key] = float(resolved[key])
    if resolved["patience"] is not None:
        resolved["patience"] = int(resolved["patience"])
    schedule = resolved["schedule"]
    if schedule is not None:
        kind = schedule["kind"]
        filled = {"kind": kind, "warmup": int(schedule.get("warmup", 0))}
        for key, default in probes.SCHEDULE_KEYS[kind].items():
            value = schedule.get(key, default)
            filled[key] = value if value is None else (int(value) if key in ("total_steps", "every") else float(value))
        resolved["schedule"] = filled
    return resolved


def describe_config(config) -> str:
    """``784-512-256-10, adam (learning_rate 0.001), cosine schedule, 10 epochs of batches of 256, float32``."""
    net = "-".join(str(d) for d in (probes.INPUT_DIM, *config["hidden_dims"], probes.NUM_CLASSES))
    schedule = f", {config['schedule']['kind']} schedule" if config["schedule"] else ""
    return (f"{net}, {config['optimizer']} (learning_rate {config['learning_rate']:g}){schedule}, {config['epochs']} "
            f"epochs of batches of {config['batch_size']}, {config['dtype']}")


# -- a training run, read from its history --------------------------------------------------------------
def history_problem(history) -> str | None:
    """Whether the learner's ``train`` returned a usable history: a dict with per-iteration and per-epoch lists."""
    if not isinstance(history, dict):
        return f"your train returned {describe_value(history)}; it must return the history dict of Day 13."
    for key in ("loss", "train_acc", "val_acc"):
        try:
            values = np.asarray(history.get(key), dtype=float)
        except (TypeError, ValueError):
            values = None
        if values is None or values.ndim != 1:
            return (f"your train's history[{key!r}] is {describe_value(history.get(key))}; it must be a list of "
                    f"numbers, one per {'iteration' if key == 'loss' else 'epoch'}.")
    return None


def curves_of(run) -> dict:
    """The per-iteration losses and per-epoch accuracies of a run (a stopped run has no accuracies)."""
    history = run.get("history")
    if run.get("stopped") is not None or history is None:
        return {"loss": [float(v) for v in np.asarray(run["losses"], dtype=float)], "train_acc": [], "val_acc": []}
    return {key: [float(v) for v in np.asarray(history[key], dtype=float)] for key in ("loss", "train_acc", "val_acc")}


def describe_run(run, config) -> tuple[str, str] | None:
    """``(sentence, names)`` on why a capstone run does not pass, read from its history; None when it passes."""
    per_epoch, epochs = run["iterations_per_epoch"], config["epochs"]
    seconds = float(run["seconds"])
    if run["stopped"] == "diverged":
        iteration = int(run["stopped_at"])
        value = float(np.asarray(run["losses"], dtype=float)[-1])
        return (f"the loss went to {value} at iteration {iteration} (epoch {iteration // per_epoch + 1} of {epochs}), "
                f"after {secs(seconds)}, so training stopped there: lower the learning rate (yours is "
                f"{config['learning_rate']:g}{' at the start of its schedule' if config['schedule'] else ''}).",
                "cause")
    if run["stopped"] == "time":
        done = len(run["losses"])
        return (f"training did not finish within the time budget of {TIME_BUDGET:g} s: it was stopped after "
                f"{done} iterations ({done / per_epoch:.1f} of {epochs} epochs of {per_epoch}). Use fewer epochs, "
                f"narrower layers, float32 or larger batches ({describe_config(config)}).", "cause")
    problem = history_problem(run["history"])
    if problem:
        return problem, "mismatch"
    test_acc = run["test_acc"]
    if not _is_number(test_acc) or not math.isfinite(float(test_acc)):
        return (f"your evaluate returned {describe_value(test_acc)} for the test set; it must return the accuracy, "
                f"a number between 0 and 1.", "mismatch")
    test_acc = float(test_acc)
    if test_acc > TARGET_ACCURACY:
        return None
    curves = curves_of(run)
    train, val, losses = curves["train_acc"], curves["val_acc"], curves["loss"]
    done = f"after {len(val)} epoch{'s' if len(val) != 1 else ''} ({secs(seconds)})"
    if val and max(val) < CHANCE_ACCURACY and test_acc < CHANCE_ACCURACY:
        return (f"the accuracy is stuck at chance (about 10 %: {pct(test_acc)} on the test set, at most "
                f"{pct(max(val))} on validation) {done}: {why_at_chance(losses, config, per_epoch)}.", "cause")
    sentence = f"the test accuracy is {pct(test_acc, 2)} {done}; it must be above {pct(TARGET_ACCURACY, 0)}."
    if train and val and train[-1] > 0.98 and train[-1] - val[-1] > 0.02:
        sentence += (f" Your network fits its training examples much better than the validation ones (training "
                     f"{pct(train[-1])}, validation {pct(val[-1])}): regularise it (reg, keep_prob) or stop earlier.")
    elif train and train[-1] < TARGET_ACCURACY:
        sentence += (f" Even the training accuracy is only {pct(train[-1])}: the network underfits; train longer, "
                     f"tune the learning rate (make capstone runs a small search) or widen the layers.")
    return sentence, "mismatch"


def why_at_chance(losses, config, per_epoch) -> str:
    """What the losses of a network stuck at chance say: a jump (too large steps), no movement, or neither."""
    rate, init = f"{config['learning_rate']:g}", repr(config["init"])
    finite = np.asarray([v for v in losses if math.isfinite(v)], dtype=float)
    if finite.size < 2:
        return f"look at the learning rate ({rate}) and the initialisation ({init})"
    first, last, peak = float(finite[0]), float(finite[-1]), int(np.argmax(finite))
    if finite[peak] > 10 * first:
        return (f"the loss jumped to {finite[peak]:.3g} at iteration {peak} (epoch {peak // per_epoch + 1}) and the "
                f"network never recovered; lower the learning rate (yours is {rate})")
    if abs(last - first) < 0.05 * abs(first):
        return (f"the loss hardly moved (from {first:.3g} to {last:.3g}), so the updates are too small to matter: "
                f"the learning rate ({rate}) is far too small, or no gradient reaches the weights (look at the "
                f"initialisation, {init})")
    return (f"the loss went from {first:.3g} to {last:.3g}; look at the learning rate ({rate}) and the initialisation "
            f"({init})")


# -- the completion criteria --------------------------------------------------------------------------------
def criteria_from(results) -> dict:
    """The completion criteria of ``results`` (see ``capstone_report``), by the suite's own rules."""
    trials = [t for t in results["search"] if _is_number(t.get("val_acc")) and math.isfinite(float(t["val_acc"]))]
    criteria = {
        "accuracy": bool(float(results["test_acc"]) > TARGET_ACCURACY),
        "time": bool(float(results["seconds"]) <= float(results["time_budget"])),
        "gradient_check": bool(float(results["gradcheck"]["max_rel_error"])
                               <= float(results["gradcheck"]["tolerance"])),
        "optimizers": all(len(results["optimizers"].get(name) or []) > 0 for name in ("sgd", "adam")),
        "search": len(trials) >= MIN_TRIALS,
    }
    criteria["complete"] = all(criteria.values())
    return criteria


CRITERIA = ("accuracy", "time", "gradient_check", "optimizers", "search", "complete")


# =====================================================================================================
# capstone_config: its form, its values, and the training run
# =====================================================================================================
@exercise("day14.capstone_config")
def test_config_is_well_formed(day14):
    problem = config_problem(day14.capstone_config())
    if problem:
        fail(problem, names="cause")


@exercise("day14.capstone_config")
def test_config_values_in_range(day14):
    config = day14.capstone_config()
    if config_problem(config):
        fail("capstone_config() is not well formed (see the check above), so its values could not be checked.")
    problem = range_problem(config)
    if problem:
        fail(problem, names="cause")


_MNIST = {}


def mnist_arrays() -> dict:
    """The full MNIST as uint8 arrays, loaded once per session; CheckUnavailable when it is not on this machine."""
    if "data" not in _MNIST:
        try:
            _MNIST["data"] = deliverables.load_data()
        except MnistUnavailableError as exc:
            missing = f" (no copy of {exc.filename} was found, and none could be downloaded)" if exc.filename else ""
            raise CheckUnavailable(f"the capstone trains on the full MNIST, which is not on this machine{missing}; "
                                   f"fetch it with .venv/bin/python -m kata_support.mnist (or set MNIST_DIR), then "
                                   f"check again.") from None
        except MnistCorruptError as exc:
            raise CheckUnavailable(f"the capstone trains on the full MNIST, but a file of it is damaged "
                                   f"({str(exc).splitlines()[0][:200]}); replace it, then check again.") from None
    return _MNIST["data"]


@exercise("day14.capstone_config")
@pytest.mark.budget(seconds=TIME_BUDGET + SETUP_SECONDS, cpu_seconds=2 * (TIME_BUDGET + SETUP_SECONDS))
def test_capstone_reaches_95_percent(day14):
    config = day14.capstone_config()
    problem = config_problem(config) or range_problem(config)
    if problem:
        fail(f"the capstone cannot train this configuration: {problem}")
    resolved = resolve_config(config)
    data = mnist_arrays()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        run = day14.probe(probes.train_capstone, resolved, data, TIME_BUDGET, label="training")
    verdict = describe_run(run, resolved)
    if verdict:
        sentence, names = verdict
        fail(f"{sentence} ({describe_config(resolved)}.)", names=names)
    epochs = len(curves_of(run)["val_acc"])
    note(f"test accuracy {pct(float(run['test_acc']), 2)} after {epochs} epoch{'s' * (epochs != 1)} in "
         f"{secs(float(run['seconds']))} of training (time budget {TIME_BUDGET:g} s, one BLAS thread here).")


# =====================================================================================================
# capstone_report: the criteria on crafted results
# =====================================================================================================
def met_results():
    """Results that meet every criterion, by a comfortable margin."""
    search = [{"params": {"learning_rate": lr, "reg": reg}, "val_acc": acc}
              for lr, reg, acc in ((3e-4, 1e-5, 0.962), (1e-3, 1e-4, 0.971), (3e-3, 1e-6, 0.968), (1e-2, 1e-3, 0.93))]
    return {"test_acc": 0.9812, "seconds": 75.5, "time_budget": 600.0,
            "gradcheck": {"max_rel_error": 2.5e-9, "tolerance": 1e-6},
            "optimizers": {"sgd": [0.91, 0.93], "sgd_momentum": [0.95, 0.96], "adam": [0.96, 0.97]},
            "search": search}


def _changed(**changes):
    return probes.with_changes(met_results(), **changes)


_TRIAL = {"params": {"learning_rate": 1e-3, "reg": 0.0}, "val_acc": 0.95}
_NAN_TRIAL = {"params": {"learning_rate": 10.0, "reg": 0.0}, "val_acc": math.nan}
#: (id, results, what is special about them).
REPORT_CASES = [
    ("all-met", met_results(), "every criterion is met"),
    ("accuracy-exactly-95", _changed(test_acc=0.95), "test_acc is 0.95 exactly: 'above 95 %' is strict"),
    ("accuracy-nan", _changed(test_acc=math.nan), "test_acc is NaN (no test accuracy was measured)"),
    ("time-at-the-budget", _changed(seconds=600.0), "seconds equals time_budget: at most the budget is allowed"),
    ("time-over-a-smaller-budget", _changed(seconds=90.5, time_budget=90.0),
     "seconds is 90.5 and time_budget 90 (not the usual 600)"),
    ("time-nan", _changed(seconds=math.nan), "seconds is NaN"),
    ("gradient-at-the-tolerance", _changed(max_rel_error=1e-6), "max_rel_error equals the tolerance"),
    ("gradient-above-tolerance", _changed(max_rel_error=3e-6), "max_rel_error 3e-6 is above the tolerance 1e-6"),
    ("gradient-other-tolerance", _changed(max_rel_error=5e-5, tolerance=1e-4),
     "max_rel_error 5e-5 is within a tolerance of 1e-4 (not the usual 1e-6)"),
    ("gradient-nan", _changed(max_rel_error=math.nan), "max_rel_error is NaN (the check could not run)"),
    ("no-adam", _changed(optimizers={"sgd": [0.9], "sgd_momentum": [0.95]}), "the comparison has no 'adam'"),
    ("sgd-empty", _changed(optimizers={"sgd": [], "adam": [0.97]}), "'sgd' could not run (an empty list)"),
    ("only-sgd-and-adam", _changed(optimizers={"adam": [0.96], "sgd": [0.92]}),
     "only 'sgd' and 'adam' were compared, which is enough"),
    ("three-trials", _changed(search=met_results()["search"][:3]), "the search has only 3 trials"),
    ("four-trials-one-nan", _changed(search=[*met_results()["search"][:3], _NAN_TRIAL]),
     "one of the 4 trials has a NaN validation accuracy"),
    ("five-trials-one-nan", _changed(search=[*met_results()["search"][:3], _NAN_TRIAL, _TRIAL]),
     "4 of the 5 trials have a finite validation accuracy"),
]


@exercise("day14.capstone_report")
@pytest.mark.parametrize("case", REPORT_CASES, ids=[c[0] for c in REPORT_CASES])
def test_report_ticks_the_criteria(day14, case):
    _, results, situation = case
    criteria = day14.capstone_report(results)
    expected = criteria_from(results)
    if not isinstance(criteria, dict):
        fail(f"capstone_report(results) returned {describe_value(criteria)}; it must return a dict criterion -> bool "
             f"with the keys {', '.join(CRITERIA)}.")
    missing = [name for name in CRITERIA if name not in criteria]
    extra = [name for name in criteria if name not in CRITERIA]
    if missing or extra:
        fail(f"capstone_report(results) returned the keys {sorted(map(str, criteria))}; it must return exactly "
             f"{', '.join(CRITERIA)}" + (f" ({', '.join(map(str, missing))} missing)." if missing else "."))
    for name in CRITERIA:
        value = criteria[name]
        if not isinstance(value, (bool, np.bool_)):
            fail(f"capstone_report(results)[{name!r}] is {_what(value)}; every criterion must be a bool (True or "
                 f"False): wrap the comparison in bool(...).")
        if bool(value) != expected[name]:
            fail(f"capstone_report(results)[{name!r}] is {bool(value)} when {situation}; it must be "
                 f"{expected[name]}.", names="cause")


# =====================================================================================================
# capstone_report: the deliverables of make capstone
# =====================================================================================================
def _folder(impl):
    return deliverables.deliverables_dir(impl.source)


def _shown(folder) -> str:
    from grader.impl import display_path
    return display_path(folder)


def read_deliverables(impl):
    """The JSON files and the texts of ``make capstone``'s folder, after the presence check."""
    folder = _folder(impl)
    missing = [name for name in deliverables.FILES if not (folder / name).is_file()]
    if missing:
        fail(f"the capstone's deliverables are not all there ({', '.join(missing)} missing in {_shown(folder)}/): run "
             f"make capstone, which trains your configuration and writes them.", names="cause")
    found = {}
    try:
        for name in deliverables.FILES:
            path = folder / name
            if name.endswith(".json"):
                found[name] = deliverables.read_json(path)
            elif name.endswith(".md"):
                found[name] = deliverables.read_text(path)
            else:
                found[name] = deliverables.png_text(path)
    except deliverables.DeliverableError as exc:
        fail(f"{exc}: run make capstone again to rewrite the deliverables.", names="cause")
    return found


def _field(data, name, key, kind=None):
    if not isinstance(data, dict) or key not in data:
        fail(f"{name} has no {key!r} entry: it was not written by this kata's make capstone; run it again.")
    value = data[key]
    if kind is not None and not isinstance(value, kind):
        fail(f"{name}'s {key!r} is {describe_value(value)}, not what make capstone writes; run it again.")
    return value


@exercise("day14.capstone_report")
def test_deliverables_exist(day14, impl):
    day14.capstone_config()  # not started until the configuration is written
    read_deliverables(impl)


@exercise("day14.capstone_report")
def test_deliverables_are_one_run_of_this_config(day14, impl):
    config = day14.capstone_config()
    problem = config_problem(config) or range_problem(config)
    if problem:
        fail(f"capstone_config() cannot be trained, so no deliverables can match it: {problem}")
    found = read_deliverables(impl)
    history = found["history.json"]
    stated = _field(history, "history.json", "config", dict)
    current = resolve_config(config)
    if stated != current:
        changed = sorted(key for key in set(stated) | set(current) if stated.get(key) != current.get(key))
        first = changed[0]
        fail(f"history.json was written for another configuration ({first} {stated.get(first)!r} there, "
             f"{current.get(first)!r} in capstone_config() now): run make capstone again.", names="cause")
    run_id = _field(history, "history.json", "run_id", str)
    for name, data in found.items():
        if name == "history.json":
            continue
        if name.endswith(".md"):
            other = deliverables.run_id_of_text(data)
        else:
            other = data.get("kata-run" if name.endswith(".png") else "run_id") if isinstance(data, dict) else None
        if other != run_id:
            fail(f"{name} and history.json come from different runs of make capstone (a run stopped half-way, or a "
                 f"file from an older run): run make capstone again.", names="cause")
    curves = {key: _field(history, "history.json", key, list) for key in ("loss", "train_acc", "val_acc")}
    if found["curves.png"].get("kata-digest") != deliverables.digest(curves):
        fail("curves.png was not drawn from the history in history.json (its data differ): run make capstone again.",
             names="cause")
    runs = _field(found["optimizers.json"], "optimizers.json", "runs", dict)
    if found["optimizers.png"].get("kata-digest") != deliverables.digest(runs):
        fail("optimizers.png was not drawn from optimizers.json (their data differ): run make capstone again.",
             names="cause")
    test_acc = _field(history, "history.json", "test_acc")
    stated_acc = deliverables.accuracy_in_report(found["report.md"])
    if test_acc is not None and stated_acc != deliverables.percent(test_acc):
        fail(f"report.md states a test accuracy of {stated_acc or 'nothing'} but history.json has "
             f"{deliverables.percent(test_acc)}: run make capstone again.", names="cause")
    trials = _field(found["search.json"], "search.json", "trials", list)
    rows = deliverables.table_rows(found["search.md"])
    if rows != len(trials):
        fail(f"search.md's table has {rows} trials but search.json has {len(trials)}: run make capstone again.",
             names="cause")


def results_of(found) -> dict:
    """The results ``capstone_report`` is given, rebuilt from the deliverables (the suite's budget and tolerance)."""
    history, gradcheck = found["history.json"], found["gradcheck.json"]
    test_acc = _field(history, "history.json", "test_acc")
    runs = _field(found["optimizers.json"], "optimizers.json", "runs", dict)
    trials = _field(found["search.json"], "search.json", "trials", list)
    error = _field(gradcheck, "gradcheck.json", "max_rel_error")
    seconds = _field(history, "history.json", "seconds")
    return {"test_acc": float(test_acc) if _is_number(test_acc) else math.nan,
            "seconds": float(seconds) if _is_number(seconds) else math.nan, "time_budget": TIME_BUDGET,
            "gradcheck": {"max_rel_error": float(error) if _is_number(error) else math.nan,
                          "tolerance": GRADCHECK_TOL},
            "optimizers": {str(name): list(run.get("val_acc") or []) if isinstance(run, dict) else []
                           for name, run in runs.items()},
            "search": [t for t in trials if isinstance(t, dict)]}


@exercise("day14.capstone_report")
def test_deliverables_meet_the_criteria(day14, impl):
    day14.capstone_config()
    found = read_deliverables(impl)
    results = results_of(found)
    expected = criteria_from(results)
    ticked = deliverables.ticks_in_report(found["report.md"])
    if not ticked:
        fail("report.md has no ticked criteria: capstone_report was not written when make capstone ran; write it, "
             "then run make capstone again.", names="cause")
    wrong = [name for name in CRITERIA if ticked.get(name) != expected[name]]
    if wrong:
        name = wrong[0]
        fail(f"report.md ticks {name!r} as {ticked.get(name)} but the deliverables say {expected[name]}: fix "
             f"capstone_report (make check day14.capstone_report), then run make capstone again.", names="cause")
    if not expected["accuracy"]:
        verdict = found["history.json"].get("verdict")
        why = f": {verdict}" if isinstance(verdict, str) and len(verdict) < 600 else "."
        fail(f"the capstone run of the deliverables has a test accuracy of "
             f"{deliverables.percent(results['test_acc'])}, not above {pct(TARGET_ACCURACY, 0)}{why}", names="cause")
    if not expected["time"]:
        fail(f"the capstone run of the deliverables took {results['seconds']:.0f} s, more than the time budget of "
             f"{TIME_BUDGET:g} s: make it faster (fewer epochs, float32, larger batches) and run make capstone again.",
             names="cause")
    if not expected["gradient_check"]:
        worst = found["gradcheck.json"].get("worst")
        where = f" (worst in {worst})" if isinstance(worst, str) and len(worst) < 200 else ""
        fail(f"the gradient check of your trained network failed: relative error "
             f"{results['gradcheck']['max_rel_error']:.2e}, allowed {GRADCHECK_TOL:.0e}{where}; the analytic gradient "
             f"of your FullyConnectedNet disagrees with the numerical one (make check day13.FullyConnectedNet).",
             names="cause")
    if not expected["optimizers"]:
        fail("the optimizer comparison has no result for 'sgd' or for 'adam' (is one of them not written yet? make "
             "check day5 day6), then run make capstone again.", names="cause")
    if not expected["search"]:
        fail(f"the hyperparameter search has fewer than {MIN_TRIALS} trials with a finite validation accuracy: run "
             f"make capstone again.", names="cause")

