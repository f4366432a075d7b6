"""Day 12 figures: a hyperparameter search on MNIST with the learner's search code, and what the batch size does
to training.

1. ``day12_search.png``: the validation accuracy over the (learning rate, reg) plane, from the learner's
   random_search (25 trials, log axes, the best one marked by the learner's best_trial, with its border
   flags), beside a grid of the same 25 trials from the learner's grid_search, and both projected on the
   learning-rate axis: the grid tried 5 learning rates, random search 25.
2. ``day12_batch_size.png``: the same network trained for the same number of epochs with batch sizes from
   8 to 1024: seconds per epoch, validation accuracy, the noise of the loss curve, and the learning rate
   each batch size needs.

Every network is the learner's Day 4 ``TwoLayerNet``, trained with plain SGD by the probes of
tests/probes/day12_debugging_search.py in the sandboxed worker; this module only draws what comes back.
"""
import sys
from functools import partial

import numpy as np

from grader.sandbox.client import LearnerRaised
from tests.probes import day12_debugging_search as probes

from ..mnist import MnistCorruptError, MnistUnavailableError
from ..plotting import new_figure, save
from . import _steps
from ._data import mnist_subsets

progress = partial(_steps.progress, 12)


N_TRAIN, N_VAL, HIDDEN = 3000, 1000, 50
#: The search: 25 trials of 3 epochs each, in minibatches of 100.
SPACE = {"learning_rate": (1e-2, 3.0, "log"), "reg": (1e-5, 1.0, "log")}
N_TRIALS, SEARCH_EPOCHS, SEARCH_BATCH = 25, 3, 100
#: A 5 x 5 grid over the same ranges, evenly spaced on the log scale (the same budget of 25 trials).
GRID = {name: [float(f"{v:.2g}") for v in np.geomspace(low, high, 5)] for name, (low, high, _) in SPACE.items()}
#: The batch-size experiment: every batch size with every learning rate, for the same number of epochs.
BATCH_SIZES = (8, 32, 128, 512, 1024)
RATES = (0.01, 0.03, 0.1, 0.3, 1.0)
BATCH_EPOCHS = 4
COLOURS = dict(zip(BATCH_SIZES, ("tab:purple", "tab:blue", "tab:green", "tab:orange", "tab:red")))


def needs(exc):
    """The exercise a LearnerRaised says is not written yet, or None for any other error."""
    return exc.stub if exc.type_name == "NotImplementedError" and exc.stub else None


# -- 1. the search ---------------------------------------------------------------------------------------
def search_results(day, data):
    progress(f"random search: {N_TRIALS} trials of (learning rate, reg), {SEARCH_EPOCHS} epochs each")
    trials = day.random_search(SPACE, N_TRIALS, np.random.default_rng(12))
    random = day.probe(probes.search_runs, *data, trials, SEARCH_EPOCHS, SEARCH_BATCH, HIDDEN)
    progress(f"grid search: {len(GRID['learning_rate'])} x {len(GRID['reg'])} trials")
    grid = day.probe(probes.search_runs, *data, day.grid_search(GRID), SEARCH_EPOCHS, SEARCH_BATCH, HIDDEN)
    return random, grid


def _plane(ax, results, best, border, title, vmin, vmax):
    lr = np.array([r["params"]["learning_rate"] for r in results])
    reg = np.array([r["params"]["reg"] for r in results])
    acc = np.array([r["val_acc"] for r in results])
    diverged = np.array([bool(r["diverged"]) for r in results])
    points = ax.scatter(lr[~diverged], reg[~diverged], c=acc[~diverged], cmap="viridis", vmin=vmin, vmax=vmax,
                        s=70, edgecolor="k", linewidth=0.4)
    if diverged.any():
        ax.scatter(lr[diverged], reg[diverged], marker="x", color="tab:red", s=50, label="diverged")
    label = f"best: val {best['val_acc']:.1%}"
    if border:
        label += "\n(on the border: " + ", ".join(f"{k} {v}" for k, v in border.items()) + ")"
    ax.scatter([best["params"]["learning_rate"]], [best["params"]["reg"]], marker="*", s=380, facecolor="none",
               edgecolor="tab:red", linewidth=1.6, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("L2 strength reg (log scale)")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="lower left", markerscale=0.5)
    ax.grid(True, which="major", linewidth=0.3)
    return points


