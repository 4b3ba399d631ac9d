"""Paint through a slice view's own input path, on the real CT: the left drag goes to the effect,
the other buttons and the wheel stay Slicer's, and a stroke lands as one mask on the slice shown."""

from __future__ import annotations

import numpy as np
import pytest
from effect_views import a_red_view_with

from trame_slicer_app.engine.io.volumes import ras_to_ijk
from trame_slicer_app.engine.segment_editor.paint_effect import BrushSettings, PaintEffect, PaintError


@pytest.fixture
def a_painting_red_view(an_engine, a_ct_path):
    return a_red_view_with(an_engine, a_ct_path, PaintEffect)


def painted_pixels(frame: np.ndarray) -> np.ndarray:
    red, green, blue = (frame[..., c].astype(int) for c in range(3))
    return (red - green > 60) & (blue - green > 60)


def test_a_left_drag_paints_one_mask_on_the_slice_shown(a_painting_red_view):
    view, volume, effect, target, send = a_painting_red_view
    effect.settings = BrushSettings(diameter_mm=6.0)
    send("move", 100, 160)
    send("press", 100, 160, button=0)
    for x in range(100, 221, 40):  # events 40 px (~30 mm) apart: far more than the brush
        send("move", x, 160)
    during = view.capture()
    assert painted_pixels(during).sum() > 500  # the stroke shows while it is drawn
    send("release", 220, 160, button=0)
    assert len(target.applied) == 1
    mask, erase = target.applied[0]
    assert not erase
    ks = np.unique(np.nonzero(mask)[0])
    slice_k = round(ras_to_ijk(volume, view.xy_to_ras(160, 160))[2])
    assert list(ks) == [slice_k]  # one layer: the slice the user sees
    # No gap: the row through the stroke's middle is painted from start to end.
    start = ras_to_ijk(volume, view.xy_to_ras(*view.client_to_display(100, 160)))
    end = ras_to_ijk(volume, view.xy_to_ras(*view.client_to_display(220, 160)))
    row = round(start[1])
    i0, i1 = sorted((round(start[0]), round(end[0])))
    assert mask[slice_k, row, i0:i1 + 1].all()
    assert not painted_pixels(view.capture()).any()  # the feedback goes once the stroke is applied


def test_other_buttons_and_the_wheel_keep_slicers_behaviour(a_painting_red_view):
    view, _volume, _effect, target, send = a_painting_red_view
    field_of_view = view.slice_node.GetFieldOfView()[0]
    send("press", 160, 160, button=2)
    for y in range(160, 240, 10):
        send("move", 160, y)
    send("release", 160, 240, button=2)
    assert view.slice_node.GetFieldOfView()[0] != pytest.approx(field_of_view)  # right drag zoomed
    offset = view.slice_offset_mm
    send("wheel", steps=3)
    assert view.slice_offset_mm != pytest.approx(offset)
    assert target.applied == []


def test_the_brush_outline_follows_the_pointer_and_leaves_with_it(a_painting_red_view):
    view, _volume, effect, _target, send = a_painting_red_view
    send("move", 100, 100)
    feedback = effect.feedback(view)
    assert feedback.outline_actor.GetVisibility()
    first = feedback.outline_actor.GetMapper().GetInput().GetBounds()
    send("move", 200, 150)
    second = feedback.outline_actor.GetMapper().GetInput().GetBounds()
    assert second[0] > first[0] and second[2] < first[2]  # right, and down (VTK's y goes up)
    send("leave", 200, 150)
    assert not feedback.outline_actor.GetVisibility()


def test_a_relative_brush_follows_the_zoom(a_painting_red_view):
    view, _volume, effect, _target, _send = a_painting_red_view
    effect.settings = BrushSettings(use_relative_diameter=True, relative_diameter_percent=10.0)
    before = effect.radius_mm(view)
    view.slice_node.SetFieldOfView(*(f / 2 for f in view.slice_node.GetFieldOfView()))
    assert effect.radius_mm(view) == pytest.approx(before / 2)


def test_brush_settings_out_of_range_are_refused():
    with pytest.raises(PaintError):
        BrushSettings(diameter_mm=0.0).check()
    with pytest.raises(PaintError):
        BrushSettings(relative_diameter_percent=500.0).check()


def test_the_outline_stays_under_the_pointer_when_the_view_renders_at_another_scale(a_painting_red_view):
    """A drag renders smaller and its still frame full size: the outline is mapped again each time."""
    view, _volume, effect, _target, send = a_painting_red_view
    send("move", 100, 100)
    outline = effect.feedback(view).outline_actor.GetMapper().GetInput()
    full = outline.GetBounds()
    view.set_render_scale(0.5)
    view.capture()
    half = outline.GetBounds()
    assert half[0] == pytest.approx(full[0] / 2, abs=1.0) and half[1] == pytest.approx(full[1] / 2, abs=1.0)
    view.set_render_scale(1.0)
    view.capture()
    assert outline.GetBounds()[0] == pytest.approx(full[0], abs=0.5)
