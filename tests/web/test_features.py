"""The web features as one kind of object (docs/decisions/0018), on a real app over the real CT."""

from __future__ import annotations

from dataclasses import fields

import pytest

from trame_slicer_app.app import AppConfig, SlicerWebApp
from trame_slicer_app.web.features import feature_classes
from trame_slicer_app.web.features.feature import Feature


def test_every_feature_is_a_feature_with_a_unique_name():
    classes = feature_classes()
    assert all(issubclass(cls, Feature) for cls in classes)
    names = [cls.name for cls in classes]
    assert len(set(names)) == len(names)
    assert all(name.isidentifier() for name in names)


def test_declared_state_keys_carry_the_feature_name_and_get_their_defaults(an_app_on_the_ct):
    for feature in an_app_on_the_ct.features:
        for key in type(feature).declared_keys():
            assert key.startswith(f"{feature.name}_"), (feature.name, key)
            assert an_app_on_the_ct.state.has(key), key
        if feature.tab_state is not None:
            tab_keys = {f.name for f in fields(feature.tab_state)}
            assert tab_keys <= set(an_app_on_the_ct.state.trame__client_only)
            for f in fields(feature.tab_state):
                assert an_app_on_the_ct.client_state.get(f.name) == getattr(feature.tab_state(), f.name)


def test_handlers_are_wired_by_trame_decorators(an_app_on_the_ct):
    triggers = an_app_on_the_ct.server.controller._triggers
    for name in ("volumes_preset", "slices_fit", "threed_camera", "models_set", "data_rename", "undo_undo",
                 "data_io_save_scene", "data_io_screenshot"):
        assert name in triggers, name


def test_each_drawer_panel_carries_its_stable_hook(an_app_on_the_ct):
    html = an_app_on_the_ct.ui.html
    for feature in an_app_on_the_ct.features:
        if hasattr(feature, "build_panel"):
            assert f'data-feature="{feature.name}"' in html
            assert f"feature-{feature.name}" in html
    assert "panel-VolumesPanel" not in html


def test_a_data_folder_reaches_the_data_feature_through_the_config(tmp_path, a_server, a_session_on_the_ct):
    app = SlicerWebApp(a_server, a_session_on_the_ct, AppConfig(data_dir=tmp_path))
    data_io = next(f for f in app.features if f.name == "data_io")
    assert data_io.data_folder is not None and data_io.data_folder.root == tmp_path.resolve()
    assert app.state.data_io_has_data_dir is True


def test_an_unknown_stream_mode_is_refused():
    with pytest.raises(ValueError, match="stream mode"):
        AppConfig(stream_mode="carrier pigeon")
