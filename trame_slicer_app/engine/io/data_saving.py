"""Writing one data node to a file, in the formats Slicer offers for its kind."""

from __future__ import annotations

from pathlib import Path

from slicer import vtkMRMLVolumeArchetypeStorageNode

from ..errors import EngineError
from ..scene.data_kinds import node_kind
from .dicom.dicom_sources import DICOM_SEG_SUFFIX, dicom_source_of
from .markups_files import MARKUPS_SAVE_SUFFIXES, save_markups
from .models import MODEL_SAVE_SUFFIXES, save_model
from .segmentations import SEGMENTATION_SAVE_SUFFIXES, save_segmentation

VOLUME_SAVE_SUFFIXES = (".nrrd", ".nii.gz", ".mha")
LABELMAP_SAVE_SUFFIXES = (".nrrd", ".nii.gz")


class SaveError(EngineError):
    """A node could not be written; the message says why."""


def save_suffixes(node) -> tuple[str, ...]:
    """The file suffixes a node can be written as (none for nodes that are not data)."""
    kind = node_kind(node)
    if kind == "segmentation" and dicom_source_of(node) is not None:  # made on a DICOM series
        return (*SEGMENTATION_SAVE_SUFFIXES, DICOM_SEG_SUFFIX)
    return {
        "volume": VOLUME_SAVE_SUFFIXES,
        "labelmap": LABELMAP_SAVE_SUFFIXES,
        "segmentation": SEGMENTATION_SAVE_SUFFIXES,
        "model": MODEL_SAVE_SUFFIXES,
        "markups": MARKUPS_SAVE_SUFFIXES,
    }.get(kind, ())


def save_volume(node, path: Path) -> Path:
    storage = vtkMRMLVolumeArchetypeStorageNode()
    storage.SetFileName(str(path))
    storage.SetUseCompression(True)
    if not storage.WriteData(node) or not path.is_file():
        raise SaveError(f"{path.name}: the volume could not be written")
    return path


def save_data_node(engine, node, path: Path) -> Path:
    """Write ``node`` to ``path``; the suffix of ``path`` picks the format."""
    kind = node_kind(node)
    if kind == "segmentation" and path.name.lower().endswith(DICOM_SEG_SUFFIX):
        from .dicom.dicom_seg import save_dicom_seg  # pydicom, loaded when a SEG is written

        return save_dicom_seg(engine, node, path)
    if kind == "segmentation":
        return save_segmentation(engine, node, path)
    if kind == "model":
        return save_model(engine, node, path)
    if kind in ("volume", "labelmap"):
        return save_volume(node, path)
    if kind == "markups":
        return save_markups(node, path)
    raise SaveError(f"{node.GetName()}: this kind of node ({kind}) cannot be saved to a file")
