"""Adding volumes to the scene and showing them the way Slicer does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from slicer import (
    vtkMRMLScalarVolumeDisplayNode,
    vtkMRMLScalarVolumeNode,
    vtkMRMLVectorVolumeDisplayNode,
    vtkMRMLVectorVolumeNode,
    vtkMRMLVolumeArchetypeStorageNode,
    vtkMRMLVolumeNode,
)
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkCommonMath import vtkMatrix4x4

from ..errors import EngineError
from ..scene.slicer_engine import SlicerEngine

# Extensions Slicer's archetype reader opens as volumes (ITK and teem back ends).
VOLUME_EXTENSIONS = (".nrrd", ".nhdr", ".nii", ".nii.gz", ".mha", ".mhd", ".hdr", ".img", ".vtk")
GREY_COLOR_NODE_ID = "vtkMRMLColorTableNodeGrey"
# A node attribute holding what the user should know about how a volume was read (guessed spacing, ...).
LOAD_WARNING_ATTRIBUTE = "trame_slicer_app.LoadWarning"
# A colour (RGB bytes) volume is shown in its own colours: the full byte range, never stretched.
COLOUR_WINDOW_LEVEL = (255.0, 127.5)


class VolumeLoadError(EngineError):
    """A file could not be opened as a volume; the message says why."""


def volume_suffix(path: Path) -> str:
    name = path.name.lower()
    return ".nii.gz" if name.endswith(".nii.gz") else path.suffix.lower()


def check_volume_path(path: str | Path) -> Path:
    """Fail early, with a message a user can act on, for a path that cannot be a volume."""
    path = Path(path).expanduser()
    if not path.exists():
        raise VolumeLoadError(f"{path}: no such file")
    if not path.is_file():
        raise VolumeLoadError(f"{path}: not a file")
    if volume_suffix(path) not in VOLUME_EXTENSIONS:
        raise VolumeLoadError(
            f"{path}: not a volume file this viewer reads ({', '.join(VOLUME_EXTENSIONS)})"
        )
    return path.resolve()


def _volume_name(path: Path) -> str:
    suffix = volume_suffix(path)
    return path.name[: -len(suffix)] if suffix else path.name


def _read_scalar_volume(engine: SlicerEngine, path: Path) -> vtkMRMLVolumeNode | None:
    """A scalar volume read by the archetype storage node as AddArchetypeVolume reads it, but with no
    display node: nothing computes its automatic window/level (a pass over every voxel). None when the
    file is not one scalar volume of one component (AddArchetypeVolume then picks the node class)."""
    node = vtkMRMLScalarVolumeNode()
    node.SetName(_volume_name(path))
    storage = vtkMRMLVolumeArchetypeStorageNode()
    storage.SetFileName(str(path))
    engine.scene.AddNode(storage)
    engine.scene.AddNode(node)
    node.SetAndObserveStorageNodeID(storage.GetID())
    image = node.GetImageData() if storage.ReadData(node) else None
    scalars = image.GetPointData().GetScalars() if image is not None else None
    if scalars is None or scalars.GetNumberOfComponents() != 1 or image.GetNumberOfPoints() == 0:
        engine.scene.RemoveNode(node)
        engine.scene.RemoveNode(storage)
        return None
    return node


def load_volume(engine: SlicerEngine, path: str | Path, display: bool = True) -> vtkMRMLVolumeNode:
    """Read a volume file into the scene (adding to what is there). With ``display`` False (the sandboxed
    reader, which shows nothing), a scalar volume gets no display node."""
    path = check_volume_path(path)
    node = None if display else _read_scalar_volume(engine, path)
    if node is not None:
        return node
    node = engine.volumes_logic.AddArchetypeVolume(str(path), _volume_name(path), 0)
    image = node.GetImageData() if node is not None else None
    if image is None or image.GetNumberOfPoints() == 0:
        if node is not None:
            engine.scene.RemoveNode(node)
        raise VolumeLoadError(f"{path}: the file could not be read as an image (it may be incomplete or damaged)")
    return node


def add_volume_from_array(
    engine: SlicerEngine,
    voxels_kji: np.ndarray,
    name: str,
    spacing_mm: tuple[float, float, float],
    ijk_to_ras_directions: tuple[tuple[float, ...], ...] = ((-1, 0, 0), (0, -1, 0), (0, 0, 1)),
    window_level: tuple[float, float] | None = None,
    ijk_to_ras: np.ndarray | None = None,
) -> vtkMRMLScalarVolumeNode:
    """A scalar volume from a (slices, rows, columns) array, centred on the origin,
    or placed by a full 4x4 ``ijk_to_ras`` matrix (which then replaces spacing and directions).
    A (slices, rows, columns, 3) array of bytes is a colour (RGB) volume: a vector volume, as Slicer
    loads colour images, shown in its own colours."""
    voxels_kji = np.ascontiguousarray(voxels_kji)
    colour = voxels_kji.ndim == 4
    image = vtkImageData()
    image.SetDimensions(voxels_kji.shape[2], voxels_kji.shape[1], voxels_kji.shape[0])
    scalars = numpy_to_vtk(voxels_kji.reshape(-1, voxels_kji.shape[3]) if colour else voxels_kji.ravel(), deep=True)
    image.GetPointData().SetScalars(scalars)

    node = vtkMRMLVectorVolumeNode() if colour else vtkMRMLScalarVolumeNode()
    node.SetName(name)
    node.SetSpacing(*spacing_mm)
    node.SetIJKToRASDirections(*[c for row in ijk_to_ras_directions for c in row])
    node.SetAndObserveImageData(image)
    # Centre the volume on RAS (0, 0, 0) as Slicer's "center volume" does.
    extent_mm = [(n - 1) * s for n, s in zip(image.GetDimensions(), spacing_mm, strict=False)]
    origin = np.zeros(3)
    for axis in range(3):
        origin -= np.asarray(ijk_to_ras_directions)[:, axis] * extent_mm[axis] / 2.0
    node.SetOrigin(*origin)
    if ijk_to_ras is not None:
        matrix = vtkMatrix4x4()
        matrix.DeepCopy([float(v) for v in np.asarray(ijk_to_ras, dtype=float).ravel()])
        node.SetIJKToRASMatrix(matrix)
    engine.scene.AddNode(node)
    window_level = COLOUR_WINDOW_LEVEL if colour else window_level
    if window_level is None:
        node.CreateDefaultDisplayNodes()  # automatic window/level: a pass over every voxel
        node.GetDisplayNode().SetAndObserveColorNodeID(GREY_COLOR_NODE_ID)
        return node
    # The window/level is known: a display node made with it skips the automatic one's pass (0.6 s on
    # 512 x 512 x 300), as CreateDefaultDisplayNodes would make it otherwise.
    display = vtkMRMLVectorVolumeDisplayNode() if colour else vtkMRMLScalarVolumeDisplayNode()
    display.AutoWindowLevelOff()
    display.SetWindowLevel(*window_level)
    if not colour:
        display.SetAndObserveColorNodeID(GREY_COLOR_NODE_ID)
    engine.scene.AddNode(display)
    node.SetAndObserveDisplayNodeID(display.GetID())
    return node


def voxel_array(node: vtkMRMLVolumeNode) -> np.ndarray:
    """The voxels as a (slices, rows, columns) array view, without copying; (..., components) for
    a volume of more than one component (colour)."""
    image = node.GetImageData()
    columns, rows, slices = image.GetDimensions()
    components = image.GetNumberOfScalarComponents()
    return vtk_to_numpy(image.GetPointData().GetScalars()).reshape(
        (slices, rows, columns) + ((components,) if components > 1 else ()))


def ras_to_ijk(node: vtkMRMLVolumeNode, ras: tuple[float, float, float]) -> tuple[float, float, float]:
    matrix = vtkMatrix4x4()
    node.GetRASToIJKMatrix(matrix)
    ijk = matrix.MultiplyPoint((*ras, 1.0))
    return ijk[0], ijk[1], ijk[2]


def show_volume(engine: SlicerEngine, node: vtkMRMLVolumeNode) -> None:
    """Show a volume as background of every slice view, fit the slices to it,
    show the slice planes in 3D and centre the 3D camera on it."""
    first_shown = not _a_volume_is_shown(engine)
    selection = engine.app_logic.GetSelectionNode()
    selection.SetActiveVolumeID(node.GetID())
    engine.app_logic.PropagateBackgroundVolumeSelection(0)
    for view in engine.slice_views.values():
        view.slice_node.SetSliceVisible(True)
        view.reset_view()
    bounds_ras = [0.0] * 6
    node.GetRASBounds(bounds_ras)
    engine.threed_view.reset_view(bounds_ras)
    if first_shown:
        _centre_the_crosshair(engine, bounds_ras)


def _a_volume_is_shown(engine: SlicerEngine) -> bool:
    scene = engine.scene
    for view in engine.slice_views.values():
        volume_id = view.logic.GetSliceCompositeNode().GetBackgroundVolumeID()
        if volume_id and scene.GetNodeByID(volume_id) is not None:
            return True
    return False


def _centre_the_crosshair(engine: SlicerEngine, bounds_ras) -> None:
    """The viewer draws the crosshair from the start, where it last was: at the origin after a start or
    a closed scene, which lies at an edge or a corner of most scanners' volumes (a stray line along the
    side of every slice view). The first volume shown brings it to its centre; later ones leave it where
    the user put it."""
    crosshair = engine.scene.GetFirstNodeByClass("vtkMRMLCrosshairNode")
    if crosshair is not None:
        crosshair.SetCrosshairRAS(*((bounds_ras[2 * axis] + bounds_ras[2 * axis + 1]) / 2.0 for axis in range(3)))
