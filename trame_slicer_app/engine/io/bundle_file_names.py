"""The file names a scene bundle (``.mrb``) gives its data: the nodes' names, made safe and unique.

Slicer keeps a storage node's file name when it writes a bundle, so a volume opened from an upload
would be saved as ``upload-00001-....nrrd`` although the user sees it by the name they gave it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath

from slicer import vtkMRMLStorableNode

MAX_FILE_STEM_CHARACTERS = 80
# Dots too: a stem with dots would be taken for part of the suffix by Slicer's writers.
UNSAFE_FILE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9_-]+")
# Suffixes Slicer's storage nodes write as they read; a file with another suffix (DICOM) is written
# in the storage node's default format.
KEPT_SUFFIXES = (".seg.nrrd", ".nii.gz", ".nrrd", ".nhdr", ".nii", ".mha", ".mhd", ".vtk", ".vtp", ".stl",
                 ".ply", ".obj")
FALLBACK_SUFFIX = ".nrrd"


def safe_file_stem(name: str) -> str:
    """A file name stem from a node name: only letters, digits, ``_-``; bounded; never empty."""
    return UNSAFE_FILE_NAME_CHARACTERS.sub("_", str(name)).strip("_-")[:MAX_FILE_STEM_CHARACTERS] or "data"


def _suffix_for(storage, old_name: str) -> str:
    lowered = PurePath(old_name).name.lower()
    for suffix in KEPT_SUFFIXES:
        if lowered.endswith(suffix):
            return suffix
    if storage.IsA("vtkMRMLSegmentationStorageNode"):
        return ".seg.nrrd"  # its default extension is unset until Slicer's IO manager sets it
    default = storage.GetDefaultWriteFileExtension()
    return f".{default.lstrip('.')}" if default else FALLBACK_SUFFIX


@contextmanager
def files_named_after_nodes(nodes: list) -> Iterator[None]:
    """While inside, each storable node's file is named after the node (``<name>.<suffix>``, a number
    added where two would clash); the storage nodes' own file names come back afterwards."""
    kept: list[tuple[object, str | None]] = []
    used: set[str] = set()
    try:
        for node in nodes:
            if not isinstance(node, vtkMRMLStorableNode):
                continue
            storage = node.GetStorageNode()
            if storage is None:
                node.AddDefaultStorageNode()
                storage = node.GetStorageNode()
            if storage is None:
                continue
            old_name = storage.GetFileName()
            suffix = _suffix_for(storage, old_name or "")
            stem = safe_file_stem(node.GetName())
            candidate, number = f"{stem}{suffix}", 1
            while candidate.lower() in used:
                candidate = f"{stem}_{number}{suffix}"
                number += 1
            used.add(candidate.lower())
            kept.append((storage, old_name))
            storage.SetFileName(candidate)
        yield
    finally:
        for storage, old_name in kept:
            storage.SetFileName(old_name or "")
