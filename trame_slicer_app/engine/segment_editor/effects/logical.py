"""Logical operators on the active segment, with another segment where one is needed: copy, add
(union), subtract, intersect, invert, clear, fill. As in Slicer, masking is bypassed unless asked."""

from __future__ import annotations

import numpy as np

from ..errors import SegmentEditorError
from ..segment_editor import SegmentEditor
from .effect_input import choice

OPERATIONS = ("copy", "add", "subtract", "intersect", "invert", "clear", "fill")
NEEDS_OTHER = ("copy", "add", "subtract", "intersect")


def apply(editor: SegmentEditor, operation: str, other_segment_id: str | None = None,
          bypass_masking: bool = True) -> int:
    choice(operation, OPERATIONS, "the logical operation")
    if not isinstance(bypass_masking, bool):
        raise SegmentEditorError("bypass masking is true or false")
    segment_id = editor.require_active_segment()
    voxels = editor.segment_array(segment_id)
    other = None
    if operation in NEEDS_OTHER:
        if other_segment_id is None:
            raise SegmentEditorError(f"'{operation}' needs a second segment (the modifier segment)")
        other = editor.segment_array(other_segment_id)
    if operation == "copy":
        mask, mode = other, "set"
    elif operation == "add":
        mask, mode = other, "add"
    elif operation == "subtract":
        mask, mode = other, "remove"
    elif operation == "intersect":
        mask, mode = voxels & other, "set"
    elif operation == "invert":
        mask, mode = ~voxels, "set"
    elif operation == "clear":
        mask, mode = np.zeros_like(voxels), "set"
    else:
        mask, mode = np.ones_like(voxels), "set"
    if not mask.any() and mode in ("add", "remove"):
        return 0
    return editor.apply_modifier(mask, mode, (0, 0, 0), f"Logical {operation}", bypass_masking=bypass_masking)
