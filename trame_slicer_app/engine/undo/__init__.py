"""Undo and redo as one stack (``scene_undo``): scene snapshots taken before an edit
(``scene_snapshot``) and commands recorded after one (``undo_commands``), voxel edits among them
(``voxel_edit``: only the changed sub-box of each changed mask)."""

__all__ = [
    "scene_snapshot",
    "scene_undo",
    "undo_commands",
    "voxel_edit",
]
