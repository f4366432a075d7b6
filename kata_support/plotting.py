"""Small matplotlib helpers shared by the days' figures: a headless backend and tidy saving."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures are files; no screen is needed or assumed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def new_figure(ncols: int = 1, nrows: int = 1, size=(5.0, 4.2)):
    """A figure with ``nrows x ncols`` axes, each about ``size`` inches."""
    fig, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False)
    return fig, axes


def save(fig, path: Path) -> Path:
    """Save as PNG (creating the folder) and free the figure's memory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def decision_regions(ax, predict, X, y, *, title: str, resolution: int = 300, padding: float = 1.0):
    """Colour the plane by ``predict(points)`` and scatter the labelled points on top."""
    (x0, y0), (x1, y1) = X.min(axis=0) - padding, X.max(axis=0) + padding
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    regions = np.asarray(predict(grid)).reshape(gx.shape)
    classes = int(max(y.max(), regions.max())) + 1
    cmap = plt.get_cmap("tab10", 10)
    ax.contourf(gx, gy, regions, levels=np.arange(classes + 1) - 0.5, cmap=cmap, vmin=-0.5, vmax=9.5, alpha=0.3)
    for c in range(classes):
        mask = y == c
        if np.any(mask):
            ax.scatter(X[mask, 0], X[mask, 1], s=14, color=cmap(c), edgecolor="k", linewidth=0.3, label=f"class {c}")
    ax.set_title(title)
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    ax.legend(loc="upper right", fontsize=8)
