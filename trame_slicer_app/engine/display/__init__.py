"""How the scene's data is shown and controlled: volume display (window/level and its presets and
scale, slice layers), slice controls, model display, the data probe, camera presets, the 3D view's
decorations, and the data tree (``scene_tree``: visibility, rename, delete, "show in views")."""

__all__ = [
    "camera_presets",
    "data_probe",
    "model_display",
    "scene_tree",
    "slice_controls",
    "view_decorations",
    "volume_display",
    "window_level_presets",
    "window_level_scale",
]
