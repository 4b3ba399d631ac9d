"""The sandboxed reader: ``python -m trame_slicer_app.engine.io.untrusted.file_probe``, run by sandboxed_reading.

Reads a JSON request on stdin ({"limits": {...}, "items": [{"kind", "paths", "name"[, "kind_choices"]}]}), caps its own
address space, then loads each item into a throwaway scene and writes one JSON line per event
("start", then the result) to its answer stream, so that the parent knows which file was being read
when the process died. Nothing it loads reaches the server's scene but the voxels of plain scalar
volumes, which it appends to the memfd the server passed (engine/io/voxel_handover.py), described in its
answer ("voxels": one description or null per node), so that the server need not read the file again.

A spare child may be started before there is anything to read: it imports Slicer's libraries, then
waits for its request (an empty stdin, when the server goes away, ends it).
"""

from __future__ import annotations

import json
import os
import resource
import select
import sys
import traceback

ANSWER_FD_ENV = "TRAME_SLICER_PROBE_ANSWER_FD"
NODES_KEY = "_nodes"  # the loaded nodes, in a result until their voxels are handed over
HANDED_OVER_KINDS = ("volume", "dicom")  # label maps become segmentations: the server reads those itself


def _limit_resources(memory_bytes: int, file_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # No file it writes (the voxels it hands over included) may grow beyond this.
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash must not leave a core file behind


def _answer_stream():
    """Native readers may print to stdout: answers go to a private copy of it, and stdout to stderr."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    return answers


def probe_one(engine, item: dict, limits, while_counting=None) -> dict:
    from pathlib import Path

    from ..loadables import describe_node, load_item, probe_volume_kinds
    from .file_references import verify_compressed_data

    # Inflating the whole file to check it costs time: the child does it, the server need not.
    if item["kind"] in ("volume", "labelmap", "segmentation", "sequence"):
        verify_compressed_data(Path(item["paths"][0]), limits)
    paths = [Path(p) for p in item["paths"]]
    if len(item.get("kind_choices") or ()) > 1:  # a volume that may also be opened as a label map
        found = probe_volume_kinds(engine, paths[0], item["name"], item["kind"], limits, while_counting)
        return {"ok": True, "kind": found["kind"], "kind_choices": found["kind_choices"],
                "nodes": [describe_node(node) for node in found["nodes"]], NODES_KEY: found["nodes"]}
    # No display node for a volume: the server computes its window/level once it has the voxels.
    nodes = load_item(engine, item["kind"], paths, item["name"], limits, display=False)
    return {"ok": True, "nodes": [describe_node(node) for node in nodes], NODES_KEY: nodes}


class EarlyHandover:
    """Writes a volume's voxels into the memfd on a thread of its own while the reader counts the
    volume's values (both passes over the voxels let go of Python's lock: on two cores they overlap,
    about 0.05 s of a 216 MiB CT's open). Its descriptions are used only for the very nodes the
    answer names; a volume read as something else (a label map) leaves unused bytes in the memfd,
    which no description points at."""

    def __init__(self, handover_fd: int | None, budget_bytes: int) -> None:
        self._fd = handover_fd
        self._budget = budget_bytes
        self._written: dict[int, dict | None] = {}
        self._error: BaseException | None = None

    def start(self, nodes: list):
        import threading

        from ..voxel_handover import can_hand_over, write_voxels

        def write() -> None:
            try:
                for node in nodes:
                    if can_hand_over(node):
                        self._written[id(node)] = write_voxels(node, self._fd, self._budget)
            except BaseException as error:
                self._error = error

        if self._fd is None:
            return lambda: None
        thread = threading.Thread(target=write, name="handover")
        thread.start()

        def wait() -> None:
            thread.join()
            if self._error is not None:
                raise self._error

        return wait

    def description_of(self, node):
        """(True, description) when this node's voxels were written already; (False, None) if not."""
        if id(node) in self._written:
            return True, self._written[id(node)]
        return False, None


def hand_over(result: dict, item: dict, handover_fd: int | None, budget_bytes: int,
              early: EarlyHandover | None = None) -> None:
    """Append the voxels of the volumes just read to the memfd (those ``early`` has not written
    already); describe them in ``result``."""
    from ..voxel_handover import can_hand_over, write_voxels

    nodes = result.pop(NODES_KEY, None) or []
    if handover_fd is None or not result.get("ok") or result.get("kind", item["kind"]) not in HANDED_OVER_KINDS:
        return
    descriptions = []
    for node in nodes:
        written, description = early.description_of(node) if early is not None else (False, None)
        if not written:
            description = write_voxels(node, handover_fd, budget_bytes) if can_hand_over(node) else None
        descriptions.append(description)
    result["voxels"] = descriptions


def main() -> int:
    answers = _answer_stream()
    # Slicer's libraries first: a spare child is started before there is a request.
    from ....load_time_pages import give_back_load_time_pages
    from ...scene.headless_scene import HeadlessScene
    from ...scene.slicer_engine import _send_vtk_messages_to_stderr
    from ..voxel_handover import HANDOVER_FD_ENV
    from .io_limits import IOLimits

    _send_vtk_messages_to_stderr()
    engine = HeadlessScene()
    if not select.select([sys.stdin], [], [], 0)[0]:
        # A spare child, which may wait minutes for its request, holds none of the tables only loading
        # read; one whose request is waiting already goes straight to it.
        give_back_load_time_pages(code=True)
    text = sys.stdin.read()
    if not text.strip():
        return 0  # the server went away (or needed no spare): nothing to read
    request = json.loads(text)
    limits = IOLimits(**request["limits"])
    _limit_resources(limits.child_memory_bytes, limits.child_file_bytes)
    handover_fd = int(os.environ[HANDOVER_FD_ENV]) if os.environ.get(HANDOVER_FD_ENV) else None
    for index, item in enumerate(request["items"]):
        answers.write(json.dumps({"index": index, "event": "start"}) + "\n")
        try:
            early = EarlyHandover(handover_fd, limits.max_handover_bytes)
            result = probe_one(engine, item, limits, early.start)
            hand_over(result, item, handover_fd, limits.max_handover_bytes, early)
        except MemoryError:
            megabytes = limits.child_memory_bytes // (1024 * 1024)
            result = {"ok": False, "error": f"reading needed more than the {megabytes} MiB allowed; stopped"}
        except ValueError as error:  # every loader's refusal is a ValueError with a user-readable message
            result = {"ok": False, "error": str(error)}
        except Exception as error:  # any other failure is reported, not raised
            traceback.print_exc()
            result = {"ok": False, "error": f"the reader failed ({type(error).__name__})"}
        answers.write(json.dumps({"index": index, "event": "done", **result}) + "\n")
        if index + 1 < len(request["items"]):
            engine.scene.Clear(1)  # a throwaway scene: keep memory for the next file
    answers.flush()
    sys.stderr.flush()
    # The server waits for this process to end: nothing of its scene or libraries needs tearing down.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
