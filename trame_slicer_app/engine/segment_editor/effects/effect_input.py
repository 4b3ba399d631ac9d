"""What every computed effect checks first: a segment to work on, not empty when it must not be,
and sizes in mm within named limits."""

from __future__ import annotations

import math

import numpy as np

from ..errors import SegmentEditorError
from ..segment_editor import SegmentEditor


def active_segment_voxels(editor: SegmentEditor, allow_empty: bool = False) -> tuple[str, np.ndarray]:
    """(active segment id, its voxels over the source volume); refuses an empty one unless allowed."""
    segment_id = editor.require_active_segment()
    voxels = editor.segment_array(segment_id)
    if not allow_empty and not voxels.any():
        name = editor.segmentation.GetSegmentation().GetSegment(segment_id).GetName()
        raise SegmentEditorError(f"segment {name!r} is empty: paint or threshold something first")
    return segment_id, voxels


def spacing_zyx(editor: SegmentEditor) -> tuple[float, float, float]:
    _segmentation, volume = editor.require()
    x, y, z = volume.GetSpacing()
    return (z, y, x)


def spacing_xyz(editor: SegmentEditor) -> tuple[float, float, float]:
    return tuple(reversed(spacing_zyx(editor)))


def size_mm(value: object, what: str, limit: float, allow_negative: bool = False) -> float:
    """A finite size in mm, at most ``limit`` in magnitude (positive unless allowed)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SegmentEditorError(f"{what} must be a number of mm")
    value = float(value)
    if value == 0 or (value < 0 and not allow_negative):
        raise SegmentEditorError(f"{what} must be {'non-zero' if allow_negative else 'more than 0 mm'}")
    if abs(value) > limit:
        raise SegmentEditorError(f"{what} of {abs(value):g} mm is over the limit of {limit:g} mm")
    return value


def choice(value: object, options, what: str) -> str:
    if value not in options:
        raise SegmentEditorError(f"{what} is one of {', '.join(options)}, not {str(value)[:40]!r}")
    return value
