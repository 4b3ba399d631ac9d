"""Surface models (STL, OBJ, PLY, VTK, VTP): reading and writing through Slicer's models logic."""

from __future__ import annotations

import logging
from pathlib import Path

from slicer import vtkMRMLModelNode, vtkMRMLStorageNode

from ..errors import EngineError
from .segmentations import remove_with_helpers
from .untrusted.io_limits import DEFAULT_IO_LIMITS, IOLimits
from .untrusted.reader_complaints import reader_complaints

MODEL_EXTENSIONS = (".stl", ".obj", ".ply", ".vtk", ".vtp")
MODEL_SAVE_SUFFIXES = (".stl", ".vtk", ".vtp", ".obj", ".ply")
log = logging.getLogger(__name__)
# Files that do not say otherwise hold LPS coordinates, as Slicer assumes.
DEFAULT_COORDINATE_SYSTEM = vtkMRMLStorageNode.CoordinateSystemLPS


class ModelLoadError(EngineError):
    """A file could not be read as a surface model; the message says why."""


def legacy_vtk_dataset(path: Path) -> str:
    """The DATASET type of a legacy ``.vtk`` file ("POLYDATA", "STRUCTURED_POINTS", ...), or ""."""
    with open(path, "rb") as stream:
        head = stream.read(4096).decode("latin-1", "replace")
    for line in head.splitlines()[:10]:
        words = line.split()
        if len(words) >= 2 and words[0].upper() == "DATASET":
            return words[1].upper()
    return ""


def load_model(engine, path: Path, name: str, limits: IOLimits = DEFAULT_IO_LIMITS) -> vtkMRMLModelNode:
    """Read a surface mesh into the scene as a model node."""
    with reader_complaints() as complaints:
        node = engine.models_logic.AddModel(str(path), DEFAULT_COORDINATE_SYSTEM)
    if complaints:
        if node is not None:
            remove_with_helpers(engine, node)
        # The reader's own words name its classes and addresses: logged for a developer, not shown.
        log.debug("%s: the reader said %s", path.name, complaints)
        raise ModelLoadError(f"{path.name}: could not be read as a surface model: the file is damaged or cut short")
    polydata = node.GetPolyData() if node is not None else None
    if polydata is None or polydata.GetNumberOfPoints() == 0:
        if node is not None:
            remove_with_helpers(engine, node)
        raise ModelLoadError(f"{path.name}: could not be read as a surface model (no points)")
    if polydata.GetNumberOfPoints() > limits.max_model_points:
        count = polydata.GetNumberOfPoints()
        remove_with_helpers(engine, node)
        raise ModelLoadError(f"{path.name}: {count:,} points, more than the limit of {limits.max_model_points:,}")
    node.SetName(name)
    return node


def save_model(engine, node: vtkMRMLModelNode, path: Path) -> Path:
    if not engine.models_logic.SaveModel(str(path), node, DEFAULT_COORDINATE_SYSTEM):
        raise ModelLoadError(f"{path.name}: the model could not be written")
    return path
