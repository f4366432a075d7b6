"""The checkpoints that close each block of days (CURRICULUM 2b), shown once when a block passes.

Each is a question a learner should now be able to answer, with a short answer sketch pointing at
what they just built and drew. Which ones were shown is remembered in ``.kata/checkpoints.json``.
"""
from __future__ import annotations

import textwrap

from .report import write_json_atomic
from .state import STATE_DIR, _load, last_results


def passed_blocks(manifest, last: dict) -> list:
    """The checkpoints whose days all have exercises and all of them pass in ``last``."""
    found = []
    for checkpoint in manifest.checkpoints:
        exercises = [ex for number in checkpoint.days for ex in manifest.day(number).exercises]
        if exercises and all(last.get(ex.id, {}).get("status") == "passed" for ex in exercises):
            found.append(checkpoint)
    return found


def show_new_checkpoints(manifest, state_dir=STATE_DIR) -> list:
    """Print every checkpoint newly earned by the learner's last results, once; return them."""
    shown = _load("checkpoints.json", state_dir)
    new = [cp for cp in passed_blocks(manifest, last_results(state_dir)) if cp.key not in shown]
    for checkpoint in new:
        print(render_checkpoint(checkpoint))
        shown[checkpoint.key] = True
    if new:
        write_json_atomic(state_dir / "checkpoints.json", shown)
    return new


def render_checkpoint(checkpoint) -> str:
    first, last = checkpoint.days[0], checkpoint.days[-1]
    rule = "-" * 78
    answer = textwrap.fill(checkpoint.answer, width=76, initial_indent="  ", subsequent_indent="  ")
    return (f"\n{rule}\nCheckpoint, Days {first}-{last}: every exercise passes. Can you answer this?\n"
            f"  {checkpoint.question}\n\nAn answer sketch (try yours first):\n{answer}\n{rule}")
