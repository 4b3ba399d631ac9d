"""Driving an in-process app as its browser would: state changes and its features by name."""

from __future__ import annotations

import contextlib


def set_state(app, **values) -> None:
    """As the browser sends them: one state change, the change handlers run when the block ends."""
    with app.state:
        app.state.update(values)


def feature(app, name: str):
    """One of the app's features by its stable name (``Feature.name``: "data", "undo", ...)."""
    return {f.name: f for f in app.features}[name]


@contextlib.contextmanager
def an_app_with_a_segment(server, volume_path):
    """An in-process app on ``volume_path`` whose Segment Editor made a segmentation with one segment:
    (app, session, the Segment Editor panel); closed afterwards."""
    from trame_slicer_app.app import SlicerWebApp
    from trame_slicer_app.scene_session import SceneSession

    session = SceneSession()
    session.open_volumes([volume_path])
    app = SlicerWebApp(server, session)
    app.state.ready()
    try:
        panel = feature(app, "seg")
        panel.triggers["seg_create"]()
        panel.triggers["seg_add"]()
        yield app, session, panel
    finally:
        app.close()
        session.close()
