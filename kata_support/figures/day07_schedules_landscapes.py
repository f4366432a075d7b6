"""Day 7 figures: the learner's schedules, an optimizer comparison and a learning-rate sweep on MNIST, and the
loss landscape around the trained network.

Everything is computed with the learner's own code in the sandboxed worker, by the probes of
tests/probes/day07_schedules_landscapes.py: today's schedules and landscape functions, the Day 4
``TwoLayerNet`` and the Day 5 and 6 update rules. This module only draws what comes back. A figure
whose code is not written yet is skipped with one line naming the function it needs.
"""
import sys
from functools import partial

import numpy as np

from tests.probes import day07_schedules_landscapes as probes

from ..mnist import MnistCorruptError, MnistUnavailableError
from ..plotting import new_figure, save
from . import _steps
from ._data import mnist_subsets

progress = partial(_steps.progress, 7)
attempt = partial(_steps.attempt, 7)
smooth = _steps.smooth


N_TRAIN, N_VAL, BATCH = 5000, 1000, 100
#: The comparison's budget: the same network, data order and number of updates for every rule.
EPOCHS = 8
#: Each rule with the default learning rate of its config (CURRICULUM, section 1).
COMPARISON = (("SGD", "sgd", 1e-2), ("SGD + momentum 0.9", "sgd_momentum", 1e-2), ("Adam", "adam", 1e-3))
COLOURS = {"sgd": "tab:blue", "sgd_momentum": "tab:orange", "adam": "tab:green"}
SWEEP_RATES = (1e-4, 1e-3, 1e-2, 1e-1, 1.0)
SWEEP_EPOCHS = 4
#: A run whose final training loss is still above this (ln 10 = 2.30 at the start) has barely moved.
CRAWLING = 1.5
ALPHAS = np.linspace(-1.0, 1.0, 41)
INTERPOLATION = np.linspace(-0.25, 1.25, 31)
GRID = np.linspace(-1.0, 1.0, 21)
N_LANDSCAPE = 1000


# -- 1. the schedules ---------------------------------------------------------------------------------
def schedules_figure(day, out_dir):
    steps = np.arange(0, 1001)
    curves = attempt("day07_schedules.png", lambda: day.probe(probes.schedule_curves, steps.tolist(), 0.1, 1000, 100))
    if curves is None:
        return []
    fig, axes = new_figure(ncols=2, size=(5.6, 4.2))
    for ax, scale in zip(axes[0], ("linear", "log")):
        ax.plot(steps, curves["step decay"], label=f"step_decay(0.1, t, drop=0.5, every={curves['every']})")
        ax.plot(steps, curves["exponential decay"], label=f"exponential_decay(0.1, t, k={curves['k']:.2e})")
        ax.plot(steps, curves["cosine annealing"], label="cosine_annealing(0.1, t, 1000, lr_min=1e-3)")
        ax.plot(steps, curves["warm-up + cosine"], "--", label="linear_warmup(cosine, 100)")
        ax.set_yscale(scale)
        ax.set_xlabel("iteration t")
        ax.set_ylabel("learning rate" + (" (log scale)" if scale == "log" else ""))
        ax.grid(True, linewidth=0.3)
    axes[0, 0].set_title("Your schedules over 1000 iterations")
    axes[0, 1].set_title("The same on a log scale: the tails")
    axes[0, 0].legend(fontsize=7)
    return [save(fig, out_dir / "day07_schedules.png")]


# -- 2. the optimizer comparison ---------------------------------------------------------------------
def available_rules(day):
    """The entries of COMPARISON whose rule (and the network) are written; one line for each missing function."""
    status = day.probe(probes.not_written, [rule for _, rule, _ in COMPARISON])
    available = tuple(entry for entry in COMPARISON if status[entry[1]] is None)
    for missing in dict.fromkeys(m for m in status.values() if m is not None):
        if not available:
            print(f"Day 7: the optimizer, learning-rate and landscape figures need {missing}, which is not written "
                  f"yet.", file=sys.stderr, flush=True)
            continue
        labels = [label for label, rule, _ in COMPARISON if status[rule] == missing]
        print(f"Day 7: {' and '.join(labels)} {'is' if len(labels) == 1 else 'are'} left out of the optimizer "
              f"figures: {'it needs' if len(labels) == 1 else 'they need'} {missing}, which is not written yet.",
              file=sys.stderr, flush=True)
    return available


def comparison_runs(day, data, rules):
    runs = {}
    for label, rule, rate in rules:
        progress(f"training with {label} (learning rate {rate:g}, {EPOCHS} epochs)")
        run = attempt(f"the {label} run", lambda rule=rule, rate=rate: day.probe(
            probes.train_network, *data, rule, rate, EPOCHS, BATCH))
        if run is not None:
            runs[rule] = (label, rate, run)
    if "sgd_momentum" in runs:
        progress("training with SGD + momentum, warm-up and cosine annealing")
        run = attempt("the scheduled momentum run", lambda: day.probe(
            probes.train_network, *data, "sgd_momentum", 5e-2, EPOCHS, BATCH, warmup_steps=50, cosine=True))
        if run is not None:
            runs["scheduled"] = ("SGD + momentum, lr 5e-2, warm-up 50 + cosine", 5e-2, run)
    return runs


