"""Compressed DICOM decode benchmark: a 512 x 512 x 300 CT series in JPEG-LS lossless (or JPEG Lossless),
opened through the app's path (inspection in the sandboxed child, then loading into the engine) against
pydicom's own decode of the same files (``dcmread(...).pixel_array``, same plugins, one after another).

The series is written by this script: the real head CT of the tests (256 x 256 x 108, int16) resampled
(linear) to 512 x 512 x 300 and encoded with pydicom's encoder for the syntax (pyjpegls for JPEG-LS;
python-gdcm for JPEG Lossless, Process 14 SV1). Written once into --work (kept between runs).

Prints the time of each step, and the ratio of the app's whole path to pydicom's decode (target <= 1.3).

Usage: .venv/bin/python benchmarks/dicom_decode_benchmark.py [--syntax jpeg-ls|jpeg-lossless] [--slices 300]
       [--work /tmp/dicom-decode-benchmark] [--runs 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))
from fetch_data import CT_PATH, CT_SHAPE_KJI, CT_SPACING_MM, ensure_test_data  # noqa: E402

SIZE = 512
SYNTAXES = {"jpeg-ls": "1.2.840.10008.1.2.4.80", "jpeg-lossless": "1.2.840.10008.1.2.4.70"}
CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
SPARE_READER_START_S = 8  # time for a reader started ahead to import Slicer, where the app has one


def read_ct() -> np.ndarray:
    ensure_test_data()
    raw = CT_PATH.read_bytes()
    header_end = raw.index(b"\n\n") + 2
    return np.frombuffer(raw[header_end:], dtype="<i2").reshape(CT_SHAPE_KJI)


def _linear_indices(size_in: int, size_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    position = np.linspace(0, size_in - 1, size_out)
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, size_in - 1)
    return low, high, (position - low).astype(np.float32)


def resampled_slice(ct: np.ndarray, k: int, slices: int) -> np.ndarray:
    """Output slice k of the CT resampled to slices x SIZE x SIZE (trilinear)."""
    z_low, z_high, z_weight = _linear_indices(ct.shape[0], slices)
    plane = ct[z_low[k]].astype(np.float32) * (1 - z_weight[k]) + ct[z_high[k]].astype(np.float32) * z_weight[k]
    y_low, y_high, y_weight = _linear_indices(ct.shape[1], SIZE)
    x_low, x_high, x_weight = _linear_indices(ct.shape[2], SIZE)
    rows = plane[y_low] * (1 - y_weight[:, None]) + plane[y_high] * y_weight[:, None]
    out = rows[:, x_low] * (1 - x_weight) + rows[:, x_high] * x_weight
    return np.round(out).astype(np.int16)


def write_series(folder: Path, syntax: str, slices: int) -> list[Path]:
    import pydicom
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    done = folder / "complete"
    files = [folder / f"ct_{k:04d}.dcm" for k in range(slices)]
    if done.exists() and all(path.exists() for path in files):
        return files
    folder.mkdir(parents=True, exist_ok=True)
    ct = read_ct()
    series_uid, study_uid, frame_uid = generate_uid(), generate_uid(), generate_uid()
    pixel_mm = CT_SPACING_MM[0] * CT_SHAPE_KJI[2] / SIZE
    step_mm = CT_SPACING_MM[2] * (CT_SHAPE_KJI[0] - 1) / (slices - 1)
    for k, path in enumerate(files):
        ds = pydicom.Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.MediaStorageSOPClassUID = CT_IMAGE_STORAGE
        ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.SOPClassUID, ds.SOPInstanceUID = CT_IMAGE_STORAGE, ds.file_meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study_uid, series_uid, frame_uid
        ds.Modality, ds.PatientName, ds.SeriesDescription, ds.SeriesNumber = "CT", "Benchmark", "resampled", 1
        ds.InstanceNumber = k + 1
        ds.ImagePositionPatient = [0.0, 0.0, k * step_mm]
        ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
        ds.PixelSpacing = [pixel_mm, pixel_mm]
        ds.SliceThickness = step_mm
        ds.Rows = ds.Columns = SIZE
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.RescaleSlope, ds.RescaleIntercept = 1, 0
        ds.WindowCenter, ds.WindowWidth = 40, 400
        pixels = resampled_slice(ct, k, slices)
        if syntax == SYNTAXES["jpeg-lossless"]:
            _compress_with_gdcm(ds, pixels, path)
            continue
        ds.PixelData = pixels.tobytes()
        ds.compress(syntax, pixels, encoding_plugin="pyjpegls")
        ds.save_as(path, enforce_file_format=True)
    done.write_text("ok")
    return files


def _compress_with_gdcm(ds, pixels: np.ndarray, path: Path) -> None:
    """JPEG Lossless (Process 14, SV1): pydicom has no encoder for it; GDCM's own writer has."""
    import gdcm

    ds.PixelData = pixels.tobytes()
    plain = path.with_suffix(".raw.dcm")
    ds.save_as(plain, enforce_file_format=True)
    reader = gdcm.ImageReader()
    reader.SetFileName(str(plain))
    if not reader.Read():
        raise RuntimeError(f"GDCM could not read {plain}")
    change = gdcm.ImageChangeTransferSyntax()
    change.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.JPEGLosslessProcess14_1))
    change.SetInput(reader.GetImage())
    if not change.Change():
        raise RuntimeError("GDCM could not encode JPEG Lossless")
    writer = gdcm.ImageWriter()
    writer.SetFileName(str(path))
    writer.SetFile(reader.GetFile())
    writer.SetImage(change.GetOutput())
    if not writer.Write():
        raise RuntimeError(f"GDCM could not write {path}")
    plain.unlink()


