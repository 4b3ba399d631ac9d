"""Markups files: Slicer's .mrk.json (read and written with slicer-core's own storage nodes, so that
3D Slicer reads what this app writes) and the legacy .fcsv point list (read)."""

from __future__ import annotations

from pathlib import Path

from ..errors import EngineError
from ..scene.scene_nodes import nodes_of_class
from .untrusted.io_limits import DEFAULT_IO_LIMITS, IOLimits
from .untrusted.markups_checks import FCSV_SUFFIX, MARKUPS_JSON_SUFFIX, check_fcsv, check_markups_json

MARKUPS_EXTENSIONS = (MARKUPS_JSON_SUFFIX, FCSV_SUFFIX)
MARKUPS_SAVE_SUFFIXES = (MARKUPS_JSON_SUFFIX,)


class MarkupsLoadError(EngineError):
    """A markups file could not be read or written; the message says why."""


def _markups_ids(scene) -> set[str]:
    return {node.GetID() for node in nodes_of_class(scene, "vtkMRMLMarkupsNode")}


def load_markups(engine, path: Path, name: str, limits: IOLimits = DEFAULT_IO_LIMITS) -> list:
    """Read a .mrk.json (one or more markups) or a .fcsv (one point list) into the scene; returns the
    markups added. The file is checked first (markups_checks): nothing is allocated for a hostile one."""
    is_json = path.name.lower().endswith(MARKUPS_JSON_SUFFIX)
    (check_markups_json if is_json else check_fcsv)(path, limits)
    logic = engine.markups_logic  # the application logic holds module logics without keeping them alive
    before = _markups_ids(engine.scene)
    # Slicer names a .fcsv's list after the name given; a .mrk.json's markups keep the names they hold.
    logic.LoadMarkups(str(path), name)
    added = [engine.scene.GetNodeByID(i) for i in sorted(_markups_ids(engine.scene) - before)]
    if not added:
        raise MarkupsLoadError(f"{path.name}: Slicer's markups reader found no markup in it")
    for node in added:
        storage = node.GetStorageNode()
        if storage is not None:  # the file may be an upload that goes away; the data lives in memory now
            storage.SetFileName("")
    return added


def save_markups(node, path: Path) -> Path:
    """Write one markup as Slicer's .mrk.json, with the storage node class Slicer uses for its kind."""
    if not path.name.lower().endswith(MARKUPS_JSON_SUFFIX):
        raise MarkupsLoadError(f"{path.name}: markups are saved as {MARKUPS_JSON_SUFFIX}")
    storage = node.CreateDefaultStorageNode()
    storage.SetScene(node.GetScene())
    storage.SetFileName(str(path))
    if not storage.WriteData(node) or not path.is_file():
        raise MarkupsLoadError(f"{path.name}: the markup could not be written")
    return path
