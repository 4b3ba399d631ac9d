"""Slicer's view layouts as grids of view names; no VTK, no trame.

Each layout is a list of rows, each row a list of cells; a name repeated in
neighbouring cells spans them (as CSS grid-template-areas does).
"""

from __future__ import annotations

from dataclasses import dataclass

THREED = "1"
RED, YELLOW, GREEN = "Red", "Yellow", "Green"
ALL_VIEWS = (THREED, RED, YELLOW, GREEN)


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    icon: str
    rows: tuple[tuple[str, ...], ...]

    @property
    def views(self) -> tuple[str, ...]:
        seen: list[str] = []
        for row in self.rows:
            for cell in row:
                if cell not in seen:
                    seen.append(cell)
        return tuple(seen)

    def css_grid(self) -> dict[str, str]:
        """The CSS grid that places each view where Slicer places it."""
        areas = " ".join('"' + " ".join(_area(cell) for cell in row) + '"' for row in self.rows)
        return {
            "gridTemplateAreas": areas,
            "gridTemplateColumns": f"repeat({len(self.rows[0])}, minmax(0, 1fr))",
            "gridTemplateRows": f"repeat({len(self.rows)}, minmax(0, 1fr))",
        }


def _area(view_name: str) -> str:
    return f"v{view_name}"


def grid_area(view_name: str) -> str:
    return _area(view_name)


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("conventional", "Conventional", "mdi-view-compact-outline",
               ((THREED, THREED, THREED), (RED, YELLOW, GREEN))),
        Layout("four_up", "Four-Up", "mdi-view-grid-outline", ((RED, THREED), (YELLOW, GREEN))),
        Layout("one_up_red", "Red slice only", "mdi-alpha-r-box-outline", ((RED,),)),
        Layout("one_up_yellow", "Yellow slice only", "mdi-alpha-y-box-outline", ((YELLOW,),)),
        Layout("one_up_green", "Green slice only", "mdi-alpha-g-box-outline", ((GREEN,),)),
        Layout("one_up_3d", "3D only", "mdi-cube-outline", ((THREED,),)),
    )
}
DEFAULT_LAYOUT = "conventional"
