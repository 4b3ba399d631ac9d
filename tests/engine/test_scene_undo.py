"""Undo and redo through MRML's own undo stack, on the real CT and MRI."""

from __future__ import annotations

import pytest
from vtkmodules.vtkFiltersSources import vtkSphereSource

from trame_slicer_app.engine.display.model_display import (
    model_display_state,
    set_model_color,
    set_model_opacity,
    set_model_slice_intersections,
    set_model_visible,
)
from trame_slicer_app.engine.display.scene_tree import data_tree, delete_node, rename_node, set_node_visible
from trame_slicer_app.engine.display.slice_controls import set_linked, set_orientation, set_slice_offset, slice_state
from trame_slicer_app.engine.display.volume_display import (
    apply_window_level_preset,
    set_color_map,
    set_interpolation,
    set_layer_opacity,
    set_slice_layer,
    set_window_level,
    slice_layers,
    volume_display_state,
)
from trame_slicer_app.engine.io.volumes import load_volume
from trame_slicer_app.engine.scene.node_lookup import DisplayControlError
from trame_slicer_app.engine.undo.scene_undo import SceneUndo

VIEW_SIZE_PX = (200, 200)


@pytest.fixture
def an_undo(an_engine, a_ct):
    undo = SceneUndo(an_engine)
    yield undo
    undo.close()


def window_level(engine, volume) -> tuple[float, float]:
    state = volume_display_state(engine, volume.GetID())
    return state["window"], state["level"]


def test_nothing_to_undo_at_first(an_undo):
    assert not an_undo.can_undo and not an_undo.can_redo
    assert an_undo.undo() is False and an_undo.redo() is False
    assert an_undo.state() == {"can_undo": False, "can_redo": False, "undo_label": None, "redo_label": None}


def test_window_level_round_trip(an_engine, a_ct, an_undo):
    set_window_level(an_engine, a_ct.GetID(), 400.0, 40.0)
    an_undo.checkpoint("CT bone")
    apply_window_level_preset(an_engine, a_ct.GetID(), "CT bone")
    an_undo.checkpoint("window/level drag")
    set_window_level(an_engine, a_ct.GetID(), 123.0, 45.0)
    assert an_undo.undo_label == "window/level drag"
    assert an_undo.undo() is True
    assert window_level(an_engine, a_ct) == (1000.0, 400.0)
    assert an_undo.undo() is True
    assert window_level(an_engine, a_ct) == (400.0, 40.0)
    assert not an_undo.can_undo
    assert an_undo.redo_label == "CT bone"
    assert an_undo.redo() is True
    assert window_level(an_engine, a_ct) == (1000.0, 400.0)
    assert an_undo.redo() is True
    assert window_level(an_engine, a_ct) == (123.0, 45.0)
    assert not an_undo.can_redo


def test_undo_changes_the_rendered_slice_back(an_engine, a_ct, an_undo):
    apply_window_level_preset(an_engine, a_ct.GetID(), "CT bone")
    bone = an_engine.view("Red").capture().astype(float).mean()
    an_undo.checkpoint("CT lung")
    apply_window_level_preset(an_engine, a_ct.GetID(), "CT lung")
    assert an_engine.view("Red").capture().astype(float).mean() > bone + 20
    an_undo.undo()
    assert an_engine.view("Red").capture().astype(float).mean() == pytest.approx(bone, abs=0.5)


def test_slice_offset_and_orientation_round_trip(an_engine, a_ct, an_undo):
    start = slice_state(an_engine, "Red")["offset_mm"]
    an_undo.checkpoint("slice offset")
    set_slice_offset(an_engine, "Red", start - 30.0)
    an_undo.checkpoint("orientation")
    set_orientation(an_engine, "Red", "Sagittal")
    an_undo.undo()
    assert slice_state(an_engine, "Red")["orientation"] == "Axial"
    assert slice_state(an_engine, "Red")["offset_mm"] == pytest.approx(start - 30.0)
    an_undo.undo()
    assert slice_state(an_engine, "Red")["offset_mm"] == pytest.approx(start)
    an_undo.redo()
    assert slice_state(an_engine, "Red")["offset_mm"] == pytest.approx(start - 30.0)


