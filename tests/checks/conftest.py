"""The check suites are run by the grader (``make check``, ``kata check``), which provides the
``impl`` and ``rng`` fixtures through its judge plugin (grader/judge.py): run directly with
pytest, they would have no implementation to grade."""
import pytest


def pytest_configure(config):
    if getattr(config, "_kata_judge", None) is None:
        raise pytest.UsageError("the check suites are run by the grader: use `make check day1` "
                                "(or `.venv/bin/kata check day1 --impl solutions`), not pytest directly.")
