"""Day 6 figure: per-coordinate step sizes of SGD, RMSprop and Adam on a badly scaled bowl."""
import numpy as np

from tests.probes import day06_adaptive as probes

from ..plotting import new_figure, save

#: f(w) = 0.5 * (100 w1**2 + 0.01 w2**2): one steep and one flat direction, 1e4 apart in curvature.
#: SGD diverges along w1 for learning rates above 2 / 100, so 0.015 is close to the most it can take.
CURVATURES = np.array([100.0, 0.01])
W0 = np.array([1.0, 1.0])
STEPS = 200
LEARNING_RATE = 0.015
STYLE = {"SGD": ("tab:gray", "-"), "RMSprop": ("tab:blue", "-"), "Adam": ("tab:red", "-")}


def draw(day, out_dir):
    print(f"Day 6: {STEPS} steps of SGD, RMSprop and Adam on f(w) = 0.5 (100 w1^2 + 0.01 w2^2)")
    out = day.probe(probes.badly_scaled_runs, CURVATURES, W0, STEPS, LEARNING_RATE)
    paths, note = out["paths"], out["sgd_note"]
    if note:
        print(f"Day 6: {note}")

    fig, axes = new_figure(ncols=3, size=(5.0, 4.4))
    coordinates = [(0, "steep coordinate w1 (curvature 100)"), (1, "flat coordinate w2 (curvature 0.01)")]
    steps = np.arange(1, STEPS + 1)
    for ax, (i, label) in zip(axes[0][:2], coordinates):
        for name, path in paths.items():
            moved = np.abs(np.diff(np.asarray(path)[:, i]))
            colour, style = STYLE[name]
            ax.plot(steps, np.where(moved > 0, moved, np.nan), style, color=colour, label=name, linewidth=1.4)
        ax.axhline(LEARNING_RATE, color="k", linestyle=":", linewidth=1, label=f"learning rate {LEARNING_RATE:g}")
        ax.set_yscale("log")
        ax.set_ylim(1e-8, 10)
        ax.set_title(f"Step size along the {label}", fontsize=10)
        ax.set_xlabel("step")
        ax.set_ylabel(f"|change of w{i + 1}| per step (log scale)")
        ax.legend(fontsize=8, loc="lower left")
        ax.grid(True, which="major", alpha=0.3)

    ax = axes[0][2]
    for name, path in paths.items():
        values = 0.5 * np.sum(CURVATURES * np.asarray(path) ** 2, axis=1)
        colour, style = STYLE[name]
        ax.plot(np.arange(STEPS + 1), values, style, color=colour, label=name, linewidth=1.4)
    ax.set_yscale("log")
    ax.set_title("Loss f(w) (minimum 0): SGD stalls along the flat w2", fontsize=10)
    ax.set_xlabel("step")
    ax.set_ylabel("f(w) (log scale)")
    ax.legend(fontsize=8)
    ax.grid(True, which="major", alpha=0.3)

    heading = (f"Learning rate {LEARNING_RATE:g} for all (SGD diverges above 0.02), from w = (1, 1). "
               "SGD's steps follow the gradient's scale;\nRMSprop and Adam take the same steps along both coordinates, "
               "about the learning rate at first, whatever the gradient's scale")
    if note:
        heading += f"\n({note})"
    fig.suptitle(heading, fontsize=10)
    return [save(fig, out_dir / "day06_step_sizes.png")]
