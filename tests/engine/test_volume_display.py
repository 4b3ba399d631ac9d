"""Window/level, presets, colour maps, interpolation and slice layers on the real CT and MRI."""

from __future__ import annotations

import numpy as np
import pytest

from trame_slicer_app.engine.display.volume_display import (
    apply_window_level_preset,
    color_maps,
    set_color_map,
    set_interpolation,
    set_layer_opacity,
    set_slice_layer,
    set_window_level,
    slice_layers,
    volume_display_state,
)
from trame_slicer_app.engine.display.window_level_presets import AUTO_PRESET, WINDOW_LEVEL_PRESETS
from trame_slicer_app.engine.io.volumes import load_volume
from trame_slicer_app.engine.scene.node_lookup import DisplayControlError

VIEW_SIZE_PX = (256, 256)


@pytest.fixture
def an_mri(an_engine, an_mri_path):
    return load_volume(an_engine, an_mri_path)


def mean_red_brightness(engine) -> float:
    return float(engine.view("Red").capture().astype(float).mean())


def test_set_window_level_writes_the_display_node_and_turns_auto_off(an_engine, a_ct):
    display = a_ct.GetDisplayNode()
    assert display.GetAutoWindowLevel()
    set_window_level(an_engine, a_ct.GetID(), 321.0, -12.5)
    assert (display.GetWindow(), display.GetLevel()) == (321.0, -12.5)
    assert not display.GetAutoWindowLevel()
    state = volume_display_state(an_engine, a_ct.GetID())
    assert (state["window"], state["level"], state["auto_window_level"]) == (321.0, -12.5, False)


def test_the_state_reflects_window_level_set_directly_in_mrml(an_engine, a_ct):
    a_ct.GetDisplayNode().AutoWindowLevelOff()
    a_ct.GetDisplayNode().SetWindowLevel(777.0, 111.0)
    state = volume_display_state(an_engine, a_ct.GetID())
    assert (state["window"], state["level"]) == (777.0, 111.0)
    low, high = a_ct.GetImageData().GetScalarRange()
    assert state["scalar_range"] == [low, high]
    assert state["scalar_range"][0] < -900 and state["scalar_range"][1] > 1500


@pytest.mark.parametrize("name", list(WINDOW_LEVEL_PRESETS))
def test_each_ct_preset_sets_its_numbers(an_engine, a_ct, name):
    apply_window_level_preset(an_engine, a_ct.GetID(), name)
    state = volume_display_state(an_engine, a_ct.GetID())
    assert (state["window"], state["level"]) == WINDOW_LEVEL_PRESETS[name]
    assert state["color_node_id"] == "vtkMRMLColorTableNodeGrey"
    assert not state["auto_window_level"]


def test_slicers_ct_preset_numbers():
    # Slicer's VolumeDisplayPresets.json values.
    assert WINDOW_LEVEL_PRESETS["CT bone"] == (1000.0, 400.0)
    assert WINDOW_LEVEL_PRESETS["CT brain"] == (100.0, 50.0)
    assert WINDOW_LEVEL_PRESETS["CT abdomen"] == (350.0, 40.0)
    assert WINDOW_LEVEL_PRESETS["CT lung"] == (1400.0, -500.0)


def test_presets_change_the_brightness_of_the_rendered_slice(an_engine, a_ct):
    apply_window_level_preset(an_engine, a_ct.GetID(), "CT bone")
    bone = mean_red_brightness(an_engine)
    apply_window_level_preset(an_engine, a_ct.GetID(), "CT lung")
    lung = mean_red_brightness(an_engine)
    apply_window_level_preset(an_engine, a_ct.GetID(), "CT brain")
    brain = mean_red_brightness(an_engine)
    # A lung window shows soft tissue light grey, a bone window shows it near black,
    # and the narrow brain window saturates everything above 100 HU white.
    assert lung > bone + 20
    assert brain > bone + 10
    assert bone > 0


def test_mr_automatic_turns_auto_window_level_on(an_engine, an_mri):
    set_window_level(an_engine, an_mri.GetID(), 10.0, 5.0)
    apply_window_level_preset(an_engine, an_mri.GetID(), AUTO_PRESET)
    display = an_mri.GetDisplayNode()
    assert display.GetAutoWindowLevel()
    # Slicer's automatic window/level covers the MRI's intensities, not the 10/5 set before.
    assert display.GetWindow() > 10.0
    low, high = an_mri.GetImageData().GetScalarRange()
    assert low <= display.GetLevel() <= high


def test_bad_window_level_input_is_refused_and_changes_nothing(an_engine, a_ct):
    set_window_level(an_engine, a_ct.GetID(), 400.0, 40.0)
    for window, level in [(0.0, 1.0), (-5.0, 1.0), (float("nan"), 1.0), ("400", 40.0), (1.0, float("inf"))]:
        with pytest.raises(DisplayControlError):
            set_window_level(an_engine, a_ct.GetID(), window, level)
    with pytest.raises(DisplayControlError, match="preset"):
        apply_window_level_preset(an_engine, a_ct.GetID(), "CT everything")
    with pytest.raises(DisplayControlError, match="no volume"):
        set_window_level(an_engine, "vtkMRMLScalarVolumeNode999", 1.0, 1.0)
    with pytest.raises(DisplayControlError, match="not a volume"):
        set_window_level(an_engine, "vtkMRMLSliceNodeRed", 1.0, 1.0)
    assert volume_display_state(an_engine, a_ct.GetID())["window"] == 400.0


