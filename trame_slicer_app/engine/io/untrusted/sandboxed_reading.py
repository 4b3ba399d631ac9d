"""Untrusted files are first read in a child process with capped memory and time.

A reader that crashes (segfault), blows up its memory or hangs on a hostile file takes down only the
child; the parent turns that into a ``SandboxError`` naming the file, and probes the files after it in a
fresh child. One child reads all the files of one request, so the start-up cost (about a second to
import Slicer's libraries) is paid once per request, not per file; with ``start_spare_reader`` it is
paid ahead of the request. The voxels of the scalar volumes the child read come back through a memfd
(engine/io/voxel_handover.py), so that the server need not read those files again.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import typing
from dataclasses import asdict, dataclass
from pathlib import Path

from .... import process_end, temp_folders
from ...errors import EngineError
from ..voxel_handover import HANDOVER_FD_ENV, HandoverBuffer, HandoverError, VoxelHandover, validate
from .io_limits import DEFAULT_IO_LIMITS, IOLimits

log = logging.getLogger(__name__)

PROBE_COMMAND = (sys.executable, "-m", "trame_slicer_app.engine.io.untrusted.file_probe")
PACKAGE_PARENT = str(Path(__file__).resolve().parents[4])
MAX_CHILD_STDERR_CHARACTERS = 4000  # the tail of a child's messages kept for the log and diagnosis
SPARE_RESTART_DELAY_S = 5.0  # after a request, before the next spare reader is started
SPARE_EXIT_TIMEOUT_S = 5.0  # a spare reader told to stop has this long before it is killed
MEMORY_FAILURE_MARKERS = ("MemoryError", "bad_alloc", "Cannot allocate memory", "out of memory", "couldn't allocate")


class SandboxError(EngineError):
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


@dataclass
class _Child:
    """A started reader: its process, the file its messages go to, the memfd it hands voxels over in,
    and its scratch folder (its TMPDIR: an .mrb or a zip it unpacks), removed here once it has ended,
    however it ended (a reader killed for its time limit runs no clean-up of its own)."""

    command: tuple[str, ...]
    process: subprocess.Popen
    messages: typing.BinaryIO
    buffer: HandoverBuffer
    scratch: Path

    def dispose(self) -> None:
        """End a child that was never given a request (an empty request ends it), free what it holds."""
        try:
            self.process.communicate("", timeout=SPARE_EXIT_TIMEOUT_S)
        except (subprocess.TimeoutExpired, OSError, ValueError):
            self.kill()
            self.process.wait()
        self.messages.close()
        self.buffer.release()
        self.ended()

    def kill(self) -> None:
        """Its whole process group (it may have started processes of its own)."""
        with contextlib.suppress(OSError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def ended(self) -> None:
        """The child is gone: its scratch folder goes too."""
        with _live_lock:
            _live.discard(self)
        temp_folders.remove(self.scratch)

    __hash__ = object.__hash__  # one per started process (a set member)


# Every reader started and not yet ended: the server's end ends them (end_all_readers).
_live: set[_Child] = set()
_live_lock = threading.Lock()


def _start_child(command: tuple[str, ...]) -> _Child:
    buffer = HandoverBuffer()
    # Readers may print without end on a hostile file: their messages go to a file, of which only
    # the tail is read back, never to the server's memory.
    messages = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _run_child or dispose)
    scratch = temp_folders.make("slicer-reader-")
    env = _child_environment()
    env[HANDOVER_FD_ENV] = str(buffer.fd)
    env["TMPDIR"] = str(scratch)
    try:
        process = subprocess.Popen(
            list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=messages, env=env, text=True,
            start_new_session=True, pass_fds=(buffer.fd,),
        )
    except BaseException:
        messages.close()
        buffer.release()
        temp_folders.remove(scratch)
        raise
    child = _Child(tuple(command), process, messages, buffer, scratch)
    with _live_lock:
        _live.add(child)
    return child


_spare: _Child | None = None
_keep_spare = False
_spare_lock = threading.Lock()


def start_spare_reader() -> None:
    """Start a reader now, and again after each use, so that opening a file does not wait for a child
    to import Slicer's libraries (about a second). The server calls this when it starts."""
    global _spare, _keep_spare
    with _spare_lock:
        _keep_spare = True
        if _spare is not None and _spare.process.poll() is None:
            return
        stale, _spare = _spare, None
    if stale is not None:
        stale.dispose()
    child = _start_child(PROBE_COMMAND)
    with _spare_lock:
        stale, _spare = _spare, child
    if stale is not None:
        stale.dispose()


def _restart_spare() -> None:
    if _keep_spare:
        try:
            start_spare_reader()
        except OSError:
            log.exception("could not start a spare sandboxed reader")


def stop_spare_reader() -> None:
    global _spare, _keep_spare
    with _spare_lock:
        _keep_spare = False
        spare, _spare = _spare, None
    if spare is not None:
        spare.dispose()


