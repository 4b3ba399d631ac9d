"""The segment editor's figures on the real head CT (tests/.data/cranium_ct.nrrd), in process.

    python benchmarks/segment_editor_benchmark.py [CT_FILE]

Prints, each the median of REPEATS (GROW_REPEATS) runs:
- Grow from seeds (seeds in the brain and the bone on every third slice of a slab): the initial
  result and the update after a seed edit through the app (seeds read from the segments, merged,
  the filter run, the result read back in its box: what the slice views' preview needs),
  against Slicer's vtkImageGrowCutSegment run bare on the
  same arrays (prepared beforehand: only Update() is timed). Target: ratio at most 1.2.
- The threshold preview's computation for one slider position (the whole volume's mask).
- apply_modifier for a brush-sized mask (a 10 mm sphere) and a slice-sized one (one axial slice),
  undo recording included.
- Joint smoothing (Slicer's surface method, factor 0.5) of bone and soft tissue in a region of the
  head (30 x 140 x 140 voxels) and of the whole head: the surface pipeline, and the apply with undo.

The machine this was written on is shared (load 8-11 on 2 cores), so wall-clock times swing by 2x
between runs; the grow-from-seeds ratios are therefore given on CPU time of this process
(time.process_time, all its threads), which other processes' load does not inflate, beside wall
time.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
REPEATS = 5
GROW_REPEATS = 3  # each loads the CT and seeds it again; a grow takes seconds
SEEDED_SLICES = range(45, 81, 3)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def cpu_timed(function) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def median_ms(samples: list[float]) -> float:
    return round(1000 * statistics.median(samples), 1)


def seeded_session(path: Path):
    from trame_slicer_app.engine.io.volumes import load_volume, show_volume
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine
    from trame_slicer_app.engine.undo.scene_undo import SceneUndo
    from trame_slicer_app.segment_editor_session import SegmentEditorSession

    engine = SlicerEngine()
    show_volume(engine, load_volume(engine, path))
    session = SegmentEditorSession(engine, SceneUndo(engine))
    session.create_segmentation()
    ct = session.editor.source_array()
    brain = session.add_segment("brain")
    seeds = np.zeros(ct.shape, bool)
    for z in SEEDED_SLICES:
        seeds[z, 90:130, 100:160] = (ct[z, 90:130, 100:160] > 0) & (ct[z, 90:130, 100:160] < 100)
    session.apply_modifier(seeds, "add")
    session.add_segment("bone")
    seeds[:] = False
    for z in SEEDED_SLICES:
        seeds[z] = ct[z] > 700
    session.apply_modifier(seeds, "add")
    return engine, session, brain


def grow_from_seeds(path: Path) -> dict:
    from slicer import vtkImageGrowCutSegment

    from trame_slicer_app.engine.segment_editor.effects.grow_from_seeds import GrowFromSeeds, seed_box
    from trame_slicer_app.engine.segment_editor.effects.vtk_images import to_vtk_image

    app_initial, app_update, bare_initial, bare_update = [], [], [], []
    for _ in range(GROW_REPEATS):
        _engine, session, brain = seeded_session(path)
        grow = GrowFromSeeds(session.editor)
        app_initial.append(cpu_timed(grow.compute))
        seeds_before = grow.seeds()
        session.set_active_segment(brain)
        session.apply_modifier(np.ones((3, 9, 9), bool), "add", (62, 100, 150))
        app_update.append(cpu_timed(grow.compute))
        seeds_after = grow.seeds()
        # The same computation, bare: the same cropped arrays, images made before the clock starts.
        box = seed_box(seeds_before)
        spacing = session.editor.source_volume.GetSpacing()
        bare = vtkImageGrowCutSegment()
        bare.SetIntensityVolume(to_vtk_image(session.editor.source_array()[box], spacing))
        bare.SetSeedLabelVolume(to_vtk_image(seeds_before[box], spacing))
        bare.SetDistancePenalty(0.0)
        bare_initial.append(cpu_timed(bare.Update))
        bare.SetSeedLabelVolume(to_vtk_image(seeds_after[box], spacing))
        bare_update.append(cpu_timed(bare.Update))
        grow.cancel()
    figures = {}
    for name, app, bare_runs in (("initial", app_initial, bare_initial), ("update", app_update, bare_update)):
        for clock, index in (("wall", 0), ("cpu", 1)):
            app_s = statistics.median(sample[index] for sample in app)
            bare_s = statistics.median(sample[index] for sample in bare_runs)
            figures[f"grow_{name}_{clock}_app_ms"] = round(1000 * app_s, 1)
            figures[f"grow_{name}_{clock}_bare_ms"] = round(1000 * bare_s, 1)
            figures[f"grow_{name}_{clock}_ratio"] = round(app_s / bare_s, 2)
    return figures


def edits(path: Path) -> dict:
    from trame_slicer_app.engine.segment_editor.effects import threshold

    _engine, session, _brain = seeded_session(path)
    lows = range(200, 200 + 10 * REPEATS, 10)
    preview = [timed(lambda low=low: threshold.preview(session.editor, low, 3000)) for low in lows]
    spacing = session.geometry()["spacing_xyz"]
    radius = [5.0 / s for s in reversed(spacing)]  # a 10 mm sphere, in voxels (z, y, x)
    half = [int(np.ceil(r)) for r in radius]
    zz, yy, xx = np.mgrid[-half[0]:half[0] + 1, -half[1]:half[1] + 1, -half[2]:half[2] + 1]
    sphere = (zz / radius[0]) ** 2 + (yy / radius[1]) ** 2 + (xx / radius[2]) ** 2 <= 1.0
    shape = session.geometry()["shape_zyx"]
    brush, slice_apply = [], []
    for step in range(REPEATS * 4):
        brush.append(timed(lambda step=step: session.apply_modifier(sphere, "add", (50, 100, 60 + 3 * step))))
    full_slice = np.ones((1, shape[1], shape[2]), bool)
    for step in range(REPEATS):
        slice_apply.append(timed(lambda step=step: session.apply_modifier(full_slice, "add", (20 + step, 0, 0))))
    return {"threshold_preview_ms": median_ms(preview), "brush_voxels": int(sphere.sum()),
            "apply_brush_ms": median_ms(brush), "slice_voxels": int(full_slice.sum()),
            "apply_slice_ms": median_ms(slice_apply)}


def joint_smoothing(path: Path) -> dict:
    from trame_slicer_app.engine.segment_editor.effects import joint_smoothing as joint

    figures = {}
    for name, box in (("region", (slice(40, 70), slice(60, 200), slice(60, 200))), ("whole_head", ...)):
        _engine, session, _brain = seeded_session(path)
        voxels = session.editor.source_array()
        bone = np.zeros(voxels.shape, bool)
        bone[box] = voxels[box] >= 300
        soft = np.zeros(voxels.shape, bool)
        soft[box] = (voxels[box] > 0) & (voxels[box] < 100)
        for sid in [row["id"] for row in session.state()["segments"]]:
            session.set_segment_visible(sid, False)  # the seeds: hidden, left alone
        session.add_segment("bone")
        session.apply_modifier(bone, "add")
        session.add_segment("soft")
        session.apply_modifier(soft, "add")
        labels, _corner = joint.merged_labels([bone, soft])
        surface_ms = timed(lambda labels=labels: joint.smoothed_label_masks(labels, 2, 0.5))
        apply_ms = timed(lambda session=session: joint.apply(session.editor, 0.5))
        figures[name] = {"box_voxels": int(labels.size), "surface_pipeline_ms": round(surface_ms * 1000),
                         "apply_ms": round(apply_ms * 1000)}
    return figures


if __name__ == "__main__":
    ct = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "tests" / ".data" / "cranium_ct.nrrd"
    print("grow from seeds", grow_from_seeds(ct), flush=True)
    print("edits", edits(ct), flush=True)
    print("joint smoothing", joint_smoothing(ct), flush=True)
