"""The Segment Editor's 3D view effects on the real head CT (tests/.data/cranium_ct.nrrd), in process.

    python benchmarks/segment_editor_3d_benchmark.py [CT_FILE]

The skull (>= 300 HU) is a segment shown in 3D as a closed surface; the 3D view is 700 x 400 px,
its camera as the app resets it. Prints the median of REPEATS runs (and the slowest) of:
- a surface pick under the pointer (what each hover move and stroke point of a 3D brush costs):
  a bare vtkCellPicker (every cell of every surface) and ours (a cell locator per large surface,
  built at the first pick after the surface changed: its build time is printed apart);
- a 3D scissors cut: which voxels of the whole volume project into a 100 x 100 px rectangle, and the
  cut applied to the skull (and undone);
- a smoothing-brush stroke (median 3 mm) over a 20 mm sphere of the skull (IJK 100, 180, 50), undo recording included.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
REPEATS = 7
VIEW_PX = (700, 400)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def report(name: str, seconds: list[float]) -> None:
    print(f"{name}: median {statistics.median(seconds) * 1000:.1f} ms, slowest {max(seconds) * 1000:.1f} ms "
          f"({len(seconds)} runs)")


def main(ct_path: Path) -> None:
    sys.path.insert(0, str(REPO))
    from vtkmodules.vtkRenderingCore import vtkCellPicker

    from trame_slicer_app.engine.io.volumes import load_volume, show_volume
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine
    from trame_slicer_app.engine.segment_editor.brush_geometry import paint_capsule
    from trame_slicer_app.engine.segment_editor.effects import smoothing
    from trame_slicer_app.engine.segment_editor.surface_pick import PICK_TOLERANCE, SurfacePicker
    from trame_slicer_app.engine.segment_editor.view_projection import CameraProjection, view_cut_mask
    from trame_slicer_app.engine.undo.scene_undo import SceneUndo
    from trame_slicer_app.segment_editor_session import SegmentEditorSession

    engine = SlicerEngine()
    volume = load_volume(engine, ct_path)
    show_volume(engine, volume)
    segments = SegmentEditorSession(engine, SceneUndo(engine))
    segments.create_segmentation()
    segments.add_segment("skull")
    segments.apply_threshold(300, 3000)
    segments.show_3d(True, 0.5)
    segments.editor.surfaces.flush()
    view = engine.threed_view
    view.resize(*VIEW_PX)
    view.reset_view()
    view.render()
    pointer = [{"x": VIEW_PX[0] / 2 + 3 * i, "y": VIEW_PX[1] / 2} for i in range(REPEATS)]

    def bare(event):
        x, y = view.client_to_display(event["x"], event["y"])
        picker = vtkCellPicker()
        picker.SetTolerance(PICK_TOLERANCE)
        picker.Pick(x, y, 0.0, view.renderer)

    report("pick, bare vtkCellPicker", [timed(lambda e=e: bare(e)) for e in pointer])
    picker = SurfacePicker(view)
    print(f"pick, first (builds the locators): {timed(lambda: picker.pick(pointer[0])) * 1000:.1f} ms")
    report("pick, with cell locators", [timed(lambda e=e: picker.pick(e)) for e in pointer])

    from trame_slicer_app.engine.segment_editor.editor_target import EditorTarget

    voxel_grid = EditorTarget(segments.editor).grid()
    camera = CameraProjection.of_renderer(view.renderer)
    cx, cy = VIEW_PX[0] / 2, VIEW_PX[1] / 2
    rectangle = np.array([(cx - 50, cy - 50), (cx + 50, cy - 50), (cx + 50, cy + 50), (cx - 50, cy + 50)])
    uv = rectangle / np.array(VIEW_PX, dtype=float)
    report("3D scissors mask (whole volume)", [timed(lambda: view_cut_mask(voxel_grid, uv, camera))
                                               for _ in range(REPEATS)])

    def cut_once():
        if segments.apply_modifier(view_cut_mask(voxel_grid, uv, camera), "remove"):
            segments.editor.undo.undo()

    report("3D scissors cut applied (mask, apply_modifier with its undo recording) + its undo",
           [timed(cut_once) for _ in range(REPEATS)])

    # A spot of the skull where a median changes voxels (tests/engine/segment_editor/test_threed_effects.py).
    centre = (voxel_grid.ijk_to_ras @ np.array([100.0, 180.0, 50.0, 1.0]))[:3]
    stroke = np.zeros(voxel_grid.shape, bool)
    paint_capsule(voxel_grid, stroke, centre, centre, 10.0)

    def smooth_once():
        changed.append(smoothing.apply_in_region(segments.editor, "median", 3.0, stroke))
        if changed[-1]:
            segments.editor.undo.undo()

    changed: list[int] = []
    report("smoothing brush stroke (median 3 mm, 20 mm sphere) + its undo",
           [timed(smooth_once) for _ in range(REPEATS)])
    print(f"  voxels the stroke changed: {changed[0]}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "tests" / ".data" / "cranium_ct.nrrd")
