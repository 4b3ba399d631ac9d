"""Hollow: replace the active segment by a shell of a given thickness, its current surface on the
inside of the shell, on its outside, or in its middle (vtkITKImageMargin, as Slicer's effect)."""

from __future__ import annotations

from slicer import vtkITKImageMargin

from ..segment_editor import SegmentEditor
from .effect_input import active_segment_voxels, choice, size_mm, spacing_xyz
from .vtk_images import run_filter, to_vtk_image

MAX_SHELL_MM = 50.0
SHELL_MODES = ("inside", "outside", "medial")  # where the current surface lies in the shell


def shell(mask, thickness_mm: float, mode: str, spacing) -> object:
    voxel = min(spacing)
    margin = vtkITKImageMargin()
    margin.CalculateMarginInMMOn()
    # The shell is the band of signed distances [inner, outer] from the surface (negative inside).
    if mode == "medial":
        outer, inner = 0.5 * thickness_mm, -0.5 * thickness_mm + 0.5 * voxel
    elif mode == "inside":  # the surface is the shell's inside: the shell lies around the segment
        outer, inner = thickness_mm + 0.1 * voxel, 0.1 * voxel
    else:  # the surface is the shell's outside: the shell lies inside the segment
        outer, inner = 0.0, -thickness_mm + voxel
    margin.SetOuterMarginMM(outer)
    margin.SetInnerMarginMM(inner)
    return run_filter(margin, to_vtk_image(mask, spacing)) > 0


def apply(editor: SegmentEditor, thickness_mm: float, mode: str = "inside") -> int:
    thickness_mm = size_mm(thickness_mm, "the shell thickness", MAX_SHELL_MM)
    choice(mode, SHELL_MODES, "the shell's position")
    _segment_id, voxels = active_segment_voxels(editor)
    return editor.apply_modifier(shell(voxels, thickness_mm, mode, spacing_xyz(editor)), "set", (0, 0, 0), "Hollow")
