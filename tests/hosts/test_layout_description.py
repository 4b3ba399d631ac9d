"""Slicer's layout descriptions (the XML its layout node holds) placed on the page's grid: Slicer's own layouts,
read from slicer-core's layout logic, and a SlicerCAT's; descriptions this reader cannot place are refused."""

from __future__ import annotations

import pytest

from trame_slicer_app.hosts.layout_description import LayoutDescriptionError, grid_of_description

SLICER_VIEWS = {"1", "2", "Red", "Yellow", "Green"}


@pytest.fixture(scope="module")
def slicer_descriptions():
    """Slicer's own layout descriptions, by layout number, from a layout logic over a scratch scene."""
    from slicer import vtkMRMLLayoutLogic, vtkMRMLScene

    scene, logic = vtkMRMLScene(), vtkMRMLLayoutLogic()
    logic.SetMRMLScene(scene)
    node = logic.GetLayoutNode()
    descriptions = {number: node.GetLayoutDescription(number) for number in range(1, 40)}
    logic.SetMRMLScene(None)
    return {number: text for number, text in descriptions.items() if text}


def test_slicer_four_up_is_two_rows_of_two(slicer_descriptions):
    grid = grid_of_description(slicer_descriptions[3], SLICER_VIEWS)
    assert len(grid.rows) == 2 and all(len(row) == 2 for row in grid.rows)
    assert set(grid.views) == {"1", "Red", "Yellow", "Green"}
    assert grid.column_sizes == grid.row_sizes == (0.5, 0.5)


def test_slicer_conventional_has_the_3d_view_across_the_slice_views(slicer_descriptions):
    grid = grid_of_description(slicer_descriptions[2], SLICER_VIEWS)
    assert grid.rows[0] == ("1", "1", "1")
    assert set(grid.rows[1]) == {"Red", "Yellow", "Green"}


def test_slicer_side_by_side_layout_keeps_its_split_sizes(slicer_descriptions):
    """Slicer's "Conventional Widescreen" (16): the 3D view spans three rows on the left, at its split size."""
    grid = grid_of_description(slicer_descriptions[16], SLICER_VIEWS)
    assert [row[0] for row in grid.rows] == ["1", "1", "1"]
    assert {row[1] for row in grid.rows} == {"Red", "Yellow", "Green"}
    assert grid.column_sizes[0] > grid.column_sizes[1]
    assert sum(grid.column_sizes) == pytest.approx(1.0, abs=1e-3)


def test_every_slicer_layout_is_placed(slicer_descriptions):
    """Each view of each of Slicer's layouts covers a rectangle of whole cells (what a CSS grid area must be)."""
    for number, description in slicer_descriptions.items():
        grid = grid_of_description(description, SLICER_VIEWS)
        for name in grid.views:
            cells = [(r, c) for r, row in enumerate(grid.rows) for c, cell in enumerate(row) if cell == name]
            rows = {r for r, _ in cells}
            columns = {c for _, c in cells}
            assert len(cells) == len(rows) * len(columns), (number, name, grid.rows)
            assert max(rows) - min(rows) + 1 == len(rows) and max(columns) - min(columns) + 1 == len(columns)


def test_a_view_not_shown_leaves_its_cells_empty():
    description = ('<layout type="horizontal"><item><view class="vtkMRMLViewNode" singletontag="1"/></item>'
                   '<item><view class="vtkMRMLTableViewNode" singletontag="TableView1"/></item></layout>')
    assert grid_of_description(description, {"1"}).rows == (("1", ""),)


@pytest.mark.parametrize("description", [
    "", "not xml", "<view/>", "<layout" * 3, None, 7, "<layout>" + "x" * 300_000 + "</layout>",
    "<layout>" + "<item><layout>" * 40 + "</layout></item>" * 40 + "</layout>",
    '<layout type="horizontal">' + '<item><view singletontag="a"/></item>' * 40 + "</layout>",
])
def test_descriptions_it_cannot_place_are_refused(description):
    with pytest.raises(LayoutDescriptionError):
        grid_of_description(description, {"a"})
