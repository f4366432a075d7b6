"""Helpers shared by the probe modules (they run in the worker, like every probe)."""
import importlib

import numpy as np


def sibling(module, stem):
    """The learner's module ``stem`` of the same implementation as ``module`` (``day05_sgd_momentum``)."""
    return importlib.import_module(f"{module.__package__}.{stem}")


def returned_pair(result):
    """``(first, second)`` when a function returned a pair, else None (the check then says what came back)."""
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return result
    return None


def snapshot(config):
    """A copy of a dict of arrays and other values, so later in-place changes cannot alter what is reported."""
    if not isinstance(config, dict):
        return config
    return {k: np.array(v, copy=True) if isinstance(v, np.ndarray) else v for k, v in config.items()}


def softmax_loss(scores, y):
    """The suite's own softmax cross-entropy (stable for any scores) averaged over the batch, and its
    gradient with respect to the scores."""
    n, rows = scores.shape[0], np.arange(scores.shape[0])
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    return float(-np.mean(log_probs[rows, y])), dscores / n


def loss_and_accuracy(net, X, y):
    """The suite's cross-entropy of the scores ``net.loss(X)`` and their accuracy."""
    scores = np.asarray(net.loss(X), dtype=float)
    return softmax_loss(scores, y)[0], float(np.mean(np.argmax(scores, axis=1) == y))
