"""The Segment Editor: effects that edit segments, and their interaction in the views."""

__all__ = [
    "brush_feedback",
    "brush_geometry",
    "paint_effect",
]
