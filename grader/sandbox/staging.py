"""Stage a submission: copy only its day modules into a fresh folder, and say what else was there.

The worker imports learner code from the staged copy, never from the submission itself, so a
submission's ``conftest.py``, ``pytest.ini``, ``pyproject.toml``, ``sitecustomize.py``, ``.pth``
files or symbolic links are never read by anything. Day files may sit in the folder itself or
one level down in ``exercises/`` (a copy of the whole kata).
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

from .client import shared_temp_dir
from .session import StagedImplementation

#: Files a kata folder holds besides its day modules, not worth reporting as ignored.
EXPECTED = {"README.md", "__init__.py", "__pycache__"}
#: The largest day file accepted.
MAX_FILE_BYTES = 2 * 2**20
_DAY_FILE = re.compile(r"^day\d\d_[A-Za-z0-9_]+\.py$")


class StagingError(ValueError):
    """The submission folder cannot be graded at all; the message says why."""


def find_day_folder(folder: Path) -> Path:
    """``folder`` itself, or ``folder/exercises`` when the day files sit there instead."""
    folder = Path(folder)
    if any(_DAY_FILE.match(p.name) for p in _entries(folder)):
        return folder
    inner = folder / "exercises"
    if inner.is_dir() and not inner.is_symlink() and any(_DAY_FILE.match(p.name) for p in _entries(inner)):
        return inner
    return folder


def stage(folder: Path, modules: set[str], *, label: str, display: str) -> StagedImplementation:
    """Copy the day modules named in ``modules`` (``day01_linear`` ...) from ``folder`` into a new folder."""
    source = find_day_folder(folder)
    target = Path(tempfile.mkdtemp(prefix="kata-stage-", dir=shared_temp_dir()))
    os.chmod(target, 0o755)
    ignored = []
    if source != Path(folder):
        display = f"{display}/exercises"
    for entry in sorted(_entries(source), key=lambda p: p.name):
        name = entry.name
        if name in EXPECTED or name.startswith("."):
            continue
        if name.endswith(".py") and name[:-3] in modules:
            problem = _copy_regular_file(entry, target / name)
            if problem:
                ignored.append(f"{name} ({problem})")
            continue
        ignored.append(name + ("/" if entry.is_dir() and not entry.is_symlink() else ""))
    return StagedImplementation(label=label, folder=target, display=display, ignored=ignored, source=source)


def unstage(staged: StagedImplementation) -> None:
    shutil.rmtree(staged.folder, ignore_errors=True)


def _entries(folder: Path):
    try:
        return list(Path(folder).iterdir())
    except OSError:
        return []


def _copy_regular_file(path: Path, target: Path) -> str | None:
    """Copy ``path`` unless it is a link or not a regular file; None, or why it was not copied."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        return "a symbolic link: submit the file itself" if os.path.islink(path) else f"unreadable: {exc.strerror}"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        if info.st_size > MAX_FILE_BYTES:
            return f"larger than {MAX_FILE_BYTES // 2**20} MB"
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    target.write_bytes(data)
    os.chmod(target, 0o644)
    return None
