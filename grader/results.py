"""Turn the checks' records into one status per exercise. Pure: no I/O.

An exercise is *passed* when every check passed; *not started* when every failing check
ended in its own stub's NotImplementedError; *blocked* when an exercise it builds on is not
passing (a declared dependency, or a stub it reached); otherwise *error* (its file does not
import, or its code crashed the worker), *timeout*, or *failed*.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: Every status an exercise can have, in the order the summary lists them.
STATUSES = ("passed", "failed", "not_started", "blocked", "error", "timeout")


@dataclass
class ExerciseResult:
    exercise: object  # manifest.Exercise
    status: str
    message: str
    checks: list = field(default_factory=list)  # judge.CheckRecord, in run order
    misconception: dict | None = None
    blocked_by: list[str] = field(default_factory=list)

    @property
    def points(self) -> int:
        return self.exercise.points if self.status == "passed" else 0


def exercise_results(manifest, records, diagnoses: dict | None = None) -> dict[str, ExerciseResult]:
    """Status of every exercise that has records, keyed by id, in course order.

    ``diagnoses`` maps an exercise id to the catalog mistake its outputs reproduce (a Mutant).
    """
    diagnoses = diagnoses or {}
    by_exercise: dict[str, list] = {}
    for record in records:
        by_exercise.setdefault(record.exercise, []).append(record)
    results: dict[str, ExerciseResult] = {}
    order = {ex.id: position for position, ex in enumerate(manifest.exercises)}

    def resolve(ex_id: str) -> ExerciseResult:
        if ex_id not in results:
            results[ex_id] = _judge(manifest.exercise(ex_id), by_exercise.get(ex_id, []), resolve, order,
                                    diagnoses.get(ex_id))
        return results[ex_id]

    for ex in manifest.exercises:
        if ex.id in by_exercise:
            resolve(ex.id)
    return {ex.id: results[ex.id] for ex in manifest.exercises if ex.id in results}


def _judge(exercise, checks: list, resolve, order: dict, mistake) -> ExerciseResult:
    def result(status, message, **kw):
        return ExerciseResult(exercise=exercise, status=status, message=message, checks=checks, **kw)

    if not checks:
        return result("error", "no check ran for this exercise.")
    failing = [c for c in checks if c.outcome != "passed"]
    if not failing:  # what the checks measured, when they said (tests/checks/expect.note)
        return result("passed", " ".join(c.message for c in checks if c.message))
    imports = [c for c in failing if c.kind == "import_error"]
    if imports:
        return result("error", imports[0].message)
    deps_bad = [d for d in exercise.depends_on if resolve(d).status != "passed"]
    started_elsewhere = sorted({c.stub for c in failing if c.outcome == "not_started" and c.stub != exercise.id})
    if all(c.outcome in ("not_started", "not_run") for c in failing) and any(c.stub == exercise.id for c in failing):
        note = f"; it builds on {', '.join(deps_bad)}, not passing yet" if deps_bad else ""
        return result("not_started", f"not started{note}.")
    # A blocked blocker stands for what blocks it, so that only work the learner can do now is named;
    # in course order, so the first one named is where to start.
    blockers = {root for b in set(deps_bad) | set(started_elsewhere) for root in _roots(b, resolve)}
    blockers = sorted(blockers, key=lambda b: (order.get(b, len(order)), b))
    if blockers:
        details = ", ".join(f"{b} ({_status_of(b, resolve, b in started_elsewhere)})" for b in blockers)
        return result("blocked", f"blocked by {details}: finish {'it' if len(blockers) == 1 else 'them'} first.",
                      blocked_by=blockers)
    for outcome in ("timeout", "error"):
        hits = [c for c in failing if c.outcome == outcome]
        if hits:
            message = f"{hits[0].name} {hits[0].message}" if outcome == "timeout" else hits[0].message
            return result(outcome, message)
    # The check whose sentence tells most (a recognised cause, then a pattern, then a mismatch);
    # among equals, the first to run. The other messages stay in the report.
    shown = max(failing, key=lambda c: getattr(c, "weight", 1))
    return result("failed", shown.message, misconception=mistake.as_dict() if mistake is not None else None)


def _roots(ex_id: str, resolve) -> list[str]:
    """``[ex_id]``, or, when it is itself blocked, the exercises that block it (already roots)."""
    try:
        blocker = resolve(ex_id)
    except KeyError:  # outside the selection
        return [ex_id]
    return list(blocker.blocked_by) if blocker.status == "blocked" and blocker.blocked_by else [ex_id]


def _status_of(ex_id: str, resolve, stub_reached: bool) -> str:
    """What a blocker's status is; one outside the selection was not checked, unless its stub was reached."""
    try:
        blocker = resolve(ex_id)
    except KeyError:
        blocker = None
    if blocker is None or not blocker.checks:
        return "not started" if stub_reached else "not checked"
    return blocker.status.replace("_", " ")


def summary_counts(results) -> dict[str, int]:
    counts = {status: 0 for status in STATUSES}
    for res in results:
        counts[res.status] += 1
    counts["total"] = len(results)
    return counts
