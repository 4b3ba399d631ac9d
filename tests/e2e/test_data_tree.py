"""The Data panel's tree in a real Chromium: groups by kind, a segmentation's segments, collapsing
a group, and a row's eye button, on the real CT and a label map made from it."""

from __future__ import annotations

import pytest
from conftest import RunningApp
from made_data import ct_label_map, probability_map

from e2e.views import open_feature_panel, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}
UI_TIMEOUT_MS = 10_000
# Longer than the drawer is wide.
MAP_NAME = "brain_map_of_the_mri_template_scaled_from_0_to_1_as_a_probability_map"


@pytest.fixture(scope="module")
def the_app_on_the_ct_and_labels(a_ct_path, tmp_path_factory):
    labels = tmp_path_factory.mktemp("labels") / "head_label.nrrd"
    ct_label_map(a_ct_path, labels)
    app = RunningApp("--data", str(a_ct_path), str(labels))
    yield app
    app.stop()


@pytest.fixture
def a_page_with_the_data_panel(a_browser, the_app_on_the_ct_and_labels):
    page = a_browser.new_page(viewport=VIEWPORT)
    page.goto(the_app_on_the_ct_and_labels.url)
    wait_for_views(page, names=("Red",))
    open_feature_panel(page, "data")
    page.locator(".data-node").first.wait_for(timeout=UI_TIMEOUT_MS)
    yield page
    page.close()


def test_the_tree_groups_nodes_and_lists_segments(a_page_with_the_data_panel):
    page = a_page_with_the_data_panel
    titles = page.locator(".data-group-title").all_inner_texts()
    assert [t.strip() for t in titles] == ["Volumes (1)", "Segmentations (1)"]
    assert page.locator(".data-group-volume .data-node").inner_text().strip() == "cranium_ct"
    segmentation = page.locator(".data-group-segmentation .data-node")
    assert "head_label" in segmentation.inner_text() and "2 segments" in segmentation.inner_text()
    segments = page.locator(".data-group-segmentation .data-segment")
    assert [t.strip() for t in segments.all_inner_texts()] == ["Label_1", "Label_2"]


def test_a_group_collapses_and_a_row_hides_its_data(a_page_with_the_data_panel):
    page = a_page_with_the_data_panel
    page.locator(".data-group-segmentation .data-group-title").click()
    page.locator(".data-group-segmentation .data-node").wait_for(state="hidden", timeout=UI_TIMEOUT_MS)
    assert page.locator(".data-group-volume .data-node").is_visible()
    page.locator(".data-group-segmentation .data-group-title").click()
    eye = page.locator(".data-group-segmentation .data-visible")
    eye.wait_for(timeout=UI_TIMEOUT_MS)
    assert eye.locator(".mdi-eye").count() == 1
    eye.click()
    eye.locator(".mdi-eye-off").wait_for(timeout=UI_TIMEOUT_MS)
    eye.click()  # back as it was, for the other tests
    eye.locator(".mdi-eye").wait_for(timeout=UI_TIMEOUT_MS)


@pytest.fixture(scope="module")
def the_app_on_a_map_and_the_mri(an_mri_path, tmp_path_factory):
    """Two volumes on one grid (a 0-1 map made from the MRI); the MRI, loaded last, is shown."""
    the_map = probability_map(an_mri_path, tmp_path_factory.mktemp("map") / f"{MAP_NAME}.nii.gz")
    app = RunningApp("--data", str(the_map), str(an_mri_path))
    yield app
    app.stop()


def tree_entries(page) -> dict[str, dict]:
    return {n["name"]: n for n in page.evaluate("window.trame.state.get('data_nodes')")}


def test_a_volume_eye_draws_or_hides_it_and_never_picks_the_shown_volume(a_browser, the_app_on_a_map_and_the_mri):
    page = a_browser.new_page(viewport=VIEWPORT)
    page.goto(the_app_on_a_map_and_the_mri.url)
    wait_for_views(page, names=("Red",))
    open_feature_panel(page, "data")
    rows = page.locator(".data-group-volume .data-node")
    rows.nth(1).wait_for(timeout=UI_TIMEOUT_MS)
    map_row, mri_row = rows.filter(has_text="brain_map"), rows.filter(has_text="ch2")
    assert map_row.locator(".data-visible .mdi-eye-off").count() == 1
    assert map_row.locator(".data-visible .mdi-eye").count() == 0
    map_row.locator(".data-visible").click()
    map_row.locator(".data-visible .mdi-eye").wait_for(timeout=UI_TIMEOUT_MS)
    entries = tree_entries(page)
    assert entries["ch2"]["shown"] and not entries[MAP_NAME]["shown"]  # the shown volume stays
    assert "text-primary" in mri_row.locator(".data-show").get_attribute("class")
    mri_row.locator(".data-visible").click()  # hide the shown volume: the other one fills the views
    mri_row.locator(".data-visible .mdi-eye-off").wait_for(timeout=UI_TIMEOUT_MS)
    wait_for_views(page, names=("Red", "Yellow", "Green"), timeout_s=10)
    assert tree_entries(page)[MAP_NAME]["shown"]
    page.close()


def test_a_long_name_cut_off_in_the_tree_shows_whole_in_a_tooltip(a_browser, the_app_on_a_map_and_the_mri):
    page = a_browser.new_page(viewport=VIEWPORT)
    page.goto(the_app_on_a_map_and_the_mri.url)
    wait_for_views(page, names=("Red",))
    open_feature_panel(page, "data")
    name = page.locator(".data-group-volume .data-node .data-node-name", has_text="brain_map")
    name.wait_for(timeout=UI_TIMEOUT_MS)
    assert name.evaluate("e => e.scrollWidth > e.clientWidth"), "the name is not cut off: no test"
    assert name.get_attribute("title") == MAP_NAME
    page.close()
