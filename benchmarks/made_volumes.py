"""Volumes the streaming benchmark makes for itself, and how long reading them takes.

A real CT series is 512 x 512 in plane with a few hundred slices; the test CT is 256 x 256 x 108. The
benchmark makes the real-size one from the test CT (trilinear resampling, numpy only: no scipy or
SimpleITK in the environment, and nothing is downloaded), keeping its physical extent, so the head
looks the same, finer sampled.

Run as a script, it times one read of a volume file in this fresh process and prints JSON:
``made_volumes.py time-read app|core PATH``.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
LARGE_SHAPE_KJI = (432, 512, 512)  # slices, rows, columns: a real head CT's size
NRRD_TYPES = {"short": np.int16, "int16": np.int16, "signed short": np.int16,
              "ushort": np.uint16, "unsigned short": np.uint16, "uint16": np.uint16,
              "float": np.float32, "uchar": np.uint8, "unsigned char": np.uint8}


def read_nrrd(path: Path) -> tuple[np.ndarray, dict[str, str]]:
    """A 3D NRRD with its data in the same file (raw or gzip) as a (k, j, i) array and its header."""
    blob = path.read_bytes()
    end = blob.index(b"\n\n")
    fields = {}
    for line in blob[:end].decode("ascii").splitlines()[1:]:
        if ":" in line and not line.startswith("#"):
            key, value = line.split(":", 1)
            fields[key.strip()] = value.strip()
    data = blob[end + 2:]
    if fields.get("encoding") in ("gzip", "gz"):
        data = gzip.decompress(data)
    elif fields.get("encoding") != "raw":
        raise ValueError(f"{path.name}: NRRD encoding {fields.get('encoding')!r} not handled here")
    dtype = np.dtype(NRRD_TYPES[fields["type"]]).newbyteorder("<" if fields.get("endian", "little") == "little"
                                                              else ">")
    sizes = [int(s) for s in fields["sizes"].split()]
    voxels = np.frombuffer(data, dtype=dtype, count=int(np.prod(sizes))).reshape(sizes[::-1])
    return voxels.astype(dtype.newbyteorder("=")), fields


def _axis_weights(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower neighbour, upper neighbour and weight of the upper one for each output sample, the
    samples' centres aligned (as a resampling that keeps the physical extent places them)."""
    position = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
    lower = np.floor(position).astype(np.intp)
    upper = np.minimum(lower + 1, n_in - 1)
    return lower, upper, (position - lower).astype(np.float32)


def resample_trilinear(voxels_kji: np.ndarray, shape_kji: tuple[int, int, int]) -> np.ndarray:
    """Trilinear resampling, slice by output slice (a float copy of the whole output would be 450 MB)."""
    j_lo, j_hi, j_w = _axis_weights(voxels_kji.shape[1], shape_kji[1])
    i_lo, i_hi, i_w = _axis_weights(voxels_kji.shape[2], shape_kji[2])

    def in_plane(slice_ji: np.ndarray) -> np.ndarray:
        rows = slice_ji[j_lo] * (1 - j_w[:, None]) + slice_ji[j_hi] * j_w[:, None]
        return rows[:, i_lo] * (1 - i_w) + rows[:, i_hi] * i_w

    planes = [in_plane(s.astype(np.float32)) for s in voxels_kji]  # each input slice once
    k_lo, k_hi, k_w = _axis_weights(voxels_kji.shape[0], shape_kji[0])
    out = np.empty(shape_kji, dtype=voxels_kji.dtype)
    for k in range(shape_kji[0]):
        out[k] = np.rint(planes[k_lo[k]] * (1 - k_w[k]) + planes[k_hi[k]] * k_w[k])
    return out


def write_nrrd(path: Path, voxels_kji: np.ndarray, directions: np.ndarray, origin: np.ndarray,
               space: str) -> None:
    """A raw little-endian NRRD (raw: the read measured is the reader's, not zlib's); ``directions``
    holds each axis' step (i, j, k) in space, in mm."""
    def vector(v):
        return "(" + ",".join(f"{c:.9g}" for c in v) + ")"

    header = "\n".join([
        "NRRD0004", "type: short", "dimension: 3", f"space: {space}",
        "sizes: " + " ".join(str(n) for n in voxels_kji.shape[::-1]),
        "space directions: " + " ".join(vector(v) for v in directions),
        "kinds: domain domain domain", "endian: little", "encoding: raw", f"space origin: {vector(origin)}",
    ]) + "\n\n"
    temporary = path.with_suffix(".part")
    with open(temporary, "wb") as out:
        out.write(header.encode("ascii"))
        out.write(voxels_kji.astype("<i2", copy=False).tobytes())
    temporary.replace(path)


def _vectors(field: str) -> np.ndarray:
    return np.array([[float(c) for c in v.strip("()").split(",")] for v in field.split()])


def large_ct(source: Path, out_dir: Path, shape_kji: tuple[int, int, int] = LARGE_SHAPE_KJI) -> Path:
    """The real-size CT made from ``source`` (made once, then reused while newer than the source)."""
    path = out_dir / f"ct_{shape_kji[2]}x{shape_kji[1]}x{shape_kji[0]}.nrrd"
    if path.exists() and path.stat().st_mtime > source.stat().st_mtime:
        return path
    voxels, fields = read_nrrd(source)
    if voxels.dtype != np.int16:
        raise ValueError(f"{source.name}: expected an int16 CT, got {voxels.dtype}")
    directions = _vectors(fields["space directions"])  # rows: the i, j, k steps
    origin = _vectors(fields.get("space origin", "(0,0,0)"))[0]
    # The same physical extent, more samples: each axis' step shrinks by its factor, and the first
    # sample's centre moves inwards by half the difference of the steps (voxel edges stay put).
    factors = np.array([voxels.shape[2 - axis] / shape_kji[2 - axis] for axis in range(3)])
    new_directions = directions * factors[:, None]
    new_origin = origin + ((new_directions - directions) / 2).sum(axis=0)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_nrrd(path, resample_trilinear(voxels, shape_kji), new_directions, new_origin,
               fields.get("space", "left-posterior-superior"))
    return path


# -- reading times, each in a fresh process (nothing cached in the process; the file itself is in the
# page cache after the first read, for both alike) --------------------------------------------------
def _time_app_open(path: Path) -> float:
    """The app's own open: header checks, the read in the sandboxed child, the handover into the
    scene, the views' set-up for the volume (volume_open_benchmark.py splits it into stages)."""
    from volume_open_benchmark import app_open

    return app_open(path)["total_s"]


def _time_core_read(path: Path) -> float:
    """slicer-core's own open of a volume file, as Slicer opens one (volume_open_benchmark.py)."""
    from volume_open_benchmark import slicer_read

    return slicer_read(path)["slicer_read_s"]


def read_time_s(how: str, path: Path, timeout_s: float = 300.0) -> float:
    """Seconds one read of ``path`` takes ('app' or 'core'), in a fresh Python process."""
    done = subprocess.run([sys.executable, __file__, "time-read", how, str(path)], capture_output=True,
                          text=True, timeout=timeout_s, cwd=REPO, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


if __name__ == "__main__" and sys.argv[1:2] == ["time-read"]:
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "benchmarks"))
    how, file_path = sys.argv[2], Path(sys.argv[3])
    seconds = {"app": _time_app_open, "core": _time_core_read}[how](file_path)
    print(json.dumps({"how": how, "seconds": seconds}))
