"""Turn per-test records (pytest-json-report entries) into one status per exercise. Pure: no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field

#: Every status an exercise can have, in the order the summary lists them.
STATUSES = ("passed", "failed", "not_started", "blocked", "error", "timeout")
#: Characters of a test's printed output kept in the report.
OUTPUT_LIMIT = 2000


@dataclass(frozen=True)
class TestResult:
    name: str
    nodeid: str
    outcome: str  # passed | failed | not_started | error | timeout
    kind: str  # the plugin's verdict: passed, failed, not_started, import_error, crash, timeout, error
    duration: float
    message: str
    output: str
    output_truncated: bool
    misconception: dict | None = None
    stub: str | None = None


@dataclass
class ExerciseResult:
    exercise: object  # manifest.Exercise
    status: str
    message: str
    tests: list[TestResult] = field(default_factory=list)
    misconception: dict | None = None
    blocked_by: list[str] = field(default_factory=list)

    @property
    def points(self) -> int:
        return self.exercise.points if self.status == "passed" else 0


_KIND_TO_OUTCOME = {"passed": "passed", "failed": "failed", "not_started": "not_started",
                    "import_error": "error", "crash": "error", "error": "error", "timeout": "timeout"}


def test_result(entry: dict) -> TestResult:
    """One json-report test entry (real or synthetic) as a TestResult."""
    verdict = (entry.get("metadata") or {}).get("verdict")
    if verdict is None:  # no verdict recorded: trust pytest's outcome, never assume a pass
        passed = entry.get("outcome") == "passed"
        verdict = {"kind": "passed" if passed else "error",
                   "message": "" if passed else _longrepr_line(entry) or "the check ended without a verdict."}
    stages = [entry.get(s) or {} for s in ("setup", "call", "teardown")]
    output = "".join((st.get("stdout") or "") + (st.get("stderr") or "") for st in stages)
    outcome = _KIND_TO_OUTCOME.get(verdict["kind"], "error")
    if outcome == "passed" and entry.get("outcome") != "passed":
        outcome = "error"  # a verdict of passed with a failing stage afterwards: not a pass
    nodeid = entry["nodeid"]
    return TestResult(
        name=nodeid.split("::", 1)[-1], nodeid=nodeid, outcome=outcome, kind=verdict["kind"],
        duration=round(sum(float(st.get("duration") or 0.0) for st in stages), 6),
        message=verdict.get("message", ""), output=output[:OUTPUT_LIMIT],
        output_truncated=len(output) > OUTPUT_LIMIT, misconception=verdict.get("misconception"),
        stub=verdict.get("stub"),
    )


def _longrepr_line(entry: dict) -> str:
    for stage in ("setup", "call", "teardown"):
        crash = (entry.get(stage) or {}).get("crash")
        if crash:
            return str(crash.get("message", "")).splitlines()[0]
    return ""


def exercise_results(manifest, entries: list[dict]) -> dict[str, ExerciseResult]:
    """Status of every exercise that has test entries, keyed by id, in course order."""
    by_exercise: dict[str, list[TestResult]] = {}
    for entry in entries:
        exercise = (entry.get("metadata") or {}).get("exercise")
        if exercise is not None:
            by_exercise.setdefault(exercise, []).append(test_result(entry))
    results: dict[str, ExerciseResult] = {}

    order = {ex.id: position for position, ex in enumerate(manifest.exercises)}

    def resolve(ex_id: str) -> ExerciseResult:
        if ex_id not in results:
            results[ex_id] = _judge(manifest.exercise(ex_id), by_exercise.get(ex_id, []), resolve, order)
        return results[ex_id]

    for ex in manifest.exercises:
        if ex.id in by_exercise:
            resolve(ex.id)
    return {ex.id: results[ex.id] for ex in manifest.exercises if ex.id in results}


def _judge(exercise, tests: list[TestResult], resolve, order: dict) -> ExerciseResult:
    def result(status, message, **kw):
        return ExerciseResult(exercise=exercise, status=status, message=message, tests=tests, **kw)

    if not tests:
        return result("error", "no check ran for this exercise.")
    failing = [t for t in tests if t.outcome != "passed"]
    if not failing:
        return result("passed", "")
    imports = [t for t in failing if t.kind == "import_error"]
    if imports:
        return result("error", imports[0].message)
    deps_bad = [d for d in exercise.depends_on if resolve(d).status != "passed"]
    started_elsewhere = sorted({t.stub for t in failing if t.outcome == "not_started" and t.stub != exercise.id})
    if all(t.outcome == "not_started" for t in failing) and any(t.stub == exercise.id for t in failing):
        note = ""
        if deps_bad:
            note = f"; it builds on {', '.join(deps_bad)}, not passing yet"
        return result("not_started", f"not started{note}.")
    # In course order, so the first one named is where the learner should start.
    blockers = sorted(set(deps_bad) | set(started_elsewhere), key=lambda b: (order.get(b, len(order)), b))
    if blockers:
        details = ", ".join(f"{b} ({_status_of(b, resolve)})" for b in blockers)
        return result("blocked", f"blocked by {details}: finish {'it' if len(blockers) == 1 else 'them'} first.",
                      blocked_by=blockers)
    for outcome in ("timeout", "error"):
        hits = [t for t in failing if t.outcome == outcome]
        if hits:
            return result(outcome, f"{hits[0].name} {hits[0].message}" if outcome == "timeout" else hits[0].message)
    first = failing[0]
    mistake = next((t.misconception for t in failing if t.misconception), None)
    return result("failed", first.message, misconception=mistake)


def _status_of(ex_id: str, resolve) -> str:
    try:
        return resolve(ex_id).status.replace("_", " ")
    except KeyError:
        return "not checked"


def summary_counts(results) -> dict[str, int]:
    counts = {status: 0 for status in STATUSES}
    for res in results:
        counts[res.status] += 1
    counts["total"] = len(results)
    return counts
