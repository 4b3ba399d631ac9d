"""This process's temporary folders (uploads, downloads, unpacked archives, the sandboxed readers' scratch):
made in one place, removed when the process ends; no trame, no VTK.

They hold patient data (uploaded scans, exported segmentations, measurement CSVs), so none may outlive
the process that made it (docs/decisions/0026):
- a normal end and a signalled one (``process_end.py`` turns SIGTERM, SIGINT and SIGHUP into one) run
  ``remove_all`` at exit;
- a process that was killed outright (SIGKILL, the kernel's out-of-memory killer) runs nothing: its
  folders carry its pid in their names, and the next app process started on the machine removes the
  folders whose process is gone (``remove_orphans``).

Each folder is removed only by the process that made it: a process forked after a folder was made
(the fork server's app processes) does not remove its parent's folders.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

# Every prefix this package makes temporary folders with; a folder is "<prefix><pid>-<random>".
PREFIXES = ("slicer-upload-", "slicer-download-", "slicer-reader-", "trame-slicer-zip-")
_PREFIX_CHOICE = "|".join(re.escape(p) for p in PREFIXES)
_ORPHAN_NAME = re.compile(rf"(?:{_PREFIX_CHOICE})(\d+)-[A-Za-z0-9_]+")

_lock = threading.Lock()
_made: dict[Path, int] = {}  # folder -> the pid of the process that made it


def make(prefix: str) -> Path:
    """A new private folder (mode 0700) under the temporary directory, removed when this process ends."""
    if prefix not in PREFIXES:
        raise ValueError(f"unknown temporary folder prefix {prefix!r}")
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    with _lock:
        _made[folder] = os.getpid()
    return folder


def remove(folder: Path) -> None:
    """Remove one folder made here, now (a session's folder when the session closes)."""
    with _lock:
        _made.pop(Path(folder), None)
    shutil.rmtree(folder, ignore_errors=True)


def kept() -> list[Path]:
    """The folders this process made that are still there."""
    with _lock:
        return [folder for folder, pid in _made.items() if pid == os.getpid()]


@atexit.register
def remove_all() -> None:
    """Remove every folder this process made (at exit; tests call it before ending their process)."""
    for folder in kept():
        remove(folder)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_orphans(root: Path | None = None) -> list[Path]:
    """Remove the folders of this package whose process is gone (it was killed before it could);
    returns them. Only this user's folders, only names this module makes; a live pid keeps its
    folder even when the pid was reused by another program (kept rather than lost)."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    with contextlib.suppress(OSError), os.scandir(root) as entries:
        for entry in entries:
            match = _ORPHAN_NAME.fullmatch(entry.name)
            if match is None or not entry.is_dir(follow_symlinks=False):
                continue
            with contextlib.suppress(OSError):
                if entry.stat(follow_symlinks=False).st_uid != os.getuid() or _alive(int(match.group(1))):
                    continue
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
    return removed
