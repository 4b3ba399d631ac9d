"""The segment editor's refusals."""

from __future__ import annotations

from ..errors import EngineError


class SegmentEditorError(EngineError):
    """A segment edit was refused (no segmentation, no segment, a bad value); the message says why."""