def comparison_figure(runs, out_dir):
    fig, axes = new_figure(ncols=2, size=(5.8, 4.4))
    loss_ax, acc_ax = axes[0]
    for key, (label, rate, run) in runs.items():
        colour = COLOURS.get(key, "tab:purple")
        style = "--" if key == "scheduled" else "-"
        name = label if key == "scheduled" else f"{label}, lr {rate:g}"
        losses = run["losses"]
        loss_ax.plot(np.arange(len(losses)), losses, color=colour, alpha=0.15, linewidth=0.6)
        loss_ax.plot(np.arange(len(losses)), smooth(losses), style, color=colour, label=name)
        epochs = np.arange(1, len(run["val_acc"]) + 1)
        acc_ax.plot(epochs, run["val_acc"], style, marker="o", markersize=3, color=colour, label=name)
    per_epoch = N_TRAIN // BATCH
    loss_ax.set_title(f"Training loss (minibatches of {BATCH}; bold: mean of 10)")
    loss_ax.set_xlabel(f"iteration ({per_epoch} per epoch)")
    loss_ax.set_ylabel("softmax loss")
    loss_ax.set_ylim(0, 2.6)
    loss_ax.grid(True, linewidth=0.3)
    loss_ax.legend(fontsize=7)
    acc_ax.set_title(f"Validation accuracy ({N_VAL} held-out images)")
    acc_ax.set_xlabel("epoch")
    acc_ax.set_ylabel("accuracy")
    acc_ax.grid(True, linewidth=0.3)
    acc_ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(f"Your optimizers on MNIST ({N_TRAIN} images): the same TwoLayerNet (784-100-10), seed and budget")
    return save(fig, out_dir / "day07_optimizers.png")


# -- 3. the learning-rate sweep ----------------------------------------------------------------------
def sweep_figure(day, data, rules, out_dir):
    sweeps = {}
    for label, rule, _ in rules:
        progress(f"learning-rate sweep with {label} ({len(SWEEP_RATES)} runs of {SWEEP_EPOCHS} epochs)")
        runs = attempt(f"the {label} sweep", lambda rule=rule: day.probe(
            probes.learning_rate_sweep, *data, rule, list(SWEEP_RATES), SWEEP_EPOCHS, BATCH))
        if runs is not None:
            sweeps[rule] = (label, runs)
    if not sweeps:
        return []
    fig, axes = new_figure(ncols=2, size=(5.8, 4.4))
    final_ax, curve_ax = axes[0]
    top = 3.6
    for k, (rule, (label, runs)) in enumerate(sweeps.items()):
        finals = np.array([np.nan if r["diverged_at"] is not None else np.mean(r["losses"][-10:]) for r in runs])
        final_ax.plot(SWEEP_RATES, np.minimum(finals, top), "o-", color=COLOURS[rule], label=label)
        for rate, run in zip(SWEEP_RATES, runs):
            if run["diverged_at"] is not None:  # one row of crosses per rule, so they do not hide each other
                final_ax.plot([rate], [top - 0.2 - 0.2 * k], "x", color=COLOURS[rule], markersize=9, markeredgewidth=2)
    final_ax.axhspan(CRAWLING, top + 0.2, color="grey", alpha=0.12)
    final_ax.text(1.3e-4, top + 0.1, "shaded: crawling or stuck (the loss has barely moved from ln 10 = 2.3)",
                  fontsize=7, va="top")
    final_ax.text(1.3, top - 0.2, "x: diverged", fontsize=7, ha="right", va="center")
    final_ax.set_xscale("log")
    final_ax.set_xlim(6e-5, 1.6)
    final_ax.set_ylim(0, top + 0.2)
    final_ax.set_xlabel("learning rate")
    final_ax.set_ylabel(f"training loss after {SWEEP_EPOCHS} epochs (mean of last 10 minibatches)")
    final_ax.set_title("Final loss against the learning rate")
    final_ax.grid(True, which="major", linewidth=0.3)
    final_ax.legend(fontsize=7, loc="lower left")

    rule = "sgd_momentum" if "sgd_momentum" in sweeps else next(iter(sweeps))
    label, runs = sweeps[rule]
    colours = ["tab:grey", "tab:cyan", "tab:green", "tab:orange", "tab:red"]
    for rate, run, colour in zip(SWEEP_RATES, runs, colours):
        losses = np.minimum(run["losses"], 10.0)
        note = f", diverged at iteration {run['diverged_at']}" if run["diverged_at"] is not None else ""
        curve_ax.plot(np.arange(len(losses)), smooth(losses), color=colour, label=f"lr {rate:g}{note}")
    curve_ax.set_ylim(0, 4.0)
    curve_ax.set_xlabel("iteration")
    curve_ax.set_ylabel("training loss (mean of 10 minibatches; capped at 10)")
    curve_ax.set_title(f"{label}: loss curves per learning rate")
    curve_ax.grid(True, linewidth=0.3)
    curve_ax.legend(fontsize=7)
    fig.suptitle("Learning-rate sweep, 1e-4 to 1 by factors of 10 (same network, seed and budget)")
    return [save(fig, out_dir / "day07_learning_rate_sweep.png")]