def search_figure(day, random, grid, out_dir):
    best_random, border_random = day.best_trial(random)
    best_grid, border_grid = day.best_trial(grid)
    accuracies = [r["val_acc"] for r in random + grid if not r["diverged"]]
    vmin, vmax = 0.1, max(accuracies) if accuracies else 1.0
    fig, axes = new_figure(ncols=3, size=(5.2, 4.4))
    points = _plane(axes[0, 0], random, best_random, border_random,
                    f"Your random_search: {len(random)} trials", vmin, vmax)
    _plane(axes[0, 1], grid, best_grid, border_grid, f"Your grid_search: {len(grid)} trials", vmin, vmax)
    fig.colorbar(points, ax=axes[0, 1], label="validation accuracy (same scale in both)")
    ax = axes[0, 2]
    for results, marker, colour, name in ((grid, "s", "tab:gray", "grid"), (random, "o", "tab:blue", "random")):
        lr = np.array([r["params"]["learning_rate"] for r in results])
        acc = np.array([r["val_acc"] for r in results])
        ax.scatter(lr, acc, marker=marker, color=colour, alpha=0.75, s=30,
                   label=f"{name}: {len(np.unique(lr))} distinct learning rates")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("validation accuracy")
    ax.set_ylim(0.0, 1.0)
    ax.set_title("The same 25 trials, seen along the learning rate")
    ax.legend(fontsize=7, loc="lower left")
    ax.grid(True, linewidth=0.3)
    fig.suptitle(f"Hyperparameter search on MNIST ({N_TRAIN} training, {N_VAL} validation images; your Day 4 "
                 f"TwoLayerNet, hidden {HIDDEN}, {SEARCH_EPOCHS} epochs of SGD per trial; chosen on validation)")
    return save(fig, out_dir / "day12_search.png")


# -- 2. the batch size ------------------------------------------------------------------------------------
def batch_size_runs(day, data):
    runs = {}
    for size in BATCH_SIZES:
        progress(f"batch size {size}: {len(RATES)} learning rates, {BATCH_EPOCHS} epochs each")
        runs[size] = {rate: day.probe(probes.batch_size_run, *data, size, rate, BATCH_EPOCHS, HIDDEN)
                      for rate in RATES}
    return runs


