"""Helpers shared by the probe modules (they run in the worker, like every probe)."""
import importlib


def sibling(module, stem):
    """The learner's module ``stem`` of the same implementation as ``module`` (``day05_sgd_momentum``)."""
    return importlib.import_module(f"{module.__package__}.{stem}")
