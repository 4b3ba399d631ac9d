"""Undo and redo of scene edits (``scene_undo``) over snapshots of the scene (``scene_snapshot``)."""

__all__ = [
    "scene_snapshot",
    "scene_undo",
]
