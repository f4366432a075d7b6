"""Day 11 figures: the activations of a 10-layer ReLU network for three initialisations, layer by layer, and the
gradient norms of the same networks with the learner's diagnosis.

The He weights come from the learner's ``he_init``, and the std written on every panel from the learner's
``activation_stats``; ``0.01 * randn`` and ``randn`` weights are drawn here. The histograms themselves are
the judge's own forward pass through the same weights (plain NumPy on plain data). The gradient norms come
from the learner's ``gradient_norms`` on the suite's own network (``probes.DeepNet``, built in the worker by
a probe) and their verdict from the learner's ``diagnose_gradient_flow``. A figure whose code is not written
yet is skipped with one line naming the function it needs.
"""
from functools import partial

import numpy as np

from tests.probes import day11_initialization as probes

from ..plotting import new_figure, save
from . import _steps

progress = partial(_steps.progress, 11)
attempt = partial(_steps.attempt, 11)


N, WIDTH, DEPTH, CLASSES = 1000, 100, 10, 10
#: The three initialisations, in the order of the rows, with a colour each.
INITS = (("0.01 * randn", "tab:blue"), ("randn", "tab:red"), ("He: your he_init", "tab:green"))


def weights(day, label, fan_in, fan_out, gen):
    """One weight matrix of the initialisation ``label``; He's from the learner's he_init."""
    if label.startswith("He"):
        return np.asarray(day.he_init(fan_in, fan_out, gen), dtype=float)
    scale = 0.01 if label.startswith("0.01") else 1.0
    return gen.standard_normal((fan_in, fan_out)) * scale


def stacks(day):
    """``{label: layers}``: 10 hidden ReLU layers of width 100, each followed by nothing else, per initialisation."""
    out = {}
    for label, _ in INITS:
        gen = np.random.default_rng(11)
        out[label] = [(weights(day, label, WIDTH, WIDTH, gen), np.zeros(WIDTH)) for _ in range(DEPTH)]
    return out


def activations(X, layers):
    """The judge's own forward pass: the ReLU activations after every layer."""
    hidden, out = X, []
    for W, b in layers:
        hidden = np.maximum(hidden @ W + b, 0.0)
        out.append(hidden)
    return out


# -- 1. the histograms ------------------------------------------------------------------------------------
def histogram_figure(day, X, nets, out_dir):
    fig, axes = new_figure(ncols=DEPTH, nrows=len(INITS), size=(2.05, 2.3))
    for row, (label, colour) in enumerate(INITS):
        layers = nets[label]
        progress(f"activation_stats through the {label} stack")
        stats = attempt("day11_activation_histograms.png", lambda layers=layers: day.activation_stats(
            X, layers, probes.relu))
        if stats is None:
            return []
        stats = np.asarray(stats, dtype=float)
        hidden = activations(X, layers)
        top = max(float(np.percentile(h[h > 0], 99.5)) if np.any(h > 0) else 0.0 for h in hidden) or 1.0
        bins = np.linspace(0.0, top, 41)
        for k, (ax, h) in enumerate(zip(axes[row], hidden)):
            positive = h[h > 0]
            ax.hist(positive, bins=bins, color=colour, alpha=0.85)  # the top 0.5 % of the row lie beyond
            ax.set_xlim(0.0, top)
            ax.set_yticks([])
            ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
            ax.tick_params(axis="x", labelsize=7)
            ax.xaxis.get_offset_text().set_fontsize(7)
            std = stats[k, 1] if stats.shape == (DEPTH, 2) else float("nan")
            ax.set_title(f"layer {k + 1}\nstd {std:.2g}", fontsize=9)
            if k == 0:
                ax.set_ylabel(f"{label}\ncount", fontsize=10, color=colour, fontweight="bold")
    for ax in axes[-1]:
        ax.set_xlabel("activation (> 0)", fontsize=8)
    fig.suptitle(f"ReLU activations through 10 layers of width {WIDTH} for three initialisations (one row each; "
                 f"x axis shared along a row; the zeros, about half of every layer, are not shown; std from your "
                 f"activation_stats)", fontsize=11)
    return [save(fig, out_dir / "day11_activation_histograms.png")]


