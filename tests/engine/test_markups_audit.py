"""What issue 18 asks beyond placing and files, each shown on the real engine and CT: the hovered point is
highlighted, points snap to the slice they are placed or dragged on, jumping puts all three slices through a
point, and every kind measures what Slicer says it measures."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_markups import _click, _event, _mm_per_px, _row, _value

from trame_slicer_app.engine.markups import markups_edit, placing
from trame_slicer_app.engine.undo.scene_undo import SceneUndo


def _a_point_at(engine, x: int, y: int) -> str:
    node_id = placing.start_placing(engine, "point_list")
    _click(engine, x, y)
    return node_id


def test_the_hovered_point_is_highlighted(an_engine, a_ct_in_red):
    node_id = _a_point_at(an_engine, 200, 150)
    display = an_engine.scene.GetNodeByID(node_id).GetDisplayNode()
    red = an_engine.slice_views["Red"]
    _event(an_engine, "move", 320, 60)  # away from the point
    assert display.GetActiveComponentType() == display.ComponentNone
    plain = red.capture()[130:170, 180:220].astype(int)
    _event(an_engine, "move", 201, 150)
    _event(an_engine, "move", 200, 150)
    assert display.GetActiveComponentType() == display.ComponentControlPoint
    assert display.GetActiveControlPoint() == 0
    hovered = red.capture()[130:170, 180:220].astype(int)
    # Slicer draws the active point in the display node's active colour: the glyph's pixels change.
    assert np.abs(hovered - plain).sum(axis=2).__gt__(60).sum() > 20
    _event(an_engine, "move", 320, 60)
    assert display.GetActiveComponentType() == display.ComponentNone


def test_points_snap_to_the_slice_they_are_placed_and_dragged_on(an_engine, a_ct_in_red):
    red = an_engine.slice_views["Red"]
    first = _a_point_at(an_engine, 150, 150)
    offset = red.slice_offset_mm
    assert _row(an_engine, first)["points"][0]["ras"][2] == pytest.approx(offset, abs=0.01)
    red.slice_node.SetSliceOffset(offset + 12.0)
    red.render()
    second = _a_point_at(an_engine, 250, 150)
    assert _row(an_engine, second)["points"][0]["ras"][2] == pytest.approx(offset + 12.0, abs=0.01)
    # A drag in Red moves a point within the slice; the first point, 12 mm off it now, is not drawn in Red
    # (Slicer shows a slice view only the points on its slice) and is left where it was.
    undo = SceneUndo(an_engine)
    _event(an_engine, "move", 251, 150)
    _event(an_engine, "move", 250, 150)
    undo.checkpoint("drag in Red")
    _event(an_engine, "press", 250, 150, button=0)
    for step in range(1, 6):
        _event(an_engine, "move", 250, 150 + 6 * step)
    _event(an_engine, "release", 250, 180, button=0)
    before = _row(an_engine, first)["points"][0]["ras"]
    _r, a, s = _row(an_engine, second)["points"][0]["ras"]
    assert s == pytest.approx(offset + 12.0, abs=0.01)
    assert a == pytest.approx(before[1] - 30 * _mm_per_px(an_engine), abs=_mm_per_px(an_engine))
    assert before[2] == pytest.approx(offset, abs=0.01)


def test_jumping_to_a_point_puts_all_three_slices_through_it(an_engine, a_ct_in_red):
    node_id = _a_point_at(an_engine, 120, 90)
    r, a, s = _row(an_engine, node_id)["points"][0]["ras"]
    views = an_engine.slice_views
    views["Red"].slice_node.SetSliceOffset(s + 20)
    markups_edit.jump_to_point(an_engine, node_id, 0)
    assert views["Red"].slice_offset_mm == pytest.approx(s, abs=1.0)
    assert views["Green"].slice_offset_mm == pytest.approx(a, abs=1.0)
    assert views["Yellow"].slice_offset_mm == pytest.approx(-r, abs=1.0)  # Slicer's sagittal offset counts leftwards


def _polyline_length(points) -> float:
    return sum(math.dist(points[i - 1], points[i]) for i in range(1, len(points)))


def test_every_kind_measures_what_slicer_measures(an_engine, a_ct_in_red):
    scale = _mm_per_px(an_engine)
    line = placing.start_placing(an_engine, "line")
    _click(an_engine, 100, 100)
    _click(an_engine, 200, 100)
    assert _value(_row(an_engine, line), "length") == pytest.approx(100 * scale, rel=0.01)

    curve = placing.start_placing(an_engine, "open_curve", persistent=True)
    for point in ((100, 100), (200, 160), (300, 100)):
        _click(an_engine, *point)
    placing.stop_placing(an_engine)
    interpolated = an_engine.scene.GetNodeByID(curve).GetCurvePointsWorld()
    shape = [interpolated.GetPoint(i) for i in range(interpolated.GetNumberOfPoints())]
    assert _value(_row(an_engine, curve), "length") == pytest.approx(_polyline_length(shape), rel=0.01)
    assert _value(_row(an_engine, curve), "length") > 2 * math.hypot(100, 60) * scale  # longer than its chords

    plane = placing.start_placing(an_engine, "plane")
    _click(an_engine, 200, 150)
    width, height = _row(an_engine, plane)["plane"]["size"]
    assert _value(_row(an_engine, plane), "area") == pytest.approx(width * height / 100, rel=0.01)  # cm2

    roi = placing.start_placing(an_engine, "roi")
    _click(an_engine, 150, 100)
    _click(an_engine, 250, 200)
    size = _value(_row(an_engine, roi), "size")
    assert size[:2] == pytest.approx([100 * scale, 100 * scale], rel=0.02)
    assert _value(_row(an_engine, roi), "volume") == pytest.approx(size[0] * size[1] * size[2] / 1000, rel=0.01)
