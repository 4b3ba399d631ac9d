"""The state <-> MRML binding, driven in-process on a real scene with the real CT."""

from __future__ import annotations

import math

import pytest
from app_state import feature, set_state

from trame_slicer_app.engine.display import volume_display as display
from trame_slicer_app.engine.display.slice_controls import (
    set_slice_intersections_visible,
    set_slice_offset,
    slice_intersections_visible,
    slice_state,
)

HOSTILE_NUMBERS = ["abc", float("nan"), float("inf"), None, [1, 2], {"a": 1}, True, "1e400"]




@pytest.fixture
def the_app(an_app_on_the_ct):
    """The app with the CT's window/level at a known value and the MRML changes drained."""
    app = an_app_on_the_ct
    display.set_window_level(app.session.engine, volume_id(app), 1000.0, 400.0)
    app.session.scene_changes.take_changes()
    app.binding.refresh()
    return app


def volume_id(app) -> str:
    return display.slice_layers(app.session.engine)["background"]


def mrml_window_level(app) -> tuple[float, float]:
    state = display.volume_display_state(app.session.engine, volume_id(app))
    return state["window"], state["level"]



def test_the_panels_start_with_the_mrml_values(the_app):
    assert the_app.state.volumes_selected == volume_id(the_app)
    assert (the_app.state.volumes_window, the_app.state.volumes_level) == (1000.0, 400.0)
    assert the_app.state.slices_Red_offset_mm == round(slice_state(the_app.session.engine, "Red")["offset_mm"], 2)


def test_a_state_change_sets_mrml(the_app):
    set_state(the_app, volumes_window=250.0)
    assert mrml_window_level(the_app) == (250.0, 400.0)
    set_state(the_app, volumes_level=-20)
    assert mrml_window_level(the_app) == (250.0, -20.0)
    set_state(the_app, slices_Yellow_offset_mm=3.0)
    assert slice_state(the_app.session.engine, "Yellow")["offset_mm"] == pytest.approx(3.0, abs=1.0)


def test_an_mrml_change_reaches_the_state_at_the_next_poll(the_app):
    display.set_window_level(the_app.session.engine, volume_id(the_app), 123.0, 45.0)
    assert the_app.state.volumes_window == 1000.0  # not before the poll
    assert the_app.binding.poll() >= 2
    assert (the_app.state.volumes_window, the_app.state.volumes_level) == (123.0, 45.0)


def test_a_value_pushed_from_mrml_is_not_written_back(the_app):
    engine = the_app.session.engine
    display.set_window_level(engine, volume_id(the_app), 321.5, 12.25)
    the_app.binding.poll()
    # Had the change handlers echoed the pushed values, MRML would have changed again.
    assert the_app.session.scene_changes.take_changes() == set()
    assert the_app.binding.poll() == 0


def test_many_mrml_changes_between_polls_make_one_state_flush(the_app):
    engine = the_app.session.engine
    flushes = the_app.binding.flushes
    for step in range(50):  # a drag: many modifications within one poll interval
        display.set_window_level(engine, volume_id(the_app), 200.0 + step, 40.0)
    the_app.binding.poll()
    assert the_app.binding.flushes == flushes + 1
    assert the_app.state.volumes_window == 249.0


@pytest.mark.parametrize("hostile", HOSTILE_NUMBERS)
def test_hostile_numbers_are_ignored_and_the_state_put_back(the_app, hostile):
    set_state(the_app, volumes_window=hostile, volumes_foreground_opacity=hostile, slices_Red_offset_mm=hostile)
    assert mrml_window_level(the_app) == (1000.0, 400.0)
    assert the_app.state.volumes_window == 1000.0
    assert isinstance(the_app.state.volumes_foreground_opacity, float)
    assert math.isfinite(the_app.state.slices_Red_offset_mm)


def test_out_of_range_values_are_clamped_or_refused(the_app):
    set_state(the_app, volumes_foreground_opacity=7)
    assert display.slice_layers(the_app.session.engine)["foreground_opacity"] == 1.0
    assert the_app.state.volumes_foreground_opacity == 1.0
    set_state(the_app, volumes_window=-50)  # no window below zero: MRML refuses, state follows MRML
    assert mrml_window_level(the_app)[0] > 0
    assert the_app.state.volumes_window == mrml_window_level(the_app)[0]


@pytest.mark.parametrize("key, hostile", [
    ("volumes_selected", "vtkMRMLScalarVolumeNodeNope"), ("volumes_selected", 42),
    ("volumes_foreground", "vtkMRMLScalarVolumeNodeNope"), ("volumes_color_map", "x" * 10_000),
    ("slices_Green_orientation", "Diagonal"), ("slices_linked", "yes"), ("volumes_interpolate", 1),
])
def test_unknown_ids_and_choices_are_ignored(the_app, key, hostile):
    before = the_app.state[key]
    set_state(the_app, **{key: hostile})
    assert the_app.state[key] == before
    assert mrml_window_level(the_app) == (1000.0, 400.0)


