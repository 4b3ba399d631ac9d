"""An ROI markup's two uses beyond measuring: the crop box of a volume rendering, and cropping a volume
into a new one (Slicer's Crop Volume, which slicer-core ships as vtkSlicerCropVolumeLogic)."""

from __future__ import annotations

from slicer import vtkMRMLCropVolumeParametersNode, vtkSlicerCropVolumeLogic

from ..volume_rendering import volume_rendering as vr
from .markup_types import MarkupsError, require_markups_node

MAX_CROPPED_VOXELS = 512 * 1024 * 1024  # as IOLimits.max_voxels: a crop never makes more than a file may hold


def _require_roi(engine, roi_id: str):
    roi = require_markups_node(engine, roi_id)
    if not roi.IsA("vtkMRMLMarkupsROINode") or roi.GetNumberOfDefinedControlPoints() == 0:
        raise MarkupsError(f"{roi.GetName()} is not a placed ROI")
    return roi


def _require_volume(engine, volume_id: str):
    volume = engine.scene.GetNodeByID(volume_id) if isinstance(volume_id, str) and volume_id else None
    if volume is None or not volume.IsA("vtkMRMLScalarVolumeNode") or volume.GetImageData() is None:
        raise MarkupsError(f"no volume with id {str(volume_id)[:80]!r}")
    return volume


def use_as_rendering_crop_box(engine, roi_id: str, volume_id: str) -> None:
    """Crop the volume's rendering to this ROI (volume rendering is turned on if it was off)."""
    roi = _require_roi(engine, roi_id)
    _require_volume(engine, volume_id)
    vr.show_volume_rendering(engine, volume_id, True)
    display = engine.volume_rendering_logic.GetFirstVolumeRenderingDisplayNode(engine.scene.GetNodeByID(volume_id))
    display.SetAndObserveROINodeID(roi.GetID())
    display.SetCroppingEnabled(True)


def crop_volume(engine, roi_id: str, volume_id: str) -> str:
    """A new volume holding the voxels of ``volume_id`` inside the ROI (same spacing). Returns its id."""
    roi = _require_roi(engine, roi_id)
    volume = _require_volume(engine, volume_id)
    spacing = volume.GetSpacing()
    size = roi.GetSize()
    voxels = 1.0
    for length, step in zip(size, spacing, strict=True):
        voxels *= max(1.0, length / max(step, 1e-6))
    if voxels > MAX_CROPPED_VOXELS:
        raise MarkupsError(f"the ROI would crop {voxels:,.0f} voxels, more than {MAX_CROPPED_VOXELS:,}")
    parameters = vtkMRMLCropVolumeParametersNode()
    engine.scene.AddNode(parameters)
    try:
        parameters.SetInputVolumeNodeID(volume.GetID())
        parameters.SetROINodeID(roi.GetID())
        parameters.SetVoxelBased(True)
        logic = vtkSlicerCropVolumeLogic()
        logic.SetMRMLApplicationLogic(engine.app_logic)
        logic.SetMRMLScene(engine.scene)
        if logic.Apply(parameters) != 0:  # Slicer's error codes are negative; 0 is success
            raise MarkupsError(f"{volume.GetName()} could not be cropped to {roi.GetName()} (do they overlap?)")
        cropped = engine.scene.GetNodeByID(parameters.GetOutputVolumeNodeID())
    finally:
        engine.scene.RemoveNode(parameters)
    if cropped is None:
        raise MarkupsError(f"{volume.GetName()} could not be cropped to {roi.GetName()}")
    return cropped.GetID()
