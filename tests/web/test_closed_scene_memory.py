"""A closed scene's data leaves memory: nothing the app keeps (undo's view of the scene, the panels' lists,
the slice views' pipelines) holds on to a closed volume's voxels."""

from __future__ import annotations

import gc

import pytest

from trame_slicer_app import scene_data


@pytest.fixture
def an_app_with_the_ct(a_server, a_ct_path):
    from trame_slicer_app.app import SlicerWebApp
    from trame_slicer_app.scene_session import SceneSession

    session = SceneSession()
    session.open_volumes([a_ct_path])
    app = SlicerWebApp(a_server, session)
    app.state.ready()
    yield app
    session.close()


def test_a_closed_volumes_image_is_freed(an_app_with_the_ct):
    app = an_app_with_the_ct
    engine = app.session.engine
    for view in engine.views.values():
        view.resize(200, 200)
        view.render()
    volume_id = engine.app_logic.GetSelectionNode().GetActiveVolumeID()
    image = engine.scene.GetNodeByID(volume_id).GetImageData()
    for _ in range(3):  # the panels and the undo buttons read the scene at each poll
        app.binding.poll()

    scene_data.close_scene(engine)
    for view in engine.views.values():
        view.render()
    gc.collect()
    assert image.GetReferenceCount() == 1, "something still holds the closed CT's voxels"
