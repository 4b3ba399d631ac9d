"""A corpus of damaged and hostile inputs made from real files: each one ends in a clear error,
writes nothing outside the target folder, adds nothing to the scene, and the engine still loads
a good series afterwards."""

from __future__ import annotations

import shutil
import struct
import uuid
import zipfile
from pathlib import Path

import numpy as np
import pydicom
import pytest

from trame_slicer_app.engine.io import sequences
from trame_slicer_app.engine.io.archives import ArchiveError, extract_zip
from trame_slicer_app.engine.io.dicom.dicom_series import DicomError, find_dicom_series, load_dicom_series
from trame_slicer_app.engine.io.untrusted.io_limits import IOLimits
from trame_slicer_app.engine.io.volumes import voxel_array

# pydicom warns about every odd value it meets; here the odd values are the point.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:pydicom")

MUTATED_NAME = "brain_006.dcm"
ROWS, COLUMNS = (0x0028, 0x0010), (0x0028, 0x0011)


@pytest.fixture(scope="module")
def one_engine():
    """One engine for the whole corpus, so that the last test shows it survived every failure."""
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    return SlicerEngine()


@pytest.fixture
def a_series_copy(tmp_path, a_dicom_series_dir) -> Path:
    folder = tmp_path / "series"
    shutil.copytree(a_dicom_series_dir, folder)
    return folder


def volume_count(engine) -> int:
    return engine.scene.GetNodesByClass("vtkMRMLScalarVolumeNode").GetNumberOfItems()


def element_value_offset(raw: bytes, tag: tuple[int, int]) -> int:
    """Where an explicit-VR little-endian element's value starts (short-length VRs)."""
    at = raw.index(struct.pack("<HH", *tag))
    return at + 8


def find_and_load(engine, folder: Path, limits: IOLimits = IOLimits()):
    for series in find_dicom_series([folder], limits):
        load_dicom_series(engine, series, limits)


def flip(raw: bytes, offset: int, bit: int) -> bytes:
    damaged = bytearray(raw)
    damaged[offset] ^= bit
    return bytes(damaged)


def set_unsigned_short(path: Path, tag: tuple[int, int], value: int) -> None:
    """Patch a US value in place, as a hostile writer would (no re-encoding of the file)."""
    raw = bytearray(path.read_bytes())
    struct.pack_into("<H", raw, element_value_offset(bytes(raw), tag), value)
    path.write_bytes(bytes(raw))


def rewrite(path: Path, change) -> None:
    dataset = pydicom.dcmread(path)
    change(dataset)
    dataset.save_as(path)


def no_scene_change(engine, before: int) -> None:
    assert volume_count(engine) == before, "a failed load left a volume in the scene"


# --- DICOM files ---------------------------------------------------------------------------------------------

def _truncate_in_header(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1000])


def _truncate_pixel_data(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-2])


