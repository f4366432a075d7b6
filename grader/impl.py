"""Load an implementation (exercises/, solutions/ or a submission folder) as a package.

Every tree is imported under a synthetic package name, so one check suite grades any of
them and relative imports inside a tree (``from .day03_backprop import affine_forward``)
stay inside that tree. Import failures of learner files are turned into
:class:`LearnerImportError`, which carries the file, the line and a one-line message.
"""
from __future__ import annotations

import importlib
import linecache
import sys
import traceback
import types
from pathlib import Path

from . import REPO_ROOT

#: Names accepted for the two trees of the repository.
NAMED_TREES = {"exercises": REPO_ROOT / "exercises", "solutions": REPO_ROOT / "solutions"}


class ImplementationNotFound(ValueError):
    """The implementation named by the user is not a folder."""


class LearnerImportError(Exception):
    """A learner module could not be imported; ``str()`` is a one-line explanation."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f" (line {line})" if line else ""
        super().__init__(f"{path} cannot be imported{where}: {message}")


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


class Implementation:
    """One tree of day modules imported as the package ``package_name``."""

    def __init__(self, folder: str | Path, package_name: str = "kata_impl"):
        self.folder = resolve_tree(folder)
        self.package_name = package_name
        self._failures: dict[str, LearnerImportError] = {}
        package = types.ModuleType(package_name)
        package.__path__ = [str(self.folder)]
        package.__package__ = package_name
        package.__file__ = None
        # Replacing a stale package of the same name keeps repeated loads honest.
        for name in [n for n in sys.modules if n == package_name or n.startswith(package_name + ".")]:
            del sys.modules[name]
        sys.modules[package_name] = package

    @property
    def label(self) -> str:
        return display_path(self.folder)

    def module(self, stem: str) -> types.ModuleType:
        """Import ``<folder>/<stem>.py``; a failure is remembered and raised again without re-running it."""
        if stem in self._failures:
            raise self._failures[stem]
        name = f"{self.package_name}.{stem}"
        if name in sys.modules:
            return sys.modules[name]
        path = self.folder / f"{stem}.py"
        if not path.is_file():
            error = LearnerImportError(display_path(path), None, "the file does not exist; restore it from git or from the kata.")
            self._failures[stem] = error
            raise error
        try:
            return importlib.import_module(name)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # SyntaxError, SystemExit, a timeout raised mid-import ...
            sys.modules.pop(name, None)
            error = _describe_import_failure(path, exc)
            self._failures[stem] = error
            raise error from None

    def symbol(self, stem: str, name: str):
        """A function or class of a day module, with a clear error when the learner removed it."""
        module = self.module(stem)
        try:
            return getattr(module, name)
        except AttributeError:
            raise LearnerImportError(display_path(self.folder / f"{stem}.py"), None,
                                     f"it defines no {name!r}; keep the name and signature of the stub.") from None


def _describe_import_failure(path: Path, exc: BaseException) -> LearnerImportError:
    shown = display_path(path)
    if isinstance(exc, SyntaxError):
        line = exc.lineno
        text = (exc.text or linecache.getline(str(path), line or 0)).strip()
        detail = f"SyntaxError: {exc.msg}" + (f" in `{text}`" if text else "")
        return LearnerImportError(display_path(exc.filename or path), line, detail)
    frame = learner_frame(exc.__traceback__, path)
    line = frame.lineno if frame else None
    if isinstance(exc, SystemExit):
        return LearnerImportError(shown, line, f"it called sys.exit({exc.code!r}) while being imported; "
                                               "module-level code must only define functions.")
    if type(exc).__name__ == "Failed" and str(exc).startswith("Timeout"):
        return LearnerImportError(shown, line, "importing it did not finish in time; is there an endless loop at module level?")
    return LearnerImportError(shown, line, exception_head(exc))


def exception_head(exc: BaseException) -> str:
    """``ValueError: <first line of its message>``, or just the type when it has none."""
    message = str(exc).strip().splitlines()[0].strip() if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def learner_frame(tb, inside: Path | str):
    """The deepest frame of traceback ``tb`` in the file ``inside`` or anywhere below the folder ``inside``."""
    inside = Path(inside).resolve()
    found = None
    for frame in traceback.extract_tb(tb):
        path = Path(frame.filename).resolve()
        if path == inside or path.is_relative_to(inside):
            found = frame
    return found


def learner_location(tb, inside: Path | str) -> str | None:
    """``exercises/day01_linear.py, line 43``: where in the learner's code ``tb`` went deepest."""
    frame = learner_frame(tb, inside)
    return f"{display_path(frame.filename)}, line {frame.lineno}" if frame else None
