"""The course tables of README.md and exercises/README.md, generated from kata.toml.

Each table sits between ``<!-- name -->`` and ``<!-- /name -->`` markers; ``kata docs`` rewrites
them, and ``kata verify`` fails when one no longer matches the manifest, so adding a day to
kata.toml is the only place its name, title, exercises and reading are written down.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import REPO_ROOT


def course_table(manifest) -> str:
    rows = ["| day | topic | status |", "|---|---|---|"]
    for day in manifest.days:
        rows.append(f"| {day.number} | {day.title} | {'ready' if day.exercises else 'coming'} |")
    return "\n".join(rows)


def map_table(manifest) -> str:
    rows = ["| day | file | topic | you write | reading |", "|---|---|---|---|---|"]
    for day in manifest.days:
        if not day.exercises:
            continue
        names = ", ".join(f"`{ex.name}`" for ex in day.exercises)
        rows.append(f"| {day.number} | `{day.module}.py` | {day.title} | {names} | {'; '.join(day.reading)} |")
    return "\n".join(rows)


def tables(manifest) -> dict[Path, dict[str, str]]:
    """Every generated table: file -> marker name -> its text."""
    return {REPO_ROOT / "README.md": {"course-table": course_table(manifest)},
            REPO_ROOT / "exercises" / "README.md": {"course-map": map_table(manifest)}}


def _replace(text: str, name: str, table: str) -> str:
    pattern = re.compile(rf"(<!-- {name} -->\n)(?:.*?\n)?(<!-- /{name} -->)", re.S)
    if not pattern.search(text):
        raise ValueError(f"no <!-- {name} --> ... <!-- /{name} --> markers")
    return pattern.sub(lambda m: m.group(1) + table + "\n" + m.group(2), text)


def stale(manifest) -> list[str]:
    """The generated tables that no longer match kata.toml, as ``file (table)``."""
    found = []
    for path, named in tables(manifest).items():
        text = path.read_text(encoding="utf-8")
        for name, table in named.items():
            try:
                if _replace(text, name, table) != text:
                    found.append(f"{path.relative_to(REPO_ROOT)} ({name})")
            except ValueError as exc:
                found.append(f"{path.relative_to(REPO_ROOT)} ({exc})")
    return found


def write(manifest) -> list[Path]:
    written = []
    for path, named in tables(manifest).items():
        text = original = path.read_text(encoding="utf-8")
        for name, table in named.items():
            text = _replace(text, name, table)
        if text != original:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
