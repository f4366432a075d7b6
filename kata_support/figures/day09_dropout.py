"""Day 9 figure: overfitting a small MNIST subset with and without dropout, and Monte Carlo dropout.

The same network (784-H-H-10, ReLU) is trained twice with plain SGD on the same few images:
once without dropout, once with the learner's dropout on the pixels and after each hidden
layer. Training and validation accuracy and loss, measured every other epoch, show the gap that
overfitting opens: without dropout the network knows its training images by heart within a few
epochs and its validation accuracy stops moving; with dropout it memorises more slowly and keeps
improving on the validation images for longer. A last panel averages several passes with dropout
on (the learner's ``mc_dropout_predict``) and compares them with the single test-time pass.

Everything runs with the learner's own code in the sandboxed worker, through the probes of
tests/probes/day09_dropout.py: the Day 3 layers (affine, ReLU, softmax loss) and today's dropout.
This module only draws what comes back. A figure whose code is not written yet is skipped with
one line naming the function it needs.
"""
import sys
from functools import partial

import numpy as np

from tests.probes import day09_dropout as probes

from ..mnist import MnistCorruptError, MnistUnavailableError
from ..plotting import new_figure, save
from . import _steps
from ._data import mnist_subsets

progress = partial(_steps.progress, 9)
attempt = partial(_steps.attempt, 9)


N_TRAIN, N_VAL = 1000, 2000
HIDDEN, EPOCHS, BATCH, LEARNING_RATE = 512, 100, 50, 0.1
#: Training and validation are measured after every EVAL_EVERY-th epoch (measuring costs as much as training).
EVAL_EVERY = 2
#: Dropout as Srivastava et al. (2014) recommend: keep 80 % of the pixels and half of the hidden units.
KEEP_PROB, INPUT_KEEP_PROB = 0.5, 0.8
#: The numbers of passes averaged by mc_dropout_predict in the last panel.
MC_SAMPLES = (1, 3, 10, 30)
COLOURS = {"without": "tab:blue", "with": "tab:orange"}


def train(day, data, keep_prob, input_keep_prob):
    label = "without dropout" if keep_prob is None else "with dropout"
    progress(f"training {label}: {EPOCHS} epochs on {N_TRAIN} images")
    return attempt(f"the run {label}", lambda: day.probe(
        probes.train_network, *data, keep_prob, EPOCHS, BATCH, LEARNING_RATE, HIDDEN, 0, input_keep_prob,
        EVAL_EVERY))


def curves(ax, runs, metric, final):
    """Training (dashed) and validation (solid) curves of ``metric``; ``final`` formats the last validation value."""
    for key, (label, run) in runs.items():
        history = run["history"]
        ax.plot(history["epoch"], history[f"train {metric}"], "--", color=COLOURS[key], label=f"{label}: training")
        ax.plot(history["epoch"], history[f"val {metric}"], "-", color=COLOURS[key],
                label=f"{label}: validation (last {final(history[f'val {metric}'][-1])})")
    ax.set_xlabel("epoch")
    ax.grid(True, linewidth=0.3)


def overfitting_panels(acc_ax, loss_ax, runs):
    curves(acc_ax, runs, "acc", lambda v: f"{v:.1%}")
    acc_ax.set_ylabel("accuracy (measured at test time, train=False)")
    lows = [min(run["history"]["val acc"][len(run["history"]["val acc"]) // 10:]) for _, run in runs.values()]
    acc_ax.set_ylim(max(0.0, min(lows) - 0.03), 1.005)
    acc_ax.set_title("Accuracy: the gap between the dashed and solid\nlines is what the network memorised")
    acc_ax.legend(fontsize=7, loc="center right")
    curves(loss_ax, runs, "loss", lambda v: f"{v:.3f}")
    loss_ax.set_ylabel("softmax loss (measured at test time)")
    for key, (_, run) in runs.items():
        val = np.asarray(run["history"]["val loss"])
        best = int(np.argmin(val))
        loss_ax.plot([run["history"]["epoch"][best]], [val[best]], "o", color=COLOURS[key], markersize=6)
    loss_ax.plot([], [], "o", color="grey", markersize=6, label="lowest validation loss")
    loss_ax.set_ylim(0.0, 1.0)
    loss_ax.set_title("Loss: the training loss goes to 0 while the\nvalidation loss bottoms out early, then creeps up")
    loss_ax.legend(fontsize=7, loc="upper right")


def mc_panel(ax, day, run, data):
    _, _, X_val, y_val = data
    progress(f"Monte Carlo dropout: averaging {', '.join(map(str, MC_SAMPLES))} passes on {N_VAL} validation images")
    result = attempt("the Monte Carlo dropout panel", lambda: day.probe(
        probes.mc_accuracies, run["params"], X_val, y_val, KEEP_PROB, list(MC_SAMPLES), 1, INPUT_KEEP_PROB))
    if result is None:
        ax.text(0.5, 0.5, "This panel needs mc_dropout_predict.", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    ax.plot(MC_SAMPLES, result["mc"], "o-", color=COLOURS["with"],
            label=f"mean of n passes with dropout on (n = {MC_SAMPLES[-1]}: {result['mc'][-1]:.1%})")
    ax.axhline(result["test-time pass"], color="k", linestyle=":",
               label=f"one test-time pass, train=False ({result['test-time pass']:.1%})")
    ax.set_xscale("log")
    ax.set_xticks(MC_SAMPLES)
    ax.set_xticklabels([str(n) for n in MC_SAMPLES])
    ax.set_xlabel("n_samples (passes averaged by mc_dropout_predict)")
    ax.set_ylabel("validation accuracy")
    ax.set_title("The ensemble view: averaging thinned networks\napproaches the single test-time pass")
    ax.grid(True, linewidth=0.3)
    ax.legend(fontsize=7, loc="lower right")


def draw(day, out_dir):
    try:
        data = mnist_subsets(N_TRAIN, N_VAL, seed=0)
    except (MnistUnavailableError, MnistCorruptError) as exc:
        print(f"Day 9: the dropout figure needs MNIST: {str(exc).splitlines()[0]}", file=sys.stderr)
        return []
    runs = {}
    for key, keep_prob, input_keep_prob in (("without", None, None), ("with", KEEP_PROB, INPUT_KEEP_PROB)):
        run = train(day, data, keep_prob, input_keep_prob)
        if run is not None:
            runs[key] = ("no dropout" if keep_prob is None else "dropout", run)
    if not runs:
        return []
    fig, axes = new_figure(ncols=3, size=(5.2, 4.6))
    overfitting_panels(axes[0, 0], axes[0, 1], runs)
    if "with" in runs:
        mc_panel(axes[0, 2], day, runs["with"][1], data)
    else:
        axes[0, 2].text(0.5, 0.5, "This panel needs the network trained with your dropout\n(dropout_forward and "
                        "dropout_backward).", ha="center", va="center", transform=axes[0, 2].transAxes)
        axes[0, 2].set_axis_off()
    fig.suptitle(f"Your dropout on {N_TRAIN} MNIST images: a 784-{HIDDEN}-{HIDDEN}-10 ReLU network of your Day 3 "
                 f"layers, plain SGD (learning rate {LEARNING_RATE:g}, batches of {BATCH}), validation on {N_VAL} "
                 f"other images.\nOrange: your dropout on the pixels (keep_prob {INPUT_KEEP_PROB:g}) and after each "
                 f"hidden layer (keep_prob {KEEP_PROB:g}); blue: the same network without dropout.")
    return [save(fig, out_dir / "day09_dropout.png")]
