"""Slicer's engine (MRML scene, logics, views) over slicer-core; no trame here.

One subpackage per concern, each a layer that imports only the layers below it (high to low: undo,
volume_rendering, display, io, scene, views; docs/decisions/0017-engine-layout.md). The package
``__init__`` modules import nothing, so that ``python -m`` entry points below stay light."""
