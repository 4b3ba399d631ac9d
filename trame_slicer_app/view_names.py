"""The views' names, defined once: Slicer's own (its first 3D view is "1", the slice views Red, Yellow
and Green). Imports nothing, so that the engine, the hosts, the web layer and the tests all take them
from here."""

THREED = "1"
RED, YELLOW, GREEN = "Red", "Yellow", "Green"
SLICE_VIEWS = (RED, YELLOW, GREEN)
ALL_VIEWS = (THREED, *SLICE_VIEWS)
