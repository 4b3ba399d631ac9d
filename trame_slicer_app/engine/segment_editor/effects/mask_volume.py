"""Mask volume: a copy of the source volume with the voxels inside (or outside) the active segment
filled with a value, or a binary volume with one value inside and another outside; a new volume in
the scene (undo removes it)."""

from __future__ import annotations

import math

import numpy as np

from ..errors import SegmentEditorError
from ..segment_editor import SegmentEditor
from ..voxel_grid import image_array
from .effect_input import active_segment_voxels, choice

MODES = ("inside", "outside", "binary")  # fill inside, fill outside, inside/outside values


def _value(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SegmentEditorError(f"{what} must be a finite number")
    return float(value)


def apply(editor: SegmentEditor, mode: str = "outside", fill_value: float = 0.0, inside_value: float = 1.0,
          name: str | None = None) -> str:
    """Make the masked volume; returns its node id."""
    choice(mode, MODES, "the mask volume operation")
    fill_value = _value(fill_value, "the fill value")
    inside_value = _value(inside_value, "the inside value")
    _segment_id, voxels = active_segment_voxels(editor, allow_empty=True)
    _segmentation, volume = editor.require()
    source = editor.source_array()
    info = np.iinfo(source.dtype) if np.issubdtype(source.dtype, np.integer) else None
    for value in (fill_value, inside_value) if mode == "binary" else (fill_value,):
        if info is not None and not info.min <= value <= info.max:
            raise SegmentEditorError(f"{value:g} does not fit the volume's voxel type ({source.dtype})")
    if editor.undo is not None:
        editor.undo.checkpoint("Mask volume")
    scene = editor.engine.scene
    masked = editor.engine.volumes_logic.CloneVolume(scene, volume, name or f"{volume.GetName()} masked")
    target = image_array(masked.GetImageData())
    if mode == "inside":
        target[voxels] = fill_value
    elif mode == "outside":
        target[~voxels] = fill_value
    else:
        target[voxels] = inside_value
        target[~voxels] = fill_value
    masked.GetImageData().Modified()
    return masked.GetID()
