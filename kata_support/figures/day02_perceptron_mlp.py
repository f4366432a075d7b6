"""Day 2 figures: the XOR network's decision region, ReLU interpolants of sin, and the
perceptron's mistakes on separable data and on XOR. Everything is drawn with the learner's
own ``xor_network``, ``mlp_forward``, ``relu``, ``relu_interpolant`` and ``perceptron_train``.

``day`` is the learner's module as a proxy (grader/judge.py): each call runs in the sandboxed
worker and returns plain data, and matplotlib draws here. The only callables handed to the
learner's code are ones the worker knows by name: the learner's own ``day.relu`` (as the
activation of ``mlp_forward``) and ``np.sin`` (the curve ``relu_interpolant`` follows); a
lambda or any other judge-side function would have to go through a probe of
tests/probes/day02_perceptron_mlp.py instead."""
import numpy as np

from ..plotting import decision_regions, new_figure, save

CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_LABELS = np.array([0, 1, 1, 0])


def xor_cloud(rng, per_corner=25, spread=0.08):
    """Noisy copies of the four corners of the unit square, labelled with XOR."""
    y = np.repeat(XOR_LABELS, per_corner)
    X = np.repeat(CORNERS, per_corner, axis=0) + spread * rng.standard_normal((y.size, 2))
    return X, y


def draw_xor(day, out_dir):
    layers = day.xor_network()
    X, y = xor_cloud(np.random.default_rng(0))

    def predict(points):
        return (np.asarray(day.mlp_forward(points, layers, day.relu))[:, 0] > 0.5).astype(int)

    fig, axes = new_figure()
    ax = axes[0, 0]
    decision_regions(ax, predict, X, y, padding=0.6,
                     title="Your xor_network: where the score is above 0.5")
    ax.scatter(CORNERS[:, 0], CORNERS[:, 1], marker="x", s=60, color="k", label="the four XOR inputs")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.legend(loc="upper right", fontsize=8)
    return save(fig, out_dir / "day02_xor_decision_region.png")


def draw_interpolants(day, out_dir):
    a, b = 0.0, 2 * np.pi
    t = np.linspace(a, b, 500)
    fig, axes = new_figure(ncols=2, nrows=2, size=(4.6, 3.4))
    for ax, n in zip(axes.ravel(), (3, 6, 12, 24)):  # 2 pieces would put every knot of sin at 0
        layers = day.relu_interpolant(np.sin, a, b, n)
        net = np.asarray(day.mlp_forward(t.reshape(-1, 1), layers, day.relu))[:, 0]
        knots = np.linspace(a, b, n + 1)
        error = np.max(np.abs(net - np.sin(t)))
        ax.plot(t, np.sin(t), color="0.6", linewidth=2.5, label="f = sin")
        ax.plot(t, net, color="C3", linewidth=1.2, label=f"ReLU net, {np.shape(layers[0][0])[1]} hidden units")
        ax.plot(knots, np.sin(knots), "o", color="C3", markersize=4, label="knots")
        ax.set_title(f"{n} pieces: largest error {error:.3g}")
        ax.set_xlabel("t")
        ax.set_ylabel("value")
        ax.legend(loc="lower left", fontsize=7)
    interpolants = save(fig, out_dir / "day02_relu_interpolants.png")

    pieces = np.array([2, 4, 8, 16, 32, 64, 128])
    errors = []
    for n in pieces:
        layers = day.relu_interpolant(np.sin, a, b, int(n))
        net = np.asarray(day.mlp_forward(t.reshape(-1, 1), layers, day.relu))[:, 0]
        errors.append(np.max(np.abs(net - np.sin(t))))
    fig, axes = new_figure()
    ax = axes[0, 0]
    ax.loglog(pieces, errors, "o-", label="largest error of your interpolant")
    ax.loglog(pieces, (b - a) ** 2 / (8 * pieces ** 2), "--", color="0.5", label="bound h^2 max|f''| / 8")
    ax.set_title("Interpolating sin on [0, 2 pi]: error vs pieces")
    ax.set_xlabel("number of pieces (hidden ReLUs)")
    ax.set_ylabel("max |net(t) - sin(t)|")
    ax.legend(fontsize=8)
    return [interpolants, save(fig, out_dir / "day02_interpolation_error.png")]


def draw_perceptron(day, out_dir):
    gen = np.random.default_rng(1)
    w_true = np.array([1.0, -0.6])
    X = gen.uniform(-2, 2, (200, 2))
    X = X[np.abs(X @ w_true + 0.3) > 0.2][:60]
    y = np.where(X @ w_true + 0.3 > 0, 1, -1)
    epochs = 25
    _, _, separable = day.perceptron_train(X, y, epochs, 1.0)
    _, _, xor = day.perceptron_train(CORNERS, np.where(XOR_LABELS == 1, 1, -1), epochs, 1.0)
    fig, axes = new_figure()
    ax = axes[0, 0]
    steps = np.arange(1, epochs + 1)
    ax.plot(steps, separable, "o-", markersize=3, label=f"linearly separable ({len(y)} points)")
    ax.plot(steps, xor, "s-", markersize=3, label="XOR (4 points)")
    ax.set_title("Perceptron: mistakes in each epoch")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mistakes (updates)")
    ax.legend()
    return save(fig, out_dir / "day02_perceptron_mistakes.png")


def draw(day, out_dir):
    return [draw_xor(day, out_dir), *draw_interpolants(day, out_dir), draw_perceptron(day, out_dir)]
