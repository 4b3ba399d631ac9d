"""Segmentations: ``.seg.nrrd`` files, label maps imported as segments, and saving both ways."""

from __future__ import annotations

from pathlib import Path

from slicer import (
    vtkMRMLLabelMapVolumeNode,
    vtkMRMLSegmentationNode,
    vtkMRMLSegmentationStorageNode,
    vtkMRMLVolumeArchetypeStorageNode,
    vtkSegmentation,
    vtkSegmentationConverter,
    vtkSlicerSegmentationsModuleLogic,
)
from vtkmodules.vtkCommonCore import VTK_DOUBLE, VTK_FLOAT

from ..errors import EngineError
from .volumes import volume_suffix

SEGMENTATION_EXTENSIONS = (".seg.nrrd", ".seg.nhdr")
SEGMENTATION_SAVE_SUFFIXES = (".seg.nrrd", ".nii.gz", ".nrrd")
REFERENCE_GEOMETRY_PARAMETER = vtkSegmentationConverter.GetReferenceImageGeometryParameterName()
LABEL_VOLUME_FLAG = 1  # AddArchetypeVolume's "properties" bit for a label map


class SegmentationLoadError(EngineError):
    """A file could not be read as a segmentation or label map; the message says why."""


def segmentation_suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in SEGMENTATION_EXTENSIONS:
        if name.endswith(suffix):
            return suffix
    return volume_suffix(path)


def _new_segmentation(engine, name: str) -> vtkMRMLSegmentationNode:
    node = engine.scene.AddNewNodeByClass("vtkMRMLSegmentationNode", name)
    node.CreateDefaultDisplayNodes()
    return node


def remove_with_helpers(engine, node) -> None:
    """Remove a node with its display and storage nodes."""
    scene = engine.scene
    helpers = []
    if hasattr(node, "GetNumberOfDisplayNodes"):
        helpers += [node.GetNthDisplayNode(i) for i in range(node.GetNumberOfDisplayNodes())]
    if hasattr(node, "GetNumberOfStorageNodes"):
        helpers += [node.GetNthStorageNode(i) for i in range(node.GetNumberOfStorageNodes())]
    scene.RemoveNode(node)
    for helper in helpers:
        if helper is not None and scene.IsNodePresent(helper):
            scene.RemoveNode(helper)


def load_segmentation(engine, path: Path, name: str) -> vtkMRMLSegmentationNode:
    """Read a ``.seg.nrrd`` (Slicer's segmentation file) into the scene."""
    node = _new_segmentation(engine, name)
    storage = vtkMRMLSegmentationStorageNode()
    engine.scene.AddNode(storage)
    storage.SetFileName(str(path))
    node.SetAndObserveStorageNodeID(storage.GetID())
    if not storage.ReadData(node) or node.GetSegmentation().GetNumberOfSegments() == 0:
        remove_with_helpers(engine, node)
        raise SegmentationLoadError(f"{path.name}: could not be read as a segmentation (no segments)")
    return node


def import_labelmap(engine, path: Path, name: str) -> vtkMRMLSegmentationNode:
    """Read a label map volume (NRRD, NIfTI, ...) as a segmentation: one segment per label value."""
    labelmap = engine.volumes_logic.AddArchetypeVolume(str(path), name, LABEL_VOLUME_FLAG)
    image = labelmap.GetImageData() if labelmap is not None else None
    try:
        if image is None or image.GetNumberOfPoints() == 0:
            raise SegmentationLoadError(f"{path.name}: could not be read as a label map")
        if image.GetScalarType() in (VTK_FLOAT, VTK_DOUBLE) or image.GetNumberOfScalarComponents() != 1:
            raise SegmentationLoadError(f"{path.name}: a label map must hold whole numbers, one per voxel")
        if image.GetScalarRange()[1] <= 0:
            raise SegmentationLoadError(f"{path.name}: the label map is empty (no label above zero)")
        node = _new_segmentation(engine, name)
        # Remember the label map's grid, so that exporting gives back the same voxels.
        node.SetReferenceImageGeometryParameterFromVolumeNode(labelmap)
        if not vtkSlicerSegmentationsModuleLogic.ImportLabelmapToSegmentationNode(labelmap, node):
            remove_with_helpers(engine, node)
            raise SegmentationLoadError(f"{path.name}: the label map could not be turned into segments")
        return node
    finally:
        if labelmap is not None:
            remove_with_helpers(engine, labelmap)


def save_segmentation(engine, node: vtkMRMLSegmentationNode, path: Path) -> Path:
    """Write a segmentation as ``.seg.nrrd`` or, for other suffixes, as a label map volume."""
    if path.name.lower().endswith(".seg.nrrd"):
        storage = vtkMRMLSegmentationStorageNode()
        storage.SetFileName(str(path))
        if not storage.WriteData(node):
            raise SegmentationLoadError(f"{path.name}: the segmentation could not be written")
        return path
    labelmap = vtkMRMLLabelMapVolumeNode()
    engine.scene.AddNode(labelmap)
    try:
        # The label map keeps the segmentation's own grid (that of the volume it was made on) when it has one.
        has_grid = bool(node.GetSegmentation().GetConversionParameter(REFERENCE_GEOMETRY_PARAMETER))
        extent = vtkSegmentation.EXTENT_REFERENCE_GEOMETRY if has_grid else vtkSegmentation.EXTENT_UNION_OF_SEGMENTS
        if not vtkSlicerSegmentationsModuleLogic.ExportAllSegmentsToLabelmapNode(node, labelmap, extent):
            raise SegmentationLoadError(f"{node.GetName()}: could not be made into a label map")
        storage = vtkMRMLVolumeArchetypeStorageNode()
        storage.SetFileName(str(path))
        storage.SetUseCompression(True)
        if not storage.WriteData(labelmap):
            raise SegmentationLoadError(f"{path.name}: the label map could not be written")
    finally:
        remove_with_helpers(engine, labelmap)
    return path
