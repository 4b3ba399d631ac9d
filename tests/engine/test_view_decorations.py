"""Background, orientation marker and ruler of the 3D view, seen in its rendered image."""

from __future__ import annotations

import numpy as np
import pytest

from trame_slicer_app.engine.display import view_decorations as vd
from trame_slicer_app.engine.io.volumes import load_volume, show_volume


@pytest.fixture
def a_ct_in_3d(an_engine, a_ct_path):
    show_volume(an_engine, load_volume(an_engine, a_ct_path))
    an_engine.threed_view.resize(240, 200)
    return an_engine


def changed_fraction(a, b) -> float:
    return float((np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 30).mean())


@pytest.mark.parametrize("name, corner_rgb", [("black", (0, 0, 0)), ("white", (255, 255, 255))])
def test_a_plain_background_fills_the_corners(a_ct_in_3d, name, corner_rgb):
    state = vd.set_background(a_ct_in_3d, name)
    assert state["background"] == name
    image = a_ct_in_3d.threed_view.capture()
    for corner in (image[0, 0], image[0, -1], image[-1, 0], image[-1, -1]):
        assert tuple(int(c) for c in corner) == pytest.approx(corner_rgb, abs=2)


def test_slicer_light_blue_background_is_a_gradient(a_ct_in_3d):
    vd.set_background(a_ct_in_3d, "black")
    state = vd.set_background(a_ct_in_3d, "light blue")
    assert state["background"] == "light blue"
    image = a_ct_in_3d.threed_view.capture().astype(int)
    top, bottom = image[1, 1], image[-2, 1]
    assert top[2] > top[0] and bottom[2] > bottom[0]  # blue
    assert abs(int(top.sum()) - int(bottom.sum())) > 60  # two shades: a gradient


@pytest.mark.parametrize("marker, least_fraction", [("cube", 0.01), ("human", 0.003), ("axes", 0.001)])
def test_orientation_markers_show_in_a_corner(a_ct_in_3d, marker, least_fraction):
    view = a_ct_in_3d.threed_view
    vd.set_orientation_marker(a_ct_in_3d, "none")
    without = view.capture()
    assert vd.set_orientation_marker(a_ct_in_3d, marker)["orientation_marker"] == marker
    changed = np.abs(view.capture().astype(int) - without.astype(int)).sum(axis=2) > 30
    assert changed.mean() > least_fraction
    rows, cols = np.nonzero(changed)
    assert rows.min() > view.size[1] / 2 and cols.min() > view.size[0] / 2  # Slicer puts it bottom right


@pytest.mark.parametrize("ruler", ["thin", "thick"])
def test_a_ruler_shows_in_orthographic_projection(a_ct_in_3d, ruler):
    view = a_ct_in_3d.threed_view
    vd.set_ruler(a_ct_in_3d, "none")
    vd.set_orientation_marker(a_ct_in_3d, "none")
    a_ct_in_3d.threed_view.view_node_3d.SetRenderMode(a_ct_in_3d.threed_view.view_node_3d.Orthographic)
    without = view.capture()
    state = vd.set_ruler(a_ct_in_3d, ruler)
    assert state["ruler"] == ruler and state["orthographic"]
    changed = np.abs(view.capture().astype(int) - without.astype(int)).sum(axis=2) > 30
    assert changed.mean() > 0.002
    assert np.nonzero(changed)[0].mean() > view.size[1] * 0.6  # along the bottom edge, as in Slicer
    assert vd.set_ruler(a_ct_in_3d, "none") == {**state, "ruler": "none", "orthographic": False}


@pytest.mark.parametrize("call, junk", [
    (vd.set_background, "pink"), (vd.set_background, None),
    (vd.set_orientation_marker, "person"), (vd.set_orientation_marker, 2),
    (vd.set_ruler, "THIN"), (vd.set_ruler, ["thin"]),
])
def test_unknown_decorations_are_refused(a_ct_in_3d, call, junk):
    before = vd.view_decorations_state(a_ct_in_3d)
    with pytest.raises(vd.ViewDecorationError):
        call(a_ct_in_3d, junk)
    assert vd.view_decorations_state(a_ct_in_3d) == before


def test_the_human_marker_is_a_hidden_helper_model_facing_anterior(a_ct_in_3d):
    vd.set_orientation_marker(a_ct_in_3d, "human")
    vd.set_orientation_marker(a_ct_in_3d, "cube")
    vd.set_orientation_marker(a_ct_in_3d, "human")
    models = [n for n in (a_ct_in_3d.scene.GetNodesByClass("vtkMRMLModelNode").GetItemAsObject(i)
                          for i in range(a_ct_in_3d.scene.GetNodesByClass("vtkMRMLModelNode").GetNumberOfItems()))
              if n.GetName() == vd.HUMAN_MARKER_NODE_NAME]
    assert len(models) == 1  # made once
    model = models[0]
    assert model.GetHideFromEditors() and not model.GetDisplayNode().GetVisibility()
    bounds = model.GetPolyData().GetBounds()
    assert bounds[5] - bounds[4] > bounds[1] - bounds[0] > bounds[3] - bounds[2]  # tall, wide, shallow
    assert bounds[3] > -bounds[2]  # the nose sticks out anterior


@pytest.mark.parametrize("view_name", ["Red", "2", 7])
def test_a_view_that_is_no_3d_view_is_refused(a_ct_in_3d, view_name):
    from trame_slicer_app.engine.errors import EngineError

    before = vd.view_decorations_state(a_ct_in_3d)
    for call in (vd.set_background, vd.set_orientation_marker, vd.set_ruler):
        with pytest.raises(EngineError):
            call(a_ct_in_3d, "none" if call is not vd.set_background else "black", view_name)
    assert vd.view_decorations_state(a_ct_in_3d) == before
    assert vd.set_background(a_ct_in_3d, "black", "1")["background"] == "black"
