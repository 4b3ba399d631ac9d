"""Draw through the Red view's input path on the real CT: clicks outline a polygon that fills the slice."""

from __future__ import annotations

import numpy as np
import pytest
from effect_views import a_red_view_with

from trame_slicer_app.engine.io.volumes import ras_to_ijk
from trame_slicer_app.engine.segment_editor.draw_effect import DrawEffect

SQUARE = ((120, 120), (200, 120), (200, 200), (120, 200))  # client pixels


class ManualClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def a_drawing_red_view(an_engine, a_ct_path):
    clock = ManualClock()
    view, volume, effect, target, send = a_red_view_with(an_engine, a_ct_path, lambda t: DrawEffect(t, clock))

    def click(x, y, button=0):
        clock.now += 1.0  # clicks a second apart: no double click
        send("press", x, y, button=button)
        send("release", x, y, button=button)

    return view, volume, effect, target, send, click, clock


def ijk_of(view, volume, x, y) -> np.ndarray:
    return np.rint(ras_to_ijk(volume, view.xy_to_ras(*view.client_to_display(x, y)))).astype(int)


@pytest.mark.parametrize("apply", ["Enter", "a", "right click", "double click"])
def test_a_clicked_square_fills_its_voxels_on_the_slice_shown(a_drawing_red_view, apply):
    view, volume, effect, target, send, click, clock = a_drawing_red_view
    for x, y in SQUARE:
        click(x, y)
    assert effect.point_count == 4 and effect.feedback(view).visible
    if apply == "right click":
        click(160, 160, button=2)
    elif apply == "double click":
        clock.now += 1.0
        send("press", 120, 200, button=0)
        send("release", 120, 200, button=0)
        clock.now += 0.1
        send("press", 120, 200, button=0)
        send("release", 120, 200, button=0)
    else:
        send("key", key=apply)
    assert len(target.applied) == 1
    mask, erase = target.applied[0]
    assert not erase
    corner_a, corner_b = ijk_of(view, volume, 120, 120), ijk_of(view, volume, 200, 200)
    k = corner_a[2]
    assert list(np.unique(np.nonzero(mask)[0])) == [k]
    (i0, i1), (j0, j1) = sorted((corner_a[0], corner_b[0])), sorted((corner_a[1], corner_b[1]))
    assert mask[k, j0 + 1:j1, i0 + 1:i1].all()  # inside the square, off its edges
    assert mask.sum() <= (i1 - i0 + 2) * (j1 - j0 + 2)
    assert not effect.feedback(view).visible and effect.point_count == 0


def test_x_takes_the_last_point_back_and_escape_drops_the_outline(a_drawing_red_view):
    _view, _volume, effect, target, send, click, _clock = a_drawing_red_view
    for x, y in SQUARE:
        click(x, y)
    send("key", key="x")
    assert effect.point_count == 3
    send("key", key="Escape")
    assert effect.point_count == 0
    send("key", key="Enter")  # nothing left to apply: the key goes on to Slicer
    assert target.applied == []


def test_a_drag_adds_points_and_points_stay_on_the_first_slice(a_drawing_red_view):
    _view, _volume, effect, target, send, click, _clock = a_drawing_red_view
    send("press", 120, 120, button=0)
    for x in range(125, 200, 5):
        send("move", x, 120 + (x - 120) // 2)
    send("release", 200, 160, button=0)
    assert effect.point_count == 16
    send("wheel", steps=2)  # Slicer's slice scroll, still Slicer's
    click(120, 200)
    assert effect.point_count == 16  # not on the first point's slice: refused
    send("key", key="Enter")
    assert len(target.applied) == 1


def test_two_points_are_no_polygon(a_drawing_red_view):
    _view, _volume, effect, target, send, click, _clock = a_drawing_red_view
    click(120, 120)
    click(200, 200)
    send("key", key="Enter")
    assert target.applied == [] and effect.point_count == 0
