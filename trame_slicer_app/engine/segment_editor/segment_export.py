"""Segments exported as surface models (STL, OBJ) with Slicer's own writer, in LPS coordinates as
Slicer writes them for 3D printing: STL one file per segment named after it, OBJ one file holding
every segment with a .mtl of their colours."""

from __future__ import annotations

from pathlib import Path

from slicer import vtkSlicerSegmentationsModuleLogic
from vtkmodules.vtkCommonCore import vtkStringArray

from .errors import SegmentEditorError
from .segment_list import require_segment, segment_ids

MODEL_FORMATS = ("stl", "obj")


def export_models(segmentation_node, out_dir: Path, file_format: str = "stl",
                  ids: list[str] | None = None) -> list[Path]:
    """Write the segments (default: all) as models into ``out_dir``; returns the files written."""
    if file_format not in MODEL_FORMATS:
        raise SegmentEditorError(f"models are written as {' or '.join(MODEL_FORMATS)}, not {str(file_format)[:10]!r}")
    if not isinstance(out_dir, (str, Path)) or not Path(out_dir).is_dir():
        raise SegmentEditorError("the models need an existing folder to be written to")
    ids = segment_ids(segmentation_node) if ids is None else ids
    for segment_id in ids:
        require_segment(segmentation_node, segment_id)
    if not ids:
        raise SegmentEditorError("the segmentation has no segment to export")
    out_dir = Path(out_dir)
    before = set(out_dir.iterdir())
    names = vtkStringArray()
    for segment_id in ids:
        names.InsertNextValue(segment_id)
    if not vtkSlicerSegmentationsModuleLogic.ExportSegmentsClosedSurfaceRepresentationToFiles(
            str(out_dir), segmentation_node, names, file_format.upper(), True, 1.0, False):
        raise SegmentEditorError("the segments could not be written as models (is any of them empty?)")
    return sorted(set(out_dir.iterdir()) - before)
