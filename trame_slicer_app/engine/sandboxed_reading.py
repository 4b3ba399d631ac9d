"""Untrusted files are first read in a child process with capped memory and time.

A reader that crashes (segfault), blows up its memory or hangs on a hostile file takes down only the
child; the parent turns that into a ``SandboxError`` naming the file, and probes the files after it in a
fresh child. One child reads all the files of one request, so the start-up cost (about a second to
import Slicer's libraries) is paid once per request, not per file.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from .io_limits import DEFAULT_IO_LIMITS, IOLimits

log = logging.getLogger(__name__)

PROBE_COMMAND = (sys.executable, "-m", "trame_slicer_app.engine.file_probe")
PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
MAX_CHILD_STDERR_CHARACTERS = 4000  # the tail of a child's messages kept for the log and diagnosis
MEMORY_FAILURE_MARKERS = ("MemoryError", "bad_alloc", "Cannot allocate memory", "out of memory", "couldn't allocate")


class SandboxError(ValueError):
    """The sandboxed reader could not run at all."""


def _child_environment() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_PARENT, env.get("PYTHONPATH", "")) if p)
    return env


def _failure_reason(returncode: int | None, stderr: str, limits: IOLimits, timed_out: bool) -> str:
    if timed_out:
        return f"reading took longer than {limits.child_time_s:g} s; stopped"
    if any(marker in stderr for marker in MEMORY_FAILURE_MARKERS):
        return f"reading needed more than the {limits.child_memory_bytes // (1024 * 1024)} MiB allowed; stopped"
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"the reader crashed on this file ({name})"
    return f"the reader stopped unexpectedly (exit status {returncode})"


def _run_child(items: list[dict], limits: IOLimits, command: tuple[str, ...]) -> tuple[list[dict], str | None]:
    """One child over ``items``. Returns the answers in order and, if the child died, why."""
    request = json.dumps({"limits": asdict(limits), "items": items})
    timed_out = False
    # Readers may print without end on a hostile file: their messages go to a file, of which only
    # the tail is read back, never to the server's memory.
    with tempfile.TemporaryFile() as messages, subprocess.Popen(
        list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=messages,
        env=_child_environment(), text=True, start_new_session=True,
    ) as child:
        try:
            stdout, _ = child.communicate(request, timeout=limits.child_time_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(child.pid, signal.SIGKILL)
            stdout, _ = child.communicate()
        messages.seek(max(0, messages.seek(0, os.SEEK_END) - MAX_CHILD_STDERR_CHARACTERS))
        stderr = messages.read().decode("utf-8", "replace")
    answers = []
    for line in stdout.splitlines():
        try:
            answers.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    if timed_out or child.returncode != 0:
        log.info("sandboxed reader failed (status %s); its last messages:\n%s", child.returncode, stderr)
        return answers, _failure_reason(child.returncode, stderr, limits, timed_out)
    return answers, None


def probe_items(
    items: list[dict], limits: IOLimits = DEFAULT_IO_LIMITS, command: tuple[str, ...] | None = None
) -> list[dict]:
    """Read each item ({"kind", "paths", "name"}) in a sandboxed child. Returns, per item,
    {"ok": True, "nodes": [summary...]} or {"ok": False, "error": message}."""
    command = command or PROBE_COMMAND
    results: list[dict | None] = [None] * len(items)
    pending = list(range(len(items)))
    while pending:
        answers, failure = _run_child([items[i] for i in pending], limits, command)
        started = None
        for answer in answers:
            index = answer.get("index")
            if not isinstance(index, int) or not 0 <= index < len(pending):
                continue
            if answer.get("event") == "start":
                started = index
            elif answer.get("event") == "done":
                results[pending[index]] = {k: v for k, v in answer.items() if k not in ("index", "event")}
                started = None
        if failure is None:
            for i in pending:
                if results[i] is None:
                    results[i] = {"ok": False, "error": "the reader gave no answer for this file"}
            break
        if started is None:
            # The child died before reading anything (it could not start): nothing will work.
            for i in pending:
                if results[i] is None:
                    results[i] = {"ok": False, "error": failure}
            break
        results[pending[started]] = {"ok": False, "error": failure}
        pending = [i for i in pending if results[i] is None]
    return [r if r is not None else {"ok": False, "error": "not read"} for r in results]
