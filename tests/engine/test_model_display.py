"""Model colour, opacity, visibility and slice intersections, both ways, seen in the views."""

from __future__ import annotations

import numpy as np
import pytest
from vtkmodules.vtkFiltersSources import vtkSphereSource

from trame_slicer_app.engine.display.model_display import (
    model_display_state,
    set_model_color,
    set_model_opacity,
    set_model_slice_intersections,
    set_model_visible,
)
from trame_slicer_app.engine.io.volumes import load_volume, show_volume
from trame_slicer_app.engine.scene.node_lookup import DisplayControlError

VIEW_SIZE_PX = (200, 200)
SPHERE_RADIUS_MM = 40.0


@pytest.fixture
def a_sphere_in_the_ct(an_engine, a_ct_path):
    ct = load_volume(an_engine, a_ct_path)
    for view in an_engine.views.values():
        view.resize(*VIEW_SIZE_PX)
    show_volume(an_engine, ct)
    bounds = [0.0] * 6
    ct.GetRASBounds(bounds)
    sphere = vtkSphereSource()
    sphere.SetRadius(SPHERE_RADIUS_MM)
    sphere.SetCenter([(bounds[2 * a] + bounds[2 * a + 1]) / 2 for a in range(3)])
    sphere.SetThetaResolution(48)
    sphere.SetPhiResolution(48)
    sphere.Update()
    model = an_engine.models_logic.AddModel(sphere.GetOutput())
    return model


def test_colour_both_ways(an_engine, a_sphere_in_the_ct):
    model = a_sphere_in_the_ct
    set_model_color(an_engine, model.GetID(), "#ff8000")
    assert model.GetDisplayNode().GetColor() == pytest.approx((1.0, 128 / 255, 0.0))
    assert model_display_state(an_engine, model.GetID())["color"] == "#ff8000"
    model.GetDisplayNode().SetColor(0.0, 0.5, 1.0)
    assert model_display_state(an_engine, model.GetID())["color"] == "#0080ff"
    for bad in ("red", "#ff80", "ff8000", "#gg0000", None, "#ff8000 "):
        with pytest.raises(DisplayControlError, match="#rrggbb"):
            set_model_color(an_engine, model.GetID(), bad)
    assert model_display_state(an_engine, model.GetID())["color"] == "#0080ff"


def test_opacity_and_visibility_both_ways(an_engine, a_sphere_in_the_ct):
    model = a_sphere_in_the_ct
    set_model_opacity(an_engine, model.GetID(), 0.4)
    set_model_visible(an_engine, model.GetID(), False)
    assert model.GetDisplayNode().GetOpacity() == pytest.approx(0.4)
    assert not model.GetDisplayNode().GetVisibility()
    model.GetDisplayNode().SetOpacity(0.9)
    model.GetDisplayNode().SetVisibility(True)
    state = model_display_state(an_engine, model.GetID())
    assert (state["opacity"], state["visible"]) == (pytest.approx(0.9), True)
    for bad in (-0.1, 1.1, float("nan"), "1"):
        with pytest.raises(DisplayControlError):
            set_model_opacity(an_engine, model.GetID(), bad)


def test_the_model_colour_shows_in_3d_and_hides(an_engine, a_sphere_in_the_ct):
    model = a_sphere_in_the_ct
    view = an_engine.view("1")
    for slice_view in an_engine.slice_views.values():
        slice_view.slice_node.SetSliceVisible(False)  # only the sphere in the 3D view
    set_model_color(an_engine, model.GetID(), "#00ff00")
    green = view.capture().astype(int)
    greenish = (green[..., 1] > 100) & (green[..., 0] < 80) & (green[..., 2] < 80)
    assert greenish.mean() > 0.01
    set_model_visible(an_engine, model.GetID(), False)
    hidden = view.capture().astype(int)
    assert ((hidden[..., 1] > 100) & (hidden[..., 0] < 80) & (hidden[..., 2] < 80)).mean() < 0.001


def test_slice_intersections_draw_the_outline_in_the_slice_views(an_engine, a_sphere_in_the_ct):
    model = a_sphere_in_the_ct
    set_model_color(an_engine, model.GetID(), "#ff0000")
    set_model_slice_intersections(an_engine, model.GetID(), False)
    assert model_display_state(an_engine, model.GetID())["slice_intersections"] is False
    without = an_engine.view("Red").capture().astype(int)
    set_model_slice_intersections(an_engine, model.GetID(), True)
    assert model.GetDisplayNode().GetVisibility2D()
    with_outline = an_engine.view("Red").capture().astype(int)
    red_pixels = (with_outline[..., 0] > 150) & (with_outline[..., 1] < 80) & (with_outline[..., 2] < 80)
    assert red_pixels.sum() > 50
    assert np.abs(with_outline - without).sum() > 0
    model.GetDisplayNode().SetVisibility2D(False)
    assert model_display_state(an_engine, model.GetID())["slice_intersections"] is False


def test_only_models_are_accepted(an_engine, a_sphere_in_the_ct):
    with pytest.raises(DisplayControlError, match="not a model"):
        set_model_opacity(an_engine, "vtkMRMLSliceNodeRed", 0.5)
    plane_models = an_engine.scene.GetNodesByClass("vtkMRMLModelNode")
    hidden = [plane_models.GetItemAsObject(i) for i in range(plane_models.GetNumberOfItems())
              if plane_models.GetItemAsObject(i).GetHideFromEditors()]
    if hidden:
        with pytest.raises(DisplayControlError, match="helper"):
            set_model_visible(an_engine, hidden[0].GetID(), False)
