"""Segment statistics as Slicer's Segment Statistics module reports them from the label map: voxel
count, volume in mm3 and cc, and the source volume's mean, standard deviation, minimum and maximum
inside each segment; as rows of plain values and as CSV text."""

from __future__ import annotations

import csv
import io

import numpy as np

from .segment_editor import SegmentEditor
from .segment_list import segment_ids

COLUMNS = ("segment", "voxel_count", "volume_mm3", "volume_cc", "mean", "sd", "min", "max")


def segment_statistics(editor: SegmentEditor) -> list[dict]:
    segmentation, volume = editor.require()
    source = editor.source_array()
    voxel_mm3 = float(np.prod(volume.GetSpacing()))
    rows = []
    for segment_id in segment_ids(segmentation):
        mask = editor.segment_array(segment_id)
        values = source[mask].astype(np.float64)
        count = int(values.size)
        rows.append({
            "segment_id": segment_id,
            "segment": segmentation.GetSegmentation().GetSegment(segment_id).GetName(),
            "voxel_count": count,
            "volume_mm3": count * voxel_mm3,
            "volume_cc": count * voxel_mm3 / 1000.0,
            # An empty segment has no intensities: None, shown as an empty cell.
            "mean": float(values.mean()) if count else None,
            "sd": float(values.std()) if count else None,
            "min": float(values.min()) if count else None,
            "max": float(values.max()) if count else None,
        })
    return rows


def statistics_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row[c] is None else (f"{row[c]:.6g}" if isinstance(row[c], float) else row[c])
                         for c in COLUMNS])
    return out.getvalue()