def test_visibility_round_trip(an_engine, a_ct, an_mri_path, an_undo):
    sphere = vtkSphereSource()
    sphere.Update()
    model = an_engine.models_logic.AddModel(sphere.GetOutput())
    mri = load_volume(an_engine, an_mri_path)
    an_undo.checkpoint("hide model")
    set_model_visible(an_engine, model.GetID(), False)
    an_undo.checkpoint("show MRI")
    set_node_visible(an_engine, mri.GetID(), True)
    assert slice_layers(an_engine)["foreground"] == mri.GetID()
    an_undo.undo()
    assert slice_layers(an_engine)["foreground"] is None
    assert slice_layers(an_engine)["background"] == a_ct.GetID()
    an_undo.undo()
    assert model.GetDisplayNode().GetVisibility()
    an_undo.redo()
    assert not model.GetDisplayNode().GetVisibility()


def test_rename_round_trip(an_engine, a_ct, an_undo):
    name = a_ct.GetName()
    an_undo.checkpoint("rename")
    rename_node(an_engine, a_ct.GetID(), "head CT")
    an_undo.undo()
    assert a_ct.GetName() == name
    an_undo.redo()
    assert a_ct.GetName() == "head CT"


def test_delete_round_trip_brings_the_volume_back_whole(an_engine, a_ct, an_undo):
    volume_id, display_id = a_ct.GetID(), a_ct.GetDisplayNode().GetID()
    storage_id = a_ct.GetStorageNode().GetID()
    apply_window_level_preset(an_engine, volume_id, "CT bone")
    shown = an_engine.view("Red").capture().astype(float).mean()
    an_undo.checkpoint("delete")
    delete_node(an_engine, volume_id)
    assert data_tree(an_engine) == []
    assert an_undo.undo() is True
    restored = an_engine.scene.GetNodeByID(volume_id)
    assert restored is not None
    assert restored.GetDisplayNode().GetID() == display_id
    assert restored.GetStorageNode().GetID() == storage_id
    assert restored.GetImageData().GetDimensions() == (256, 256, 108)
    assert [entry["id"] for entry in data_tree(an_engine)] == [volume_id]
    assert slice_layers(an_engine)["background"] == volume_id
    assert an_engine.view("Red").capture().astype(float).mean() == pytest.approx(shown, abs=0.5)
    assert an_undo.redo() is True
    assert an_engine.scene.GetNodeByID(volume_id) is None


def test_undone_deletes_put_the_data_back_in_its_place(an_engine, a_ct, an_mri_path, an_undo):
    sphere = vtkSphereSource()
    sphere.Update()
    model = an_engine.models_logic.AddModel(sphere.GetOutput())
    mri = load_volume(an_engine, an_mri_path)
    loaded = [a_ct.GetID(), model.GetID(), mri.GetID()]
    for node_id in (a_ct.GetID(), model.GetID()):  # the first, then the (new) first again
        an_undo.checkpoint("delete")
        delete_node(an_engine, node_id)
    assert [entry["id"] for entry in data_tree(an_engine)] == [mri.GetID()]
    an_undo.undo()
    assert [entry["id"] for entry in data_tree(an_engine)] == loaded[1:]
    an_undo.undo()
    assert [entry["id"] for entry in data_tree(an_engine)] == loaded
    assert an_engine.scene.GetNodeByID(a_ct.GetID()).GetDisplayNode() is a_ct.GetDisplayNode()
    an_undo.redo()
    an_undo.undo()
    assert [entry["id"] for entry in data_tree(an_engine)] == loaded


def test_a_new_checkpoint_and_its_edit_clear_redo(an_engine, a_ct, an_undo):
    loaded = window_level(an_engine, a_ct)
    an_undo.checkpoint("one")
    set_window_level(an_engine, a_ct.GetID(), 10.0, 5.0)
    an_undo.undo()
    assert an_undo.can_redo
    an_undo.checkpoint("two")
    set_window_level(an_engine, a_ct.GetID(), 20.0, 5.0)
    assert not an_undo.can_redo and an_undo.redo() is False
    assert an_undo.undo() is True
    assert window_level(an_engine, a_ct) == loaded  # back before "two"