# -- 4. the loss landscape around the trained network -----------------------------------------------------
def landscape_figure(day, runs, data, out_dir):
    key = next((k for k in ("adam", "sgd_momentum", "sgd") if k in runs), None)
    if key is None:
        return []
    label, rate, run = runs[key]
    X, y, X_val, y_val = data
    train = (X[:N_LANDSCAPE], y[:N_LANDSCAPE])
    progress("1-D loss landscape: a filter-normalised direction, and the path back to the initial weights")
    lines = attempt("day07_landscape.png", lambda: day.probe(
        probes.landscape_lines, run["params"], run["initial"], *train, X_val, y_val, ALPHAS.tolist(),
        INTERPOLATION.tolist(), 1))
    if lines is None:
        return []
    progress(f"2-D loss landscape ({len(GRID)} x {len(GRID)} points)")
    plane = attempt("the 2-D panel of day07_landscape.png", lambda: day.probe(
        probes.landscape_plane, run["params"], *train, GRID.tolist(), GRID.tolist(), 2))

    fig, axes = new_figure(ncols=3, size=(5.0, 4.4))
    ax = axes[0, 0]
    ax.plot(ALPHAS, lines["train"], label=f"training loss ({N_LANDSCAPE} images)")
    ax.plot(ALPHAS, lines["val"], label=f"validation loss ({N_VAL} images)")
    ax.axvline(0.0, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xlabel("alpha (step along d, in units of each filter's norm)")
    ax.set_ylabel("loss")
    ax.set_title("1-D: L(theta + alpha d), d filter-normalised")
    ax.grid(True, linewidth=0.3)
    ax.legend(fontsize=7)

    ax = axes[0, 1]
    ax.plot(INTERPOLATION, lines["path train"], label="training loss")
    ax.plot(INTERPOLATION, lines["path val"], label="validation loss")
    for x, text in ((0.0, "trained"), (1.0, "initial")):
        ax.axvline(x, color="grey", linewidth=0.8, linestyle=":")
        ax.text(x, 0.98, text, transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=8)
    ax.set_xlabel("alpha (0: trained weights, 1: initial weights)")
    ax.set_ylabel("loss")
    ax.set_title("1-D: the straight path back to the initial weights")
    ax.grid(True, linewidth=0.3)
    ax.legend(fontsize=7, loc="center left")

    ax = axes[0, 2]
    if plane is None:
        ax.text(0.5, 0.5, "This panel needs loss_surface.", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        surface = np.asarray(plane, dtype=float)
        levels = np.quantile(surface[np.isfinite(surface)], np.linspace(0.0, 0.95, 14))
        filled = ax.contourf(GRID, GRID, surface.T, levels=np.unique(levels), cmap="viridis", extend="max")
        ax.contour(GRID, GRID, surface.T, levels=np.unique(levels), colors="k", linewidths=0.3)
        ax.plot([0], [0], "r*", markersize=10, label="trained weights")
        fig.colorbar(filled, ax=ax, label="training loss", format="%.2f")
        ax.set_xlabel("alpha (along d1)")
        ax.set_ylabel("beta (along d2)")
        ax.set_title("2-D: L(theta + alpha d1 + beta d2)")
        ax.set_aspect("equal")
        ax.legend(fontsize=7, loc="upper right")
    fig.suptitle(f"Loss landscape around the network trained with {label} (your random_direction, "
                 f"loss_along_direction and loss_surface)")
    return [save(fig, out_dir / "day07_landscape.png")]


def draw(day, out_dir):
    paths = schedules_figure(day, out_dir)
    try:
        data = mnist_subsets(N_TRAIN, N_VAL, seed=0)
    except (MnistUnavailableError, MnistCorruptError) as exc:
        print(f"Day 7: the optimizer, learning-rate and landscape figures need MNIST: {str(exc).splitlines()[0]}",
              file=sys.stderr)
        return paths
    rules = available_rules(day)
    if not rules:
        return paths
    runs = comparison_runs(day, data, rules)
    if runs:
        paths.append(comparison_figure(runs, out_dir))
    paths += sweep_figure(day, data, rules, out_dir)
    paths += landscape_figure(day, runs, data, out_dir)
    return paths
