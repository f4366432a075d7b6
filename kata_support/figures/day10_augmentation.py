"""Day 10 figures: the learner's augmentation on real digits, learning curves against the size of the
training set (with and without augmentation), and a capacity sweep with the learner's diagnose_fit
verdicts.

Everything is computed with the learner's own code in the sandboxed worker: ``augment_batch`` and
``diagnose_fit`` directly, and the training runs by ``train_network`` of
tests/probes/day10_augmentation.py, which trains the learner's Day 4 ``TwoLayerNet`` with plain
minibatch SGD. This module loads MNIST (the raw images: augmentation works on pictures, before
centring), sends them to the worker as uint8 arrays, and draws what comes back. A figure whose
code is not written yet is skipped (or drawn without that part) with one line naming what it needs.
"""
import sys
from functools import partial

import numpy as np

from tests.probes import day10_augmentation as probes

from ..mnist import MnistCorruptError, MnistUnavailableError
from ..plotting import new_figure, save
from . import _steps
from ._data import raw_subsets

progress = partial(_steps.progress, 10)
attempt = partial(_steps.require, 10)
Missing = _steps.NotWritten


#: Learning curves: training set sizes, each trained for the same number of SGD steps (HIDDEN units).
SIZES = (100, 200, 500, 1000, 2000, 5000)
CURVE_STEPS = 1500
HIDDEN = 100
#: The capacity sweep: hidden sizes, on CAPACITY_TRAIN images for CAPACITY_EPOCHS epochs, measured EVALUATIONS times.
HIDDEN_SIZES = (2, 4, 8, 16, 32, 64, 128, 256, 512)
CAPACITY_TRAIN, CAPACITY_EPOCHS, EVALUATIONS = 2000, 24, 12
N_VAL, BATCH, LEARNING_RATE = 2000, 50, 0.1
#: diagnose_fit's gap threshold (solutions/day10_augmentation.py, OVERFIT_GAP), drawn for reference.
GAP = 0.05
VERDICT_COLOURS = {"underfitting": "tab:blue", "good fit": "tab:green", "overfitting": "tab:red"}


def train(day, data, hidden, steps, augment, evaluations, what):
    X, y, X_val, y_val = data
    return attempt(what, lambda: day.probe(probes.train_network, X, y, X_val, y_val, hidden, steps, BATCH,
                                           LEARNING_RATE, augment, evaluations, 0))


# -- 1. the augmented digits ------------------------------------------------------------------------------
def digits_figure(day, images, labels, out_dir):
    picks = [int(np.flatnonzero(labels == digit)[0]) for digit in range(10)]
    originals = images[picks].astype(float) / 255.0
    rows = [("original", originals)]
    calls = [(f"augment_batch\nseed {seed}", seed, {}) for seed in (1, 2, 3)]
    calls.append(("max_shift 4,\nmax_degrees 30", 4, {"max_shift": 4, "max_degrees": 30.0}))
    try:
        for name, seed, kwargs in calls:
            batch = attempt("day10_augmented_digits.png", lambda seed=seed, kwargs=kwargs: day.augment_batch(
                originals, np.random.default_rng(seed), **kwargs))
            rows.append((name, np.asarray(batch, dtype=float)))
    except Missing:
        return []
    fig, axes = new_figure(ncols=len(picks), nrows=len(rows), size=(1.05, 1.1))
    for r, (name, batch) in enumerate(rows):
        for c, image in enumerate(batch):
            ax = axes[r, c]
            ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(f"label {labels[picks[c]]}", fontsize=9)
            if c == 0:
                ax.set_ylabel(name, fontsize=8)
    fig.suptitle("Your augment_batch on MNIST digits: every call moves and turns each image afresh; the labels stay "
                 "(default max_shift 2, max_degrees 10)", fontsize=10)
    return [save(fig, out_dir / "day10_augmented_digits.png")]


