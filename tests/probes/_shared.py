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
