#!/usr/bin/env python3
"""Install FreeSurfer's colour table (FreeSurferColorLUT.txt) for naming and colouring aseg labels.

The table is not kept in this repository: it is taken at set-up time from the MNE-Python package
(the Python package ``mne``, BSD-3-Clause; the table is FreeSurfer's own), downloaded with pip and unpacked
without installing, into the cache folder the app reads (engine/freesurfer.py). Without it, label
volumes still open as segmentations, named "Label N" in Slicer's default label colours.
Usage: .venv/bin/python scripts/fetch-freesurfer-colors.py [--target PATH]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from trame_slicer_app.engine.freesurfer import FREESURFER_LUT_PATHS, parse_color_lut

MNE_VERSION = "1.13.2"
MEMBER = "mne/data/FreeSurferColorLUT.txt"
MIN_LABELS = 100  # a real table has over a thousand entries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=Path, default=FREESURFER_LUT_PATHS[0])
    target = parser.parse_args().target
    if target.is_file():
        return 0
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                        "-d", work, f"mne=={MNE_VERSION}"], check=True)
        wheel = next(Path(work).glob("mne-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            text = archive.read(MEMBER).decode("utf-8", "replace")
    if len(parse_color_lut(text)) < MIN_LABELS:
        raise SystemExit(f"{MEMBER} in mne {MNE_VERSION} is not a colour table")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    print(f"FreeSurfer colour table installed in {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
