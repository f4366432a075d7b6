"""Day 8 figures: overfitting 500 MNIST images with and without the learner's L2 penalty, how the penalty
reshapes the loss landscape, and why AdamW's decay is not Adam + L2.

Everything is computed with the learner's own code in the sandboxed worker, by the probes of
tests/probes/day08_regularization.py: today's l2_penalty, adamw and EarlyStopping, the Day 4
``TwoLayerNet`` and, for the landscape, Day 7's random_direction and loss_along_direction (or the
probe's own filter-normalised helper when those are not written yet). This module only draws what
comes back. A figure whose code is not written yet is skipped with one line naming what it needs.
"""
import sys
from functools import partial

import numpy as np

from tests.probes import day08_regularization as probes

from ..mnist import MnistCorruptError, MnistUnavailableError
from ..plotting import new_figure, save
from . import _steps
from ._data import mnist_subsets

progress = partial(_steps.progress, 8)
attempt = partial(_steps.attempt, 8)


#: Few enough training images for a 784-100-10 network to learn them by heart.
N_TRAIN, N_VAL = 500, 1000
EPOCHS, BATCH, LEARNING_RATE, HIDDEN = 150, 50, 0.05, 100
REG = 0.01
PATIENCE = 10
ALPHAS = np.linspace(-1.0, 1.0, 41)
#: The AdamW figure: a constant gradient of each size, w0 = 1, 100 steps.
SCALES = np.logspace(-4, 3, 36)
DECAY_STEPS, DECAY_LR, DECAY_WD = 100, 1e-3, 0.1
COLOURS = {"plain": "tab:blue", "l2": "tab:orange"}


# -- 1. train vs validation, with and without L2 ------------------------------------------------------------
def training_runs(day, data):
    runs = {}
    for key, reg in (("plain", 0.0), ("l2", REG)):
        label = "without L2" if reg == 0 else f"with L2, reg = {reg:g}"
        progress(f"training {label} ({EPOCHS} epochs of {N_TRAIN} images)")
        run = attempt("day08_l2_curves.png", lambda reg=reg: day.probe(
            probes.train_regularized, *data, reg, EPOCHS, BATCH, LEARNING_RATE, HIDDEN, 0, PATIENCE))
        if run is None:
            return {}
        if run["stopper_note"] and key == "plain":
            print(f"Day 8: the early-stopping marks need {run['stopper_note']}, which is not written yet.",
                  file=sys.stderr, flush=True)
        runs[key] = (label, run)
    return runs


def curves_figure(runs, out_dir):
    epochs = np.arange(EPOCHS)
    fig, axes = new_figure(ncols=3, size=(5.0, 4.4))
    loss_ax, acc_ax, norm_ax = axes[0]
    for key, (label, run) in runs.items():
        colour = COLOURS[key]
        loss_ax.plot(epochs, run["train_loss"], "--", color=colour, label=f"training, {label}")
        loss_ax.plot(epochs, run["val_loss"], color=colour, label=f"validation, {label}")
        acc_ax.plot(epochs, run["train_acc"], "--", color=colour, label=f"training, {label}")
        acc_ax.plot(epochs, run["val_acc"], color=colour, label=f"validation, {label}")
        norm_ax.plot(epochs, run["weight_norm2"], color=colour, label=label)
    label, plain = runs["plain"]
    if plain["best_epoch"] is not None:
        best = plain["best_epoch"]
        for ax in (loss_ax, acc_ax):
            ax.axvline(best, color="tab:green", linestyle=":", linewidth=1.2,
                       label=f"your EarlyStopping's best_epoch ({best}, without L2)")
            if plain["stop_epoch"] is not None:
                ax.axvline(plain["stop_epoch"], color="tab:red", linestyle=":", linewidth=1.2,
                           label=f"where it said stop (patience {PATIENCE})")
        acc_ax.plot([best], [plain["restored_val_acc"]], "*", color="tab:green", markersize=11,
                    label=f"restored best_params: {plain['restored_val_acc']:.1%}")
    for key, (_, run) in runs.items():
        final = float(run["val_loss"][-1])
        loss_ax.annotate(f"{final:.3f}", (EPOCHS - 1, final), textcoords="offset points", xytext=(-4, 5),
                         ha="right", fontsize=8, color=COLOURS[key])
    loss_ax.set_ylim(0.0, 1.0)
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("softmax loss (data term only)")
    loss_ax.set_title("Loss: without L2 the validation loss climbs back")
    loss_ax.grid(True, linewidth=0.3)
    loss_ax.legend(fontsize=7, loc="upper right")
    acc_ax.set_ylim(0.75, 1.005)
    acc_ax.set_xlabel("epoch")
    acc_ax.set_ylabel("accuracy")
    acc_ax.set_title(f"Accuracy ({N_VAL} validation images)")
    acc_ax.grid(True, linewidth=0.3)
    acc_ax.legend(fontsize=7, loc="lower right")
    norm_ax.set_xlabel("epoch")
    norm_ax.set_ylabel("sum of W**2 over W1 and W2")
    norm_ax.set_title("L2 keeps the weights small")
    norm_ax.grid(True, linewidth=0.3)
    norm_ax.legend(fontsize=7)
    fig.suptitle(f"Your l2_penalty on {N_TRAIN} MNIST images: TwoLayerNet 784-{HIDDEN}-10, SGD + momentum 0.9, "
                 f"lr {LEARNING_RATE:g}, minibatches of {BATCH}, the same seed for both runs")
    return save(fig, out_dir / "day08_l2_curves.png")


