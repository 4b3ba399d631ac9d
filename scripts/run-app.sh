#!/usr/bin/env bash
# Set everything up (once) and run the app; extra arguments go to the app,
# e.g. scripts/run-app.sh --data head.nrrd --port 8080
# With --app (desktop mode, a native window) it also installs the desktop extra
# (pywebview with Qt WebEngine) and the system libraries Qt needs.
set -euo pipefail
cd "$(dirname "$0")/.."
desktop=""
for arg in "$@"; do [ "$arg" = "--app" ] && desktop="desktop"; done
scripts/setup-system.sh ${desktop:+--desktop}
scripts/setup-python.sh $desktop
exec .venv/bin/python -m trame_slicer_app "$@"
