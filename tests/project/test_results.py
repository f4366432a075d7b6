"""How check records become statuses: the parts a session test would reach only through a worker."""
from types import SimpleNamespace

from grader.results import exercise_results


def manifest(deps):
    """Exercises a, b, c, ... in course order, with the given dependencies."""
    exercises = [SimpleNamespace(id=ex_id, points=1, depends_on=deps.get(ex_id, [])) for ex_id in sorted(deps)]
    by_id = {ex.id: ex for ex in exercises}
    return SimpleNamespace(exercises=exercises, exercise=by_id.__getitem__)


def record(exercise, outcome, stub=None):
    return SimpleNamespace(exercise=exercise, outcome=outcome, kind="check", stub=stub, message="", name="test")


def test_a_blocked_exercise_names_what_can_be_done_now_not_what_is_blocked_itself():
    # d builds on c and a; c is blocked by b (not started); a failed.
    course = manifest({"a": [], "b": [], "c": ["b"], "d": ["a", "c"]})
    records = [record("a", "failed"), record("b", "not_started", stub="b"), record("c", "failed"),
               record("d", "failed")]
    results = exercise_results(course, records)
    assert results["c"].message == "blocked by b (not started): finish it first."
    assert results["d"].status == "blocked"
    assert results["d"].blocked_by == ["a", "b"]
    assert results["d"].message == "blocked by a (failed), b (not started): finish them first."
