"""The 3D panel's state keys drive MRML, and hostile values change nothing (in-process, real CT)."""

from __future__ import annotations

import pytest
from app_state import set_state
from event_loops import run_coroutine

from trame_slicer_app.engine.display import camera_presets, view_decorations
from trame_slicer_app.engine.volume_rendering import volume_rendering as vr

HOSTILE = ["CT-Everything", None, 3, float("nan"), [1], {"a": 1}, "x" * 10_000]


@pytest.fixture(scope="module", autouse=True)
def a_small_3d_view(an_app_on_the_ct):
    an_app_on_the_ct.session.engine.threed_view.resize(120, 100)  # renders stay cheap



def vr_state(app) -> dict:
    return vr.volume_rendering_state(app.session.engine, app.state.threed_vr_volume)


def test_volume_rendering_keys_set_mrml(an_app_on_the_ct):
    app = an_app_on_the_ct
    assert app.state.threed_vr_visible is False and app.state.threed_vr_preset == "CT-Bone"
    set_state(app, threed_vr_visible=True)
    set_state(app, threed_vr_preset="MR-Default")
    set_state(app, threed_vr_shift=250.0)
    set_state(app, threed_vr_crop=True)
    assert {k: vr_state(app)[k] for k in ("visible", "preset", "shift", "crop")} == {
        "visible": True, "preset": "MR-Default", "shift": 250.0, "crop": True}
    assert app.state.threed_vr_method == vr.rendering_method(app.session.engine)


@pytest.mark.parametrize("key", ["threed_vr_visible", "threed_vr_preset", "threed_vr_shift", "threed_vr_crop",
                                 "threed_background", "threed_orientation_marker", "threed_ruler",
                                 "threed_view"])
def test_hostile_values_are_ignored_and_the_key_comes_back(an_app_on_the_ct, key):
    app = an_app_on_the_ct
    before_vr = vr_state(app)
    before_view = view_decorations.view_decorations_state(app.session.engine)
    good = app.state[key]
    for junk in HOSTILE:
        if key == "threed_vr_shift" and isinstance(junk, int):
            continue  # a number is a fine shift
        set_state(app, **{key: junk})
        assert app.state[key] == good
    assert vr_state(app) == before_vr
    assert view_decorations.view_decorations_state(app.session.engine) == before_view


def test_decoration_keys_and_camera_trigger(an_app_on_the_ct):
    app = an_app_on_the_ct
    set_state(app, threed_background="black", threed_orientation_marker="cube", threed_ruler="thin")
    assert view_decorations.view_decorations_state(app.session.engine) == {
        "background": "black", "orientation_marker": "cube", "ruler": "thin", "orthographic": True}
    feature = next(f for f in app.features if type(f).__name__ == "ThreeDPanel")
    feature.look_from("S")
    state = camera_presets.camera_state(app.session.engine)
    assert state["position"][2] > state["focal_point"][2] + 100
    feature.look_from("sideways")  # refused with a warning: the camera stays
    assert camera_presets.camera_state(app.session.engine) == state


def test_moving_the_shift_slider_renders_interactively_then_at_full_quality(an_app_on_the_ct):
    import asyncio

    from trame_slicer_app.engine.volume_rendering.quality import interactive_quality
    from trame_slicer_app.web.features.threed_panel import SHIFT_SETTLE_S

    app = an_app_on_the_ct
    set_state(app, threed_vr_visible=True)
    feature = next(f for f in app.features if type(f).__name__ == "ThreeDPanel")
    controller = interactive_quality(app.session.engine.threed_view)

    async def slide():
        for shift in (10.0, 20.0, 30.0):
            feature._set_shift(shift)
            assert controller.forced_interacting
            await asyncio.sleep(SHIFT_SETTLE_S / 3)
        app.session.engine.threed_view.dirty = False
        await asyncio.sleep(SHIFT_SETTLE_S + 0.1)

    run_coroutine(slide())
    assert not controller.forced_interacting
    assert app.session.engine.threed_view.dirty  # the full-quality frame is asked for
    assert vr_state(app)["shift"] == 30.0
