"""The engine itself: the MRML scene with Slicer's logics (``slicer_engine.SlicerEngine``), a scene
without views for the sandboxed reader (``headless_scene``), node lookup and the argument checks shared
by every control (``node_lookup``), what changed in the scene (``scene_changes``), the view layout
(``scene_layout``) and which nodes are data, of what kind (``data_kinds``)."""

__all__ = [
    "data_kinds",
    "headless_scene",
    "node_lookup",
    "scene_changes",
    "scene_layout",
    "slicer_engine",
]
