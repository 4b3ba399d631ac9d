#!/usr/bin/env bash
# Create .venv (once) and install the app with its pinned dependencies, Slicer's engine included
# (the standalone extra; inside 3D Slicer the package uses Slicer's own instead).
# Usage: scripts/setup-python.sh [extras]   e.g. "test", "desktop" or "test,desktop"
set -euo pipefail
cd "$(dirname "$0")/.."
extra="standalone${1:+,$1}"
python3 -m venv .venv 2>/dev/null || python3 -m venv --without-pip .venv
.venv/bin/python -m pip --version >/dev/null 2>&1 || .venv/bin/python -m ensurepip -q
stamp=".venv/.installed${extra:+-$extra}"
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${extra:+[$extra]}"
  touch "$stamp"
fi
# FreeSurfer's colour table, for aseg label names (not kept in the repository; see the script).
.venv/bin/python scripts/fetch-freesurfer-colors.py || echo "FreeSurfer colour table not installed: aseg labels will be numbered" >&2
