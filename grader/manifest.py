"""Load kata.toml, the one ordered list of days and exercises, into frozen dataclasses."""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from . import REPO_ROOT

FORMAT_VERSION = 1
MANIFEST_PATH = REPO_ROOT / "kata.toml"
_ID_PATTERN = re.compile(r"^day(\d\d)\.([A-Za-z_][A-Za-z0-9_]*)$")


class ManifestError(ValueError):
    """kata.toml is malformed; the message says where."""


class SelectionError(ValueError):
    """A user asked for a day or exercise that does not exist; the message lists the choices."""


@dataclass(frozen=True)
class Exercise:
    id: str
    day: int
    title: str
    points: int
    depends_on: tuple[str, ...]
    hints: tuple[str, ...]
    repair: bool = False  # the stub is a broken program to repair (with the catalog's planted bugs), not a stub

    @property
    def name(self) -> str:
        """The exercise's own symbol, e.g. ``svm_loss_vectorized``."""
        return self.id.split(".", 1)[1]


@dataclass(frozen=True)
class Day:
    number: int
    module: str
    title: str
    reading: tuple[str, ...]
    exercises: tuple[Exercise, ...] = field(default=())

    @property
    def key(self) -> str:
        return f"day{self.number:02d}"


@dataclass(frozen=True)
class Checkpoint:
    """The question that closes a block of days (CURRICULUM 2b), with a short answer sketch."""
    days: tuple[int, ...]
    question: str
    answer: str

    @property
    def key(self) -> str:
        return "days " + "-".join(str(d) for d in (self.days[0], self.days[-1]))


@dataclass(frozen=True)
class Manifest:
    format_version: int
    days: tuple[Day, ...]
    checkpoints: tuple[Checkpoint, ...] = ()

    # -- look-ups -------------------------------------------------------------
    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return tuple(ex for day in self.days for ex in day.exercises)

    def exercise(self, exercise_id: str) -> Exercise:
        for ex in self.exercises:
            if ex.id == exercise_id:
                return ex
        raise KeyError(exercise_id)

    def day(self, number: int) -> Day:
        for day in self.days:
            if day.number == number:
                return day
        raise KeyError(number)

    def day_of(self, exercise_id: str) -> Day:
        return self.day(self.exercise(exercise_id).day)

    def with_dependencies(self, exercise_ids) -> list[Exercise]:
        """The exercises named plus everything they depend on, transitively, in course order."""
        wanted: set[str] = set()
        stack = list(exercise_ids)
        while stack:
            ex_id = stack.pop()
            if ex_id not in wanted:
                wanted.add(ex_id)
                stack.extend(self.exercise(ex_id).depends_on)
        return [ex for ex in self.exercises if ex.id in wanted]

    # -- selection ------------------------------------------------------------
    def select(self, selection: str) -> list[Exercise]:
        """Resolve ``all``, ``day3``, ``day03``, ``3``, an exercise id, or several of these separated by
        commas, to exercises in course order."""
        parts = [part for part in selection.split(",") if part.strip()]
        if len(parts) > 1:
            wanted = {ex.id for part in parts for ex in self._select_one(part)}
            return [ex for ex in self.exercises if ex.id in wanted]
        return self._select_one(selection)

    def _select_one(self, selection: str) -> list[Exercise]:
        text = selection.strip()
        if text.lower() == "all":
            return list(self.exercises)
        match = re.fullmatch(r"(?:day)?0*(\d{1,2})", text.lower())
        if match:
            number = int(match.group(1))
            try:
                day = self.day(number)
            except KeyError:
                raise SelectionError(
                    f"There is no day {text!r}: choose one of day1 ... day{len(self.days)}, "
                    f"an exercise id such as {self.exercises[0].id if self.exercises else 'day01.x'}, or all."
                ) from None
            if not day.exercises:
                raise SelectionError(
                    f"Day {number} ({day.title}) has no exercises yet; days with exercises: "
                    f"{', '.join(str(d.number) for d in self.days if d.exercises)}."
                )
            return list(day.exercises)
        try:
            return [self.exercise(text)]
        except KeyError:
            pass
        by_name = [ex for ex in self.exercises if ex.name == text]
        if len(by_name) == 1:  # a bare name that only one day uses: "predict"
            return by_name
        close = [ex.id for ex in self.exercises if text.lower() in ex.id.lower()]
        if not close:
            import difflib
            names = {ex.id: ex.id for ex in self.exercises} | {ex.name: ex.id for ex in self.exercises}
            close = [names[n] for n in difflib.get_close_matches(text, list(names), n=4, cutoff=0.6)]
            if close:
                raise SelectionError(f"Unknown exercise {text!r}; did you mean {' or '.join(dict.fromkeys(close))}?")
        choices = ", ".join(close[:8]) if close else "day1 ... day14, all, or an id like day01.svm_loss_vectorized"
        raise SelectionError(f"Unknown day or exercise {text!r}; valid choices: {choices}.")


