"""``kata grade SUBMISSIONS``: grade a whole class, one sandboxed grading per learner, in parallel.

``SUBMISSIONS`` holds one folder or zip file per learner, with the day files directly inside or
under ``exercises/`` (a copy of the whole kata). Each learner is graded by its own ``kata check``
process (so one hostile submission can cost only its own limits), and gets:

- ``<out>/reports/<learner>.json``: the usual report (grader/report.schema.json);
- a row of ``<out>/gradebook.csv``: points per exercise, total, status, grading error;
- its part of ``<out>/summary.md``: score distribution, pass rate per exercise, and the
  catalogued mistakes the class made most often (what to reteach).

A learner already graded with the same kata and the same files is skipped unless ``--force``
(``<out>/state/<learner>.sha256`` records what was graded), so a batch killed half-way and
started again finishes with the same results.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from . import REPO_ROOT, __version__
from .capstone_command import READS_DELIVERABLES
from .report import write_json_atomic

_DAY_FILE = re.compile(r"^day\d\d_[A-Za-z0-9_]+\.py$")
#: Largest day file and largest total taken out of a zip.
MAX_FILE = 2 * 2**20
MAX_TOTAL = 50 * 2**20


class BatchError(ValueError):
    """The class folder cannot be graded at all; the message says why."""


@dataclass
class Learner:
    id: str
    path: Path
    fingerprint: str = ""
    problem: str = ""  # why the submission could not be read, if so


# -- finding the learners and their files ----------------------------------------------------------
def discover(folder: Path) -> list[Learner]:
    """One Learner per sub-folder or zip file of ``folder``, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BatchError(f"{folder} is not a folder; give the folder that holds one folder or zip file per learner.")
    learners, seen = [], {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_dir():
            name = entry.name
        elif entry.suffix.lower() == ".zip" and entry.is_file():
            name = entry.stem
        else:
            continue
        learner_id = re.sub(r"[^A-Za-z0-9._@-]", "_", name)
        if learner_id in seen:
            raise BatchError(f"two submissions are both named {learner_id!r} ({seen[learner_id]} and {entry.name}); "
                             f"rename one of them.")
        seen[learner_id] = entry.name
        learners.append(Learner(id=learner_id, path=entry))
    return learners


def day_files(learner: Learner) -> dict[str, bytes]:
    """The learner's day files by name, from their folder (or its exercises/) or their zip."""
    if learner.path.is_dir():
        from .sandbox.staging import find_day_folder
        folder = find_day_folder(learner.path)
        found = {}
        for path in sorted(folder.iterdir()):
            if _DAY_FILE.match(path.name) and path.is_file() and not path.is_symlink():
                if path.stat().st_size <= MAX_FILE:
                    found[path.name] = path.read_bytes()
        return found
    return _from_zip(learner.path)


def _from_zip(path: Path) -> dict[str, bytes]:
    """Day files from a zip: at its root, in one top folder, or under exercises/; nothing else is read."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BatchError(f"not a readable zip file ({exc})") from None
    found, total = {}, 0
    with archive:
        for info in archive.infolist():
            parts = Path(info.filename).parts
            if info.is_dir() or not parts or ".." in parts or info.filename.startswith("/"):
                continue
            if (info.external_attr >> 16) & 0o170000 == 0o120000:  # a symbolic link stored in the zip
                continue
            inside = [p for p in parts[:-1] if p not in ("exercises",)]
            if len(inside) > 1 or not _DAY_FILE.match(parts[-1]) or info.file_size > MAX_FILE:
                continue
            total += info.file_size
            if total > MAX_TOTAL:
                raise BatchError("the zip holds more than 50 MB of day files")
            name = parts[-1]
            data = archive.read(info)[:MAX_FILE]
            if name not in found or parts[:-1] == ("exercises",) or not parts[:-1]:
                found[name] = data
    return found


def kata_digest() -> str:
    """What the grading depends on: the kata's version and its checks, probes, catalog and manifest."""
    digest = hashlib.sha256(__version__.encode())
    for folder in ("grader", "tests/checks", "tests/probes", "tests/misconceptions"):
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            digest.update(str(path.relative_to(REPO_ROOT)).encode() + path.read_bytes())
    digest.update((REPO_ROOT / "kata.toml").read_bytes())
    return digest.hexdigest()


# -- grading ------------------------------------------------------------------------------------------
def grade_class(manifest, submissions: Path, out: Path, *, selection: str = "all", jobs: int | None = None,
                force: bool = False, check_options=(), progress: bool = True) -> dict:
    """Grade every learner of ``submissions`` into ``out``; return the summary (also written to disk)."""
    manifest.select(selection)
    learners = discover(submissions)
    if not learners:
        raise BatchError(f"{submissions} holds no submission (a folder or a .zip file per learner).")
    out = Path(out)
    for sub in ("reports", "state"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    kata = kata_digest()
    for learner in learners:
        try:
            files = day_files(learner)
            digest = hashlib.sha256((kata + selection).encode())
            for name in sorted(files):
                digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
            learner.fingerprint = digest.hexdigest()
        except (BatchError, OSError) as exc:
            learner.problem = str(exc)
            learner.fingerprint = hashlib.sha256((kata + selection + "unreadable" + str(exc)).encode()).hexdigest()
    todo = [lr for lr in learners if force or not _up_to_date(out, lr)]
    # day14.capstone_report reads deliverables: the grader writes them itself, never trusting handed-in files
    capstone = READS_DELIVERABLES in {ex.id for ex in manifest.select(selection)}
    jobs = max(1, jobs or os.cpu_count() or 1)
    start = time.monotonic()
    bar = _progress(len(learners), len(learners) - len(todo), progress)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_grade_one, lr, out, selection, check_options, capstone): lr for lr in todo}
        for future in as_completed(futures):
            future.result()
            bar.update(1)
    bar.close()
    summary = write_outputs(manifest, learners, out, selection, seconds=time.monotonic() - start,
                            graded_now=len(todo))
    return summary


