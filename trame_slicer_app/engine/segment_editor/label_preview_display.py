"""The preview of Grow from seeds and Fill between slices in the slice views: their result as a label
map in the slice views' label layer, in the segments' colours, until it is applied or cancelled.

Slicer shows these previews as a preview segmentation; here the slice logic's own label layer does
the reslicing at every slice and zoom. The label map node is the editor's scratch: hidden from the
data tree, removed on hide.
"""

from __future__ import annotations

import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy

PREVIEW_NAME = "Segment editor preview"
PREVIEW_OPACITY = 0.6


class LabelPreview:
    def __init__(self, engine) -> None:
        self.engine = engine
        self._volume = None
        self._colours = None
        self._previous_labels: dict = {}

    @property
    def visible(self) -> bool:
        return self._volume is not None

    def show(self, editor, labels: np.ndarray, colours: list[tuple[float, float, float]]) -> None:
        """Show ``labels`` (z, y, x; 0 none, n the n-th colour) on the editor's source volume grid."""
        _segmentation, source_volume = editor.require()
        scene = self.engine.scene
        if self._volume is None:
            self._volume = self.engine.volumes_logic.CreateAndAddLabelVolume(scene, source_volume, PREVIEW_NAME)
            self._volume.SetHideFromEditors(True)
            self._colours = scene.AddNewNodeByClass("vtkMRMLColorTableNode", f"{PREVIEW_NAME} colours")
            self._colours.SetTypeToUser()
            self._colours.SetHideFromEditors(True)
        table = self._colours
        table.SetNumberOfColors(len(colours) + 1)
        table.SetColor(0, "none", 0.0, 0.0, 0.0, 0.0)
        for index, colour in enumerate(colours, start=1):
            table.SetColor(index, f"segment {index}", *colour, 1.0)
        self._volume.GetDisplayNode().SetAndObserveColorNodeID(table.GetID())
        image = self._volume.GetImageData()
        voxels = vtk_to_numpy(image.GetPointData().GetScalars()).reshape(labels.shape)
        voxels[:] = labels
        image.Modified()
        self._volume.Modified()
        for view in self.engine.slice_views.values():
            composite = view.logic.GetSliceCompositeNode()
            if composite.GetLabelVolumeID() != self._volume.GetID():
                self._previous_labels[view.name] = (composite.GetLabelVolumeID(), composite.GetLabelOpacity())
                composite.SetLabelVolumeID(self._volume.GetID())
                composite.SetLabelOpacity(PREVIEW_OPACITY)

    def hide(self) -> None:
        if self._volume is None:
            return
        for view in self.engine.slice_views.values():
            composite = view.logic.GetSliceCompositeNode()
            previous = self._previous_labels.get(view.name)
            if composite.GetLabelVolumeID() == self._volume.GetID():
                composite.SetLabelVolumeID(previous[0] if previous else None)
                if previous:
                    composite.SetLabelOpacity(previous[1])
        scene = self.engine.scene
        for node in (self._volume.GetDisplayNode(), self._volume.GetStorageNode(), self._volume, self._colours):
            if node is not None and scene.IsNodePresent(node):
                scene.RemoveNode(node)
        self._volume, self._colours, self._previous_labels = None, None, {}
