"""How the server's asyncio loop fares while a long Segment Editor edit computes over the whole head
(tests/.data/cranium_ct.nrrd), on the loop (the synchronous path, as before decision 0025's addendum)
and in a worker thread (long_edit.py, as the panel runs it now).

    python benchmarks/long_edits_benchmark.py [CT_FILE]

For each edit it prints, for both paths: the edit's own wall time (from the trigger to the result
applied), the ticks of a 10 ms asyncio timer meanwhile and the longest gap between two ticks (what a
view's frames, a click or another user's tab waits at worst). Edits:
- joint smoothing (factor 0.5) of bone (>= 300 HU) and soft tissue (0..100 HU) over the whole head;
- fill between slices of bone (>= 300 HU) drawn on every fifth slice of the whole head;
- grow from seeds with seeds thresholded over the whole head (brain-like 0..100 HU in the middle of
  every third slice, bone >= 700 HU on every third slice): the first run, then a seed locality change.

The machine is shared (load given by the caller): times swing between runs, gaps less so.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def session_on(path: Path):
    from trame_slicer_app.engine.io.volumes import load_volume, show_volume
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine
    from trame_slicer_app.engine.undo.scene_undo import SceneUndo
    from trame_slicer_app.segment_editor_session import SegmentEditorSession

    engine = SlicerEngine()
    show_volume(engine, load_volume(engine, path))
    undo = SceneUndo(engine)
    session = SegmentEditorSession(engine, undo)
    session.create_segmentation()
    return engine, session, undo


async def measured(run) -> dict:
    """``run()`` is a plain call (it holds the loop) or returns an awaitable (a long edit's task)."""
    stamps = [time.perf_counter()]

    async def tick():
        while True:
            await asyncio.sleep(0.01)
            stamps.append(time.perf_counter())

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0.05)
    first = len(stamps)
    start = time.perf_counter()
    result = run()
    if asyncio.isfuture(result):
        await result
    took = time.perf_counter() - start
    await asyncio.sleep(0.05)
    ticker.cancel()
    gaps = np.diff(stamps)
    return {"edit_s": round(took, 1), "ticks_during": len([s for s in stamps[first:] if s <= start + took]),
            "longest_gap_ms": round(1000 * float(gaps.max()))}


def joint_smoothing(path: Path) -> dict:
    from trame_slicer_app.engine.segment_editor.effects import joint_smoothing as joint

    _engine, session, undo = session_on(path)
    ct = session.editor.source_array()
    session.add_segment("bone")
    session.apply_modifier(ct >= 300, "add")
    session.add_segment("soft")
    session.apply_modifier((ct > 0) & (ct < 100), "add")
    on_loop = asyncio.run(measured(lambda: joint.apply(session.editor, 0.5)))
    undo.undo()
    in_worker = asyncio.run(measured(lambda: session.start_joint_smoothing(0.5)))
    return {"on_loop": on_loop, "in_worker": in_worker}


def grow_from_seeds(path: Path) -> dict:
    _engine, session, _undo = session_on(path)
    ct = session.editor.source_array()
    seeds = np.zeros(ct.shape, bool)
    seeds[::3, 90:130, 100:160] = (ct[::3, 90:130, 100:160] > 0) & (ct[::3, 90:130, 100:160] < 100)
    session.add_segment("brain")
    session.apply_modifier(seeds, "add")
    seeds[:] = False
    seeds[::3] = ct[::3] > 700
    session.add_segment("bone")
    session.apply_modifier(seeds, "add")
    figures = {"first_run_on_loop": asyncio.run(measured(
        lambda: session.auto_complete_start("grow_from_seeds", seed_locality=0.0)))}
    figures["locality_change_on_loop"] = asyncio.run(measured(lambda: session.set_seed_locality(5.0)))
    session.auto_complete_cancel()
    figures["first_run_in_worker"] = asyncio.run(measured(
        lambda: session.start_auto_complete("grow_from_seeds", seed_locality=0.0)))
    figures["locality_change_in_worker"] = asyncio.run(measured(lambda: session.start_seed_locality(5.0)))
    session.auto_complete_cancel()
    return figures


def fill_between_slices(path: Path) -> dict:
    _engine, session, _undo = session_on(path)
    ct = session.editor.source_array()
    slices = np.zeros(ct.shape, bool)
    slices[::5] = ct[::5] >= 300
    session.add_segment("slices")
    session.apply_modifier(slices, "add")
    on_loop = asyncio.run(measured(lambda: session.auto_complete_start("fill_between_slices")))
    session.auto_complete_cancel()
    in_worker = asyncio.run(measured(lambda: session.start_auto_complete("fill_between_slices")))
    session.auto_complete_cancel()
    return {"on_loop": on_loop, "in_worker": in_worker}


if __name__ == "__main__":
    ct_path = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "tests" / ".data" / "cranium_ct.nrrd"
    print("load average", os.getloadavg(), flush=True)
    print("joint smoothing, whole head", joint_smoothing(ct_path), flush=True)
    print("grow from seeds, whole-head seeds", grow_from_seeds(ct_path), flush=True)
    print("fill between slices, whole head", fill_between_slices(ct_path), flush=True)
    print("load average", os.getloadavg(), flush=True)
