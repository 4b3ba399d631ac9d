"""Driving an in-process app as its browser would: state changes and its features by name."""

from __future__ import annotations


def set_state(app, **values) -> None:
    """As the browser sends them: one state change, the change handlers run when the block ends."""
    with app.state:
        app.state.update(values)


def feature(app, name: str):
    """One of the app's features by its stable name (``Feature.name``: "data", "undo", ...)."""
    return {f.name: f for f in app.features}[name]
