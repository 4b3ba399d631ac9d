"""Scissors through the Red view's input path on the real CT: shapes, inside/outside, slice ranges."""

from __future__ import annotations

import numpy as np
import pytest
from effect_views import a_red_view_with

from trame_slicer_app.engine.io.volumes import ras_to_ijk
from trame_slicer_app.engine.segment_editor.scissors_effect import ScissorsEffect, ScissorsError, ScissorsSettings


@pytest.fixture
def a_cutting_red_view(an_engine, a_ct_path):
    view, volume, effect, target, send = a_red_view_with(an_engine, a_ct_path, ScissorsEffect)

    def drag(points):
        send("press", *points[0], button=0)
        for x, y in points[1:]:
            send("move", x, y)
        send("release", *points[-1], button=0)

    return view, volume, effect, target, drag


def ijk_of(view, volume, x, y) -> np.ndarray:
    return np.rint(ras_to_ijk(volume, view.xy_to_ras(*view.client_to_display(x, y)))).astype(int)


def test_a_rectangle_cut_through_the_whole_volume_erases_the_same_box_on_every_slice(a_cutting_red_view):
    view, volume, effect, target, drag = a_cutting_red_view
    effect.settings = ScissorsSettings(shape="rectangle", operation="erase_inside", slice_cut="unlimited")
    drag([(120, 120), (160, 160), (200, 200)])
    mask, erase = target.applied[0]
    assert erase
    per_slice = mask.sum(axis=(1, 2))
    assert (per_slice == per_slice[0]).all() and per_slice[0] > 100  # an axial cut goes through every slice
    a, b = ijk_of(view, volume, 120, 120), ijk_of(view, volume, 200, 200)
    (i0, i1), (j0, j1) = sorted((a[0], b[0])), sorted((a[1], b[1]))
    assert mask[:, j0 + 1:j1, i0 + 1:i1].all()


def test_a_circle_cut_on_the_slice_only_fills_a_disc_of_the_dragged_radius(a_cutting_red_view):
    view, volume, effect, target, drag = a_cutting_red_view
    effect.settings = ScissorsSettings(shape="circle", operation="fill_inside", slice_cut="symmetric", depth_mm=0)
    drag([(160, 160), (180, 160), (200, 160)])
    mask, erase = target.applied[0]
    assert not erase
    assert len(np.unique(np.nonzero(mask)[0])) == 1
    radius_voxels = abs(ijk_of(view, volume, 200, 160)[0] - ijk_of(view, volume, 160, 160)[0])
    area = mask.sum()
    assert 0.85 * np.pi * radius_voxels**2 < area < 1.15 * np.pi * (radius_voxels + 1) ** 2


def test_outside_is_the_rest_of_the_slice_range(a_cutting_red_view):
    view, volume, effect, target, drag = a_cutting_red_view
    effect.settings = ScissorsSettings(shape="rectangle", operation="erase_outside", slice_cut="positive",
                                       depth_mm=4.6)  # 1.5 mm slices: this one and three more
    drag([(120, 120), (200, 200)])
    mask, _ = target.applied[0]
    layers = np.nonzero(mask.any(axis=(1, 2)))[0]
    assert len(layers) == 4
    centre = ijk_of(view, volume, 160, 160)
    assert not mask[layers[0], centre[1], centre[0]]  # inside the rectangle: kept
    assert mask[layers[0], 0, 0] and mask[layers[-1], -1, -1]  # the rest of each slice in range: erased


def test_a_free_form_cut_follows_the_dragged_path(a_cutting_red_view):
    view, volume, effect, target, drag = a_cutting_red_view
    effect.settings = ScissorsSettings(shape="free_form", operation="erase_inside", slice_cut="symmetric", depth_mm=0)
    drag([(120, 120), (200, 120), (200, 200), (120, 200)])
    mask, _ = target.applied[0]
    centre = ijk_of(view, volume, 160, 160)
    assert mask[centre[2], centre[1], centre[0]]
    assert not mask[centre[2], 0, 0]


def test_scissors_settings_outside_their_choices_are_refused():
    for settings in (ScissorsSettings(shape="star"), ScissorsSettings(operation="cut"),
                     ScissorsSettings(slice_cut="sideways"), ScissorsSettings(depth_mm=-1)):
        with pytest.raises(ScissorsError):
            settings.check()
