"""A Slicer layout description (the XML its layout node holds for each layout) as a grid the page can show.

Slicer describes a layout as nested ``<layout type="horizontal|vertical|tab" split="true">`` elements whose
``<item splitSize="N">`` children hold a nested layout or a ``<view class="..." singletontag="NAME">`` (a
view's layout name: "1", "Red", ...). A split layout sizes its items by their ``splitSize`` (a Qt splitter's
sizes, relative), any other layout equally; a tab layout shows one item at a time (its first here).

Each view then covers a rectangle of the layout; the rectangles' edges cut the layout into a grid whose
columns and rows keep their relative sizes, and each cell is named by the view covering it: a CSS grid with
``grid-template-areas`` places every view where the desktop has it, spanning rows and columns as there.
Cells of anything the page does not show (a table, a chart, a view not served) stay empty ("").
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from xml.etree import ElementTree

MAX_DESCRIPTION_CHARS = 200_000  # Slicer's own layouts are a few kB
MAX_GRID_LINES = 25  # cells per axis: more is no layout a screen shows
_PRECISION = 6  # edges closer than 1e-6 of the layout are one edge


class LayoutDescriptionError(ValueError):
    """A description this reader cannot place on a grid; the page then shows the simpler rows."""


@dataclass(frozen=True)
class LayoutGrid:
    """Rows of view names ("" for an empty cell) and the relative width of each column, height of each row."""

    rows: tuple[tuple[str, ...], ...]
    column_sizes: tuple[float, ...]
    row_sizes: tuple[float, ...]

    @property
    def views(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for row in self.rows for name in row if name))


def grid_of_description(description: str, shown: set[str]) -> LayoutGrid:
    """The grid of ``description`` with the views named in ``shown``; raises LayoutDescriptionError."""
    if not isinstance(description, str) or not description.strip() or len(description) > MAX_DESCRIPTION_CHARS:
        raise LayoutDescriptionError("no layout description, or one too long")
    try:
        root = ElementTree.fromstring(description)
    except ElementTree.ParseError as error:
        raise LayoutDescriptionError(f"not XML: {error}") from None
    if root.tag != "layout":
        raise LayoutDescriptionError(f"a layout description starts with <layout>, not <{root.tag[:40]}>")
    placed: list[tuple[str, tuple[float, float, float, float]]] = []
    _place(root, (0.0, 0.0, 1.0, 1.0), placed, depth=0)
    boxes = {name: box for name, box in placed if name in shown}
    xs = sorted({round(edge, _PRECISION) for _, (x0, _y0, x1, _y1) in placed for edge in (x0, x1)} | {0.0, 1.0})
    ys = sorted({round(edge, _PRECISION) for _, (_x0, y0, _x1, y1) in placed for edge in (y0, y1)} | {0.0, 1.0})
    if len(xs) > MAX_GRID_LINES or len(ys) > MAX_GRID_LINES:
        raise LayoutDescriptionError("too many cells")
    rows = tuple(
        tuple(_covering(boxes, (left + right) / 2, (top + bottom) / 2) for left, right in pairwise(xs))
        for top, bottom in pairwise(ys)
    )
    return LayoutGrid(rows, _sizes(xs), _sizes(ys))


def _sizes(edges: list[float]) -> tuple[float, ...]:
    return tuple(round(b - a, 4) for a, b in pairwise(edges))


def _covering(boxes: dict, x: float, y: float) -> str:
    return next((name for name, (x0, y0, x1, y1) in boxes.items() if x0 <= x <= x1 and y0 <= y <= y1), "")


def _place(element, box, placed: list, depth: int) -> None:
    """Each view of ``element`` with the rectangle (left, top, right, bottom; 0-1) it covers."""
    if depth > 32:
        raise LayoutDescriptionError("layouts nested too deep")
    if element.tag == "view":
        placed.append((element.get("singletontag") or "", box))
    elif element.tag == "item":
        # An item holds one layout or view (a description may wrap it in another item).
        content = next((child for child in element if child.tag in ("layout", "view", "item")), None)
        if content is not None:
            _place(content, box, placed, depth + 1)
    elif element.tag == "layout":
        items = [child for child in element if child.tag == "item"]
        kind = element.get("type", "horizontal")
        if kind == "tab":
            items = items[:1]
        if not items:
            return
        weights = _weights(element, items)
        left, top, right, bottom = box
        start = 0.0
        for item, weight in zip(items, weights, strict=True):
            end = start + weight
            if kind == "vertical":
                part = (left, top + (bottom - top) * start, right, top + (bottom - top) * end)
            else:
                part = (left + (right - left) * start, top, left + (right - left) * end, bottom)
            _place(item, part, placed, depth + 1)
            start = end


def _weights(layout, items: list) -> list[float]:
    """Each item's share: its splitSize in a split layout (all of them positive numbers), else equal shares."""
    if layout.get("split") == "true":
        try:
            sizes = [float(item.get("splitSize", "")) for item in items]
        except ValueError:
            sizes = []
        if sizes and all(0 < size < 1e9 for size in sizes):
            total = sum(sizes)
            return [size / total for size in sizes]
    return [1 / len(items)] * len(items)
