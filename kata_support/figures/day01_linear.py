"""Day 1 figures: decision regions of an SVM and a softmax classifier, and their loss histories."""
import numpy as np

from ..plotting import decision_regions, new_figure, save


def toy_set(rng, per_class=60):
    """Three overlapping Gaussian blobs in the plane."""
    centres = np.array([[0.0, 2.2], [-2.0, -1.2], [2.0, -1.2]])
    y = np.repeat(np.arange(3), per_class)
    return centres[y] + rng.standard_normal((y.size, 2)), y


def draw(day, out_dir):
    rng = np.random.default_rng(0)
    X, y = toy_set(rng)
    fits = {}
    for name, loss_fn in (("SVM (hinge loss)", day.svm_loss_vectorized),
                          ("Softmax (cross-entropy)", day.softmax_loss_vectorized)):
        W, b, history = day.train_linear_classifier(X, y, loss_fn, 0.1, 1e-3, 400, 32, np.random.default_rng(1))
        accuracy = np.mean(day.predict(W, b, X) == y)
        fits[name] = (W, b, history, accuracy)

    fig, axes = new_figure(ncols=2)
    for ax, (name, (W, b, _, accuracy)) in zip(axes[0], fits.items()):
        decision_regions(ax, lambda points, W=W, b=b: day.predict(W, b, points), X, y,
                         title=f"{name}: training accuracy {accuracy:.0%}")
    regions = save(fig, out_dir / "day01_decision_regions.png")

    fig, axes = new_figure()
    ax = axes[0, 0]
    window = 20
    for colour, (name, (_, _, history, _)) in zip(("C0", "C1"), fits.items()):
        history = np.asarray(history, dtype=float)
        steps = np.arange(1, len(history) + 1)
        ax.plot(steps, history, color=colour, linewidth=0.6, alpha=0.35)
        if len(history) >= window:  # the trend, under the minibatch noise
            average = np.convolve(history, np.ones(window) / window, mode="valid")
            ax.plot(steps[window - 1:], average, color=colour, linewidth=2, label=f"{name}, mean of {window}")
        else:
            ax.lines[-1].set_label(name)
    ax.set_title("Minibatch loss during training (faint: each minibatch)")
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss (with L2 penalty)")
    ax.legend()
    return [regions, save(fig, out_dir / "day01_loss_history.png")]
