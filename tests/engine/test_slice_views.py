"""Slice views render the real CT and MRI as Slicer would: what each pixel
shows must be the voxel under it, through the display node's window/level."""

from __future__ import annotations

import numpy as np
import pytest

from trame_slicer_app.engine.io.volumes import load_volume, ras_to_ijk, show_volume, voxel_array

VIEW_SIZE_PX = (320, 320)
SAMPLES_PER_VIEW = 600
MAX_MEDIAN_GREY_ERROR = 12
MIN_CORRELATION = 0.95
SOFT_TISSUE_WINDOW_LEVEL_HU = (400.0, 40.0)


def expected_grey(volume_node, view, rng) -> tuple[np.ndarray, np.ndarray]:
    """Rendered vs expected grey levels at random pixels that fall inside the volume."""
    frame = view.capture()
    display = volume_node.GetDisplayNode()
    low = display.GetLevel() - display.GetWindow() / 2.0
    voxels = voxel_array(volume_node)
    height = frame.shape[0]
    rendered, expected = [], []
    while len(rendered) < SAMPLES_PER_VIEW:
        x, y = rng.integers(0, VIEW_SIZE_PX[0]), rng.integers(0, VIEW_SIZE_PX[1])
        i, j, k = (round(c) for c in ras_to_ijk(volume_node, view.xy_to_ras(x + 0.5, y + 0.5)))
        if not (0 <= k < voxels.shape[0] and 0 <= j < voxels.shape[1] and 0 <= i < voxels.shape[2]):
            continue
        value = float(voxels[k, j, i])
        expected.append(np.clip((value - low) / display.GetWindow() * 255.0, 0, 255))
        rendered.append(float(frame[height - 1 - y, x, 0]))
    return np.asarray(rendered), np.asarray(expected)


@pytest.fixture
def a_ct_shown(an_engine, a_ct_path):
    node = load_volume(an_engine, a_ct_path)
    for view in an_engine.slice_views.values():
        view.resize(*VIEW_SIZE_PX)
    show_volume(an_engine, node)
    # A soft-tissue window: bone saturates white, air black.
    node.GetDisplayNode().AutoWindowLevelOff()
    node.GetDisplayNode().SetWindowLevel(*SOFT_TISSUE_WINDOW_LEVEL_HU)
    return node


def test_the_ct_loads_with_its_geometry(an_engine, a_ct_path):
    node = load_volume(an_engine, a_ct_path)
    assert node.GetImageData().GetDimensions() == (256, 256, 108)
    assert node.GetSpacing() == pytest.approx((0.957, 0.957, 1.5), abs=1e-3)
    assert voxel_array(node).min() < -900  # air
    assert voxel_array(node).max() > 1500  # bone


@pytest.mark.parametrize("view_name", ["Red", "Yellow", "Green"])
def test_each_slice_view_shows_the_ct_voxels_under_its_pixels(an_engine, a_ct_shown, view_name):
    rendered, expected = expected_grey(a_ct_shown, an_engine.slice_views[view_name], np.random.default_rng(1))
    assert np.median(np.abs(rendered - expected)) <= MAX_MEDIAN_GREY_ERROR
    assert np.corrcoef(rendered, expected)[0, 1] >= MIN_CORRELATION
    # Bone renders bright and air dark where the data says so.
    assert rendered[expected >= 250].mean() > 200
    assert rendered[expected <= 5].mean() < 40


def test_the_three_slice_views_differ(an_engine, a_ct_shown):
    frames = {name: view.capture().astype(int) for name, view in an_engine.slice_views.items()}
    for frame in frames.values():
        assert frame.std() > 20, "a slice view is blank"
    names = list(frames)
    for a, b in zip(names, names[1:] + names[:1], strict=True):
        assert np.abs(frames[a] - frames[b]).mean() > 10, f"{a} and {b} show the same image"


def test_slice_views_show_the_mri(an_engine, an_mri_path):
    node = load_volume(an_engine, an_mri_path)
    assert node.GetImageData().GetDimensions() == (181, 217, 181)
    for view in an_engine.slice_views.values():
        view.resize(*VIEW_SIZE_PX)
    show_volume(an_engine, node)
    for view in an_engine.slice_views.values():
        rendered, expected = expected_grey(node, view, np.random.default_rng(2))
        assert np.corrcoef(rendered, expected)[0, 1] >= MIN_CORRELATION


def test_a_removed_volumes_voxels_are_let_go_of(an_engine, a_ct_shown):
    """Slicer's layer logic left its reslice filters holding a removed volume's image (216 MiB for a
    real-size CT) until another volume was shown; the slice views now let go of it."""
    for view in an_engine.slice_views.values():
        view.render()
    image = a_ct_shown.GetImageData()
    an_engine.scene.RemoveNode(a_ct_shown)
    for view in an_engine.slice_views.values():
        view.render()
    a_ct_shown.SetAndObserveImageData(None)  # the node itself lives on in this test (the fixture's)
    assert image.GetReferenceCount() == 1, "something still holds the removed volume's image"
