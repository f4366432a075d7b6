"""Data for the days' experiments: seeded subsets of the real MNIST, loaded by the judge and sent to
the worker as plain arrays (the learner's code never opens files)."""
import numpy as np

from ..mnist import load_mnist


def raw_subsets(n_train: int, n_val: int, seed: int = 0):
    """``(images_train, y_train, images_val, y_val)``: disjoint random subsets of the training split as
    the raw uint8 pictures (N, 28, 28), for experiments that move the pictures themselves."""
    images, labels = load_mnist("train")
    order = np.random.default_rng(seed).permutation(len(labels))[:n_train + n_val]
    y = labels[order].astype(np.int64)
    return images[order[:n_train]], y[:n_train], images[order[n_train:]], y[n_train:]


def mnist_subsets(n_train: int, n_val: int, seed: int = 0, dtype=np.float64):
    """The same subsets as ``raw_subsets``, pixels in [0, 1] minus the training subset's mean image,
    flattened to (N, 784)."""
    train_images, y_train, val_images, y_val = raw_subsets(n_train, n_val, seed)
    X = np.concatenate([train_images, val_images]).reshape(n_train + n_val, -1).astype(dtype) / 255.0
    X -= X[:n_train].mean(axis=0)
    return X[:n_train], y_train, X[n_train:], y_val
