"""Threshold on the real CT against numpy."""

from __future__ import annotations

import numpy as np
import pytest

from trame_slicer_app.engine.segment_editor.effects import threshold
from trame_slicer_app.engine.segment_editor.errors import SegmentEditorError

pytest_plugins = ["segment_fixtures"]  # the fixtures of these tests (not a conftest: see there)


def test_threshold_counts_exactly(segments, ct_voxels):
    segments.add_segment("bone")
    changed = threshold.apply(segments.editor, 300, 3000)
    expected = (ct_voxels >= 300) & (ct_voxels <= 3000)
    assert changed == int(expected.sum())
    assert np.array_equal(segments.segment_array(), expected)


def test_preview_is_the_range_and_changes_nothing(segments, ct_voxels):
    segments.add_segment("bone")
    preview = threshold.preview(segments.editor, -100, 100)
    assert np.array_equal(preview, (ct_voxels >= -100) & (ct_voxels <= 100))
    assert segments.segment_array().sum() == 0


def test_the_range_as_intensity_mask(segments, ct_voxels):
    segments.add_segment("soft")
    threshold.use_as_intensity_mask(segments.editor, 0, 80)
    assert segments.state()["masking"]["intensity_mask"] is True
    assert segments.state()["masking"]["intensity_range"] == [0.0, 80.0]
    box = np.ones((10, 50, 50), bool)
    changed = segments.apply_modifier(box, "add", (50, 100, 100))
    inside = ct_voxels[50:60, 100:150, 100:150]
    assert changed == int(((inside >= 0) & (inside <= 80)).sum())


def otsu_numpy(values: np.ndarray, bins: int) -> float:
    """Otsu's threshold (between-class variance) on a histogram, independently of ITK."""
    counts, edges = np.histogram(values, bins=bins)
    centres = (edges[:-1] + edges[1:]) / 2
    weight0 = np.cumsum(counts)
    weight1 = weight0[-1] - weight0
    mean0 = np.cumsum(counts * centres) / np.maximum(weight0, 1)
    mean1 = ((counts * centres).sum() - np.cumsum(counts * centres)) / np.maximum(weight1, 1)
    between = weight0 * weight1 * (mean0 - mean1) ** 2
    return float(edges[np.argmax(between) + 1])


def test_otsu_splits_where_numpy_does(segments, ct_voxels):
    low, high = threshold.auto_threshold(segments.editor, "otsu", "above")
    assert high == float(ct_voxels.max())
    bin_width = (float(ct_voxels.max()) - float(ct_voxels.min())) / 128
    assert abs(low - otsu_numpy(ct_voxels, 128)) <= 2 * bin_width
    below = threshold.auto_threshold(segments.editor, "otsu", "below")
    assert below == (float(ct_voxels.min()), low)


@pytest.mark.parametrize("method", sorted(threshold.AUTO_METHODS))
def test_every_automatic_method_gives_a_range_inside_the_intensities(segments, ct_voxels, method):
    low, high = threshold.auto_threshold(segments.editor, method)
    assert ct_voxels.min() <= low <= high == ct_voxels.max()


@pytest.mark.parametrize("low, high, message", [(5, 1, "low to high"), (float("nan"), 1, "finite"),
                                                ("0", 1, "finite")])
def test_bad_ranges_are_refused(segments, low, high, message):
    segments.add_segment("a")
    with pytest.raises(SegmentEditorError, match=message):
        threshold.apply(segments.editor, low, high)


def test_threshold_without_a_segment_is_refused(segments):
    with pytest.raises(SegmentEditorError, match="no segment is selected"):
        threshold.apply(segments.editor, 0, 100)