def test_a_preset_button_sets_window_level_and_the_state(the_app):
    the_app.features_by_name = {type(f).__name__: f for f in the_app.features}
    the_app.features_by_name["VolumesPanel"].apply_preset("CT lung")
    assert mrml_window_level(the_app) == (1400.0, -500.0)
    assert (the_app.state.volumes_window, the_app.state.volumes_level) == (1400.0, -500.0)
    the_app.features_by_name["VolumesPanel"].apply_preset("no such preset")
    assert mrml_window_level(the_app) == (1400.0, -500.0)


def test_undo_restores_a_state_edit_and_redo_reapplies_it(the_app):
    undo = {type(f).__name__: f for f in the_app.features}["UndoPanel"]
    set_state(the_app, volumes_window=600.0)
    assert mrml_window_level(the_app)[0] == 600.0
    undo.on_undo()
    assert mrml_window_level(the_app)[0] == 1000.0
    assert the_app.state.volumes_window == 1000.0
    undo.on_redo()
    assert mrml_window_level(the_app)[0] == 600.0
    assert the_app.state.volumes_window == 600.0


def test_slice_offsets_follow_mrml(the_app):
    engine = the_app.session.engine
    lo, hi = slice_state(engine, "Green")["range_mm"]
    set_slice_offset(engine, "Green", (lo + hi) / 2 + 5)
    the_app.binding.poll()
    assert the_app.state.slices_Green_offset_mm == round(slice_state(engine, "Green")["offset_mm"], 2)



def test_a_press_in_a_slice_view_checkpoints_so_the_drag_can_be_undone(the_app):
    session = the_app.session
    red = session.view("Red")
    session.apply_input(red, {"type": "press", "button": 0, "x": 50, "y": 50})
    session.apply_input(red, {"type": "release", "button": 0, "x": 50, "y": 50})
    display.set_window_level(session.engine, volume_id(the_app), 77.0, 7.0)  # what the drag did
    the_app.binding.poll()
    assert the_app.state.undo_can_undo
    feature(the_app, "undo").on_undo()
    assert mrml_window_level(the_app) == (1000.0, 400.0)
    assert the_app.state.volumes_window == 1000.0


def click(session, view_name: str, x: int = 50, y: int = 50) -> None:
    """A press and release with no movement between them, as the browser sends them, then the
    pointer leaves (so that the data probe of later tests starts from no pointer)."""
    view = session.view(view_name)
    for kind in ("press", "release", "leave"):
        session.apply_input(view, {"type": kind, "button": 0, "x": x, "y": y})


def test_a_click_that_changes_nothing_leaves_no_undo_step(the_app):
    the_app.session.undo.clear()
    for view_name in ("Red", "Yellow", "Green", "Red"):
        click(the_app.session, view_name)
    the_app.binding.poll()
    assert the_app.state.undo_can_undo is False
    assert the_app.session.undo.state()["undo_label"] is None


def test_undo_after_a_click_that_changed_nothing_undoes_the_edit_before_it(the_app):
    undo = feature(the_app, "undo")
    the_app.session.undo.clear()
    set_state(the_app, volumes_window=600.0)
    click(the_app.session, "Red")
    click(the_app.session, "Green")
    the_app.binding.poll()
    assert the_app.state.undo_can_undo
    undo.on_undo()
    assert mrml_window_level(the_app) == (1000.0, 400.0)
    assert the_app.state.volumes_window == 1000.0
    assert the_app.state.undo_can_undo is False and the_app.state.undo_can_redo is True
    click(the_app.session, "Yellow")  # after undo, a click that changes nothing keeps redo
    undo.on_redo()
    assert mrml_window_level(the_app) == (600.0, 400.0)