# -- 2. std and gradient norm per layer --------------------------------------------------------------------
def flow_figure(day, X, nets, out_dir):
    y = np.random.default_rng(12).integers(0, CLASSES, N)
    fig, axes = new_figure(ncols=2, size=(6.0, 4.6))
    std_ax, norm_ax = axes[0]
    layer_numbers = np.arange(1, DEPTH + 1)
    drawn, std_written, flow_written = False, True, True
    for label, colour in INITS:
        layers = nets[label]
        stats = attempt("the std panel of day11_gradient_flow.png", lambda layers=layers: day.activation_stats(
            X, layers, probes.relu)) if std_written else None
        std_written = stats is not None
        if stats is not None:
            std = np.asarray(stats, dtype=float)[:, 1]
            std_ax.plot(layer_numbers, np.where(std > 0, std, np.nan), marker="o", color=colour, label=label)
            drawn = True
        # The same stack with an output layer (width 100 -> 10 classes) drawn the same way, for the gradients.
        gen = np.random.default_rng(13)
        params = {}
        for k, (W, b) in enumerate(layers, start=1):
            params[f"W{k}"], params[f"b{k}"] = W, b
        params[f"W{DEPTH + 1}"] = weights(day, label, WIDTH, CLASSES, gen)
        params[f"b{DEPTH + 1}"] = np.zeros(CLASSES)
        if flow_written:
            progress(f"gradient_norms and diagnose_gradient_flow for the {label} network")
        flow = attempt("the gradient panel of day11_gradient_flow.png", lambda params=params: day.probe(
            probes.flow_of_network, params, X, y, "relu")) if flow_written else None
        flow_written = flow is not None
        if flow is not None:
            norms = np.asarray(flow["norms"], dtype=float)
            norm_ax.plot(np.arange(1, len(norms) + 1), np.where(norms > 0, norms, np.nan), marker="o", color=colour,
                         label=f"{label}: {flow['verdict']}")
            drawn = True
    if not drawn:
        return []
    std_ax.set_title("Activation std per layer (your activation_stats)")
    std_ax.set_xlabel("layer")
    std_ax.set_ylabel("std of the ReLU activations (log scale)")
    std_ax.set_xticks(layer_numbers)
    norm_ax.set_title("Weight-gradient norm per layer (your gradient_norms)\nlegend: your diagnose_gradient_flow")
    norm_ax.set_xlabel(f"layer ({DEPTH + 1}: the output layer, next to the loss)")
    norm_ax.set_ylabel("Frobenius norm of dL/dW (log scale)")
    norm_ax.set_xticks(np.arange(1, DEPTH + 2))
    for ax in (std_ax, norm_ax):
        ax.set_yscale("log")
        ax.grid(True, which="major", linewidth=0.3)
    if std_ax.lines:
        std_ax.legend(fontsize=8)
    if norm_ax.lines:  # between the vanishing bound and the lowest line, where nothing is drawn
        norm_ax.legend(fontsize=8, loc="center right", bbox_to_anchor=(1.0, 0.22))
    for bound, text in ((1e3, "exploding above 1e3"), (1e-6, "vanishing below 1e-6")):
        norm_ax.axhline(bound, color="grey", linestyle=":", linewidth=1)
        norm_ax.annotate(text, (1, bound), textcoords="offset points", xytext=(2, 3), fontsize=7, color="grey")
    return [save(fig, out_dir / "day11_gradient_flow.png")]


def draw(day, out_dir):
    X = np.random.default_rng(10).standard_normal((N, WIDTH))
    progress("drawing the weights of three 10-layer ReLU stacks (He from your he_init)")
    nets = attempt("drawing the day 11 figures", lambda: stacks(day))
    if nets is None:
        return []
    paths = histogram_figure(day, X, nets, out_dir)
    paths += flow_figure(day, X, nets, out_dir)
    return paths
