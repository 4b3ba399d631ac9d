"""Slicer's engine (MRML scene, logics, views) over slicer-core; no trame here.

One subpackage per concern, each a layer that imports only the layers below it (high to low:
segment_editor, undo, markups, volume_rendering, display, io, scene, views;
docs/decisions/0017-engine-layout.md). The package ``__init__`` modules import nothing else, so that
``python -m`` entry points below stay light."""

import os

# ITK's default thread pool keeps worker threads alive for the life of the process; the segment
# editor's ITK filters (fill between slices, margin, islands, ...) left one working in ITK's code while
# the interpreter exited, which crashed every process that had used them (exit code 139 after all tests
# had passed). ITK's platform threader starts and joins its threads within each filter run instead.
# A value set by the deployment (or by Slicer itself) is kept.
os.environ.setdefault("ITK_GLOBAL_DEFAULT_THREADER", "Platform")
