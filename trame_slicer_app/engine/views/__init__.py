"""The views: VTK render windows drawn off screen and read back as pixels (``view.SlicerView``,
``slice_view.SliceView``, ``threed_view.ThreeDView``, ``offscreen``) and the mouse and keys sent to them
(``view_input``). The lowest layer: nothing here knows the scene's engine."""

__all__ = [
    "offscreen",
    "slice_view",
    "threed_view",
    "view",
    "view_input",
]
