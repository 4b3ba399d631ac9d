#!/usr/bin/env bash
# Set everything up (once) and run the app; extra arguments go to the app,
# e.g. scripts/run-app.sh --data head.nrrd --port 8080
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh
scripts/setup-python.sh
exec .venv/bin/python -m trame_slicer_app "$@"
