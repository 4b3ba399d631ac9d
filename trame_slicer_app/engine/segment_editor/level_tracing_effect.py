"""Level tracing: the outline of the region of the voxel's own intensity under the pointer follows the
pointer; a click fills it into the active segment (one undo step).

The trace is slicer-core's ``vtkITKLevelTracingImageFilter`` on the source volume, in the voxel plane
of the slice shown. As in Slicer, it works only where the slice lies along the volume's axes; a
rotated slice shows no trace and ``last_message`` says why.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from slicer import vtkITKLevelTracingImageFilter

from .edit_target import EditTarget
from .plane_polygon import MIN_POLYGON_POINTS, PlaneAxes, polygon_mask
from .polyline_feedback import PolylineFeedback
from .slice_geometry import ras_under, slice_plane
from .view_feedback import FeedbackPerView, is_slice_view

LEFT_BUTTON = 0
AXIS_ALIGNED_TOLERANCE = 1e-3
ROTATED_SLICE_MESSAGE = "Level tracing needs a slice along the volume's axes; this slice view is rotated."


def _trace_points_ijk(polydata) -> np.ndarray:
    """The trace's points in order along its line cells (IJK)."""
    points = polydata.GetPoints()
    lines = polydata.GetLines()
    if points is None or lines is None or lines.GetNumberOfCells() == 0:
        return np.zeros((0, 3))
    coords = np.array([points.GetPoint(i) for i in range(points.GetNumberOfPoints())])
    # Lines come as segments (or a polyline); follow them from point to point.
    ids = lines.GetConnectivityArray()
    offsets = lines.GetOffsetsArray()
    order: list[int] = []
    for cell in range(lines.GetNumberOfCells()):
        start, stop = int(offsets.GetTuple1(cell)), int(offsets.GetTuple1(cell + 1))
        cell_ids = [int(ids.GetTuple1(n)) for n in range(start, stop)]
        for point_id in cell_ids:
            if not order or order[-1] != point_id:
                order.append(point_id)
    return coords[order]


class LevelTracingEffect:
    """The handler of the interaction mode while Level tracing is the active effect."""

    def __init__(self, target: EditTarget) -> None:
        self.target = target
        self._filter = vtkITKLevelTracingImageFilter()
        self.feedback = FeedbackPerView(PolylineFeedback)  # feedback(view): its drawing there
        self._trace: tuple[object, list, PlaneAxes] | None = None  # view, outline RAS, plane
        self.last_message = ""

    def handle_input(self, view, event: Mapping) -> bool:
        if not is_slice_view(view):
            return False
        kind = event.get("type")
        if kind == "move":
            self.preview(view, ras_under(view, event))
            return False  # Slicer still sees the move (crosshair, data probe)
        if kind == "press":
            if event.get("button") != LEFT_BUTTON or event.get("shift") or event.get("ctrl") or event.get("alt"):
                return False
            self.preview(view, ras_under(view, event))
            self.apply()
            return True
        if kind == "release":
            return True
        if kind == "leave":
            self.feedback(view).hide()
            self._trace = None
        return False

    def trace(self, view, ras) -> list[np.ndarray]:
        """The outline (RAS) through the voxel under ``ras`` on the view's slice; [] when none."""
        grid = self.target.grid()
        image = self.target.source_image()
        if grid is None or image is None:
            return []
        ijk = grid.ras_to_ijk @ np.r_[np.asarray(ras, dtype=float), 1.0]
        seed = [round(float(c)) for c in ijk[:3]]
        if any(not 0 <= s < n for s, n in zip(seed, grid.shape[::-1], strict=True)):
            return []
        normal_ijk = np.linalg.inv(grid.ijk_to_ras[:3, :3]) @ slice_plane(view).normal
        normal_ijk = np.abs(normal_ijk / np.linalg.norm(normal_ijk))
        axis = int(np.argmax(normal_ijk))
        if normal_ijk[axis] < 1.0 - AXIS_ALIGNED_TOLERANCE:
            self.last_message = ROTATED_SLICE_MESSAGE
            return []
        self.last_message = ""
        (self._filter.SetPlaneToJK, self._filter.SetPlaneToIK, self._filter.SetPlaneToIJ)[axis]()
        self._filter.SetInputData(image)
        self._filter.SetSeed(seed)
        self._filter.Update()
        points_ijk = _trace_points_ijk(self._filter.GetOutput())
        if len(points_ijk) < MIN_POLYGON_POINTS:
            return []
        ras_points = np.c_[points_ijk, np.ones(len(points_ijk))] @ grid.ijk_to_ras.T
        return list(ras_points[:, :3])

    def preview(self, view, ras) -> None:
        outline = self.trace(view, ras)
        if not outline:
            self._trace = None
            self.feedback(view).hide()
            return
        plane = slice_plane(view)
        self._trace = (view, outline, PlaneAxes(outline[0], plane.u, plane.v))
        self.feedback(view).show(outline, closed=True)

    def apply(self) -> bool:
        """Fill the traced outline into the active segment; False when there is no trace."""
        if self._trace is None:
            return False
        view, outline, plane = self._trace
        grid = self.target.grid()
        if grid is None:
            return False
        mask = polygon_mask(grid, outline, plane, None)
        if not mask.any():
            return False
        self.target.apply_mask(mask, False)
        view.request_render()
        return True

    def deactivate(self) -> None:
        for feedback in self.feedback.all():
            feedback.hide()
        self._trace = None