def noise(losses, window=20):
    """How much the minibatch loss jumps around its own trend: the std of (loss - running mean), last half."""
    losses = np.asarray(losses, dtype=float)
    if len(losses) < 2 * window:
        return float("nan")
    trend = np.convolve(losses, np.ones(window) / window, mode="same")
    half = slice(len(losses) // 2, len(losses) - window // 2)
    return float(np.std(losses[half] - trend[half]))


def batch_size_figure(runs, out_dir):
    sizes = np.array(BATCH_SIZES)
    best_rate = {s: max(RATES, key=lambda r: runs[s][r]["val_acc"]) for s in BATCH_SIZES}
    fig, axes = new_figure(ncols=2, nrows=2, size=(5.6, 4.3))

    ax = axes[0, 0]
    # The fastest of the batch size's epochs (all its runs): the least disturbed by whatever else the machine did.
    seconds = [min(t for r in RATES for t in runs[s][r]["seconds"]) for s in BATCH_SIZES]
    ax.plot(sizes, seconds, "o-", color="tab:blue")
    for s, t in zip(sizes, seconds):
        ax.annotate(f"{1000 * t:.3g} ms", (s, t), textcoords="offset points", xytext=(4, 6), fontsize=7)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(sizes, [str(s) for s in sizes])
    ax.set_xlabel("batch size (log scale)")
    ax.set_ylabel("seconds per epoch (log scale; the fastest epoch)")
    ax.set_title(f"Seconds per epoch ({N_TRAIN} images)")
    ax.grid(True, which="both", linewidth=0.3)

    ax = axes[0, 1]
    for rate, style in ((0.1, "s--"),):
        ax.plot(sizes, [runs[s][rate]["val_acc"] for s in BATCH_SIZES], style, color="tab:gray",
                label=f"same learning rate for all ({rate:g})")
    ax.plot(sizes, [runs[s][best_rate[s]]["val_acc"] for s in BATCH_SIZES], "o-", color="tab:green",
            label="each with its best learning rate")
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(s) for s in sizes])
    ax.set_xlabel("batch size (log scale)")
    ax.set_ylabel(f"validation accuracy after {BATCH_EPOCHS} epochs")
    ax.set_title(f"Accuracy after {BATCH_EPOCHS} epochs")
    ax.set_ylim(0.0, 1.0)
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(True, linewidth=0.3)

    ax = axes[1, 0]
    for s in BATCH_SIZES:  # the small, noisy batches first, so the smoother curves stay visible on top
        losses = np.asarray(runs[s][best_rate[s]]["losses"], dtype=float)
        if len(losses) == 0:
            continue
        epochs = np.arange(1, len(losses) + 1) / (len(losses) / BATCH_EPOCHS)
        level = noise(losses)
        label = f"batch {s} (lr {best_rate[s]:g})" + (f", noise {level:.2f}" if np.isfinite(level) else "")
        ax.plot(epochs, losses, color=COLOURS[s], linewidth=0.5 if s < 128 else 1.5, alpha=0.55 if s < 128 else 1.0,
                label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("minibatch loss")
    ax.set_ylim(0.0, 2.6)
    ax.set_title("Minibatch loss, each at its best learning rate\n(noise: std around its running mean, 2nd half)",
                 fontsize=10)
    ax.legend(fontsize=7, loc="upper right")
    ax.grid(True, linewidth=0.3)

    ax = axes[1, 1]
    table = np.array([[runs[s][r]["val_acc"] for r in RATES] for s in BATCH_SIZES])
    image = ax.imshow(table, cmap="viridis", vmin=0.1, vmax=max(0.11, table.max()), aspect="auto", origin="lower")
    for i, s in enumerate(BATCH_SIZES):
        for j, r in enumerate(RATES):
            ax.text(j, i, f"{table[i, j]:.2f}", ha="center", va="center", fontsize=7,
                    color="k" if table[i, j] > 0.6 else "w", fontweight="bold" if r == best_rate[s] else "normal")
        ax.add_patch(_box(RATES.index(best_rate[s]), i))
    ax.set_xticks(range(len(RATES)), [f"{r:g}" for r in RATES])
    ax.set_yticks(range(len(BATCH_SIZES)), [str(s) for s in BATCH_SIZES])
    ax.set_xlabel("learning rate")
    ax.set_ylabel("batch size")
    ax.set_title("Validation accuracy (boxed: best rate per batch size)")
    fig.colorbar(image, ax=ax, label="validation accuracy")
    fig.suptitle(f"Batch size on MNIST: your TwoLayerNet (hidden {HIDDEN}), {BATCH_EPOCHS} epochs of plain SGD for "
                 f"every batch size.\nSmall batches: many cheap, noisy steps. Large batches: few steps per epoch, so "
                 f"they need a larger learning rate (or more epochs).")
    return save(fig, out_dir / "day12_batch_size.png")


def _box(column, row):
    from matplotlib.patches import Rectangle
    return Rectangle((column - 0.5, row - 0.5), 1.0, 1.0, fill=False, edgecolor="tab:red", linewidth=2)


def draw(day, out_dir):
    try:
        data = mnist_subsets(N_TRAIN, N_VAL, seed=0)
    except (MnistUnavailableError, MnistCorruptError) as exc:
        print(f"Day 12: the search and batch-size figures need MNIST: {str(exc).splitlines()[0]}", file=sys.stderr)
        return []
    paths = []
    try:
        random, grid = search_results(day, data)
        paths.append(search_figure(day, random, grid, out_dir))
    except LearnerRaised as exc:
        if needs(exc) is None:
            raise
        print(f"Day 12: the search figure needs {needs(exc)}, which is not written yet.", file=sys.stderr, flush=True)
    try:
        paths.append(batch_size_figure(batch_size_runs(day, data), out_dir))
    except LearnerRaised as exc:
        if needs(exc) is None:
            raise
        print(f"Day 12: the batch-size figure needs {needs(exc)}, which is not written yet.", file=sys.stderr,
              flush=True)
    return paths
