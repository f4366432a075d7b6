"""Derive an exercise stub from its reference: same module text, signatures and docstrings,
bodies replaced by a TODO line and ``raise NotImplementedError("<exercise id>")``.

``kata verify`` compares every file under exercises/ with the stub derived from its twin
under solutions/, so the two trees cannot drift apart. Maintainers write the solution and
run ``kata stubgen dayN`` to (re)write the stub.
"""
from __future__ import annotations

import ast

from . import REPO_ROOT


def day_stub(day, solutions_dir=None) -> str:
    """The stub of a day (manifest.Day): its solution with each exercise stubbed out, except a repair
    exercise, whose stub is the reference with its planted bugs (the catalog's ``planted`` mutants) in."""
    from .catalog import load_day_catalog, patched_source

    solutions_dir = solutions_dir or REPO_ROOT / "solutions"
    source = (solutions_dir / f"{day.module}.py").read_text(encoding="utf-8")
    repair = [ex for ex in day.exercises if ex.repair]
    if repair:
        mutants, _, _ = load_day_catalog(day.module)
        for ex in repair:
            patches = [pair for m in mutants if m.exercise == ex.id and m.planted for pair in m.patch]
            source = patched_source(source, ex.name, patches, label=f"{ex.id} (planted bugs)")
    return stub_source(source, {ex.name: ex.id for ex in day.exercises if not ex.repair})


def stub_source(solution_source: str, exercise_ids: dict[str, str]) -> str:
    """The stub text for a solution module.

    ``exercise_ids`` maps each exercise symbol (top-level function or class name) to its id.
    Exercise functions, and every method of exercise classes, keep their signature and
    docstring; private top-level helpers (names starting with ``_``) are dropped, since
    they are part of the answer; everything else (module docstring, imports, constants)
    is kept as it is.
    """
    tree = ast.parse(solution_source)
    lines = solution_source.splitlines(keepends=True)
    out: list[str] = []
    cursor = 0  # next line (0-based) of the solution not yet copied or dropped
    for node in tree.body:
        start = _start(node)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in exercise_ids:
            out.extend(lines[cursor:start])
            out.extend(_stub_definition(node, lines, exercise_ids[node.name]))
            cursor = node.end_lineno
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name.startswith("_"):
            out.extend(lines[cursor:start])
            cursor = node.end_lineno
            while cursor < len(lines) and not lines[cursor].strip():
                cursor += 1  # the helper's trailing blank lines go with it
    out.extend(lines[cursor:])
    text = "".join(out)
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text


def _start(node) -> int:
    return node.lineno - 1 - len(getattr(node, "decorator_list", []))


def _stub_definition(node, lines, exercise_id) -> list[str]:
    if isinstance(node, ast.FunctionDef):
        return _stub_function(node, lines, exercise_id)
    out = []
    cursor = _start(node)
    for child in node.body:
        if isinstance(child, ast.FunctionDef):
            out.extend(lines[cursor:_start(child)])
            out.extend(_stub_function(child, lines, exercise_id))
            cursor = child.end_lineno
    out.extend(lines[cursor:node.end_lineno])
    return out


def _stub_function(node: ast.FunctionDef, lines, exercise_id) -> list[str]:
    body = node.body
    has_doc = isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
        and isinstance(body[0].value.value, str)
    keep_until = body[0].end_lineno if has_doc else body[0].lineno - 1
    indent = " " * body[0].col_offset
    head = lines[_start(node):keep_until]
    return head + [
        f"{indent}# TODO: write this, then run `make check {exercise_id}`.\n",
        f"{indent}raise NotImplementedError(\"{exercise_id}\")\n",
    ]
