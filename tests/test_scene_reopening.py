"""A saved scene reopens as it was saved: what each view shows, where the slices are, the 3D camera,
volume rendering, colours and window/level; not "the last volume loaded" (issue 12)."""

from __future__ import annotations

import pytest
from fetch_data import MRI_PATHS

from trame_slicer_app import scene_data
from trame_slicer_app.engine.display import slice_controls, volume_display
from trame_slicer_app.engine.display.scene_tree import show_volume_in_views
from trame_slicer_app.engine.volume_rendering.volume_rendering import show_volume_rendering, volume_rendering_state

RED_OFFSET_MM = 10.5
CAMERA_POSITION = (300.0, 200.0, 100.0)
MM_TOLERANCE = 1e-3


def _by_name(engine, name: str):
    return next(n for n in scene_data.data_nodes(engine) if n.GetName() == name)


def _what_is_shown(engine) -> dict:
    ct = _by_name(engine, "cranium_ct")
    display = volume_display.volume_display_state(engine, ct.GetID())
    backgrounds = {name: view.logic.GetSliceCompositeNode().GetBackgroundVolumeID()
                   for name, view in engine.slice_views.items()}
    return {
        "backgrounds": {name: engine.scene.GetNodeByID(i).GetName() if i else None for name, i in backgrounds.items()},
        "red_offset_mm": round(engine.slice_views["Red"].slice_offset_mm, 3),
        "camera": tuple(round(c, 3) for c in engine.threed_view.camera_node.GetPosition()),
        "window_level": (display["window"], display["level"]),
        "colour": engine.scene.GetNodeByID(display["color_node_id"]).GetName(),
        "rendering": {k: volume_rendering_state(engine, ct.GetID())[k] for k in ("visible", "preset")},
    }


@pytest.fixture
def a_saved_scene(a_ct_path, tmp_path):
    """The CT shown with CT-bone window, Iron colours, Red at 10.5 mm, volume rendering on and the
    camera moved; an MRI loaded after it. Returns the engine, the bundle and what was shown."""
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    ct_id = scene_data.open_paths(engine, [a_ct_path])[0]["node_id"]
    scene_data.open_paths(engine, [MRI_PATHS["ch2.nii.gz"]])
    show_volume_in_views(engine, ct_id)
    volume_display.apply_window_level_preset(engine, ct_id, "CT bone")
    iron = next(c["id"] for c in volume_display.color_maps(engine) if c["name"] == "Iron")
    volume_display.set_color_map(engine, ct_id, iron)
    slice_controls.set_slice_offset(engine, "Red", RED_OFFSET_MM)
    show_volume_rendering(engine, ct_id, True)
    engine.threed_view.camera_node.SetPosition(*CAMERA_POSITION)
    shown = _what_is_shown(engine)
    assert shown["backgrounds"] == {"Red": "cranium_ct", "Yellow": "cranium_ct", "Green": "cranium_ct"}
    return engine, scene_data.save_scene(engine, tmp_path / "head.mrb"), shown


def test_a_closed_scene_reopens_showing_what_it_showed_when_saved(a_saved_scene):
    engine, bundle, shown = a_saved_scene
    scene_data.close_scene(engine)
    # Somewhere else entirely, so that only the file can put the views back.
    slice_controls.set_slice_offset(engine, "Red", 0.0)
    engine.threed_view.camera_node.SetPosition(0.0, -500.0, 0.0)

    scene_data.open_paths(engine, [bundle])

    assert _what_is_shown(engine) == shown
    assert engine.app_logic.GetSelectionNode().GetActiveVolumeID() == _by_name(engine, "cranium_ct").GetID()


def test_a_volume_opened_with_a_scene_is_the_one_shown(a_saved_scene, a_ct_path):
    engine, bundle, _shown = a_saved_scene
    scene_data.close_scene(engine)
    loaded = scene_data.open_paths(engine, [bundle, MRI_PATHS["ch2better.nii.gz"]])
    added = next(item["node_id"] for item in loaded if item["name"] == "ch2better")
    assert {v.logic.GetSliceCompositeNode().GetBackgroundVolumeID() for v in engine.slice_views.values()} == {added}


def test_the_3d_view_reopens_as_it_looked(a_saved_scene):
    """The 3D box and its labels are fitted to the scene's content, not left where the empty scene had
    them, and the camera stays where the scene put it: the picture is the one saved."""
    import numpy as np

    engine, bundle, _shown = a_saved_scene
    view = engine.threed_view
    view.resize(240, 180)
    saved_picture = view.capture().astype(int)
    scene_data.close_scene(engine)
    view.capture()
    scene_data.open_paths(engine, [bundle])
    reopened = view.capture().astype(int)
    assert np.abs(reopened - saved_picture).mean() < 0.5, np.abs(reopened - saved_picture).mean()