def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    """Parse and validate kata.toml; raise ManifestError naming the first problem found."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read the manifest: {exc}") from exc
    version = raw.get("format_version")
    if version != FORMAT_VERSION:
        raise ManifestError(f"{path}: format_version is {version!r}; this grader reads version {FORMAT_VERSION}.")
    days: list[Day] = []
    seen_ids: set[str] = set()
    for position, raw_day in enumerate(raw.get("days", []), start=1):
        number = raw_day.get("number")
        if number != position:
            raise ManifestError(f"{path}: day #{position} has number {number!r}; "
                                f"days must be listed in order 1, 2, 3 ...")
        exercises = []
        for raw_ex in raw_day.get("exercises", []):
            ex = _parse_exercise(path, number, raw_ex)
            if ex.id in seen_ids:
                raise ManifestError(f"{path}: exercise {ex.id} is listed twice.")
            seen_ids.add(ex.id)
            exercises.append(ex)
        days.append(Day(number=number, module=_require(path, raw_day, "module", f"day {number}"),
                        title=_require(path, raw_day, "title", f"day {number}"),
                        reading=tuple(raw_day.get("reading", ())), exercises=tuple(exercises)))
    checkpoints = []
    for raw_cp in raw.get("checkpoints", []):
        cp_days = raw_cp.get("days")
        if not (isinstance(cp_days, list) and cp_days and all(isinstance(d, int) for d in cp_days)
                and all(1 <= d <= len(days) for d in cp_days)):
            raise ManifestError(f"{path}: a checkpoint needs days = [first, ..., last] among the course's days.")
        checkpoints.append(Checkpoint(days=tuple(cp_days), question=_require(path, raw_cp, "question", "a checkpoint"),
                                      answer=_require(path, raw_cp, "answer", "a checkpoint")))
    manifest = Manifest(format_version=version, days=tuple(days), checkpoints=tuple(checkpoints))
    for ex in manifest.exercises:
        for dep in ex.depends_on:
            if dep not in seen_ids:
                raise ManifestError(f"{path}: {ex.id} depends on {dep}, which is not an exercise.")
    _reject_cycles(path, manifest)
    return manifest


def _require(path, table, key, where):
    value = table.get(key)
    if not isinstance(value, str) or not value:
        raise ManifestError(f"{path}: {where} needs a non-empty string {key!r}.")
    return value


def _parse_exercise(path, day_number, raw_ex) -> Exercise:
    ex_id = _require(path, raw_ex, "id", f"an exercise of day {day_number}")
    match = _ID_PATTERN.match(ex_id)
    if not match or int(match.group(1)) != day_number:
        raise ManifestError(f"{path}: exercise id {ex_id!r} must look like day{day_number:02d}.<function name>.")
    points = raw_ex.get("points")
    if not isinstance(points, int) or points <= 0:
        raise ManifestError(f"{path}: {ex_id} needs a positive whole number of points.")
    hints = tuple(raw_ex.get("hints", ()))
    if not hints or not all(isinstance(h, str) and h.strip() for h in hints):
        raise ManifestError(f"{path}: {ex_id} needs at least one non-empty hint.")
    return Exercise(
        id=ex_id, day=day_number, title=_require(path, raw_ex, "title", ex_id), points=points,
        depends_on=tuple(raw_ex.get("depends_on", ())), hints=hints, repair=bool(raw_ex.get("repair", False)),
    )


def _reject_cycles(path, manifest: Manifest) -> None:
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(ex_id: str, trail: list[str]) -> None:
        if state.get(ex_id) == 2:
            return
        if state.get(ex_id) == 1:
            raise ManifestError(f"{path}: dependency cycle {' -> '.join(trail + [ex_id])}.")
        state[ex_id] = 1
        for dep in manifest.exercise(ex_id).depends_on:
            visit(dep, trail + [ex_id])
        state[ex_id] = 2

    for ex in manifest.exercises:
        visit(ex.id, [])