def _up_to_date(out: Path, learner: Learner) -> bool:
    state = out / "state" / f"{learner.id}.sha256"
    report = out / "reports" / f"{learner.id}.json"
    try:
        recorded = report.is_file() or report.with_suffix(".error.json").is_file()  # a broken zip stays broken
        return recorded and state.read_text().strip() == learner.fingerprint
    except OSError:
        return False


def _grade_one(learner: Learner, out: Path, selection: str, check_options, capstone: bool = False) -> None:
    """Grade one learner in its own ``kata check`` process; never raises (a failure is recorded)."""
    report_path = out / "reports" / f"{learner.id}.json"
    state_path = out / "state" / f"{learner.id}.sha256"
    state_path.unlink(missing_ok=True)
    error = learner.problem
    if not error:
        with tempfile.TemporaryDirectory(prefix="kata-learner-") as tmp:
            folder = Path(tmp) / learner.id
            folder.mkdir()
            try:
                for name, data in day_files(learner).items():
                    (folder / name).write_bytes(data)
            except (BatchError, OSError) as exc:
                error = str(exc)
            if not error:
                error = _run_check(folder, learner, report_path, selection, check_options, capstone)
    if error:
        write_json_atomic(report_path.with_suffix(".error.json"), {"learner": learner.id, "error": error})
        report_path.unlink(missing_ok=True)
    else:
        report_path.with_suffix(".error.json").unlink(missing_ok=True)
    state_path.write_text(learner.fingerprint + "\n")


def _run_check(folder: Path, learner: Learner, report_path: Path, selection: str, check_options,
               capstone: bool = False) -> str:
    with tempfile.TemporaryDirectory(prefix="kata-learner-state-") as state:
        env = dict(os.environ, KATA_STATE_DIR=state, KATA_REPORTS_DIR=state, NO_COLOR="1")
        if capstone:  # the deliverables day14.capstone_report reads, into this learner's state folder
            try:
                subprocess.run([sys.executable, "-m", "grader", "capstone", "--impl", str(folder), "--quick"],
                               cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=3600)
            except subprocess.TimeoutExpired:
                pass  # the check then says the deliverables are missing
        command = [sys.executable, "-m", "grader", "check", selection, "--impl", str(folder),
                   "--report", str(report_path), "--quiet", *check_options]
        try:
            proc = subprocess.run(command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, timeout=3600)
        except subprocess.TimeoutExpired:
            return "grading did not finish within an hour"
    if proc.returncode not in (0, 1) or not report_path.is_file():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"the grader ended with status {proc.returncode}: {tail[0][:300]}"
    try:
        data = json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"the report could not be read: {exc}"
    data = _without_staging_path(data, f"{folder.parent}{os.sep}")  # "ada/day02_....py", not a gone temp folder
    data["implementation"] = learner.id
    write_json_atomic(report_path, data)
    return ""


def _without_staging_path(value, prefix: str):
    """``value`` with every string's mention of the temporary staging folder ``prefix`` removed."""
    if isinstance(value, str):
        return value.replace(prefix, "")
    if isinstance(value, list):
        return [_without_staging_path(item, prefix) for item in value]
    if isinstance(value, dict):
        return {key: _without_staging_path(item, prefix) for key, item in value.items()}
    return value


