"""Slicer's view layouts as grids of view names; no VTK, no trame.

Each layout is a list of rows, each row a list of cells; a name repeated in
neighbouring cells spans them (as CSS grid-template-areas does).
"""

from __future__ import annotations

from dataclasses import dataclass

# The view names (view_names.py), also taken from here by the web layer.
from .hosts.host import ViewLook
from .view_names import ALL_VIEWS, GREEN, RED, SLICE_VIEWS, THREED, YELLOW  # noqa: F401

VIEW_TITLES = {THREED: "3D", RED: "Red", YELLOW: "Yellow", GREEN: "Green"}  # as the user reads them
# The headless app's looks of its four views (a live host reads its desktop's own from the view nodes).
VIEW_COLORS = {THREED: "#6a75b5", RED: "#f34a33", YELLOW: "#edd54c", GREEN: "#6eb04b"}
VIEW_LABELS = {THREED: "1", RED: "R", YELLOW: "Y", GREEN: "G"}  # Slicer's short labels
OTHER_VIEW_COLOR = "#9e9e9e"  # a view with no colour of its own


def standard_view_look(name: str, kind: str) -> ViewLook:
    """The look of one of the headless app's views (any other name gets its name and a neutral grey)."""
    return ViewLook(name, kind, VIEW_TITLES.get(name, name), VIEW_LABELS.get(name, name),
                    VIEW_COLORS.get(name, OTHER_VIEW_COLOR))


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    icon: str
    rows: tuple[tuple[str, ...], ...]
    # Slicer's number for the same layout (vtkMRMLLayoutNode's ViewArrangement): how a scene stores it.
    slicer_arrangement: int
    # A desktop's layout keeps its columns' and rows' relative sizes (Slicer's split sizes); empty: equal.
    column_sizes: tuple[float, ...] = ()
    row_sizes: tuple[float, ...] = ()

    @property
    def views(self) -> tuple[str, ...]:
        seen: list[str] = []
        for row in self.rows:
            for cell in row:
                if cell and cell not in seen:  # "": a cell no view fills (a desktop's table, say)
                    seen.append(cell)
        return tuple(seen)

    def css_grid(self) -> dict[str, str]:
        """The CSS grid that places each view where Slicer places it."""
        areas = " ".join('"' + " ".join(_area(cell) for cell in row) + '"' for row in self.rows)
        # A desktop's layout may show no 3D or slice view at all (a table alone): an empty grid.
        columns, rows = (len(self.rows[0]), len(self.rows)) if self.rows else (1, 1)
        return {
            "gridTemplateAreas": areas or "none",
            "gridTemplateColumns": _tracks(columns, self.column_sizes),
            "gridTemplateRows": _tracks(rows, self.row_sizes),
        }


def _tracks(count: int, sizes: tuple[float, ...]) -> str:
    if len(sizes) == count and all(0 < size < 1e6 for size in sizes):
        return " ".join(f"minmax(0, {size:.4g}fr)" for size in sizes)
    return f"repeat({count}, minmax(0, 1fr))"


def _area(view_name: str) -> str:
    return f"v{view_name}" if view_name else "."  # CSS's empty cell


def grid_area(view_name: str) -> str:
    return _area(view_name)


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("conventional", "Conventional", "mdi-view-compact-outline",
               ((THREED, THREED, THREED), (RED, YELLOW, GREEN)), 2),
        Layout("four_up", "Four-Up", "mdi-view-grid-outline", ((RED, THREED), (YELLOW, GREEN)), 3),
        Layout("one_up_red", "Red slice only", "mdi-alpha-r-box-outline", ((RED,),), 6),
        Layout("one_up_yellow", "Yellow slice only", "mdi-alpha-y-box-outline", ((YELLOW,),), 7),
        Layout("one_up_green", "Green slice only", "mdi-alpha-g-box-outline", ((GREEN,),), 8),
        Layout("one_up_3d", "3D only", "mdi-cube-outline", ((THREED,),), 4),
    )
}
DEFAULT_LAYOUT = "conventional"


# A live host's desktop (hosts/) may show a layout of its own, with views beyond these four: the
# browser then shows it under this name (it has no button; the buttons set the desktop's layout).
DESKTOP_LAYOUT = "desktop"


def desktop_layout(rows: tuple[tuple[str, ...], ...], arrangement: int, column_sizes: tuple[float, ...] = (),
                   row_sizes: tuple[float, ...] = ()) -> Layout:
    """The layout a desktop shows, as rows of view names ("" an empty cell) and, when known, the relative
    sizes of its columns and rows, for the browser to follow."""
    return Layout(DESKTOP_LAYOUT, "The desktop's layout", "mdi-monitor", rows, arrangement, tuple(column_sizes),
                  tuple(row_sizes))


def layout_of_desktop(rows: tuple[tuple[str, ...], ...], arrangement: int, column_sizes: tuple[float, ...] = (),
                      row_sizes: tuple[float, ...] = ()) -> Layout:
    """This viewer's own layout for what a desktop shows, when it has one with the same views and number;
    else the desktop's own."""
    known = LAYOUTS.get(layout_of_arrangement(arrangement) or "")
    shown = {name for row in rows for name in row if name}
    if known is not None and set(known.views) == shown:
        return known
    return desktop_layout(rows, arrangement, column_sizes, row_sizes)


def layout_of_arrangement(arrangement: int) -> str | None:
    """The name of the layout Slicer numbers ``arrangement``; None for one this viewer does not have."""
    return next((layout.name for layout in LAYOUTS.values() if layout.slicer_arrangement == arrangement), None)