def time_pydicom(files: list[Path], plugin: str = "") -> tuple[float, np.ndarray]:
    """pydicom's own read and decode of every file; with ``plugin`` "", the first plugin it tries."""
    import pydicom

    started = time.perf_counter()
    first = None
    for path in files:
        dataset = pydicom.dcmread(path)
        if plugin:
            dataset.pixel_array_options(decoding_plugin=plugin)
        pixels = dataset.pixel_array
        first = pixels if first is None else first
    return time.perf_counter() - started, first


def time_app(folder: Path, engine) -> dict:
    from trame_slicer_app import scene_data
    from trame_slicer_app.engine.io.volumes import voxel_array

    started = time.perf_counter()
    loadables = scene_data.inspect_paths([folder])
    inspected = time.perf_counter()
    loaded = scene_data.load_loadables(engine, loadables)
    finished = time.perf_counter()
    node = engine.scene.GetNodeByID(loaded[0]["node_id"])
    first = np.array(voxel_array(node)[0])
    dims = node.GetImageData().GetDimensions()
    engine.scene.RemoveNode(node)
    return {"total_s": finished - started, "inspect_s": inspected - started, "load_s": finished - inspected,
            "first": first, "dims": dims}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--syntax", choices=sorted(SYNTAXES), default="jpeg-ls")
    parser.add_argument("--slices", type=int, default=300)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dicom-decode-benchmark"))
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    import pydicom
    from pydicom.uid import UID

    from trame_slicer_app.engine.io.dicom.dicom_pixels import preferred_plugin
    from trame_slicer_app.engine.io.untrusted import sandboxed_reading
    from trame_slicer_app.engine.scene.slicer_engine import SlicerEngine

    syntax = SYNTAXES[args.syntax]
    folder = args.work / f"{args.syntax}-{args.slices}"
    started = time.perf_counter()
    files = write_series(folder, syntax, args.slices)
    written_s = time.perf_counter() - started
    size_mb = sum(path.stat().st_size for path in files) / 1e6
    print(f"series: {len(files)} files of {SIZE} x {SIZE} int16, {UID(syntax).name}, {size_mb:.1f} MB "
          f"({len(files) * SIZE * SIZE * 2 / 1e6 / size_mb:.2f}:1), in {folder} (ready in {written_s:.1f} s)")
    plugins = list(pydicom.pixels.get_decoder(syntax).available_plugins)
    print(f"pydicom's decoders for it, in the order tried: {', '.join(plugins)}")

    app_plugin = preferred_plugin(syntax) or plugins[0]
    engine = SlicerEngine()
    spare = getattr(sandboxed_reading, "start_spare_reader", None)
    if spare is not None:  # a branch where the app keeps a reader started ahead, as SceneSession does
        spare()
        time.sleep(SPARE_READER_START_S)
    pydicom_s, pydicom_same_s, app = [], [], []
    for run in range(args.runs):
        if spare is not None and run > 0:
            time.sleep(SPARE_READER_START_S)  # the next spare reader starts 5 s after a request took one
        seconds, first_pydicom = time_pydicom(files)
        same_seconds, _ = time_pydicom(files, app_plugin)
        pydicom_s.append(seconds)
        pydicom_same_s.append(same_seconds)
        result = time_app(folder, engine)
        app.append(result)
        if not np.array_equal(result["first"], first_pydicom):
            raise SystemExit("the app's voxels differ from pydicom's decode")
        print(f"run {run + 1}: pydicom {seconds:.2f} s ({plugins[0]}), {same_seconds:.2f} s ({app_plugin}); "
              f"app {result['total_s']:.2f} s (inspection, the sandboxed child's read included, "
              f"{result['inspect_s']:.2f} s; loading in the server {result['load_s']:.2f} s), dims {result['dims']}")
    pydicom_median = statistics.median(pydicom_s)
    same_median = statistics.median(pydicom_same_s)
    app_median = statistics.median(r["total_s"] for r in app)
    print(f"median of {args.runs}: pydicom {pydicom_median:.2f} s with its first plugin ({plugins[0]}), "
          f"{same_median:.2f} s with the app's ({app_plugin}); app {app_median:.2f} s")
    print(f"ratio app / pydicom: {app_median / pydicom_median:.2f} x against pydicom's default, "
          f"{app_median / same_median:.2f} x against the same plugin (target <= 1.3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
