"""12-bit JPEG Extended loads (decision 0014): pydicom's two test files decode to the values pydicom's own
test suite expects at its reference pixels, and to every value GDCM's own reader gives (GDCM decodes these
files correctly; pydicom's GDCM plugin refuses 12-bit samples only for old GDCM releases' sake)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fetch_data import pydicom_test_file

from trame_slicer_app.engine.io.dicom.dicom_series import find_dicom_series, load_dicom_series
from trame_slicer_app.engine.io.volumes import voxel_array

# pydicom's pixel reference for both files: (row, column) -> value.
PYDICOM_REFERENCE = {(420, 140): 244, (230, 120): 95}


def gdcm_decode(path: Path, rows: int, columns: int) -> np.ndarray:
    import gdcm

    reader = gdcm.ImageReader()
    reader.SetFileName(str(path))
    assert reader.Read()
    image = reader.GetImage()
    assert image.GetPixelFormat().GetBitsStored() == 12
    buffer = image.GetBuffer().encode("utf-8", "surrogateescape")  # the SWIG binding hands bytes over as str
    return np.frombuffer(buffer, dtype=np.uint16).reshape(rows, columns)


@pytest.mark.parametrize("name", ["JPEG-lossy.dcm", "JPGExtended.dcm"])
def test_12bit_jpeg_extended_decodes_to_pydicoms_reference_and_gdcms_values(an_engine, name):
    path = pydicom_test_file(name)
    [series] = find_dicom_series([path])
    assert series.problem == ""
    voxels = voxel_array(load_dicom_series(an_engine, series))[0]
    for (row, column), value in PYDICOM_REFERENCE.items():
        assert voxels[row, column] == value
    np.testing.assert_array_equal(voxels, gdcm_decode(path, series.rows, series.columns))