def test_color_maps_list_slicers_tables_and_set_one(an_engine, a_ct):
    maps = color_maps(an_engine)
    names = [m["name"] for m in maps]
    assert names[:3] == ["Grey", "InvertedGrey", "Iron"]
    assert "Rainbow" in names
    for entry in maps:
        assert an_engine.scene.GetNodeByID(entry["id"]).GetName() == entry["name"]
    iron = next(m["id"] for m in maps if m["name"] == "Iron")
    apply_window_level_preset(an_engine, a_ct.GetID(), "CT soft tissue")
    grey = an_engine.view("Red").capture()
    set_color_map(an_engine, a_ct.GetID(), iron)
    assert a_ct.GetDisplayNode().GetColorNodeID() == iron
    assert volume_display_state(an_engine, a_ct.GetID())["color_node_id"] == iron
    coloured = an_engine.view("Red").capture().astype(int)
    # Grey renders R == G == B; Iron does not.
    assert np.abs(grey[..., 0].astype(int) - grey[..., 2]).max() == 0
    assert np.abs(coloured[..., 0] - coloured[..., 2]).mean() > 10
    # A colour set directly in MRML shows in the state.
    a_ct.GetDisplayNode().SetAndObserveColorNodeID("vtkMRMLColorTableNodeRainbow")
    assert volume_display_state(an_engine, a_ct.GetID())["color_node_id"] == "vtkMRMLColorTableNodeRainbow"
    with pytest.raises(DisplayControlError, match="colour map"):
        set_color_map(an_engine, a_ct.GetID(), a_ct.GetID())


def test_interpolation_both_ways(an_engine, a_ct):
    set_interpolation(an_engine, a_ct.GetID(), False)
    assert not a_ct.GetDisplayNode().GetInterpolate()
    assert volume_display_state(an_engine, a_ct.GetID())["interpolate"] is False
    a_ct.GetDisplayNode().SetInterpolate(True)
    assert volume_display_state(an_engine, a_ct.GetID())["interpolate"] is True
    with pytest.raises(DisplayControlError):
        set_interpolation(an_engine, a_ct.GetID(), "yes")


def test_slice_layers_are_set_on_all_three_composite_nodes(an_engine, a_ct, an_mri):
    assert slice_layers(an_engine)["background"] == a_ct.GetID()
    set_slice_layer(an_engine, "foreground", an_mri.GetID())
    set_layer_opacity(an_engine, "foreground", 0.25)
    for view in an_engine.slice_views.values():
        composite = view.logic.GetSliceCompositeNode()
        assert composite.GetBackgroundVolumeID() == a_ct.GetID()
        assert composite.GetForegroundVolumeID() == an_mri.GetID()
        assert composite.GetForegroundOpacity() == 0.25
    layers = slice_layers(an_engine)
    assert (layers["foreground"], layers["foreground_opacity"]) == (an_mri.GetID(), 0.25)
    set_slice_layer(an_engine, "foreground", None)
    assert slice_layers(an_engine)["foreground"] is None
    # Direct MRML changes show in the state.
    an_engine.slice_views["Red"].logic.GetSliceCompositeNode().SetLabelOpacity(0.5)
    assert slice_layers(an_engine)["label_opacity"] == 0.5


def test_foreground_blends_into_the_rendered_slice(an_engine, a_ct, an_mri):
    apply_window_level_preset(an_engine, a_ct.GetID(), "CT bone")
    before = an_engine.view("Red").capture().astype(int)
    set_slice_layer(an_engine, "foreground", an_mri.GetID())
    set_layer_opacity(an_engine, "foreground", 1.0)
    after = an_engine.view("Red").capture().astype(int)
    assert np.abs(after - before).mean() > 5


def test_bad_layer_input_is_refused(an_engine, a_ct):
    with pytest.raises(DisplayControlError, match="label map"):
        set_slice_layer(an_engine, "label", a_ct.GetID())
    with pytest.raises(DisplayControlError, match="slice layer"):
        set_slice_layer(an_engine, "overlay", a_ct.GetID())
    with pytest.raises(DisplayControlError):
        set_layer_opacity(an_engine, "label", 1.5)
    with pytest.raises(DisplayControlError, match="no opacity"):
        set_layer_opacity(an_engine, "background", 0.5)
    assert slice_layers(an_engine)["background"] == a_ct.GetID()


def test_a_label_map_has_a_colour_map_but_no_window_level(an_engine, a_ct):
    label = an_engine.volumes_logic.CreateAndAddLabelVolume(an_engine.scene, a_ct, "empty")
    state = volume_display_state(an_engine, label.GetID())
    assert state["is_labelmap"] is True
    assert (state["window"], state["level"], state["interpolate"]) == (None, None, None)
    set_color_map(an_engine, label.GetID(), "vtkMRMLColorTableNodeLabels")
    assert label.GetDisplayNode().GetColorNodeID() == "vtkMRMLColorTableNodeLabels"
    for call in (lambda: set_window_level(an_engine, label.GetID(), 10.0, 1.0),
                 lambda: apply_window_level_preset(an_engine, label.GetID(), "CT bone"),
                 lambda: apply_window_level_preset(an_engine, label.GetID(), AUTO_PRESET),
                 lambda: set_interpolation(an_engine, label.GetID(), True)):
        with pytest.raises(DisplayControlError, match="label map"):
            call()
