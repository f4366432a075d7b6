"""Name the implementation to grade, and load the kata's own reference in the judge.

An implementation is ``exercises`` (the learner's work, the default), ``solutions`` (the
reference) or the folder of a submission. Learner code is never imported here: it runs in
the sandboxed worker (:mod:`grader.sandbox`). :class:`ReferenceTree` imports the kata's own,
trusted code (the solutions and the catalog's mutants of them) into the judge, for naming
mistakes and comparing outputs.
"""
from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

from . import REPO_ROOT

#: Names accepted for the two trees of the repository.
NAMED_TREES = {"exercises": REPO_ROOT / "exercises", "solutions": REPO_ROOT / "solutions"}


class ImplementationNotFound(ValueError):
    """The implementation named by the user is not a folder."""


def resolve_tree(spec: str | Path) -> Path:
    """Turn ``exercises``, ``solutions`` or a folder path into an existing folder."""
    text = str(spec)
    folder = NAMED_TREES.get(text, Path(text).expanduser())
    folder = folder.resolve()
    if not folder.is_dir():
        raise ImplementationNotFound(
            f"Implementation {text!r} is not a folder; use exercises, solutions, or the path of a "
            f"folder holding day01_linear.py and friends."
        )
    return folder


def display_path(path: Path | str) -> str:
    """A path relative to the repository when it is inside it, for messages."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


class ReferenceTree:
    """The kata's own day modules (trusted), imported as the package ``package_name``.

    Relative imports inside the tree (``from .day03_backprop import ...``) stay inside it.
    """

    def __init__(self, folder: str | Path, package_name: str = "kata_reference"):
        self.folder = resolve_tree(folder)
        self.package_name = package_name
        package = types.ModuleType(package_name)
        package.__path__ = [str(self.folder)]
        package.__package__ = package_name
        package.__file__ = None
        for name in [n for n in sys.modules if n == package_name or n.startswith(package_name + ".")]:
            del sys.modules[name]
        sys.modules[package_name] = package

    def module(self, stem: str) -> types.ModuleType:
        return importlib.import_module(f"{self.package_name}.{stem}")
