"""The seam between the check suites and the code they grade.

Every check reaches learner code through the ``impl`` fixture, which imports the day
modules of one implementation: ``exercises`` (the default), ``solutions``, or the folder
of a submission, chosen with ``--impl`` or the ``KATA_IMPL`` environment variable.
Imports are lazy, so a broken file fails only the checks of its own day.
"""
import os
import zlib

import numpy as np
import pytest

from grader.impl import Implementation, ImplementationNotFound


def pytest_addoption(parser):
    parser.addoption("--impl", default=os.environ.get("KATA_IMPL", "exercises"),
                     help="what to grade: exercises (default), solutions, or a submission folder")


def pytest_configure(config):
    try:
        config.kata_impl = Implementation(config.getoption("--impl"))
    except ImplementationNotFound as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_collection_modifyitems(config, items):
    for item in items:
        markers = list(item.iter_markers("exercise"))
        if len(markers) != 1 or len(markers[0].args) != 1:
            raise pytest.UsageError(f"{item.nodeid}: every check needs exactly one @pytest.mark.exercise(id).")


@pytest.fixture(scope="session")
def impl(pytestconfig):
    """The implementation under test; ``impl.module("day01_linear")`` imports one day."""
    return pytestconfig.kata_impl


@pytest.fixture
def rng(request):
    """A Generator seeded from the test's own id: reproducible, and different per test."""
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))


@pytest.fixture(autouse=True)
def _no_global_random_state():
    """Fail a check whose code drew from NumPy's global random state (CURRICULUM: no global RNG)."""
    before = np.random.get_state()
    yield
    after = np.random.get_state()
    if before[2] != after[2] or not np.array_equal(before[1], after[1]):
        np.random.set_state(before)
        pytest.fail("your code used NumPy's global random state (np.random.<something>); draw every random "
                    "number from the rng argument instead, so results are reproducible.", pytrace=False)
