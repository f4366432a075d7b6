"""The grader's pytest plugin, loaded in the child process with ``-p grader.pytest_plugin``.

It is the only part of the grader that talks to pytest. For every test it records, in the
test's pytest-json-report metadata, which exercise the test grades and a verdict: how the
test ended (passed, not started, failed, import error, timeout) with a one-sentence
message and, for failures, the catalog mistake the learner's outputs reproduce. It also
appends every finished test to a journal file, flushed at once, so that results survive
a child that dies half-way (``os._exit``, a segfault, a kill after a timeout).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .impl import LearnerImportError, exception_head, learner_location

_STUB_ID = re.compile(r"^day\d\d\.[A-Za-z_][A-Za-z0-9_]*$")
_DIAGNOSIS_SECONDS = 5.0


def pytest_addoption(parser):
    group = parser.getgroup("kata", "kata grader")
    group.addoption("--kata-journal", default=None, help="append one JSON line per finished test to this file")
    group.addoption("--kata-select", default=None, help="file listing the exercise ids to run, one a line")
    group.addoption("--kata-skip", default=None, help="file listing test node ids not to run again, one a line")


def _read_lines(path):
    return {line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()}


def exercise_of(item) -> str | None:
    marker = item.get_closest_marker("exercise")
    return marker.args[0] if marker and marker.args else None


def pytest_collection_modifyitems(config, items):
    select = config.getoption("--kata-select")
    skip = config.getoption("--kata-skip")
    wanted = _read_lines(select) if select else None
    done = _read_lines(skip) if skip else set()
    keep, drop = [], []
    for item in items:
        ok = (wanted is None or exercise_of(item) in wanted) and item.nodeid not in done
        (keep if ok else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# -- journal --------------------------------------------------------------------------------
class Journal:
    """Appends ``collected``, ``start`` and ``test`` events as JSON lines, each written at once."""

    def __init__(self, config, path: str):
        self.config, self.path = config, path

    def _write(self, record: dict) -> None:
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, default=str) + "\n")

    def pytest_collection_finish(self, session):
        self._write({"event": "collected", "tests": [[item.nodeid, exercise_of(item)] for item in session.items]})

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self._write({"event": "start", "nodeid": item.nodeid, "exercise": exercise_of(item)})

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report):
        # pytest-json-report has built this test's entry by now (we run last); the journal
        # keeps the very same shape, so the grader reads one format either way.
        if report.when != "teardown":
            return
        json_report = getattr(self.config, "_json_report", None)
        test = getattr(json_report, "_json_tests", {}).get(report.nodeid)
        if test is not None:
            self._write({"event": "test", "test": test})


def pytest_configure(config):
    path = config.getoption("--kata-journal")
    if path:
        config.pluginmanager.register(Journal(config, path), "kata-journal")


# -- verdicts -------------------------------------------------------------------------------
@pytest.hookimpl(optionalhook=True)
def pytest_json_runtest_metadata(item, call):
    exercise = exercise_of(item)
    metadata = {"exercise": exercise}
    if call.excinfo is None or call.excinfo.errisinstance(pytest.skip.Exception):
        if call.when == "call" and not hasattr(item, "_kata_verdict"):
            item._kata_verdict = {"kind": "passed", "message": ""}
    elif not hasattr(item, "_kata_verdict") or item._kata_verdict["kind"] == "passed":
        item._kata_verdict = classify(call.excinfo, exercise, item)
    if hasattr(item, "_kata_verdict"):
        metadata["verdict"] = item._kata_verdict
    return metadata


def classify(excinfo, exercise: str | None, item) -> dict:
    """Turn the exception that ended a test into ``{kind, message, ...}``."""
    exc = excinfo.value
    if isinstance(exc, LearnerImportError):
        return {"kind": "import_error", "message": str(exc), "file": exc.path, "line": exc.line}
    if isinstance(exc, NotImplementedError):
        stub = str(exc.args[0]) if exc.args else ""
        return {"kind": "not_started", "message": "not started", "stub": stub if _STUB_ID.match(stub) else exercise}
    text = getattr(exc, "msg", None) if isinstance(exc, pytest.fail.Exception) else None
    if text is not None and text.startswith("Timeout"):
        limit = re.search(r">\s*([0-9.]+)\s*s", text)
        within = f"within {float(limit.group(1)):g} s" if limit else "in time"
        return {"kind": "timeout", "message": f"did not finish {within}; look for a loop that never ends "
                                              f"or work that grows much faster than the input."}
    if text is not None:
        verdict = {"kind": "failed", "message": text.strip()}
    elif isinstance(exc, AssertionError):
        verdict = {"kind": "failed", "message": _first_paragraph(str(exc)) or "an assertion failed."}
    else:
        verdict = {"kind": "failed", "message": _describe_crash(excinfo, item)}
    mistake = _diagnose(item, exercise)
    if mistake is not None:
        verdict["misconception"] = mistake.as_dict()
    return verdict


def _first_paragraph(text: str) -> str:
    return text.split("\nassert ")[0].strip()


def _describe_crash(excinfo, item) -> str:
    """An exception raised by learner code: type, message and the learner's line."""
    impl = getattr(item.config, "kata_impl", None)
    where = learner_location(excinfo.tb, impl.folder) if impl is not None else None
    head = exception_head(excinfo.value)
    return f"your code raised {head} ({where})." if where else f"the check raised {head}."


def _diagnose(item, exercise):
    """Cached per exercise: the catalog mistake that the learner's outputs reproduce."""
    config = item.config
    cache = config.__dict__.setdefault("_kata_diagnoses", {})
    if exercise is None:
        return None
    if exercise not in cache:
        cache[exercise] = None
        impl = getattr(config, "kata_impl", None)
        try:
            from .catalog import Catalog
            from .manifest import load_manifest
            catalog = config.__dict__.get("_kata_catalog")
            if catalog is None:
                catalog = config._kata_catalog = Catalog(load_manifest())
            if impl is not None and catalog.reference_folder.is_dir():
                learner_module = impl.module(catalog.manifest.day_of(exercise).module)
                cache[exercise] = catalog.diagnose(exercise, learner_module)
        except Exception:  # a diagnosis is a bonus; never let it break the report
            cache[exercise] = None
    return cache[exercise]
