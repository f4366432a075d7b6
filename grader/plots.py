"""``kata plots``: draw a day's figures with the implementation being learnt.

The learner's code runs in the sandboxed worker (as for the checks); the figure modules under
``kata_support/figures/`` draw here, from the plain data that comes back. Figures of each
implementation go to their own folder, so the reference's never overwrite the learner's.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

from kata_support.mnist import MnistCorruptError, MnistUnavailableError

from .impl import display_path, resolve_tree
from .judge import describe_raise
from .sandbox.client import ImportFailed, LearnerRaised, Limits, SandboxError


def figures_folder(base: Path, impl: str) -> Path:
    """``reports/figures/exercises``, ``reports/figures/solutions`` or ``reports/figures/<folder name>``."""
    return Path(base) / resolve_tree(impl).name


def draw_figures(manifest, selection: str, impl: str, out_dir: Path) -> int:
    """Draw every selected day's figures; 0 when all were drawn, 1 when one could not be."""
    from .grading import sandboxed

    days = sorted({ex.day for ex in manifest.select(selection)})
    status = 0
    limits = Limits.for_training(300.0)
    with sandboxed(manifest, impl, limits=limits) as implementation:
        for number in days:
            day = manifest.day(number)
            try:
                figures = importlib.import_module(f"kata_support.figures.{day.module}")
            except ModuleNotFoundError:
                print(f"Day {number} has no figures.")
                continue
            try:
                paths = figures.draw(implementation.module(day.module), out_dir)
            except ImportFailed as exc:
                print(f"Day {number}: {exc}", file=sys.stderr)
                status = 1
                continue
            except LearnerRaised as exc:
                if exc.type_name == "NotImplementedError" and exc.stub:
                    print(f"Day {number}: the figures need {exc.stub}, which is not written yet; "
                          f"make check {exc.stub} shows how far it is.", file=sys.stderr)
                else:
                    print(f"Day {number}: drawing failed: {describe_raise(exc)}", file=sys.stderr)
                status = 1
                continue
            except SandboxError as exc:
                print(f"Day {number}: drawing failed: {exc}", file=sys.stderr)
                status = 1
                continue
            except (MnistUnavailableError, MnistCorruptError) as exc:
                print(f"Day {number}: its experiment needs MNIST: {str(exc).splitlines()[0]}", file=sys.stderr)
                status = 1
                continue
            except Exception as exc:  # what came back could not be drawn: say so in one line
                print(f"Day {number}: drawing failed: {type(exc).__name__}: {exc}", file=sys.stderr)
                status = 1
                continue
            for path in paths:
                print(f"wrote {display_path(path)}")
    return status
