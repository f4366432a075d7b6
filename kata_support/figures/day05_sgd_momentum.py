"""Day 5 figure: the paths of SGD, momentum and Nesterov on two analytic functions.

Left, the narrow bowl f(w) = 0.5 (x**2 + 50 y**2): fifty times steeper across than along, so
at a learning rate safe for the steep direction SGD crawls along the gentle one, while the
momentum rules build up speed there. Right, Rosenbrock's curved valley, flat along its floor.
Every path is the learner's own rule driven by the learner's own ``minimize`` (in the sandboxed
worker); the functions come from tests/probes/day05_sgd_momentum.py, and the contours are
drawn here from the same functions.
"""
import numpy as np

from grader.sandbox.client import LearnerRaised
from tests.probes import day05_sgd_momentum as probes

from ..plotting import new_figure, save

#: (rule, label, colour, zorder): SGD's short path is drawn on top of the others.
RULES = (("sgd", "SGD", "tab:blue", 4), ("sgd_momentum", "momentum", "tab:orange", 3),
         ("nesterov_momentum", "Nesterov", "tab:green", 2))

#: Each panel: (function, title, start, minimum, config of every rule, steps, x range, y range, contour levels).
PANELS = (
    (probes.ill_conditioned_quadratic, "Narrow bowl f = 0.5 (x² + 50 y²)", np.array([-4.0, 1.0]),
     probes.BOWL_MINIMUM, {"learning_rate": 1e-2, "momentum": 0.9}, 100, (-4.6, 1.6), (-1.3, 1.3),
     np.array([0.01, 0.1, 0.5, 1, 2, 4, 8, 16, 32])),
    (probes.rosenbrock, "Rosenbrock f = (1 - x)² + 100 (y - x²)²", np.array([-1.2, 1.0]),
     probes.ROSENBROCK_MINIMUM, {"learning_rate": 1e-3, "momentum": 0.9}, 400, (-1.6, 1.6), (-0.5, 1.8),
     np.logspace(-1, 3, 9)),
)


def path(day, function, start, rule, config, steps):
    """The learner's minimize driving the learner's rule; None when that rule is not written yet."""
    try:
        with np.errstate(all="ignore"):  # a diverging path is drawn as far as it stays finite
            return np.asarray(day.minimize(function, start, getattr(day, rule), dict(config), steps), dtype=float)
    except LearnerRaised as exc:
        if exc.type_name == "NotImplementedError" and exc.stub and exc.stub != "day05.minimize":
            return None
        raise


def panel(ax, day, function, title, start, minimum, config, steps, xlim, ylim, levels):
    gx, gy = np.meshgrid(np.linspace(*xlim, 300), np.linspace(*ylim, 300))
    surface, _ = function(np.stack([gx, gy]))
    ax.contour(gx, gy, surface, levels=levels, colors="grey", linewidths=0.6, alpha=0.8)
    for rule, label, colour, zorder in RULES:
        points = path(day, function, start, rule, config, steps)
        if points is None:
            ax.plot([], [], color=colour, label=f"{label}: not written yet")
            continue
        finite = points[np.all(np.isfinite(points), axis=1)]
        final_loss = float(function(finite[-1])[0]) if len(finite) == len(points) else float("nan")
        ending = f"f = {final_loss:.2g} after {steps} steps" if np.isfinite(final_loss) else "diverged"
        if np.isfinite(final_loss) and final_loss > float(function(start)[0]):
            ending += ", higher than at the start"
        ax.plot(finite[:, 0], finite[:, 1], "-", color=colour, linewidth=1.3, marker="o", markersize=1.8,
                label=f"{label}: {ending}", zorder=zorder)
    ax.plot(*start, "ko", markersize=7, label="start", zorder=5)
    ax.plot(*minimum, "r*", markersize=14, label="minimum", zorder=5)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("x = w[0]")
    ax.set_ylabel("y = w[1]")
    ax.set_title(f"{title}\nlearning rate {config['learning_rate']:g}, momentum {config['momentum']:g}")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)


def draw(day, out_dir):
    fig, axes = new_figure(ncols=2, size=(6.0, 5.6))
    for ax, spec in zip(axes[0], PANELS):
        panel(ax, day, *spec)
    fig.suptitle("Your update rules, driven by your minimize (grey: contour lines of f)")
    return [save(fig, out_dir / "day05_optimizer_paths.png")]
