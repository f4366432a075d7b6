"""The learner's own state, kept in .kata/ (ignored by git): hints shown, last result per exercise."""
from __future__ import annotations

import json
import os
from pathlib import Path

from . import REPO_ROOT
from .report import write_json_atomic

#: Where the state lives; KATA_STATE_DIR moves it (the project's own tests use that).
STATE_DIR = Path(os.environ.get("KATA_STATE_DIR", REPO_ROOT / ".kata"))


def _load(name: str, state_dir: Path) -> dict:
    path = state_dir / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # a missing or damaged state file only means starting afresh


def hints_shown(exercise_id: str, state_dir: Path = STATE_DIR) -> int:
    return int(_load("hints.json", state_dir).get(exercise_id, 0))


def record_hint(exercise_id: str, count: int, state_dir: Path = STATE_DIR) -> None:
    data = _load("hints.json", state_dir)
    data[exercise_id] = count
    write_json_atomic(state_dir / "hints.json", data)


def record_results(report: dict, state_dir: Path = STATE_DIR) -> None:
    """Remember each graded exercise's latest status, for ``kata progress``."""
    data = _load("progress.json", state_dir)
    exercises = data.setdefault("exercises", {})
    for ex in report["exercises"]:
        exercises[ex["id"]] = {"status": ex["status"], "points": ex["points"], "checked": report["created"]}
    write_json_atomic(state_dir / "progress.json", data)


def last_results(state_dir: Path = STATE_DIR) -> dict:
    return _load("progress.json", state_dir).get("exercises", {})
