"""Segments shown in 3D as closed surfaces, rebuilt after edits without holding up the edit.

Slicer rebuilds a segmentation's closed surface inside every edit once the surface exists (a
marching-cubes pass over the label map, ~70-100 ms on the head CT), which would stall a brush stroke.
Here the surface representation is taken off while voxels change, and ``flush()`` (called by the
session's idle tick, or by hand) rebuilds it once for all the edits since: edits are coalesced.
Meanwhile the last surfaces stay in the 3D view as stand-ins: hidden model nodes holding the old
meshes in the segments' colours, removed when the rebuilt surface replaces them.
"""

from __future__ import annotations

import time

from slicer import vtkSegmentationConverter
from vtkmodules.vtkCommonDataModel import vtkPolyData

from .errors import SegmentEditorError

CLOSED_SURFACE = vtkSegmentationConverter.GetSegmentationClosedSurfaceRepresentationName()
SMOOTHING_PARAMETER = "Smoothing factor"
MAX_SMOOTHING = 1.0
# The surface is rebuilt once edits have paused this long (a brush stroke sends ~30 edits a second).
SURFACE_SETTLE_S = 0.3


def surface_shown(segmentation_node) -> bool:
    return segmentation_node.GetAttribute("SegmentEditor.Show3D") == "1"


def smoothing_factor(segmentation_node) -> float:
    text = segmentation_node.GetSegmentation().GetConversionParameter(SMOOTHING_PARAMETER)
    try:
        return float(text)
    except ValueError:
        return 0.5


def set_smoothing_factor(segmentation_node, factor: object) -> None:
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0.0 <= float(factor) <= MAX_SMOOTHING:
        raise SegmentEditorError(f"the surface smoothing factor is a number from 0 to {MAX_SMOOTHING}")
    segmentation_node.GetSegmentation().SetConversionParameter(SMOOTHING_PARAMETER, str(float(factor)))


class SurfaceUpdates:
    """Which segmentations' surfaces wait for a rebuild, and the rebuild."""

    def __init__(self) -> None:
        self._pending: dict[int, object] = {}
        self._stand_ins: dict[int, list] = {}  # segmentation -> the model nodes showing its old surfaces
        self._last_change = 0.0

    def show(self, segmentation_node, shown: bool, smoothing: float | None = None) -> None:
        """Show the segments in 3D as closed surfaces (built now), or take them off."""
        if smoothing is not None:
            set_smoothing_factor(segmentation_node, smoothing)
        segmentation_node.SetAttribute("SegmentEditor.Show3D", "1" if shown else "0")
        if shown:
            self._rebuild(segmentation_node)
        else:
            self._pending.pop(id(segmentation_node), None)
            self._remove_stand_ins(segmentation_node)
            segmentation_node.RemoveClosedSurfaceRepresentation()

    def changed(self, segmentation_node) -> None:
        """Voxels changed: the surface is taken off now (so the next edit does not rebuild it) and
        marked for a rebuild at the next flush."""
        if not surface_shown(segmentation_node):
            return
        if segmentation_node.GetSegmentation().ContainsRepresentation(CLOSED_SURFACE):
            self._add_stand_ins(segmentation_node)
            segmentation_node.GetSegmentation().RemoveRepresentation(CLOSED_SURFACE)
        self._pending[id(segmentation_node)] = segmentation_node
        self._last_change = time.monotonic()

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def due(self) -> bool:
        return bool(self._pending) and time.monotonic() - self._last_change >= SURFACE_SETTLE_S

    def flush(self) -> int:
        """Rebuild every surface waiting; returns how many segmentations were rebuilt."""
        pending, self._pending = list(self._pending.values()), {}
        for node in pending:
            if node.GetScene() is not None and surface_shown(node):
                self._rebuild(node)
            self._remove_stand_ins(node)
        return len(pending)

    def stand_ins(self, segmentation_node) -> list:
        return list(self._stand_ins.get(id(segmentation_node), []))

    def _add_stand_ins(self, segmentation_node) -> None:
        """Keep the surfaces about to be dropped on screen as hidden model nodes (once per batch)."""
        scene = segmentation_node.GetScene()
        if scene is None or id(segmentation_node) in self._stand_ins:
            return
        display = segmentation_node.GetDisplayNode()
        segmentation = segmentation_node.GetSegmentation()
        models = []
        for index in range(segmentation.GetNumberOfSegments()):
            segment_id = segmentation.GetNthSegmentID(index)
            surface = segmentation_node.GetClosedSurfaceInternalRepresentation(segment_id)
            if surface is None or surface.GetNumberOfPoints() == 0 or display is None \
                    or not display.GetVisibility3D() or not display.GetSegmentVisibility(segment_id) \
                    or not display.GetSegmentVisibility3D(segment_id):
                continue
            mesh = vtkPolyData()
            mesh.ShallowCopy(surface)  # the segmentation drops its own next: this keeps the mesh alive
            model = scene.AddNewNodeByClass("vtkMRMLModelNode", f"{segmentation_node.GetName()} surface (updating)")
            model.SetHideFromEditors(True)  # not data: the Data tree, undo and saving leave it out
            model.SetSaveWithScene(False)
            model.SetAndObservePolyData(mesh)
            model.CreateDefaultDisplayNodes()
            model_display = model.GetDisplayNode()
            model_display.SetColor(*segmentation.GetSegment(segment_id).GetColor())
            model_display.SetOpacity(display.GetSegmentOpacity3D(segment_id) * display.GetOpacity3D())
            model_display.SetVisibility2D(False)
            models.append(model)
        self._stand_ins[id(segmentation_node)] = models

    def _remove_stand_ins(self, segmentation_node) -> None:
        for model in self._stand_ins.pop(id(segmentation_node), []):
            scene = model.GetScene()
            if scene is None:
                continue
            display = model.GetDisplayNode()
            scene.RemoveNode(model)
            if display is not None and scene.IsNodePresent(display):
                scene.RemoveNode(display)

    @staticmethod
    def _rebuild(segmentation_node) -> None:
        segmentation_node.CreateClosedSurfaceRepresentation()
        display = segmentation_node.GetDisplayNode()
        if display is not None:
            display.SetPreferredDisplayRepresentationName3D(CLOSED_SURFACE)
