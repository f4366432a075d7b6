"""Data for the days' experiments: seeded subsets of the real MNIST, loaded by the judge and sent to
the worker as plain arrays (the learner's code never opens files)."""
import numpy as np

from ..mnist import load_mnist


def mnist_subsets(n_train: int, n_val: int, seed: int = 0, dtype=np.float64):
    """``(X_train, y_train, X_val, y_val)``: disjoint random subsets of the training split, pixels in [0, 1]
    minus the subset's mean image, flattened to (N, 784)."""
    images, labels = load_mnist("train")
    order = np.random.default_rng(seed).permutation(len(labels))[:n_train + n_val]
    X = images[order].reshape(len(order), -1).astype(dtype) / 255.0
    X -= X[:n_train].mean(axis=0)
    y = labels[order].astype(np.int64)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]
