"""Composing a layout picture from view captures: each view lands in its grid span."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from trame_slicer_app.layouts import LAYOUTS
from trame_slicer_app.web.layout_screenshot import LAYOUT_GAP_PX, compose_layout, png_bytes, view_spans


def flat(rgb, w, h):
    return np.broadcast_to(np.array(rgb, dtype=np.uint8), (h, w, 3)).copy()


def test_conventional_layout_puts_3d_across_the_top_and_slices_below():
    rows = LAYOUTS["conventional"].rows
    assert view_spans(rows)["1"] == (0, 0, 2, 0)
    captures = {"1": flat((255, 0, 0), 900, 300), "Red": flat((0, 255, 0), 300, 300),
                "Yellow": flat((0, 0, 255), 300, 300), "Green": flat((255, 255, 255), 300, 300)}
    picture = Image.open(io.BytesIO(png_bytes(compose_layout(rows, captures)))).convert("RGB")
    assert picture.size == (900 + 2 * LAYOUT_GAP_PX, 600 + LAYOUT_GAP_PX)
    pixels = np.asarray(picture)
    assert tuple(pixels[150, 450]) == (255, 0, 0)
    assert tuple(pixels[450, 150]) == (0, 255, 0)
    assert tuple(pixels[450, 450]) == (0, 0, 255)
    assert tuple(pixels[450, 750]) == (255, 255, 255)


def test_a_missing_capture_is_an_error():
    try:
        compose_layout(LAYOUTS["four_up"].rows, {"1": flat((0, 0, 0), 10, 10)})
    except ValueError as error:
        assert "Red" in str(error)
    else:
        raise AssertionError("no error for missing captures")


def test_an_empty_cell_of_a_desktop_layout_stays_background():
    """A live desktop's layout may have cells no served view fills (its table view): they stay background."""
    from trame_slicer_app.web.layout_screenshot import LAYOUT_BACKGROUND_RGB

    rows = (("1", "1"), ("Red", ""))
    picture = np.asarray(compose_layout(rows, {"1": flat((255, 0, 0), 200, 100), "Red": flat((0, 255, 0), 100, 100)}))
    assert tuple(picture[50, 100]) == (255, 0, 0)
    assert tuple(picture[150, 50]) == (0, 255, 0)
    assert tuple(picture[150, 150]) == LAYOUT_BACKGROUND_RGB