@atexit.register
def end_all_readers() -> None:
    """The server is ending: no spare any more, and a reader still reading is killed (the request
    that waits on it gets a failure at once, not after the reader's time limit)."""
    stop_spare_reader()
    with _live_lock:
        reading = list(_live)
    for child in reading:
        child.kill()


process_end.on_ending(end_all_readers)


def _take_child(command: tuple[str, ...]) -> _Child:
    """The spare reader when it runs ``command`` and is alive, else a new one."""
    global _spare
    with _spare_lock:
        spare = _spare
        if spare is not None and spare.command == tuple(command):
            _spare = None
        else:
            spare = None
    if spare is not None and spare.process.poll() is None:
        return spare
    if spare is not None:
        spare.dispose()
    return _start_child(command)


def _run_child(
    items: list[dict], limits: IOLimits, command: tuple[str, ...]
) -> tuple[list[dict], str | None, HandoverBuffer | None]:
    """One child over ``items``. Returns the answers in order, if the child died why, and the memfd
    holding the voxels it handed over (sealed; None when it could not be sealed)."""
    request = json.dumps({"limits": asdict(limits), "items": items})
    timed_out = False
    child = _take_child(command)
    with child.process:
        try:
            stdout, _ = child.process.communicate(request, timeout=limits.child_time_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            child.kill()
            stdout, _ = child.process.communicate()
        except BaseException:  # the server is ending (a signal's SystemExit): the reader ends with it
            child.kill()
            raise
        finally:
            child.ended()
    with child.messages as messages:
        messages.seek(max(0, messages.seek(0, os.SEEK_END) - MAX_CHILD_STDERR_CHARACTERS))
        stderr = messages.read().decode("utf-8", "replace")
    buffer: HandoverBuffer | None = child.buffer
    try:
        buffer.seal()
    except HandoverError as error:
        log.warning("voxels handed over by the sandboxed reader are not used: %s", error)
        buffer.release()
        buffer = None
    answers = []
    for line in stdout.splitlines():
        try:
            answers.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    returncode = child.process.returncode
    if timed_out or returncode != 0:
        log.info("sandboxed reader failed (status %s)", returncode)
        log.debug("its last messages (they may name the file):\n%s", stderr)
        return answers, _failure_reason(returncode, stderr, limits, timed_out), buffer
    return answers, None, buffer


def _with_handovers(answer: dict, buffer: HandoverBuffer | None, limits: IOLimits) -> dict:
    """A child's answer, its voxel descriptions replaced by validated handovers ("handovers": one
    VoxelHandover or None per node, to be released by whoever takes the result). An answer whose
    descriptions do not hold is refused: the child that wrote it is not to be trusted."""
    result = {k: v for k, v in answer.items() if k not in ("index", "event", "voxels")}
    descriptions = answer.get("voxels")
    if not result.get("ok") or descriptions is None:
        return result
    nodes = result.get("nodes")
    if not isinstance(descriptions, list) or not isinstance(nodes, list) or len(descriptions) != len(nodes):
        return {"ok": False, "error": "the reader's answer was refused: its voxel descriptions do not match its nodes"}
    handovers: list[VoxelHandover | None] = []
    try:
        for description in descriptions:
            if description is None or buffer is None:
                handovers.append(None)
            else:
                handovers.append(validate(description, buffer, limits))
    except HandoverError as error:
        for handover in handovers:
            if handover is not None:
                handover.release()
        return {"ok": False, "error": f"the reader's answer was refused: {error}"}
    return {**result, "handovers": handovers}


def probe_items(
    items: list[dict], limits: IOLimits = DEFAULT_IO_LIMITS, command: tuple[str, ...] | None = None
) -> list[dict]:
    """Read each item ({"kind", "paths", "name"}) in a sandboxed child. Returns, per item,
    {"ok": True, "nodes": [summary...]} or {"ok": False, "error": message}."""
    command = command or PROBE_COMMAND
    results: list[dict | None] = [None] * len(items)
    pending = list(range(len(items)))
    while pending:
        answers, failure, buffer = _run_child([items[i] for i in pending], limits, command)
        started = None
        for answer in answers:
            index = answer.get("index")
            if not isinstance(index, int) or not 0 <= index < len(pending):
                continue
            if answer.get("event") == "start":
                started = index
            elif answer.get("event") == "done":
                if results[pending[index]] is None:  # a child answering twice is heard once
                    results[pending[index]] = _with_handovers(answer, buffer, limits)
                started = None
        if buffer is not None:
            buffer.release()  # what was handed over is held by the handovers now
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
    if _keep_spare and command == PROBE_COMMAND:
        # The next spare starts a little later: importing Slicer's libraries would compete for the
        # CPU with the server loading what was just read.
        timer = threading.Timer(SPARE_RESTART_DELAY_S, _restart_spare)
        timer.daemon = True
        timer.start()
    return [r if r is not None else {"ok": False, "error": "not read"} for r in results]
