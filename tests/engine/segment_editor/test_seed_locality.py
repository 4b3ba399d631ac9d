"""Grow from seeds' seed locality (vtkImageGrowCutSegment's distance penalty) on the real head CT:
the higher it is, the nearer each grown segment stays to its own seeds, and the more the result
approaches the split of the volume by nearest seed (what an infinite penalty would give)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage
from test_auto_complete_effects import seeded  # noqa: F401 (the fixture: seeds in brain and bone)

from trame_slicer_app.engine.segment_editor.effects.grow_from_seeds import GrowFromSeeds
from trame_slicer_app.engine.segment_editor.errors import SegmentEditorError

pytest_plugins = ["segment_fixtures"]  # the fixtures of these tests (not a conftest: see there)


def grown_labels(segments, locality: float) -> np.ndarray:
    grow = GrowFromSeeds(segments.editor, seed_locality=locality)
    try:
        return grow.initialize().copy()
    finally:
        grow.cancel()


def test_a_higher_seed_locality_keeps_segments_nearer_their_seeds(segments, seeded):  # noqa: F811
    ids = list(seeded)
    sampling = tuple(reversed(segments.geometry()["spacing_xyz"]))
    # the distance (mm) of every voxel to the nearest seed of each segment, computed here with scipy
    distance = np.stack([ndimage.distance_transform_edt(~segments.segment_array(sid), sampling=sampling)
                         for sid in ids])
    nearest = np.argmin(distance, axis=0) + 1
    mean_distance, nearest_agreement = [], []
    for locality in (0.0, 5.0, 10.0):
        labels = grown_labels(segments, locality)
        grown = labels > 0
        own = np.take_along_axis(distance, (labels[None] - 1).clip(0), axis=0)[0]
        mean_distance.append(float(own[grown].mean()))
        nearest_agreement.append(float((labels[grown] == nearest[grown]).mean()))
    print("seed locality 0, 5, 10: mean distance to own seeds (mm)", [round(d, 1) for d in mean_distance],
          "agreement with the nearest-seed split", [round(a, 3) for a in nearest_agreement])
    # measured on this CT: 44.6, 26.5, 18.2 mm and 0.28, 0.64, 0.78 (decision 0025)
    assert mean_distance[0] > mean_distance[1] > mean_distance[2]
    assert mean_distance[2] < 0.6 * mean_distance[0]
    assert nearest_agreement[0] < nearest_agreement[1] < nearest_agreement[2]


def test_the_seed_locality_is_the_filters_distance_penalty(segments, seeded):  # noqa: F811
    grow = GrowFromSeeds(segments.editor, seed_locality=7.5)
    try:
        grow.initialize()
        assert grow._filter.GetDistancePenalty() == pytest.approx(7.5)
    finally:
        grow.cancel()


def test_changing_the_locality_while_growing_recomputes_the_preview(segments, seeded):  # noqa: F811
    """As Slicer's slider: a new locality while the effect runs computes the preview again, on the
    filter kept from the first run; it agrees with a fresh run at that locality."""
    fresh = grown_labels(segments, 10.0)
    first = segments.auto_complete_start("grow_from_seeds", seed_locality=0.0)["labels"].copy()
    again = segments.set_seed_locality(10.0)["labels"]
    assert not np.array_equal(first, again)
    agreement = float((again == fresh).mean())
    print("locality 0 then 10 on the kept filter vs a fresh run at 10: agreement", round(agreement, 4))
    assert agreement > 0.99
    segments.auto_complete_cancel()
    assert segments.set_seed_locality(3.0) is None  # not running: kept for the next start


@pytest.mark.parametrize("value", [-1, 10.5, float("nan"), "5", True, None])
def test_a_bad_locality_is_refused_while_growing(segments, seeded, value):  # noqa: F811
    preview = segments.auto_complete_start("grow_from_seeds", seed_locality=2.0)["labels"].copy()
    with pytest.raises(SegmentEditorError, match="seed locality"):
        segments.set_seed_locality(value)
    assert np.array_equal(segments.auto_complete_preview()["labels"], preview)
    segments.auto_complete_cancel()