def _flip_rows(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(flip(raw, element_value_offset(raw, ROWS), 0x01))  # 256 -> 257


def _flip_orientation_digit(path: Path) -> None:
    raw = path.read_bytes()
    at = element_value_offset(raw, (0x0020, 0x0037))
    first_nine = raw.index(b"9", at)  # in "0.990960": 0.99 -> 0.89
    path.write_bytes(flip(raw, first_nine, 0x01))


def _flip_length_of_position(path: Path) -> None:
    raw = path.read_bytes()
    length_at = raw.index(struct.pack("<HH", 0x0020, 0x0032)) + 6
    path.write_bytes(flip(raw, length_at + 1, 0x80))  # the value length jumps by 32 KiB


def _remove_pixel_data(path: Path) -> None:
    rewrite(path, lambda ds: ds.__delitem__("PixelData"))


def _two_number_position(path: Path) -> None:
    rewrite(path, lambda ds: setattr(ds, "ImagePositionPatient", [1.0, 2.0]))


def _claim_wider_pixels(path: Path) -> None:
    rewrite(path, lambda ds: setattr(ds, "BitsAllocated", 32))


def _duplicate_a_slice(path: Path) -> None:
    def new_identity(dataset):
        dataset.SOPInstanceUID = f"2.25.{uuid.uuid4().int}"

    copy = path.with_name("brain_021.dcm")
    shutil.copy(path, copy)
    rewrite(copy, new_identity)


DAMAGED_FILES = {
    "truncated in the header": (_truncate_in_header, "brain_006.dcm: MR Image Storage whose header has no image size"),
    "truncated in the pixel data": (_truncate_pixel_data, "brain_006.dcm: pixel data is 131070 bytes"),
    "bit flip in Rows": (_flip_rows, "brain_006.dcm: 256 x 257 pixels, the series' first image has 256 x 256"),
    "bit flip in the orientation": (_flip_orientation_digit, "slice 5 has another orientation ([1.0, 0.0, 0.0, 0.0, "
                                   "0.89096, 0.134158]) (brain_006.dcm)"),
    "bit flip in a value length": (_flip_length_of_position, "brain_006.dcm: MR Image Storage whose header has no "
                                   "image size: truncated or damaged"),
    "pixel data removed": (_remove_pixel_data, "brain_006.dcm: no pixel data"),
    "a position of two numbers": (_two_number_position, "brain_006.dcm: the image's orientation, position and "
                                  "pixel spacing must be 6, 3 and 2 finite numbers"),
    "BitsAllocated lies": (_claim_wider_pixels, "brain_006.dcm: pixel data is 131072 bytes, 256 x 256 pixels of "
                           "32 bits need 262144"),
    "the same slice twice": (_duplicate_a_slice, "are at the same position along the slice normal (-26.577 mm): "
                             "duplicate or mixed images (brain_006.dcm, brain_021.dcm)"),
}


@pytest.mark.parametrize("damage", DAMAGED_FILES, ids=list(DAMAGED_FILES))
def test_a_damaged_file_in_a_series_is_a_clear_error(one_engine, a_series_copy, damage):
    mutate, message = DAMAGED_FILES[damage]
    mutate(a_series_copy / MUTATED_NAME)
    before = volume_count(one_engine)

    with pytest.raises(DicomError) as error:
        find_and_load(one_engine, a_series_copy)

    assert message in str(error.value)
    no_scene_change(one_engine, before)


HEADER_SWEEP_STEP_BYTES = 29  # every 29th header byte, two bits each: ~120 variants, a few seconds


def test_bit_flips_across_a_header_load_or_fail_with_dicom_error_only(one_engine, tmp_path, a_dicom_series_dir):
    """Wherever a bit flips in the header, the outcome is a volume or a DicomError, never another exception."""
    names = ["brain_005.dcm", MUTATED_NAME, "brain_007.dcm"]
    raw = (a_dicom_series_dir / MUTATED_NAME).read_bytes()
    pixel_data_at = raw.index(struct.pack("<HH", 0x7FE0, 0x0010))
    outcomes = {"loaded": 0, "refused": 0}
    before = volume_count(one_engine)
    for offset in range(128, pixel_data_at, HEADER_SWEEP_STEP_BYTES):
        for bit in (0x01, 0x80):
            folder = tmp_path / f"flip-{offset}-{bit}"
            folder.mkdir()
            for name in names:
                shutil.copy(a_dicom_series_dir / name, folder / name)
            (folder / MUTATED_NAME).write_bytes(flip(raw, offset, bit))
            try:
                for series in find_dicom_series([folder]):
                    node = load_dicom_series(one_engine, series)
                    assert node.GetImageData().GetDimensions()[:2] == (256, 256)
                    one_engine.scene.RemoveNode(node)
                outcomes["loaded"] += 1
            except DicomError as error:
                assert str(error)
                outcomes["refused"] += 1
    assert outcomes["loaded"] > 0 and outcomes["refused"] > 0, outcomes
    no_scene_change(one_engine, before)


def test_huge_rows_and_columns_are_refused_before_any_voxel_is_read(one_engine, a_series_copy):
    for path in a_series_copy.glob("*.dcm"):
        set_unsigned_short(path, ROWS, 65535)
        set_unsigned_short(path, COLUMNS, 65535)
    before = volume_count(one_engine)

    [series] = find_dicom_series([a_series_copy])
    assert "65535 x 65535 x 20 voxels" in series.problem
    voxels = 65535 * 65535 * 20
    with pytest.raises(DicomError, match=rf"65535 x 65535 x 20 voxels \({voxels}\) is more than the \d+ allowed"):
        load_dicom_series(one_engine, series)
    no_scene_change(one_engine, before)


def test_rows_and_columns_larger_than_the_pixel_data_are_refused(one_engine, a_series_copy):
    for path in a_series_copy.glob("*.dcm"):
        set_unsigned_short(path, ROWS, 512)
        set_unsigned_short(path, COLUMNS, 512)
    before = volume_count(one_engine)

    with pytest.raises(DicomError, match="pixel data is 131072 bytes, 512 x 512 pixels of 16 bits need 524288"):
        find_and_load(one_engine, a_series_copy)
    no_scene_change(one_engine, before)


@pytest.mark.parametrize(("frames", "message"), [
    (11, r"emri_small\.dcm: pixel data is 81920 bytes, 64 x 64 pixels x 11 frames of 16 bits need 90112"),
    (10**9, r"1000000000 slices, more than the 5000 allowed in one series"),
])
def test_a_lying_number_of_frames_is_refused(one_engine, tmp_path, a_multiframe_dicom_file, frames, message):
    path = tmp_path / "emri_small.dcm"
    rewrite_from = pydicom.dcmread(a_multiframe_dicom_file)
    rewrite_from.NumberOfFrames = frames
    rewrite_from.save_as(path)
    before = volume_count(one_engine)

    with pytest.raises(DicomError, match=message):
        find_and_load(one_engine, tmp_path)
    no_scene_change(one_engine, before)


def test_too_many_files_are_refused_while_scanning(a_series_copy):
    with pytest.raises(DicomError, match="more than 19 files to scan"):
        find_dicom_series([a_series_copy], IOLimits(max_dicom_files=19))


# --- Archives ------------------------------------------------------------------------------------------------

def everything_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def test_a_zip_bomb_is_refused_before_inflating(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("zeros.dcm", bytes(64 * 1024 * 1024))
    assert bomb.stat().st_size < 200 * 1024

    with pytest.raises(ArchiveError, match=r"bomb\.zip: 'zeros\.dcm' expands \d+ times \(more than 200\): a zip bomb"):
        extract_zip(bomb, tmp_path / "out")
    assert everything_under(tmp_path / "out") == set()


def test_members_expanding_past_the_limit_are_refused(tmp_path, a_dicom_series_dir):
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(a_dicom_series_dir.glob("*.dcm")):
            out.write(path, path.name)

    with pytest.raises(ArchiveError, match=r"big\.zip: members expand to more than the 1000000 bytes allowed"):
        extract_zip(archive, tmp_path / "out", IOLimits(max_archive_expanded_bytes=1_000_000))
    assert everything_under(tmp_path / "out") == set()


def test_a_member_lying_about_its_size_is_stopped_and_removed(tmp_path, a_dicom_series_dir):
    archive = tmp_path / "liar.zip"
    payload = (a_dicom_series_dir / "brain_001.dcm").read_bytes()  # 2.6 MB
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("good.dcm", (a_dicom_series_dir / "brain_002.dcm").read_bytes())
        out.writestr("liar.dcm", payload)
    raw = bytearray(archive.read_bytes())
    declared = 4096
    with zipfile.ZipFile(archive) as listing:
        local = listing.getinfo("liar.dcm").header_offset
    struct.pack_into("<I", raw, local + 22, declared)  # uncompressed size in the local header
    central = raw.index(b"PK\x01\x02", raw.index(b"PK\x01\x02") + 4)  # the second member's central entry
    struct.pack_into("<I", raw, central + 24, declared)
    archive.write_bytes(bytes(raw))

    with pytest.raises(ArchiveError, match=r"liar\.zip: 'liar\.dcm' could not be unpacked \(Bad CRC-32"):
        extract_zip(archive, tmp_path / "out")
    assert everything_under(tmp_path / "out") == set()  # good.dcm, written first, is removed too


@pytest.mark.parametrize("name", ["../evil.dcm", "a/../../evil.dcm", "/tmp/evil.dcm", "C:/evil.dcm", "..\\evil.dcm"])
def test_member_names_leaving_the_folder_are_refused(tmp_path, a_ct_dicom_file, name):
    archive = tmp_path / "slip.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("fine.dcm", a_ct_dicom_file.read_bytes())
        out.writestr(zipfile.ZipInfo(name), a_ct_dicom_file.read_bytes())
    with zipfile.ZipFile(archive) as listing:
        assert listing.namelist()[1] == name  # zipfile kept the hostile name as written
    before = everything_under(tmp_path.parent)

    with pytest.raises(ArchiveError, match=r"slip\.zip: member '.*evil\.dcm' points outside the archive: refused"):
        extract_zip(archive, tmp_path / "out")
    assert everything_under(tmp_path.parent) - before <= {tmp_path / "out"}
    assert not Path("/tmp/evil.dcm").exists()


def test_too_many_members_are_refused(tmp_path):
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for index in range(6):
            out.writestr(f"{index}.txt", b"x")

    with pytest.raises(ArchiveError, match=r"many\.zip: 6 members, more than the 5 allowed"):
        extract_zip(archive, tmp_path / "out", IOLimits(max_archive_entries=5))
    assert everything_under(tmp_path / "out") == set()


def test_a_zip64_of_many_empty_members_is_refused_from_its_end_record(tmp_path):
    archive = tmp_path / "swarm.zip"
    with zipfile.ZipFile(archive, "w") as out:  # past 65535 members: the count lives in the zip64 record
        for index in range(70_000):
            out.writestr(str(index), b"")

    with pytest.raises(ArchiveError, match=r"swarm\.zip: 70000 members, more than the 10000 allowed"):
        extract_zip(archive, tmp_path / "out")
    assert everything_under(tmp_path / "out") == set()


def test_a_truncated_zip_is_a_clear_error(tmp_path, a_dicom_series_dir):
    archive = tmp_path / "cut.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(a_dicom_series_dir / "brain_002.dcm", "brain_002.dcm")
    archive.write_bytes(archive.read_bytes()[:5000])

    with pytest.raises(ArchiveError, match=r"cut\.zip: not a readable zip archive"):
        extract_zip(archive, tmp_path / "out")


# --- Afterwards ----------------------------------------------------------------------------------------------

def test_the_engine_still_loads_a_good_series_after_the_corpus(one_engine, a_dicom_series_dir):
    assert volume_count(one_engine) == 0
    [series] = find_dicom_series([a_dicom_series_dir])
    node = load_dicom_series(one_engine, series)

    first = pydicom.dcmread(series.files[0])
    np.testing.assert_array_equal(voxel_array(node)[0], first.pixel_array)
    assert node.GetImageData().GetDimensions() == (256, 256, 20)
    assert volume_count(one_engine) == 1


# --- Every image of pydicom's and pydicom-data's test files ----------------------------------------------------
# Each loads, with the voxels of pydicom's own decode (same plugins) and the geometry its header gives, or is
# refused for a reason listed here. The reasons are the file's, not the viewer's, except NOT_DECODED.

DAMAGED = {
    "MR_truncated.dcm": "MR_truncated.dcm: pixel data is 8130 bytes, 64 x 64 pixels of 16 bits need 8192",
    "emri_small_jpeg_2k_lossless_too_short.dcm": "not a readable DICOM file (EOFError: End of file reached",
    "JPEG2000-embedded-sequence-delimiter.dcm": "the JPEG 2000 Image Compression pixel data could not be decoded: "
                                                "damaged",
    "badVR.dcm": "badVR.dcm: the number of frames ('1A') is not a number",
}
# Not image volumes: DICOM SEG opens as a segmentation (dicom_seg, decision 0016), not through the image
# reader.
NOT_DECODED = {
    name: "a DICOM segmentation (SEG), not an image volume: it opens as a segmentation" for name in
    ("liver.dcm", "liver_1frame.dcm", "liver_expb.dcm", "liver_expb_1frame.dcm")
}
# Multi-frame files whose frames follow in time (Frame Increment Pointer: Frame Time), and their frames.
CINE = {"color3d_jpeg_baseline.dcm": 120, "examples_ybr_color.dcm": 30}
# Files without usable PixelSpacing: loaded at 1 mm or at the detector's spacing, with a warning.
GUESSED_SPACING = ("is shown at 1 mm per pixel", "the detector's pixel spacing")


def _test_image_files() -> list[Path]:
    """DICOM Part 10 files with an image (Rows or Pixel Data, or a header too damaged to say)."""
    import pydicom.data
    from fetch_data import pydicom_test_file

    from trame_slicer_app.engine.io.dicom.dicom_series import is_dicom_file

    folders = [Path(pydicom.data.__file__).parent / "test_files",
               pydicom_test_file("emri_small.dcm").parent]  # pydicom-data's folder
    images = []
    for path in sorted({p for folder in folders for p in folder.rglob("*") if p.is_file()}):
        if not is_dicom_file(path):
            continue
        try:
            header = pydicom.dcmread(path, stop_before_pixels=True)
            if "Rows" not in header and "PixelData" not in header:
                continue
        except Exception:  # a damaged header is one of the images to try
            pass
        images.append(path)
    return images


TEST_IMAGES = _test_image_files()


def _frame_order(ds) -> list[int]:
    """Frames in order along the slice normal, computed here from the standard: functional group positions,
    RT Dose offsets, or file order."""
    frames = int(ds.get("NumberOfFrames") or 1)
    per_frame = ds.get("PerFrameFunctionalGroupsSequence")
    if frames == 1:
        return [0]
    if per_frame:
        shared = ds.get("SharedFunctionalGroupsSequence")
        orientation = (per_frame[0].get("PlaneOrientationSequence") or shared[0].PlaneOrientationSequence)[0]
        row, column = (np.array(orientation.ImageOrientationPatient[i:i + 3], dtype=float) for i in (0, 3))
        along = [float(np.dot(np.cross(row, column), np.array(
            item.PlanePositionSequence[0].ImagePositionPatient, dtype=float))) for item in per_frame]
        return sorted(range(frames), key=lambda index: along[index])
    if "GridFrameOffsetVector" in ds:
        return sorted(range(frames), key=lambda index: float(ds.GridFrameOffsetVector[index]))
    return list(range(frames))


def _expected_voxels(ds) -> np.ndarray:
    """pydicom's decode, as the viewer should hold it: rescaled grey, or RGB bytes for colour."""
    from pydicom.pixels import apply_color_lut

    pixels = ds.pixel_array
    frames = int(ds.get("NumberOfFrames") or 1)
    colour = ds.SamplesPerPixel == 3 or ds.PhotometricInterpretation == "PALETTE COLOR"
    if ds.PhotometricInterpretation == "PALETTE COLOR":
        pixels = apply_color_lut(pixels, ds) >> (int(ds.RedPaletteColorLookupTableDescriptor[2]) - 8)
    elif colour:
        pixels = pixels >> (ds.BitsStored - 8)
    pixels = pixels.reshape((frames, ds.Rows, ds.Columns) + ((3,) if colour else ()))
    pixels = pixels[_frame_order(ds)]
    if colour:
        return pixels.astype(np.uint8)
    slope, intercept = float(ds.get("RescaleSlope", 1) or 1), float(ds.get("RescaleIntercept", 0) or 0)
    if "DoseGridScaling" in ds:
        slope = float(ds.DoseGridScaling)
    per_frame = ds.get("PerFrameFunctionalGroupsSequence")
    shared = ds.get("SharedFunctionalGroupsSequence")
    if per_frame and ("PixelValueTransformationSequence" in per_frame[0]
                      or "PixelValueTransformationSequence" in shared[0]):
        rescales = [(item if "PixelValueTransformationSequence" in item else shared[0])
                    .PixelValueTransformationSequence[0] for item in per_frame]
        order = _frame_order(ds)
        return np.stack([pixels[k] * float(rescales[order[k]].RescaleSlope) + float(rescales[order[k]].RescaleIntercept)
                         for k in range(frames)])
    return pixels * slope + intercept if (slope, intercept) != (1.0, 0.0) else pixels


def _expected_pixel_spacing(ds) -> tuple[float, float]:
    per_frame = ds.get("PerFrameFunctionalGroupsSequence")
    shared = ds.get("SharedFunctionalGroupsSequence")
    for groups in (per_frame[0] if per_frame else None, shared[0] if shared else None):
        if groups is not None and "PixelMeasuresSequence" in groups:
            return tuple(float(v) for v in groups.PixelMeasuresSequence[0].PixelSpacing)
    for attribute in ("PixelSpacing", "ImagerPixelSpacing"):
        values = [float(v) for v in ds.get(attribute) or ()]
        if len(values) == 2 and min(values) > 0:
            return tuple(values)
    return (1.0, 1.0)


@pytest.mark.parametrize("path", TEST_IMAGES, ids=[path.name for path in TEST_IMAGES])
def test_every_test_image_loads_as_pydicom_decodes_it_or_is_refused_for_a_listed_reason(one_engine, path):
    from trame_slicer_app.engine.io.volumes import LOAD_WARNING_ATTRIBUTE

    before = volume_count(one_engine)
    if path.name in DAMAGED or path.name in NOT_DECODED:
        with pytest.raises(DicomError) as error:
            find_and_load(one_engine, path)
        assert {**DAMAGED, **NOT_DECODED}[path.name] in str(error.value)
        no_scene_change(one_engine, before)
        return
    [series] = find_dicom_series([path])
    assert not series.problem
    node = load_dicom_series(one_engine, series)
    try:
        ds = pydicom.dcmread(path)
        expected = _expected_voxels(ds)
        colour = expected.ndim == 4
        assert node.IsA("vtkMRMLVectorVolumeNode") == colour
        warning = node.GetAttribute(LOAD_WARNING_ATTRIBUTE) or ""  # read at load (a frame change copies the frame's)
        frames_in_time = sequences.frame_count(node)
        if path.name in CINE:  # frames in time: a sequence of one-slice volumes, played like a 4D image
            assert frames_in_time == len(expected) == CINE[path.name]
            browser = sequences.browser_for_volume(one_engine, node.GetID())
            for frame in range(frames_in_time):
                sequences.set_frame(one_engine, browser.GetID(), frame)
                np.testing.assert_array_equal(voxel_array(node)[0], expected[frame])
            sequences.set_frame(one_engine, browser.GetID(), 0)
            expected = expected[:1]
        assert frames_in_time is None or path.name in CINE
        np.testing.assert_allclose(voxel_array(node), expected, rtol=1e-6, atol=1e-3)  # float32 doses
        assert node.GetImageData().GetDimensions() == (ds.Columns, ds.Rows, expected.shape[0])
        row_spacing, column_spacing = _expected_pixel_spacing(ds)
        assert node.GetSpacing()[:2] == pytest.approx((column_spacing, row_spacing), rel=1e-5)
        spacing_given = [float(v) for v in ds.get("PixelSpacing") or ()]
        if "PerFrameFunctionalGroupsSequence" not in ds and not (len(spacing_given) == 2 and min(spacing_given) > 0):
            assert any(text in warning for text in GUESSED_SPACING), warning
    finally:
        sequences.remove_sequences_of(one_engine, node)
        one_engine.scene.RemoveNode(node)
    assert volume_count(one_engine) == before


def test_colour_and_a_radiograph_without_pixel_spacing_open_through_the_sandbox(one_engine, tmp_path):
    """The app's path: inspected in the sandboxed child (codecs there too), then loaded; the guess is reported."""
    from fetch_data import pydicom_test_file

    from trame_slicer_app import scene_data

    paths = [pydicom_test_file(name) for name in ("US1_J2KR.dcm", "RG1_J2KR.dcm", "SC_rgb_jpeg_gdcm.dcm")]
    loaded = scene_data.open_paths(one_engine, paths)
    try:
        by_name = {one_engine.scene.GetNodeByID(item["node_id"]).GetImageData().GetDimensions(): item
                   for item in loaded}
        assert len(loaded) == 3
        colour = [one_engine.scene.GetNodeByID(item["node_id"]) for item in loaded
                  if one_engine.scene.GetNodeByID(item["node_id"]).IsA("vtkMRMLVectorVolumeNode")]
        assert len(colour) == 2
        assert by_name[(1841, 1955, 1)]["warning"] == ("the image's pixel spacing is 0\\0: it is shown at 1 mm per "
                                                       "pixel, so distances and sizes are not real")
        # The ultrasound gives no pixel spacing either and says so; the secondary capture gives 1 mm.
        assert "the image's pixel spacing is missing" in by_name[(640, 480, 1)]["warning"]
        assert "warning" not in by_name[(100, 100, 1)]
    finally:
        for item in loaded:
            one_engine.scene.RemoveNode(one_engine.scene.GetNodeByID(item["node_id"]))


@pytest.mark.parametrize(("change", "spacing", "warning"), [
    (lambda ds: ds.__delitem__("PixelSpacing"), (1.0, 1.0), "the image's pixel spacing is missing: it is shown"),
    (lambda ds: (ds.__delitem__("PixelSpacing"), setattr(ds, "ImagerPixelSpacing", [0.2, 0.3])), (0.3, 0.2),
     "the detector's pixel spacing (0.2 x 0.3 mm) is used, so sizes are as on the detector"),
    (lambda ds: setattr(ds, "PixelSpacing", [0, 0]), (1.0, 1.0), "the image's pixel spacing is 0\\0: it is shown"),
], ids=["missing", "detector's", "zero"])
def test_a_missing_or_zero_pixel_spacing_loads_with_a_warning(one_engine, tmp_path, a_ct_dicom_file, change,
                                                               spacing, warning):
    from trame_slicer_app.engine.io.volumes import LOAD_WARNING_ATTRIBUTE

    rewrite_from = pydicom.dcmread(a_ct_dicom_file)
    change(rewrite_from)
    rewrite_from.save_as(tmp_path / "ct.dcm")
    [series] = find_dicom_series([tmp_path])
    node = load_dicom_series(one_engine, series)
    try:
        assert node.GetSpacing()[:2] == pytest.approx(spacing)
        assert warning in node.GetAttribute(LOAD_WARNING_ATTRIBUTE)
    finally:
        one_engine.scene.RemoveNode(node)
