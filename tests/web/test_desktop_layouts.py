"""A live desktop's layout as the page shows it (layouts.py): one of this viewer's own when its number and
views match, else the desktop's rows as they are; a desktop showing no view gives an empty grid."""

from __future__ import annotations

from trame_slicer_app.hosts.host import DesktopLayout
from trame_slicer_app.layouts import DESKTOP_LAYOUT, LAYOUTS, layout_of_desktop


def test_a_desktop_in_a_layout_this_viewer_has_is_shown_in_it():
    four_up = DesktopLayout(3, (("1", "Red"), ("Yellow", "Green")))
    assert layout_of_desktop(four_up.rows, four_up.arrangement) is LAYOUTS["four_up"]


def test_a_custom_desktop_layout_is_shown_as_its_rows():
    rows = (("1", "1", "2", "2"), ("Red", "Yellow", "Green", "Slice4"))
    layout = layout_of_desktop(rows, 501)
    assert layout.name == DESKTOP_LAYOUT
    assert layout.views == ("1", "2", "Red", "Yellow", "Green", "Slice4")
    grid = layout.css_grid()
    assert grid["gridTemplateAreas"] == '"v1 v1 v2 v2" "vRed vYellow vGreen vSlice4"'
    assert grid["gridTemplateColumns"] == "repeat(4, minmax(0, 1fr))"
    # Slicer's number with other views than this viewer's layout of that number: the desktop's rows win.
    assert layout_of_desktop((("1", "2"),), 4).name == DESKTOP_LAYOUT


def test_a_desktop_showing_no_view_gives_an_empty_grid():
    layout = layout_of_desktop((), 600)
    assert layout.views == ()
    assert layout.css_grid()["gridTemplateAreas"] == "none"


def test_a_desktop_layout_keeps_its_spans_sizes_and_empty_cells():
    """The geometry a layout description gives (hosts/layout_description.py): a view spanning rows, columns of
    unequal widths, a cell no served view fills (a table on the desktop) left empty."""
    rows = (("1", "2", "2"), ("1", "Red", ""))
    layout = layout_of_desktop(rows, 502, (0.6, 0.2, 0.2), (0.5, 0.5))
    assert layout.views == ("1", "2", "Red")
    grid = layout.css_grid()
    assert grid["gridTemplateAreas"] == '"v1 v2 v2" "v1 vRed ."'
    assert grid["gridTemplateColumns"] == "minmax(0, 0.6fr) minmax(0, 0.2fr) minmax(0, 0.2fr)"
    assert grid["gridTemplateRows"] == "minmax(0, 0.5fr) minmax(0, 0.5fr)"
    # Sizes that do not fit the grid (a count that differs, a size that is no positive number): equal tracks.
    assert layout_of_desktop(rows, 502, (1.0,), (0.0, 1.0)).css_grid()["gridTemplateColumns"] == \
        "repeat(3, minmax(0, 1fr))"
    assert layout_of_desktop(rows, 502, (1.0,), (0.0, 1.0)).css_grid()["gridTemplateRows"] == \
        "repeat(2, minmax(0, 1fr))"
