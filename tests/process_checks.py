"""Checks on real processes: which ones work in a temporary folder, waiting on a condition."""

from __future__ import annotations

import time
from pathlib import Path

import pytest


def processes_using(temp: Path) -> list[int]:
    """Processes whose TMPDIR is ``temp`` or inside it (an app, its sandboxed readers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(item.startswith(b"TMPDIR=") and item[7:].decode(errors="replace").startswith(str(temp))
               for item in environ):
            found.append(int(entry.name))
    return found


def wait_for(condition, what: str, timeout_s: float):
    """``condition()``'s first true value; fails with ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(what)
        time.sleep(0.05)
    return value


@pytest.fixture
def a_temp_dir(tmp_path, monkeypatch) -> Path:
    """A TMPDIR of its own for the processes a test starts: their temporary folders go there only."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    return temp
