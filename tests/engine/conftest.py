"""Fixtures of the engine tests that several modules share (the markups tests place by clicks in Red)."""

from __future__ import annotations

import pytest

from trame_slicer_app.engine.io.volumes import load_volume, show_volume
from trame_slicer_app.engine.undo.scene_undo import SceneUndo

RED_SIZE_PX = (400, 300)  # the markups tests' clicks are in these pixels


@pytest.fixture
def a_ct_in_red(an_engine, a_ct_path):
    node = load_volume(an_engine, a_ct_path)
    show_volume(an_engine, node)
    red = an_engine.slice_views["Red"]
    red.resize(*RED_SIZE_PX)
    red.reset_view()
    red.render()
    return node


@pytest.fixture
def undo(an_engine):
    return SceneUndo(an_engine)