# -- 2. learning curves against the size of the training set -------------------------------------------------
def learning_curves_figure(day, data, out_dir):
    X, y, X_val, y_val = data
    results = {}
    for augment in (False, True):
        label = "with your augment_batch" if augment else "without augmentation"
        progress(f"learning curves {label}: {len(SIZES)} training sets of {SIZES[0]} to {SIZES[-1]} images, "
                 f"{CURVE_STEPS} SGD steps each")
        finals = []
        try:
            for n in SIZES:
                run = train(day, (X[:n], y[:n], X_val, y_val), HIDDEN, CURVE_STEPS, augment, 1,
                            "day10_learning_curves.png" + (" (its augmented curves)" if augment else ""))
                finals.append((run["train"][-1], run["val"][-1]))
        except Missing:
            if not augment:
                return []
            break
        results[augment] = np.array(finals)

    fig, axes = new_figure(ncols=2, size=(5.4, 4.3))
    acc_ax, gap_ax = axes[0]
    for augment, finals in results.items():
        colour = "tab:orange" if augment else "tab:blue"
        name = "with augment_batch" if augment else "no augmentation"
        acc_ax.plot(SIZES, finals[:, 0], "o-", color=colour, label=f"training accuracy, {name}")
        acc_ax.plot(SIZES, finals[:, 1], "s--", color=colour, label=f"validation accuracy, {name}")
        gap_ax.plot(SIZES, finals[:, 0] - finals[:, 1], "o-", color=colour, label=name)
    for ax in (acc_ax, gap_ax):
        ax.set_xscale("log")
        ax.set_xticks(SIZES)
        ax.set_xticklabels([str(n) for n in SIZES])
        ax.minorticks_off()
    acc_ax.set_xlabel("training images (log scale)")
    acc_ax.set_ylabel(f"accuracy after {CURVE_STEPS} steps")
    acc_ax.set_title("Training and validation accuracy", fontsize=10)
    acc_ax.grid(True, linewidth=0.3)
    acc_ax.legend(fontsize=7, loc="lower right")
    gap_ax.axhline(GAP, color="grey", linestyle=":", label=f"diagnose_fit's threshold {GAP}")
    gap_ax.set_xlabel("training images (log scale)")
    gap_ax.set_ylabel("training minus validation accuracy")
    gap_ax.set_title("The gap shrinks with more data" + (" and with augmentation" if True in results else ""),
                     fontsize=10)
    gap_ax.set_ylim(bottom=min(0.0, min(float(np.min(f[:, 0] - f[:, 1])) for f in results.values()) - 0.01))
    gap_ax.grid(True, linewidth=0.3)
    gap_ax.legend(fontsize=7)
    fig.suptitle(f"Learning curves: your TwoLayerNet (784-{HIDDEN}-10), {CURVE_STEPS} SGD steps of {BATCH} images, "
                 f"{N_VAL} validation images never augmented", fontsize=10)
    return [save(fig, out_dir / "day10_learning_curves.png")]


# -- 3. the capacity sweep ----------------------------------------------------------------------------------
def capacity_runs(day, data, augment):
    steps = CAPACITY_EPOCHS * CAPACITY_TRAIN // BATCH
    label = "with your augment_batch" if augment else "without augmentation"
    progress(f"capacity sweep {label}: hidden sizes {HIDDEN_SIZES[0]} to {HIDDEN_SIZES[-1]}, "
             f"{CAPACITY_EPOCHS} epochs on {CAPACITY_TRAIN} images each")
    runs = []
    for hidden in HIDDEN_SIZES:
        runs.append(train(day, data, hidden, steps, augment, EVALUATIONS,
                          "day10_capacity.png" + (" (its augmented panel)" if augment else "")))
    return runs


def verdicts_of(day, runs):
    """The learner's diagnose_fit on every run's curves; None (after one line) when it is not written yet."""
    try:
        return [attempt("day10_capacity.png (its verdicts)", lambda run=run: day.diagnose_fit(
            [float(v) for v in run["train"]], [float(v) for v in run["val"]])) for run in runs]
    except Missing:
        return None


