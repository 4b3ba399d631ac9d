"""The window/level sliders' bounds and steps, picked from the real volumes as Slicer picks them."""

from __future__ import annotations

import pytest
from made_data import probability_map

from trame_slicer_app.engine.display.window_level_scale import scale_for_range, window_level_scale
from trame_slicer_app.engine.io.volumes import load_volume


def test_a_float_map_from_0_to_1_moves_in_hundredths(an_engine, an_mri_path, tmp_path):
    node = load_volume(an_engine, probability_map(an_mri_path, tmp_path / "probability.nii.gz"))
    low, high = node.GetImageData().GetScalarRange()
    assert (low, high) == (0.0, 1.0) and node.GetImageData().GetScalarTypeAsString() == "float"
    scale = window_level_scale(an_engine, node.GetID())
    assert scale == {"level_min": -0.1, "level_max": 1.1, "window_max": 1.2, "step": 0.01, "decimals": 2,
                     "range_decimals": 2}


def test_a_ct_moves_in_tens_and_prints_whole_numbers(an_engine, a_ct_path):
    node = load_volume(an_engine, a_ct_path)
    scale = window_level_scale(an_engine, node.GetID())
    low, high = node.GetImageData().GetScalarRange()
    assert scale["step"] == 10.0 and scale["decimals"] == 0 and scale["range_decimals"] == 0
    # Every CT preset (levels -500 to 400, windows to 1400) is a point on the sliders.
    assert scale["level_min"] <= min(low, -600) and scale["level_max"] >= high
    assert scale["level_min"] % scale["step"] == 0 and scale["level_max"] % scale["step"] == 0


@pytest.mark.parametrize("low, high, step, decimals", [
    (0.0, 0.001, 1e-5, 5), (0.0, 5.0, 0.01, 2), (-1024.0, 3071.0, 10.0, 0), (0.0, 2.0e6, 1e4, 0),
])
def test_the_step_follows_the_span_order_of_magnitude(low, high, step, decimals):
    scale = scale_for_range(low, high, whole_voxels=False)
    assert scale["step"] == pytest.approx(step) and scale["decimals"] == decimals
    assert scale["level_min"] <= low and scale["level_max"] >= high


def test_a_flat_image_still_gets_sliders_that_move():
    scale = scale_for_range(7.0, 7.0, whole_voxels=True)
    assert scale["level_min"] < 7.0 < scale["level_max"] and scale["step"] > 0
