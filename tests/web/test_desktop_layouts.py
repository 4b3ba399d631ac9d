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
