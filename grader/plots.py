"""``kata plots``: draw a day's figures with the implementation being learnt."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

from .impl import Implementation, LearnerImportError, display_path, exception_head, learner_location


def draw_figures(manifest, selection: str, impl: str, out_dir: Path) -> int:
    """Draw every selected day's figures; 0 when all were drawn, 1 when one could not be."""
    days = sorted({ex.day for ex in manifest.select(selection)})
    implementation = Implementation(impl)
    status = 0
    for number in days:
        day = manifest.day(number)
        try:
            figures = importlib.import_module(f"kata_support.figures.{day.module}")
        except ModuleNotFoundError:
            print(f"Day {number} has no figures.")
            continue
        try:
            module = implementation.module(day.module)
            paths = figures.draw(module, out_dir)
        except LearnerImportError as exc:
            print(f"Day {number}: {exc}", file=sys.stderr)
            status = 1
            continue
        except NotImplementedError as exc:
            needed = exc.args[0] if exc.args else f"day {number}"
            print(f"Day {number}: the figures need {needed}, which is not written yet; "
                  f"make check {needed} shows how far it is.", file=sys.stderr)
            status = 1
            continue
        except Exception as exc:  # learner code may fail in any way; say where, in one line
            print(f"Day {number}: drawing failed: {_where(exc, implementation.folder)}", file=sys.stderr)
            status = 1
            continue
        for path in paths:
            print(f"wrote {display_path(path)}")
    return status


def _where(exc: BaseException, folder: Path) -> str:
    where = learner_location(exc.__traceback__, folder)
    return exception_head(exc) + (f" ({where})" if where else "")