# -- 2. the landscape ----------------------------------------------------------------------------------------
def landscape_figure(day, runs, data, out_dir):
    X, y, X_val, y_val = data
    progress("1-D loss landscapes around both trained networks")
    lines = attempt("day08_landscape.png", lambda: day.probe(
        probes.l2_landscapes, runs["plain"][1]["params"], runs["l2"][1]["params"], X, y, X_val, y_val, REG,
        ALPHAS.tolist(), 1))
    if lines is None:
        return []
    tools = "Day 7's random_direction and loss_along_direction"
    if lines["note"]:
        print(f"Day 8: the landscape used the kata's own filter-normalised direction: {lines['note']}.",
              file=sys.stderr, flush=True)
        tools = "a built-in filter-normalised direction (Day 7's is not available)"
    fig, axes = new_figure(ncols=2, size=(5.6, 4.4))
    ax = axes[0, 0]
    ax.plot(ALPHAS, lines["train"], color="tab:blue", label="training data loss L(theta)")
    ax.plot(ALPHAS, lines["penalty"], ":", color="tab:grey", label=f"your l2_penalty, reg = {REG:g}")
    ax.plot(ALPHAS, lines["objective"], color="tab:purple", label="L(theta) + penalty")
    ax.axvline(0.0, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xlabel("alpha (step along d, in units of each filter's norm)")
    ax.set_ylabel("loss")
    ax.set_title("The network trained without L2: the penalty adds a bowl")
    ax.grid(True, linewidth=0.3)
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    for key, colour in COLOURS.items():
        label = runs[key][0]
        ax.plot(ALPHAS, lines[f"val {key}" if key == "plain" else "val l2"], color=colour,
                label=f"validation, trained {label}")
        ax.plot(ALPHAS, lines["train" if key == "plain" else "train l2"], "--", color=colour,
                label=f"training, trained {label}")
    ax.axvline(0.0, color="grey", linewidth=0.8, linestyle=":")
    ax.set_yscale("log")
    ax.set_xlabel("alpha (each network along its own filter-normalised d)")
    ax.set_ylabel("data loss (log scale)")
    ax.set_title("Around each trained network: validation vs training loss")
    ax.grid(True, which="both", linewidth=0.3)
    ax.legend(fontsize=7)
    fig.suptitle(f"1-D loss landscapes L(theta + alpha d), with {tools}")
    return [save(fig, out_dir / "day08_landscape.png")]


# -- 3. AdamW against Adam + L2 ------------------------------------------------------------------------------
def adamw_figure(day, out_dir):
    progress("AdamW against Adam + L2 for gradients from 1e-4 to 1e3")
    shrink = attempt("day08_adamw_decay.png", lambda: day.probe(
        probes.decay_vs_gradient_scale, SCALES.tolist(), DECAY_STEPS, DECAY_LR, DECAY_WD))
    if shrink is None:
        return []
    fig, axes = new_figure(ncols=1, size=(8.0, 5.0))
    ax = axes[0, 0]
    intended = DECAY_STEPS * DECAY_LR * DECAY_WD
    ax.loglog(SCALES, np.maximum(np.abs(shrink["adamw"]), 1e-12), "o-", markersize=3, color="tab:green",
              label="AdamW (your adamw, weight_decay 0.1)")
    ax.loglog(SCALES, np.maximum(np.abs(shrink["adam_l2"]), 1e-12), "s-", markersize=3, color="tab:red",
              label="Adam + L2 (your adamw with weight_decay 0, fed dw + 0.1 w)")
    ax.axhline(intended, color="grey", linestyle=":",
               label=f"learning_rate x weight_decay x steps = {intended:g} (SGD + L2's decay)")
    ax.set_xlabel(f"size of the (constant) gradient |dw|  (learning_rate {DECAY_LR:g}, zero initial state)")
    ax.set_ylabel(f"shrinkage of w0 = 1 due to the decay, {DECAY_STEPS} steps")
    ax.set_title("AdamW decays every weight alike; Adam + L2's decay fades as gradients grow")
    ax.grid(True, which="both", linewidth=0.3)
    ax.legend(fontsize=8)
    return [save(fig, out_dir / "day08_adamw_decay.png")]


def draw(day, out_dir):
    paths = adamw_figure(day, out_dir)
    try:
        data = mnist_subsets(N_TRAIN, N_VAL, seed=0)
    except (MnistUnavailableError, MnistCorruptError) as exc:
        print(f"Day 8: the training and landscape figures need MNIST: {str(exc).splitlines()[0]}", file=sys.stderr)
        return paths
    runs = training_runs(day, data)
    if runs:
        paths.append(curves_figure(runs, out_dir))
        paths += landscape_figure(day, runs, data, out_dir)
    return paths
