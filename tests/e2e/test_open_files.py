"""Files in and out through a real Chromium: drop the real CT on a view, open a corrupt file,
download the scene and screenshots."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import RunningApp
from PIL import Image

from e2e.views import state, view_pixels, wait_for_state, wait_for_views

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 900}
LOAD_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def the_app_with_a_data_folder(a_ct_path):
    app = RunningApp("--data-dir", str(a_ct_path.parent))
    yield app
    app.stop()


@pytest.fixture
def a_page(a_browser, the_app_with_a_data_folder):
    page = a_browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    page.goto(the_app_with_a_data_folder.url)
    wait_for_views(page)
    yield page
    page.close()


def a_data_transfer(page, path):
    """A DataTransfer holding the file at ``path``, as a drag from the desktop would."""
    page.evaluate("""() => { const i = document.createElement('input');
        i.type = 'file'; i.id = 'test-drop-source'; i.style.display = 'none'; document.body.appendChild(i); }""")
    page.set_input_files("#test-drop-source", str(path))
    return page.evaluate_handle("""() => { const dt = new DataTransfer();
        for (const f of document.getElementById('test-drop-source').files) dt.items.add(f);
        document.getElementById('test-drop-source').remove(); return dt; }""")


def test_dropping_the_ct_on_a_view_uploads_it_with_progress_and_shows_it(a_page, a_ct_path, artifacts):
    before = state(a_page, "mrml_readout")
    image_before = view_pixels(a_page, "Red")
    transfer = a_data_transfer(a_page, a_ct_path)
    dropped_at = time.monotonic()
    a_page.dispatch_event(".slicer-view-Red", "drop", {"dataTransfer": transfer})
    a_page.wait_for_selector(".data-io-progress", timeout=10_000)
    notice = wait_for_state(a_page, "data_io_notice", lambda v: v and v.startswith("Loaded"), LOAD_TIMEOUT_S)
    upload = a_page.evaluate("window.__slicerLastUpload")
    assert upload["bytes"] == a_ct_path.stat().st_size
    upload["drop_to_loaded_s"] = round(time.monotonic() - dropped_at, 2)  # within the 0.1 s polling
    (artifacts / "upload-ct.json").write_text(json.dumps(upload))
    assert "cranium_ct" in notice  # the user's file name, not the generated one
    after = wait_for_state(a_page, "mrml_readout", lambda r: r["window"] != before["window"], 10)
    assert after["window"] > 0
    a_page.wait_for_selector(".data-io-progress", state="detached", timeout=10_000)
    time.sleep(1.0)  # let the still frame arrive
    image_after = view_pixels(a_page, "Red")
    assert np.abs(image_after - image_before).mean() > 5, "the Red view did not change to the CT"
    assert not state(a_page, "data_io_error_show")


def test_a_dropped_folder_is_walked_into_its_files(a_page):
    # Chromium cannot synthesise a folder drop, so the page's walk gets FileSystemEntry-shaped objects.
    names = a_page.evaluate("""async () => {
      const file = (name) => ({ isFile: true, isDirectory: false, name, file: (ok) => ok(new File(['x'], name)) });
      const dir = (name, children) => ({ isFile: false, isDirectory: true, name, createReader() {
        let done = false; return { readEntries(ok) { ok(done ? [] : children); done = true; } }; } });
      const tree = dir('study', [file('IM1'), dir('series2', [file('IM2'), file('IM3')])]);
      const found = await window.__slicerUpload.filesOf({ items: [{ webkitGetAsEntry: () => tree }], files: [] });
      return found.map((f) => f.name + ':' + f.file.size);
    }""")
    assert names == ["study/IM1:1", "study/series2/IM2:1", "study/series2/IM3:1"]


def test_a_corrupt_file_shows_the_error_and_the_views_keep_working(a_page, tmp_path):
    corrupt = tmp_path / "broken.nrrd"
    corrupt.write_bytes(b"NRRD0004\ntype: float\ndimension: 3\nsizes: 99999 99999 99999\n\nnot voxels")
    with a_page.expect_file_chooser() as chooser:
        a_page.locator(".data-io-open").click()
    chooser.value.set_files(str(corrupt))
    a_page.wait_for_selector(".data-io-error-text", timeout=LOAD_TIMEOUT_S * 1000)
    message = a_page.locator(".data-io-error-text").inner_text()
    assert "broken" in message, message
    # The server and the views go on: scrolling still moves the slice.
    before = state(a_page, "mrml_readout")["slice_offsets_mm"]["Yellow"]
    box = a_page.locator(".slicer-view-Yellow").bounding_box()
    a_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(3):
        a_page.mouse.wheel(0, -100)
        time.sleep(0.05)
    wait_for_state(a_page, "mrml_readout", lambda r: r["slice_offsets_mm"]["Yellow"] != before, 10)


def download(page, menu_item: str):
    page.locator(".data-io-save").click()
    with page.expect_download(timeout=LOAD_TIMEOUT_S * 1000) as info:
        page.locator(menu_item).click()
    return info.value


def test_scene_and_screenshots_download(a_page, artifacts):
    scene = download(a_page, ".data-io-save-scene")
    assert scene.suggested_filename.endswith(".mrb")
    scene.save_as(artifacts / "downloaded-scene.mrb")
    with zipfile.ZipFile(artifacts / "downloaded-scene.mrb") as mrb:
        names = mrb.namelist()
    assert any(n.endswith(".mrml") for n in names) and any(n.endswith((".nrrd", ".nii.gz")) for n in names), names

    layout = download(a_page, ".data-io-screenshot-layout")
    picture = Image.open(io.BytesIO(Path(layout.path()).read_bytes())).convert("RGB")
    red = download(a_page, ".data-io-screenshot-Red")
    red_picture = Image.open(io.BytesIO(Path(red.path()).read_bytes())).convert("RGB")
    picture.save(artifacts / "downloaded-layout.png")
    # Conventional layout: 3D across the top, three slices below, each about a third as wide.
    assert picture.width > 2.5 * red_picture.width and picture.height > 1.5 * red_picture.height
    assert np.asarray(red_picture).std() > 10, "the Red screenshot is blank"


def test_the_data_folder_dialog_opens_the_mri(a_page, an_mri_path):
    a_page.locator(".data-io-data-folder").click()
    entry = a_page.locator(".data-io-folder-entry", has_text=an_mri_path.name)
    entry.locator("input[type=checkbox]").check()
    a_page.locator(".data-io-folder-load").click()
    mri_name = an_mri_path.name.split(".")[0]
    notice = wait_for_state(a_page, "data_io_notice", lambda v: v and mri_name in v, LOAD_TIMEOUT_S)
    assert notice.startswith("Loaded")


def test_the_data_folder_dialog_shows_file_sizes(a_page, a_ct_path):
    a_page.locator(".data-io-data-folder").click()
    entry = a_page.locator(".data-io-folder-entry", has_text=a_ct_path.name)
    entry.wait_for(timeout=LOAD_TIMEOUT_S * 1000)
    megabytes = a_ct_path.stat().st_size / 1e6
    assert entry.locator(".data-io-folder-size").inner_text().strip() == f"{megabytes:.1f} MB"
    a_page.keyboard.press("Escape")


def test_a_click_on_a_file_name_in_the_data_folder_selects_it(a_page, a_ct_path):
    a_page.locator(".data-io-data-folder").click()
    entry = a_page.locator(".data-io-folder-entry", has_text=a_ct_path.name)
    entry.locator(".data-io-folder-file-name").click()
    assert entry.locator("input[type=checkbox]").is_checked()
    assert a_page.locator(".data-io-folder-load").is_enabled()
    entry.locator(".data-io-folder-file-name").click()
    assert not entry.locator("input[type=checkbox]").is_checked()
    a_page.keyboard.press("Escape")


def test_several_loadables_are_offered_in_a_dialog_and_only_the_chosen_load(a_page, an_mri_path):
    other = an_mri_path.with_name("ch2better.nii.gz")
    with a_page.expect_file_chooser() as chooser:
        a_page.locator(".data-io-open").click()
    chooser.value.set_files([str(an_mri_path), str(other)])
    a_page.wait_for_selector(".data-io-choose", timeout=LOAD_TIMEOUT_S * 1000)
    choices = a_page.locator(".data-io-choice")
    assert choices.count() == 2
    choices.filter(has_text="ch2better").locator("input[type=checkbox]").uncheck()
    a_page.evaluate("window.trame.state.set('data_io_notice', '')")
    a_page.locator(".data-io-load-chosen").click()
    notice = wait_for_state(a_page, "data_io_notice", lambda v: v and v.startswith("Loaded"), LOAD_TIMEOUT_S)
    assert "ch2" in notice and "ch2better" not in notice


def test_a_plain_named_label_map_is_switched_to_segments_in_the_dialog(
        a_page, a_ct_path, an_mri_path, tmp_path, artifacts):
    from made_data import ct_label_map

    labels = tmp_path / "scan_0001.nrrd"
    ct_label_map(a_ct_path, labels)
    with a_page.expect_file_chooser() as chooser:
        a_page.locator(".data-io-open").click()
    chooser.value.set_files([str(labels), str(an_mri_path)])
    a_page.wait_for_selector(".data-io-choose", timeout=LOAD_TIMEOUT_S * 1000)
    a_page.locator(".data-io-choice", has_text="ch2").locator("input[type=checkbox]").uncheck()
    row = a_page.locator(".data-io-choice", has_text="scan_0001")
    assert "volume" in row.inner_text()  # a neutral name: a volume unless the user says otherwise
    row.locator(".data-io-choice-kind").click()
    a_page.locator(".v-overlay .v-list-item", has_text="Label map").click()
    assert "labelmap" in row.inner_text()
    a_page.locator(".data-io-choose").screenshot(path=str(artifacts / "kind-choice-dialog.png"))
    a_page.evaluate("window.trame.state.set('data_io_notice', '')")
    a_page.locator(".data-io-load-chosen").click()
    notice = wait_for_state(a_page, "data_io_notice", lambda v: v and v.startswith("Loaded"), LOAD_TIMEOUT_S)
    assert "scan_0001" in notice and "ch2" not in notice
    groups = wait_for_state(a_page, "data_groups", lambda g: any(x["kind"] == "segmentation" for x in g), 10)
    segmentation = next(x for x in groups if x["kind"] == "segmentation")["nodes"][0]
    assert segmentation["name"] == "scan_0001" and len(segmentation["segments"]) == 2


def test_closing_the_scene_empties_it_and_the_views_go_on(a_page):
    assert state(a_page, "mrml_readout")["window"] is not None
    a_page.evaluate("window.trame.state.set('data_io_error_show', false)")  # shared state: an earlier test's error
    a_page.locator(".data-io-close").click()
    a_page.locator(".data-io-close-confirm").click()
    wait_for_state(a_page, "mrml_readout", lambda r: r["window"] is None, 10)
    assert not state(a_page, "data_io_error_show")
    # The dialog's scrim fades out for a moment after the confirm: a drag started on it never reaches the view.
    a_page.locator(".v-overlay--active").wait_for(state="detached", timeout=10_000)
    frames = a_page.evaluate("window.__slicerStreamStats['1'].frames")
    box = a_page.locator(".slicer-view-1").bounding_box()
    a_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    a_page.mouse.down()
    a_page.mouse.move(box["x"] + box["width"] / 2 + 100, box["y"] + box["height"] / 2, steps=10)
    a_page.mouse.up()
    a_page.wait_for_function(f"window.__slicerStreamStats['1'].frames > {frames}", timeout=10_000)
