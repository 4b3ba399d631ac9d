"""The sandboxed reader: ``python -m trame_slicer_app.engine.file_probe``, run by sandboxed_reading.

Reads a JSON request on stdin ({"limits": {...}, "items": [{"kind", "paths", "name"[, "kind_choices"]}]}), caps its own
address space, then loads each item into a throwaway scene and writes one JSON line per event
("start", then the result) to its answer stream, so that the parent knows which file was being read
when the process died. Nothing it loads reaches the server's scene.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import traceback

ANSWER_FD_ENV = "TRAME_SLICER_PROBE_ANSWER_FD"


def _limit_resources(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash must not leave a core file behind


def _answer_stream():
    """Native readers may print to stdout: answers go to a private copy of it, and stdout to stderr."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    return answers


def probe_one(engine, item: dict, limits) -> dict:
    from pathlib import Path

    from .file_references import verify_compressed_data
    from .loadables import describe_node, load_item, probe_volume_kinds

    # Inflating the whole file to check it costs time: the child does it, the server need not.
    if item["kind"] in ("volume", "labelmap", "segmentation", "sequence"):
        verify_compressed_data(Path(item["paths"][0]), limits)
    paths = [Path(p) for p in item["paths"]]
    if len(item.get("kind_choices") or ()) > 1:  # a volume that may also be opened as a label map
        found = probe_volume_kinds(engine, paths[0], item["name"], item["kind"], limits)
        return {"ok": True, "kind": found["kind"], "kind_choices": found["kind_choices"],
                "nodes": [describe_node(node) for node in found["nodes"]]}
    nodes = load_item(engine, item["kind"], paths, item["name"], limits)
    return {"ok": True, "nodes": [describe_node(node) for node in nodes]}


def main() -> int:
    request = json.loads(sys.stdin.read())
    answers = _answer_stream()
    _limit_resources(int(request["limits"]["child_memory_bytes"]))

    from .headless_scene import HeadlessScene
    from .io_limits import IOLimits
    from .slicer_engine import _send_vtk_messages_to_stderr

    _send_vtk_messages_to_stderr()
    limits = IOLimits(**request["limits"])
    engine = HeadlessScene()
    for index, item in enumerate(request["items"]):
        answers.write(json.dumps({"index": index, "event": "start"}) + "\n")
        try:
            result = probe_one(engine, item, limits)
        except MemoryError:
            megabytes = limits.child_memory_bytes // (1024 * 1024)
            result = {"ok": False, "error": f"reading needed more than the {megabytes} MiB allowed; stopped"}
        except ValueError as error:  # every loader's refusal is a ValueError with a user-readable message
            result = {"ok": False, "error": str(error)}
        except Exception as error:  # any other failure is reported, not raised
            traceback.print_exc()
            result = {"ok": False, "error": f"the reader failed ({type(error).__name__})"}
        answers.write(json.dumps({"index": index, "event": "done", **result}) + "\n")
        engine.scene.Clear(1)  # a throwaway scene: keep memory for the next file
    return 0


if __name__ == "__main__":
    sys.exit(main())
