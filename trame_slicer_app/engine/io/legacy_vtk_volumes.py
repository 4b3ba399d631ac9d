"""Legacy VTK image files (``.vtk`` with DATASET STRUCTURED_POINTS): the ITK build in slicer-core has
no reader for them, so VTK's own reader is used, with the geometry ITK would give them."""

from __future__ import annotations

from pathlib import Path

from slicer import vtkMRMLScalarVolumeNode
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkIOLegacy import vtkStructuredPointsReader

from ..errors import EngineError

GREY_COLOR_NODE_ID = "vtkMRMLColorTableNodeGrey"
LPS_TO_RAS_DIRECTIONS = ((-1.0, 0.0, 0.0), (0.0, -1.0, 0.0), (0.0, 0.0, 1.0))


class LegacyVtkVolumeError(EngineError):
    """A legacy VTK file could not be read as a volume; the message says why."""


def load_legacy_vtk_volume(engine, path: Path, name: str) -> vtkMRMLScalarVolumeNode:
    """Read a structured-points ``.vtk`` file as a scalar volume. Its origin and spacing are taken as
    LPS millimetres along the patient axes (what ITK and Slicer assume for these files)."""
    reader = vtkStructuredPointsReader()
    reader.SetFileName(str(path))
    reader.Update()
    image = reader.GetOutput()
    scalars = image.GetPointData().GetScalars() if image is not None else None
    if reader.GetErrorCode() or scalars is None or image.GetNumberOfPoints() == 0:
        raise LegacyVtkVolumeError(f"{path.name}: could not be read as a volume (no image data)")
    if scalars.GetNumberOfTuples() != image.GetNumberOfPoints():
        raise LegacyVtkVolumeError(f"{path.name}: holds fewer voxels than its header declares")
    voxels = vtkImageData()
    voxels.ShallowCopy(image)
    # MRML keeps the geometry on the node; the image itself is in voxel (IJK) units.
    voxels.SetOrigin(0.0, 0.0, 0.0)
    voxels.SetSpacing(1.0, 1.0, 1.0)
    origin = image.GetOrigin()
    node = vtkMRMLScalarVolumeNode()
    node.SetName(name)
    node.SetSpacing(*image.GetSpacing())
    node.SetOrigin(-origin[0], -origin[1], origin[2])
    node.SetIJKToRASDirections(*[c for row in LPS_TO_RAS_DIRECTIONS for c in row])
    node.SetAndObserveImageData(voxels)
    engine.scene.AddNode(node)
    node.CreateDefaultDisplayNodes()
    node.GetDisplayNode().SetAndObserveColorNodeID(GREY_COLOR_NODE_ID)
    return node
