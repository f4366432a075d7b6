"""Day 4 figure: the relative error of a numerical gradient against the step h (log-log).

Too large an h and the difference quotient is a poor tangent (truncation error, falling like
h**2 for centred and like h for one-sided differences); too small an h and the two nearly
equal values of f cancel, leaving round-off of order eps * |f| / h. The valley between them
is why h = 1e-5 is the course's step. The centred curve is the learner's own
eval_numerical_gradient and rel_error; the one-sided curve is computed beside it, for contrast.

``draw`` receives the learner's module as a proxy: the curves are computed in the sandboxed
worker by probes of tests/probes/day04_gradcheck.py and come back as arrays; this module
only draws them.
"""
import numpy as np

from grader.sandbox.client import LearnerRaised
from tests.probes import day04_gradcheck as probes

from ..plotting import new_figure, save

STEPS = np.logspace(-1, -13, 49)
#: Relative errors of exactly 0 cannot be drawn on a log axis; they are drawn at this floor.
FLOOR = 1e-17


def error_curves(day, probe):
    """``(centred, one_sided)``: the relative errors at every step in STEPS, computed in the worker by ``probe``."""
    with np.errstate(all="ignore"):  # a figure shows whatever comes back; tiny steps may divide 0 by 0
        curves = day.probe(probe, STEPS)
    centred = np.asarray(curves["centred"], dtype=float).reshape(STEPS.shape)
    one_sided = np.asarray(curves["one_sided"], dtype=float).reshape(STEPS.shape)
    return np.maximum(FLOOR, centred), np.maximum(FLOOR, one_sided)


def plot_curves(ax, curves, title):
    centred, one_sided = curves
    ax.loglog(STEPS, centred, "o-", markersize=3, label="centred (your eval_numerical_gradient)")
    ax.loglog(STEPS, one_sided, "s--", markersize=3, color="tab:orange",
              label="one-sided (f(x+h) - f(x)) / h, for contrast")
    ax.axvline(1e-5, color="tab:green", linewidth=1, label="h = 1e-5, the course's step")
    ax.axhline(1e-7, color="grey", linestyle=":", linewidth=1, label="1e-7, the checks' threshold")
    ax.invert_xaxis()  # h shrinks from left to right
    ax.set_xlabel("step h (shrinking to the right)")
    ax.set_ylabel("relative error vs the analytic gradient")
    ax.set_title(title)
    ax.grid(True, which="major", linewidth=0.3)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2)


def sine_panel(ax, day):
    curves = error_curves(day, probes.error_vs_h_sine)
    plot_curves(ax, curves, "f(x) = sum(sin(x)), x of 6 entries")
    ax.text(0.03, 0.05, "truncation\nerror", transform=ax.transAxes, fontsize=8, va="bottom")
    ax.text(0.97, 0.05, "round-off\nerror", transform=ax.transAxes, fontsize=8, va="bottom", ha="right")


def network_panel(ax, day):
    try:
        curves = error_curves(day, probes.error_vs_h_network)
    except LearnerRaised as exc:
        if exc.type_name != "NotImplementedError" or not exc.stub:
            raise
        ax.text(0.5, 0.5, f"This panel needs {exc.stub},\nwhich is not written yet.", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_title("Two-layer network: dL/dW1")
        ax.set_axis_off()
        return
    plot_curves(ax, curves, "Two-layer network: dL/dW1 (your TwoLayerNet)")
    ax.annotate("large h steps over\nReLU kinks", xy=(STEPS[3], curves[0][3]), xytext=(0.03, 0.3),
                textcoords="axes fraction", fontsize=8, arrowprops={"arrowstyle": "->", "linewidth": 0.8})


def draw(day, out_dir):
    fig, axes = new_figure(ncols=2, size=(6.0, 4.8))
    sine_panel(axes[0, 0], day)
    network_panel(axes[0, 1], day)
    fig.suptitle("Numerical gradients: error vs step h (too large: truncation; too small: round-off)")
    return [save(fig, out_dir / "day04_gradient_error_vs_h.png")]
