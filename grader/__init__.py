"""The kata's grader: runs the check suites against an implementation and reports.

The command line lives in :mod:`grader.cli`; the pure parts (manifest, results,
report, rendering) know nothing about pytest, and :mod:`grader.pytest_plugin` is
the only module that talks to pytest from inside the child process.
"""
from pathlib import Path

__version__ = "0.1.0"

#: The repository root: the folder holding kata.toml, exercises/ and solutions/.
REPO_ROOT = Path(__file__).resolve().parent.parent
