"""The kata's grader: runs the check suites against an implementation and reports.

The command line lives in :mod:`grader.cli` and the library entry point in
:mod:`grader.grading`. Learner code runs only in the sandboxed worker
(:mod:`grader.sandbox`); the judge (:mod:`grader.judge`, the checks, the catalog) runs in
this process and sees only plain data.
"""
import os
import sys
from pathlib import Path

# The judge's own arithmetic is small: one BLAS thread, so that it never starts threads that fight the
# worker (and other graders) for the cores. Set before NumPy is imported; the worker sets its own.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

__version__ = "0.2.0"

#: The repository root: the folder holding kata.toml, exercises/ and solutions/.
REPO_ROOT = Path(__file__).resolve().parent.parent
# The judge imports the check suites, probes and catalog (tests.*) from the repository; the
# installed `kata` command does not start there, so the root is put on the path here.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
