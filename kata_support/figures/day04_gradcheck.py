"""Day 4 figure: the relative error of a numerical gradient against the step h (log-log).

Too large an h and the difference quotient is a poor tangent (truncation error, falling like
h**2 for centred and like h for one-sided differences); too small an h and the two nearly
equal values of f cancel, leaving round-off of order eps * |f| / h. The valley between them
is why h = 1e-5 is the course's step. The centred curve is the learner's own
eval_numerical_gradient and rel_error; the one-sided curve is computed here, for contrast.
"""
import numpy as np

from ..plotting import new_figure, save

STEPS = np.logspace(-1, -13, 49)
#: Relative errors of exactly 0 cannot be drawn on a log axis; they are drawn at this floor.
FLOOR = 1e-17


def one_sided_gradient(f, x, h):
    """(f(x + h e_i) - f(x)) / h for every i: the forward difference, drawn only for contrast."""
    base = float(f(x))
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        original = x[ix]
        x[ix] = original + h
        grad[ix] = (float(f(x)) - base) / h
        x[ix] = original
    return grad


def error_curves(day, f, x, analytic):
    """Relative error of the centred (the learner's) and one-sided gradients at every step in STEPS."""
    centred = [day.rel_error(day.eval_numerical_gradient(f, x, h=h), analytic) for h in STEPS]
    one_sided = [day.rel_error(one_sided_gradient(f, x, h), analytic) for h in STEPS]
    return np.maximum(FLOOR, np.array(centred, dtype=float)), np.maximum(FLOOR, np.array(one_sided, dtype=float))


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
    x = np.random.default_rng(0).standard_normal(6)
    curves = error_curves(day, lambda v: np.sum(np.sin(v)), x, np.cos(x))
    plot_curves(ax, curves, "f(x) = sum(sin(x)), x of 6 entries")
    ax.text(0.03, 0.05, "truncation\nerror", transform=ax.transAxes, fontsize=8, va="bottom")
    ax.text(0.97, 0.05, "round-off\nerror", transform=ax.transAxes, fontsize=8, va="bottom", ha="right")


def network_panel(ax, day):
    gen = np.random.default_rng(1)
    try:
        net = day.TwoLayerNet(5, 4, 3, 0.5, 0.1, gen)
        X, y = gen.standard_normal((6, 5)), gen.integers(0, 3, 6)
        _, grads = net.loss(X, y)
    except NotImplementedError as exc:
        needed = exc.args[0] if exc.args else "day04.TwoLayerNet"
        ax.text(0.5, 0.5, f"This panel needs {needed},\nwhich is not written yet.", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_title("Two-layer network: dL/dW1")
        ax.set_axis_off()
        return
    W1 = net.params["W1"]
    curves = error_curves(day, lambda _: net.loss(X, y)[0], W1, grads["W1"])
    plot_curves(ax, curves, "Two-layer network: dL/dW1 (your TwoLayerNet)")
    ax.annotate("large h steps over\nReLU kinks", xy=(STEPS[3], curves[0][3]), xytext=(0.03, 0.3),
                textcoords="axes fraction", fontsize=8, arrowprops={"arrowstyle": "->", "linewidth": 0.8})


def draw(day, out_dir):
    fig, axes = new_figure(ncols=2, size=(6.0, 4.8))
    sine_panel(axes[0, 0], day)
    network_panel(axes[0, 1], day)
    fig.suptitle("Numerical gradients: error vs step h (too large: truncation; too small: round-off)")
    return [save(fig, out_dir / "day04_gradient_error_vs_h.png")]
