"""Slicer's markups (point lists, lines, angles, curves, planes, ROIs): placing, measuring, editing.

Above volume_rendering in the engine's layers (an ROI crops a rendering), below undo (whose snapshots
hold markups' control points).
"""

__all__ = ["markup_types", "markups_edit", "markups_snapshot", "measurements", "placing", "roi_tools", "shape_settings"]