# -- outputs ------------------------------------------------------------------------------------------
def write_outputs(manifest, learners: list[Learner], out: Path, selection: str, *, seconds: float,
                  graded_now: int) -> dict:
    exercises = manifest.select(selection)
    rows, reports = [], {}
    for learner in learners:
        report_path = out / "reports" / f"{learner.id}.json"
        error_path = report_path.with_suffix(".error.json")
        if report_path.is_file():
            report = json.loads(report_path.read_text(encoding="utf-8"))
            reports[learner.id] = report
            points = {e["id"]: e["points"] for e in report["exercises"]}
            error = report.get("error") or ""
            status = "graded" if not error else "grading error"
        else:
            points = {}
            error = "not graded"
            if error_path.is_file():
                error = json.loads(error_path.read_text(encoding="utf-8"))["error"]
            status = "grading error"
        rows.append({"learner": learner.id, **{ex.id: points.get(ex.id, 0) for ex in exercises},
                     "total": sum(points.values()), "max": sum(ex.points for ex in exercises), "status": status,
                     "error": error.splitlines()[0][:300] if error else ""})
    columns = ["learner", *[ex.id for ex in exercises], "total", "max", "status", "error"]
    _write_csv(out / "gradebook.csv", rows, columns)
    summary = summarise(manifest, exercises, rows, reports)
    summary.update({"learners": len(learners), "graded_now": graded_now, "seconds": round(seconds, 1)})
    write_json_atomic(out / "summary.json", summary)
    (out / "summary.md").write_text(render_summary(summary), encoding="utf-8")
    return summary


def _write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    tmp = path.with_suffix(".csv.tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(tmp, path)


def summarise(manifest, exercises, rows: list[dict], reports: dict) -> dict:
    maximum = sum(ex.points for ex in exercises)
    scores = [r["total"] for r in rows if r["status"] == "graded"]
    buckets = [0] * 10
    for score in scores:
        buckets[min(9, int(10 * score / maximum)) if maximum else 0] += 1
    graded = [rep for rep in reports.values() if not rep.get("error")]
    pass_rates, mistakes = [], {}
    for ex in exercises:
        entries = [e for rep in graded for e in rep["exercises"] if e["id"] == ex.id]
        passed = sum(e["status"] == "passed" for e in entries)
        pass_rates.append({"exercise": ex.id, "passed": passed, "graded": len(entries)})
        for entry in entries:
            if entry.get("misconception"):
                key = (ex.id, entry["misconception"]["id"])
                mistakes.setdefault(key, {"exercise": ex.id, "id": entry["misconception"]["id"],
                                          "mistake": entry["misconception"]["mistake"], "count": 0})["count"] += 1
    common = sorted(mistakes.values(), key=lambda m: (-m["count"], m["exercise"], m["id"]))
    return {"max_score": maximum, "graded": len(scores), "errors": len(rows) - len(scores),
            "score": {"min": min(scores, default=0), "median": statistics.median(scores) if scores else 0,
                      "mean": round(statistics.fmean(scores), 2) if scores else 0, "max": max(scores, default=0)},
            "distribution": [{"from_percent": 10 * k, "to_percent": 10 * k + 10, "learners": n}
                             for k, n in enumerate(buckets)],
            "pass_rates": pass_rates, "common_mistakes": common}


def render_summary(summary: dict) -> str:
    lines = ["# Class summary", "",
             f"{summary['graded']} of {summary['learners']} learners graded"
             + (f", {summary['errors']} with a grading error (see gradebook.csv)" if summary["errors"] else "")
             + f". Scores out of {summary['max_score']}: min {summary['score']['min']}, "
               f"median {summary['score']['median']}, mean {summary['score']['mean']}, max {summary['score']['max']}.",
             "", "## Score distribution", "", "| score | learners |", "|---|---|"]
    for bucket in summary["distribution"]:
        bar = "#" * bucket["learners"]
        lines.append(f"| {bucket['from_percent']}-{bucket['to_percent']} % | {bucket['learners']} {bar} |")
    lines += ["", "## Pass rate per exercise", "", "| exercise | passed |", "|---|---|"]
    for rate in summary["pass_rates"]:
        share = f"{100 * rate['passed'] / rate['graded']:.0f} %" if rate["graded"] else "-"
        lines.append(f"| {rate['exercise']} | {rate['passed']}/{rate['graded']} ({share}) |")
    lines += ["", "## The mistakes the class made most often (what to reteach)", ""]
    if summary["common_mistakes"]:
        lines += ["| learners | exercise | mistake |", "|---|---|---|"]
        lines += [f"| {m['count']} | {m['exercise']} | {m['mistake']} |" for m in summary["common_mistakes"][:20]]
    else:
        lines.append("No catalogued mistake was recognised.")
    return "\n".join(lines) + "\n"


class _QuietBar:
    def update(self, n):
        pass

    def close(self):
        pass


def _progress(total: int, done: int, wanted: bool):
    """A progress bar on a terminal (tqdm), nothing otherwise."""
    if not wanted or not sys.stderr.isatty():
        return _QuietBar()
    try:
        from tqdm import tqdm
    except ImportError:
        return _QuietBar()
    return tqdm(total=total, initial=done, unit="learner", desc="grading", file=sys.stderr)