def test_checkpoints_whose_edit_changed_nothing_are_no_undo_steps(an_engine, a_ct, an_undo):
    loaded = window_level(an_engine, a_ct)
    for label in ("click in Red", "click in Yellow", "key in Green"):
        an_undo.checkpoint(label)  # nothing follows: a click that moved nothing
    assert not an_undo.can_undo and an_undo.undo_label is None
    assert an_undo.state() == {"can_undo": False, "can_redo": False, "undo_label": None, "redo_label": None}
    assert an_undo.undo() is False
    assert window_level(an_engine, a_ct) == loaded


def test_undo_after_a_no_op_click_undoes_the_last_real_edit(an_engine, a_ct, an_undo):
    loaded = window_level(an_engine, a_ct)
    an_undo.checkpoint("window/level")
    set_window_level(an_engine, a_ct.GetID(), 300.0, 30.0)
    an_undo.checkpoint("click in Red")  # the click changed nothing
    assert an_undo.can_undo and an_undo.undo_label == "window/level"
    assert an_undo.undo() is True
    assert window_level(an_engine, a_ct) == loaded
    assert not an_undo.can_undo
    assert an_undo.redo_label == "window/level" and an_undo.redo() is True
    assert window_level(an_engine, a_ct) == (300.0, 30.0)
    assert not an_undo.can_redo


def test_no_op_checkpoints_between_real_edits_are_skipped_both_ways(an_engine, a_ct, an_undo):
    loaded = window_level(an_engine, a_ct)
    start = slice_state(an_engine, "Red")["offset_mm"]
    an_undo.checkpoint("offset")
    set_slice_offset(an_engine, "Red", start - 10.0)
    an_undo.checkpoint("click")
    an_undo.checkpoint("window/level")
    set_window_level(an_engine, a_ct.GetID(), 50.0, 5.0)
    an_undo.checkpoint("click")
    assert an_undo.undo() is True
    assert window_level(an_engine, a_ct) == loaded
    assert slice_state(an_engine, "Red")["offset_mm"] == pytest.approx(start - 10.0)
    assert an_undo.undo() is True  # not an empty step for the click between the two edits
    assert slice_state(an_engine, "Red")["offset_mm"] == pytest.approx(start)
    assert an_undo.undo() is False
    assert an_undo.redo() is True and an_undo.redo() is True
    assert window_level(an_engine, a_ct) == (50.0, 5.0)
    assert an_undo.redo() is False


def test_a_no_op_click_after_undo_keeps_redo(an_engine, a_ct, an_undo):
    loaded = window_level(an_engine, a_ct)
    an_undo.checkpoint("window/level")
    set_window_level(an_engine, a_ct.GetID(), 77.0, 7.0)
    an_undo.undo()
    an_undo.checkpoint("click in Red")  # nothing changed: redo is still worth having
    assert an_undo.can_redo and an_undo.redo_label == "window/level"
    assert not an_undo.can_undo
    assert an_undo.redo() is True
    assert window_level(an_engine, a_ct) == (77.0, 7.0)
    assert an_undo.undo() is True
    assert window_level(an_engine, a_ct) == loaded


def test_colour_map_interpolation_layers_and_link_round_trip(an_engine, a_ct, an_mri_path, an_undo):
    mri = load_volume(an_engine, an_mri_path)
    an_undo.checkpoint("display")
    set_color_map(an_engine, a_ct.GetID(), "vtkMRMLColorTableNodeIron")
    set_interpolation(an_engine, a_ct.GetID(), False)
    set_slice_layer(an_engine, "foreground", mri.GetID())
    set_layer_opacity(an_engine, "foreground", 0.6)
    set_linked(an_engine, True)
    changed = (volume_display_state(an_engine, a_ct.GetID()), slice_layers(an_engine))
    an_undo.undo()
    state = volume_display_state(an_engine, a_ct.GetID())
    assert (state["color_node_id"], state["interpolate"]) == ("vtkMRMLColorTableNodeGrey", True)
    assert (slice_layers(an_engine)["foreground"], slice_layers(an_engine)["foreground_opacity"]) == (None, 0.0)
    assert slice_state(an_engine, "Yellow")["linked"] is False
    an_undo.redo()
    assert (volume_display_state(an_engine, a_ct.GetID()), slice_layers(an_engine)) == changed


