"""What is generated from kata.toml: the course tables of README.md and exercises/README.md, and
the GitHub Classroom workflow template (one graded step per exercise, worth its points).

Each table sits between ``<!-- name -->`` and ``<!-- /name -->`` markers; ``kata docs`` rewrites
them and the workflow, and ``kata verify`` fails when one no longer matches the manifest, so
adding a day to kata.toml is the only place its name, title, exercises and points are written.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import REPO_ROOT
from .capstone_command import READS_DELIVERABLES


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


WORKFLOW = REPO_ROOT / "grader" / "templates" / "github-classroom.yml"


def classroom_workflow(manifest) -> str:
    """GitHub Classroom's autograding workflow: a command-grader step per exercise, then the reporter."""
    steps, runners = [], []
    for ex in manifest.exercises:
        step = ex.id.replace(".", "-").replace("_", "-").lower()
        runners.append(step)
        # the capstone trains on the full MNIST (its check within a 10-minute budget); its report
        # check reads the deliverables, which make capstone writes first
        minutes = 20 if ex.day == 14 else 5
        setup = ".venv/bin/kata capstone --quick || true" if ex.id == READS_DELIVERABLES else ""
        steps.append(f"""    - name: {ex.id}
      id: {step}
      uses: classroom-resources/autograding-command-grader@v1
      with:
        test-name: "{ex.id}: {ex.title.replace('"', "'")}"
        setup-command: '{setup}'
        command: .venv/bin/kata check {ex.id} --quiet
        timeout: {minutes}
        max-score: {ex.points}""")
    env = "\n".join(f'        {r.upper()}_RESULTS: "${{{{steps.{r}.outputs.result}}}}"' for r in runners)
    return f"""# GitHub Classroom autograding for the kata: generated from kata.toml by `kata docs`; do not edit.
# Copy it to .github/workflows/classroom.yml in the template repository of the assignment. On every
# push it installs the kata and grades each exercise with the kata's own command (`kata check`,
# exit status 0 when it passes), worth its points in kata.toml; the reporter sends the total to
# GitHub Classroom. The learner's code runs in the kata's sandboxed worker, but the learner controls
# the repository (this workflow included): for grades that count, use `kata grade` or Gradescope.
name: Autograding Tests
'on':
- push
- repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
    - name: Checkout code
      uses: actions/checkout@v4
    - name: Set up Python
      uses: actions/setup-python@v5
      with:
        python-version: '3.11'
    - name: Install the kata
      run: make .venv/.installed
{chr(10).join(steps)}
    - name: Autograding Reporter
      uses: classroom-resources/autograding-grading-reporter@v1
      env:
{env}
      with:
        runners: {",".join(runners)}
"""


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
    if not WORKFLOW.is_file() or WORKFLOW.read_text(encoding="utf-8") != classroom_workflow(manifest):
        found.append(f"{WORKFLOW.relative_to(REPO_ROOT)} (the GitHub Classroom workflow)")
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
    workflow = classroom_workflow(manifest)
    if not WORKFLOW.is_file() or WORKFLOW.read_text(encoding="utf-8") != workflow:
        WORKFLOW.parent.mkdir(parents=True, exist_ok=True)
        WORKFLOW.write_text(workflow, encoding="utf-8")
        written.append(WORKFLOW)
    for path, named in tables(manifest).items():
        text = original = path.read_text(encoding="utf-8")
        for name, table in named.items():
            text = _replace(text, name, table)
        if text != original:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
