"""kata.toml parsing, stub derivation, the catalog's patching and output matching, the report."""
import json
import textwrap

import numpy as np
import pytest

from grader.catalog import CatalogError, patched_source, same_outputs
from grader.manifest import ManifestError, SelectionError, load_manifest
from grader.report import SCHEMA_PATH, gradescope_results, validate_report, write_json_atomic
from grader.stubs import stub_source

GOOD = '''
format_version = 1
[[days]]
number = 1
module = "day01_x"
title = "One"
[[days.exercises]]
id = "day01.a"
title = "A"
points = 2
hints = ["h1", "h2"]
[[days.exercises]]
id = "day01.b"
title = "B"
points = 1
depends_on = ["day01.a"]
hints = ["h1", "h2"]
[[days]]
number = 2
module = "day02_y"
title = "Two"
'''


def write(tmp_path, text):
    path = tmp_path / "kata.toml"
    path.write_text(text)
    return path


def test_the_real_manifest_loads_with_fourteen_days():
    manifest = load_manifest()
    assert [d.number for d in manifest.days] == list(range(1, 15))
    assert all(len(ex.hints) >= 2 for ex in manifest.exercises)


@pytest.mark.parametrize("text", ["day1", "day01", "1", "01", "DAY1"])
def test_day_selections(tmp_path, text):
    manifest = load_manifest(write(tmp_path, GOOD))
    assert [ex.id for ex in manifest.select(text)] == ["day01.a", "day01.b"]


def test_selection_errors_list_choices(tmp_path):
    manifest = load_manifest(write(tmp_path, GOOD))
    with pytest.raises(SelectionError, match="no exercises yet"):
        manifest.select("day2")
    with pytest.raises(SelectionError, match="There is no day 'day9'"):
        manifest.select("day9")
    assert [ex.id for ex in manifest.with_dependencies(["day01.b"])] == ["day01.a", "day01.b"]


@pytest.mark.parametrize("change, message", [
    (("format_version = 1", "format_version = 9"), "format_version"),
    (('id = "day01.b"', 'id = "day01.a"'), "listed twice"),
    (('depends_on = ["day01.a"]', 'depends_on = ["day01.zz"]'), "not an exercise"),
    (('points = 2', 'points = 0'), "positive whole number"),
    (('id = "day01.b"', 'id = "day02.b"'), "must look like day01"),
    (('number = 2', 'number = 3'), "in order"),
    (('hints = ["h1", "h2"]\n[[days.exercises]]', 'hints = []\n[[days.exercises]]'), "hint"),
])
def test_malformed_manifests_say_where(tmp_path, change, message):
    with pytest.raises(ManifestError, match=message):
        load_manifest(write(tmp_path, GOOD.replace(*change, 1)))


def test_dependency_cycles_are_refused(tmp_path):
    text = GOOD.replace('title = "A"\npoints = 2', 'title = "A"\npoints = 2\ndepends_on = ["day01.b"]')
    with pytest.raises(ManifestError, match="cycle"):
        load_manifest(write(tmp_path, text))


SOLUTION = textwrap.dedent('''\
    """Module doc."""
    import numpy as np

    SCALE = 2


    def _helper(x):
        return x * SCALE


    def double(x):
        r"""Twice x.

        Notes
        -----
        Why it matters.
        """
        return _helper(x)


    class Counter:
        """Counts."""

        def __init__(self, start=0):
            """Start somewhere."""
            self.n = start

        def step(self):
            """One more."""
            self.n += 1
            return self.n
    ''')


def test_stubs_keep_signatures_and_docstrings_and_drop_the_answers():
    stub = stub_source(SOLUTION, {"double": "day01.double", "Counter": "day01.Counter"})
    assert "_helper" not in stub and "return" not in stub
    assert 'def double(x):\n    r"""Twice x.' in stub
    assert stub.count('raise NotImplementedError("day01.Counter")') == 2
    assert 'raise NotImplementedError("day01.double")' in stub
    assert "SCALE = 2" in stub and '"""Counts."""' in stub
    namespace = {}
    exec(compile(stub, "stub", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="day01.double"):
        namespace["double"](1)


def test_patches_apply_once_inside_their_symbol():
    patched = patched_source(SOLUTION, "double", [("return _helper(x)", "return x")])
    assert "    return x\n" in patched and "return x * SCALE" in patched
    with pytest.raises(CatalogError, match="occurs 0 times"):
        patched_source(SOLUTION, "double", [("x * SCALE", "x")])  # that text is in _helper, not double
    with pytest.raises(CatalogError, match="defines no top-level"):
        patched_source(SOLUTION, "missing", [("a", "b")])


def test_output_matching_respects_shapes_nan_and_tolerance():
    a = {"loss": 1.0, "dW": np.ones((2, 3))}
    assert same_outputs(a, {"loss": 1.0 + 1e-12, "dW": np.ones((2, 3))})
    assert not same_outputs(a, {"loss": 1.0, "dW": np.ones((3, 2))})
    assert not same_outputs(a, {"loss": 1.1, "dW": np.ones((2, 3))})
    assert same_outputs({"loss": np.nan}, {"loss": np.nan})
    assert not same_outputs({"loss": np.inf}, {"loss": 1.0})
    assert not same_outputs(a, {"loss": 1.0})


def test_sample_report_follows_the_schema_and_converts_to_gradescope():
    from grader import REPO_ROOT
    sample = json.loads((REPO_ROOT / "grader" / "sample_report.json").read_text())
    validate_report(sample)
    results = gradescope_results(sample)
    assert results["score"] == sample["score"]
    assert len(results["tests"]) == len(sample["exercises"])
    json.loads(SCHEMA_PATH.read_text())


def test_atomic_write_keeps_the_old_report_when_writing_fails(tmp_path, monkeypatch):
    import os
    target = tmp_path / "r.json"
    write_json_atomic(target, {"a": 1})

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_json_atomic(target, {"a": 2})
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"], "the temporary file must be removed"