def test_the_data_probe_follows_each_tabs_pointer_at_the_poll(the_app):
    readouts = feature(the_app, "readouts")
    red = the_app.session.view("Red")
    width, height = red.client_size
    red.set_render_scale(0.5)  # a drag renders smaller; the position must keep its place in the view
    readouts.pointers.on_input("tab 1", "Red", [{"type": "move", "x": width // 2, "y": height // 2}])
    readouts.pointers.on_input("tab 2", "Yellow", [{"type": "enter", "x": 5, "y": 5}])
    the_app.binding.poll()
    red.set_render_scale(1.0)
    probe = the_app.client_state.get("readouts_probe", "tab 1")
    assert probe["view"] == "Red" and len(probe["ras"]) == 3
    assert [layer["volume"] for layer in probe["layers"]] == ["cranium_ct"]
    # The view's centre shows the middle of the CT's 256x256 axial slice.
    i, j, _k = probe["layers"][0]["ijk"]
    assert abs(i - 128) < 8 and abs(j - 128) < 8, probe
    assert the_app.client_state.get("readouts_probe", "tab 2")["view"] == "Yellow"
    readouts.pointers.on_input("tab 1", "Red", [{"type": "leave", "x": 0, "y": 0}])
    the_app.binding.poll()
    assert the_app.client_state.get("readouts_probe", "tab 1") is None
    assert the_app.client_state.get("readouts_probe", "tab 2")["view"] == "Yellow"


@pytest.mark.parametrize("args", [(5, "x"), ("vtkMRMLScalarVolumeNode1", ""), ("nope", "x"),
                                  ("vtkMRMLScalarVolumeNode1", "x" * 100_000), (None, None)])
def test_hostile_rename_and_delete_change_nothing(the_app, args):
    data = feature(the_app, "data")
    nodes = the_app.state.data_nodes
    the_app.session.undo.clear()
    data.rename(*args)
    data.delete(args[0] if args[0] != "vtkMRMLScalarVolumeNode1" else "vtkMRMLScalarVolumeNode999")
    data.set_visible(args[0], "on")
    data.rename()
    data.show({"id": args[0]})
    feature(the_app, "volumes").apply_preset("CT nope")
    set_state(the_app, volumes_selected=volume_id(the_app) + "x")
    assert the_app.state.data_nodes == nodes
    assert not the_app.session.undo.can_undo  # nothing refused left an empty undo step


def test_rename_reaches_the_data_list(the_app):
    data = feature(the_app, "data")
    data.rename(volume_id(the_app), "  head CT  ")
    assert [n["name"] for n in the_app.state.data_nodes] == ["head CT"]
    assert the_app.state.volumes_items[0]["title"] == "head CT"
    data.rename(volume_id(the_app), "cranium_ct")


def test_slice_orientation_link_and_reset_through_the_state(the_app):
    engine = the_app.session.engine
    set_state(the_app, slices_Green_orientation="Axial", slices_linked=True)
    assert slice_state(engine, "Green")["orientation"] == "Axial"
    assert slice_state(engine, "Red")["linked"] is True
    feature(the_app, "slices").reset_reformat("Green")
    feature(the_app, "slices").reset_reformat("Purple")  # no such view: ignored
    set_state(the_app, slices_Green_orientation="Coronal", slices_linked=False)
    assert slice_state(engine, "Green")["orientation"] == "Coronal"
    assert the_app.state.slices_Green_orientation == "Coronal" and the_app.state.slices_linked is False


def test_slice_intersections_both_ways(the_app):
    engine = the_app.session.engine
    assert the_app.state.slices_intersections is False
    set_state(the_app, slices_intersections=True)
    assert slice_intersections_visible(engine) is True
    set_slice_intersections_visible(engine, False)
    the_app.binding.poll()
    assert the_app.state.slices_intersections is False
    set_state(the_app, slices_intersections="on")  # not a flag: refused, put back
    assert slice_intersections_visible(engine) is False and the_app.state.slices_intersections is False


def test_a_model_row_edits_colour_and_opacity_and_refuses_hostile_values(the_app):
    from vtkmodules.vtkFiltersSources import vtkSphereSource

    sphere = vtkSphereSource()
    sphere.SetRadius(20)
    sphere.Update()
    engine = the_app.session.engine
    node = engine.models_logic.AddModel(sphere.GetOutput())
    node.SetName("ball")
    the_app.binding.poll()
    models = feature(the_app, "models")
    assert [m["name"] for m in the_app.state.models_items] == ["ball"]
    models.set_property(node.GetID(), "color", "#FF8000")
    models.set_property(node.GetID(), "opacity", 0.5)
    for prop, hostile in [("color", "red"), ("color", 5), ("opacity", float("nan")), ("opacity", "1"),
                          ("visible", "no"), ("delete", True), ("__class__", 1)]:
        models.set_property(node.GetID(), prop, hostile)
    models.set_property("vtkMRMLModelNode999", "opacity", 0.1)
    models.set_property([node.GetID()], ["opacity"], 0.1)
    models.set_property()  # a browser may send any number of arguments
    models.set_property(node.GetID(), "opacity", 0.5, "extra")  # extra arguments are ignored
    (item,) = the_app.state.models_items
    assert (item["color"], item["opacity"], item["visible"]) == ("#ff8000", 0.5, True)
    feature(the_app, "data").delete(node.GetID())
    assert the_app.state.models_items == []
    assert "ball" not in [n["name"] for n in the_app.state.data_nodes]


def test_a_second_volume_can_be_picked_and_layered(the_app, an_mri_path):
    session, engine = the_app.session, the_app.session.engine
    ct_id = volume_id(the_app)
    session.open_volumes([an_mri_path])  # shown: the MRI becomes the background
    the_app.binding.poll()
    mri_id = volume_id(the_app)
    assert mri_id != ct_id and the_app.state.volumes_selected == mri_id
    assert len(the_app.state.volumes_items) == 2
    set_state(the_app, volumes_selected=ct_id)
    assert (the_app.state.volumes_window, the_app.state.volumes_level) == (1000.0, 400.0)  # the CT's
    set_state(the_app, volumes_foreground=ct_id, volumes_foreground_opacity=0.25)
    layers = display.slice_layers(engine)
    assert (layers["background"], layers["foreground"], layers["foreground_opacity"]) == (mri_id, ct_id, 0.25)
    set_state(the_app, volumes_foreground=None)
    assert display.slice_layers(engine)["foreground"] is None
    feature(the_app, "data").show(ct_id)
    feature(the_app, "data").delete(mri_id)
    assert [item["value"] for item in the_app.state.volumes_items] == [ct_id]
    assert the_app.state.volumes_selected == ct_id