def test_model_display_round_trip(an_engine, a_ct, an_undo):
    sphere = vtkSphereSource()
    sphere.Update()
    model = an_engine.models_logic.AddModel(sphere.GetOutput())
    before = model_display_state(an_engine, model.GetID())
    an_undo.checkpoint("model look")
    set_model_color(an_engine, model.GetID(), "#123456")
    set_model_opacity(an_engine, model.GetID(), 0.3)
    set_model_slice_intersections(an_engine, model.GetID(), not before["slice_intersections"])
    after = model_display_state(an_engine, model.GetID())
    an_undo.undo()
    assert model_display_state(an_engine, model.GetID()) == before
    an_undo.redo()
    assert model_display_state(an_engine, model.GetID()) == after


def test_undo_keeps_the_same_objects_and_copies_no_voxels(an_engine, a_ct, an_undo):
    image = a_ct.GetImageData()
    an_undo.checkpoint("delete")
    delete_node(an_engine, a_ct.GetID())
    an_undo.undo()
    assert an_engine.scene.GetNodeByID(a_ct.GetID()) is a_ct
    assert a_ct.GetImageData() is image


def test_history_is_bounded_and_a_closed_scene_starts_anew(an_engine, a_ct):
    undo = SceneUndo(an_engine, max_levels=3)
    for index in range(5):
        undo.checkpoint(f"edit {index}")
        set_window_level(an_engine, a_ct.GetID(), 100.0 + index, 0.0)
    steps = 0
    while undo.undo():
        steps += 1
    assert steps == 3
    assert window_level(an_engine, a_ct) == (101.0, 0.0)  # as before edit 2, the oldest kept
    undo.checkpoint("before close")
    an_engine.scene.Clear(False)
    assert not undo.can_undo and not undo.can_redo
    undo.close()


def test_a_checkpoint_needs_a_label(an_undo):
    for bad in ("", "  ", None):
        with pytest.raises(DisplayControlError):
            an_undo.checkpoint(bad)


def test_closing_the_scene_as_the_app_does_ends_the_history(an_engine, a_ct, an_undo):
    from trame_slicer_app import scene_data
    from trame_slicer_app.engine.volume_rendering.volume_rendering import show_volume_rendering

    an_undo.checkpoint("volume rendering")
    show_volume_rendering(an_engine, a_ct.GetID(), True)
    an_undo.checkpoint("window/level drag")
    set_window_level(an_engine, a_ct.GetID(), 123.0, 45.0)
    scene_data.close_scene(an_engine)
    assert not an_undo.can_undo and not an_undo.can_redo
    # Nothing of the closed scene comes back half-way (a rendering without its transfer functions
    # drew an opaque black block).
    assert an_undo.undo() is False
    assert scene_data.savable_nodes(an_engine) == []
    assert an_engine.scene.GetNodesByClass("vtkMRMLVolumeRenderingDisplayNode").GetNumberOfItems() == 0


def test_volume_rendering_switch_preset_and_crop_round_trip(an_engine, a_ct, an_undo):
    from trame_slicer_app.engine.volume_rendering import volume_rendering as vr

    volume_id = a_ct.GetID()
    an_undo.checkpoint("volume rendering")
    vr.show_volume_rendering(an_engine, volume_id, True)
    first_preset = vr.volume_rendering_state(an_engine, volume_id)["preset"]
    an_undo.checkpoint("volume rendering preset")
    vr.set_vr_preset(an_engine, volume_id, "CT-Muscle")
    an_undo.checkpoint("volume rendering crop")
    vr.set_vr_crop(an_engine, volume_id, True)

    assert an_undo.undo_label == "volume rendering crop"
    assert an_undo.undo() is True
    assert vr.volume_rendering_state(an_engine, volume_id)["crop"] is False
    assert an_undo.undo() is True
    assert vr.volume_rendering_state(an_engine, volume_id)["preset"] == first_preset
    assert an_undo.undo() is True
    assert vr.volume_rendering_state(an_engine, volume_id)["visible"] is False
    assert not an_undo.can_undo
    assert an_undo.redo() is True and an_undo.redo() is True
    state = vr.volume_rendering_state(an_engine, volume_id)
    assert state["visible"] is True and state["preset"] == "CT-Muscle" and state["crop"] is False
