"""What the interactive effects edit: the Segment Editor's active segment, seen through a small seam.

The effects (paint, draw, level tracing, scissors) turn pointer gestures into a bool mask on the
segment's voxel grid; the editor behind this protocol applies it with its masking and undo (one step
per call). The engine's editor is adapted to it in ``editor_target.py``.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from .brush_geometry import VoxelGrid


class EditTarget(Protocol):
    def grid(self) -> VoxelGrid | None:
        """The active segment's voxel grid, or None when there is nothing to edit (no segment)."""
        ...

    def colour(self) -> tuple[float, float, float]:
        """The active segment's colour (0..1), for feedback drawn while a gesture lasts."""
        ...

    def apply_mask(self, mask: np.ndarray, erase: bool) -> None:
        """Add the mask's voxels to the active segment (or erase them from it): one undo step."""
        ...

    def source_image(self):
        """The source volume's vtkImageData (voxels in IJK, as the grid's), or None."""
        ...
