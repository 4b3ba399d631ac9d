"""How the page shows each view (hosts/host.py's ViewLook): the headless app's four views as the page has
always shown them; the state the page lists views from is the host's, whatever a client writes into it."""

from __future__ import annotations

import math

import pytest
from app_state import set_state

from trame_slicer_app.hosts.live_views import css_color

HEADLESS_LOOKS = [
    {"name": "1", "kind": "3d", "title": "3D", "label": "1", "color": "#6a75b5"},
    {"name": "Red", "kind": "slice", "title": "Red", "label": "R", "color": "#f34a33"},
    {"name": "Yellow", "kind": "slice", "title": "Yellow", "label": "Y", "color": "#edd54c"},
    {"name": "Green", "kind": "slice", "title": "Green", "label": "G", "color": "#6eb04b"},
]


def test_the_headless_app_shows_its_four_views_as_before(an_app_on_the_ct):
    assert an_app_on_the_ct.state.view_looks == HEADLESS_LOOKS
    slices = next(f for f in an_app_on_the_ct.features if f.name == "slices")
    assert [look.name for look in slices._slice_views()] == ["Red", "Yellow", "Green"]


@pytest.mark.parametrize("hostile", ["x", None, 7, [{"name": "<b>"}], HEADLESS_LOOKS[:1]])
def test_a_clients_view_looks_are_put_back(an_app_on_the_ct, hostile):
    set_state(an_app_on_the_ct, view_looks=hostile)
    assert an_app_on_the_ct.state.view_looks == HEADLESS_LOOKS


@pytest.mark.parametrize(("rgb", "expected"), [
    ((0.952941, 0.290196, 0.2), "#f34a33"),  # Slicer's red
    ((1.5, -1, 0.5), "#ff0080"),  # clamped
    ((math.nan, 0, 0), None), ((math.inf, 0, 0), None), ((0, 0), None), (None, None), ("abc", None),
])
def test_a_view_nodes_colour_as_css(rgb, expected):
    assert css_color(rgb) == expected
