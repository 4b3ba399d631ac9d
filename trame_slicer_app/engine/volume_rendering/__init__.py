"""Volume rendering in the 3D view (``volume_rendering``), Slicer's presets (``presets``, read from
``volume_rendering_share/presets.xml``) and the quality while the view moves (``quality``)."""

__all__ = [
    "presets",
    "quality",
    "volume_rendering",
]
