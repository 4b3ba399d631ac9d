"""A view rendered at a fraction of its client size (during a drag) shows the
same picture, smaller, and input keeps meaning the same place and the same
amount of window/level."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from trame_slicer_app.engine.io.volumes import load_volume, show_volume
from trame_slicer_app.engine.views.view_input import apply_input_event

CLIENT_SIZE_PX = (400, 300)
HALF = 0.5
MIN_CORRELATION = 0.97


@pytest.fixture
def a_ct_in_the_red_view(an_engine, a_ct_path):
    node = load_volume(an_engine, a_ct_path)
    for view in an_engine.views.values():
        view.resize(*CLIENT_SIZE_PX)
    show_volume(an_engine, node)
    return an_engine.view("Red"), node


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.astype(np.float64).ravel(), b.astype(np.float64).ravel())[0, 1])


def shrunk(frame: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(Image.fromarray(frame).resize(size, Image.Resampling.BOX))


@pytest.mark.parametrize("view_name", ["Red", "1"])
def test_a_view_at_half_scale_renders_the_same_picture_at_half_the_pixels(a_ct_in_the_red_view, an_engine, view_name):
    view = an_engine.view(view_name)
    full = view.capture()

    view.set_render_scale(HALF)
    half = view.capture()

    assert half.shape[:2] == (CLIENT_SIZE_PX[1] // 2, CLIENT_SIZE_PX[0] // 2)
    assert correlation(shrunk(full, (half.shape[1], half.shape[0])), half) >= MIN_CORRELATION


def test_back_at_full_scale_the_view_renders_exactly_as_before(a_ct_in_the_red_view):
    view, _node = a_ct_in_the_red_view
    before = view.capture()

    view.set_render_scale(HALF)
    view.capture()
    view.set_render_scale(1.0)
    after = view.capture()

    assert after.shape == before.shape
    assert np.abs(after.astype(int) - before.astype(int)).mean() < 1.0


def window_after_a_drag(view, display, scale: float, dx_client: int) -> float:
    display.AutoWindowLevelOff()
    display.SetWindowLevel(400.0, 40.0)
    view.set_render_scale(scale)
    x0, y0 = CLIENT_SIZE_PX[0] // 2, CLIENT_SIZE_PX[1] // 2
    apply_input_event(view, {"type": "press", "button": 0, "x": x0, "y": y0})
    for step in range(1, 11):
        apply_input_event(view, {"type": "move", "x": x0 + dx_client * step // 10, "y": y0})
    apply_input_event(view, {"type": "release", "button": 0, "x": x0 + dx_client, "y": y0})
    view.set_render_scale(1.0)
    return display.GetWindow()


def test_a_window_level_drag_changes_the_window_alike_at_any_render_scale(a_ct_in_the_red_view):
    view, node = a_ct_in_the_red_view
    display = node.GetDisplayNode()

    at_full = window_after_a_drag(view, display, 1.0, 100)
    at_half = window_after_a_drag(view, display, HALF, 100)

    assert at_full > 400.0
    assert at_half == pytest.approx(at_full, rel=0.03)


def test_client_positions_map_to_the_same_place_at_any_render_scale(a_ct_in_the_red_view):
    view, _node = a_ct_in_the_red_view

    view.set_render_scale(HALF)
    x, y = view.client_to_render(200, 150)

    assert (x, y) == (100, 75)
    assert view.client_size == CLIENT_SIZE_PX


@pytest.mark.parametrize("view_name", ["Red", "1"])
def test_an_interaction_frame_skips_multisampling_and_shows_the_same_picture(
    a_ct_in_the_red_view, an_engine, view_name
):
    view = an_engine.view(view_name)
    still = view.capture()

    view.set_still(False)
    interacting = view.capture()

    assert view.render_window.GetMultiSamples() == 0
    assert interacting.shape == still.shape
    assert correlation(still, interacting) >= MIN_CORRELATION
    view.set_still(True)
    assert np.abs(view.capture().astype(int) - still.astype(int)).mean() < 1.0


def test_only_the_3d_view_multisamples_its_still_frames(an_engine):
    # Slice views show an image pixel for pixel: multisampling would only smooth overlay lines,
    # at several times the cost of the frame on a CPU renderer.
    assert an_engine.view("1").render_window.GetMultiSamples() > 0
    assert all(view.render_window.GetMultiSamples() == 0 for view in an_engine.slice_views.values())
