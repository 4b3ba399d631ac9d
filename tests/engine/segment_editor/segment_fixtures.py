"""Fixtures of the segment editor's tests: the real head CT, the scene's one undo stack, a segmentation.

Not a conftest.py: the tests import ``conftest`` by name for the root one's helpers, and a second
module of that name in this folder shadowed it. Each test module imports the fixtures it uses."""

from __future__ import annotations

import numpy as np
import pytest

from trame_slicer_app.engine.io.volumes import load_volume, show_volume
from trame_slicer_app.engine.undo.scene_undo import SceneUndo
from trame_slicer_app.segment_editor_session import SegmentEditorSession


@pytest.fixture
def a_ct_volume(an_engine, a_ct_path):
    node = load_volume(an_engine, a_ct_path)
    show_volume(an_engine, node)
    return node


@pytest.fixture
def an_undo(an_engine, a_ct_volume):
    undo = SceneUndo(an_engine)
    yield undo
    undo.close()


@pytest.fixture
def segments(an_engine, a_ct_volume, an_undo) -> SegmentEditorSession:
    """A segmentation made on the CT through the facade, with no segment yet."""
    session = SegmentEditorSession(an_engine, an_undo)
    session.create_segmentation()
    return session


@pytest.fixture
def ct_voxels(segments) -> np.ndarray:
    """The CT's voxels (z, y, x), read independently of the editor through numpy."""
    return segments.editor.source_array().copy()