def sweep_panel(ax, runs, verdicts, title):
    train_final = [run["train"][-1] for run in runs]
    val_final = [run["val"][-1] for run in runs]
    ax.plot(HIDDEN_SIZES, train_final, "o-", color="black", label="training accuracy")
    ax.plot(HIDDEN_SIZES, val_final, "s--", color="tab:purple", label="validation accuracy")
    ax.fill_between(HIDDEN_SIZES, val_final, train_final, color="tab:purple", alpha=0.12, label="the gap")
    for hidden, verdict in zip(HIDDEN_SIZES, verdicts or ()):
        ax.text(hidden, 1.01, str(verdict), rotation=90, ha="center", va="bottom", fontsize=7.5,
                color=VERDICT_COLOURS.get(verdict, "black"))
    ax.set_xscale("log", base=2)
    ax.set_xticks(HIDDEN_SIZES)
    ax.set_xticklabels([str(h) for h in HIDDEN_SIZES])
    ax.set_ylim(0.4, 1.25)
    ax.set_yticks(np.arange(0.4, 1.01, 0.1))
    ax.set_xlabel("hidden units (log scale)")
    ax.set_ylabel(f"accuracy after {CAPACITY_EPOCHS} epochs")
    ax.set_title(title + ("\nabove each size: your diagnose_fit's verdict" if verdicts
                          else "\n(the verdicts need your diagnose_fit)"), fontsize=10)
    ax.grid(True, linewidth=0.3)
    ax.legend(fontsize=7, loc="lower right")


def capacity_figure(day, data, out_dir):
    try:
        plain = capacity_runs(day, data, False)
    except Missing:
        return []
    try:
        augmented = capacity_runs(day, data, True)
    except Missing:
        augmented = None
    plain_verdicts = verdicts_of(day, plain)
    augmented_verdicts = verdicts_of(day, augmented) if augmented and plain_verdicts else None

    fig, axes = new_figure(ncols=3 if augmented else 2, size=(5.0, 4.6))
    sweep_panel(axes[0, 0], plain, plain_verdicts, "Without augmentation")
    if augmented:
        sweep_panel(axes[0, 1], augmented, augmented_verdicts, "With your augment_batch on every minibatch")
    ax = axes[0, -1]
    epochs = np.linspace(0, CAPACITY_EPOCHS, EVALUATIONS + 1)[1:]
    shown = [("tab:blue", f"{HIDDEN_SIZES[1]} units", plain[1], plain_verdicts and plain_verdicts[1]),
             ("tab:red", f"{HIDDEN_SIZES[-1]} units", plain[-1], plain_verdicts and plain_verdicts[-1])]
    if augmented:
        shown.append(("tab:green", f"{HIDDEN_SIZES[-1]} units, augmented", augmented[-1],
                      augmented_verdicts and augmented_verdicts[-1]))
    for colour, name, run, verdict in shown:
        tag = f": {verdict}" if verdict else ""
        ax.plot(epochs, run["train"], "-", color=colour, label=f"{name}, training{tag}")
        ax.plot(epochs, run["val"], "--", color=colour, label=f"{name}, validation")
    ax.set_xticks(np.arange(0, CAPACITY_EPOCHS + 1, 4))
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0.4, 1.02)
    ax.set_title(f"What diagnose_fit reads: the curves of {len(shown)} runs", fontsize=10)
    ax.grid(True, linewidth=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(f"Capacity sweep: your TwoLayerNet with {HIDDEN_SIZES[0]} to {HIDDEN_SIZES[-1]} hidden units, "
                 f"trained on {CAPACITY_TRAIN} MNIST images\n(solid: training accuracy, dashed: validation accuracy on "
                 f"{N_VAL} other images, never augmented)", fontsize=11)
    return [save(fig, out_dir / "day10_capacity.png")]


def draw(day, out_dir):
    try:
        X, y, X_val, y_val = raw_subsets(max(SIZES), N_VAL, seed=0)
    except (MnistUnavailableError, MnistCorruptError) as exc:
        print(f"Day 10: the figures need MNIST: {str(exc).splitlines()[0]}", file=sys.stderr)
        return []
    progress("augmenting a few digits")
    paths = digits_figure(day, X, y, out_dir)
    paths += learning_curves_figure(day, (X, y, X_val, y_val), out_dir)
    paths += capacity_figure(day, (X[:CAPACITY_TRAIN], y[:CAPACITY_TRAIN], X_val, y_val), out_dir)
    return paths
