#!/usr/bin/env bash
# Set everything up (once) and run the whole test suite: layering contracts,
# lint, unit/engine tests, browser tests in the Debian chromium, and desktop
# mode (--app) under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh --with-browser
scripts/setup-python.sh test,desktop,qt-host
.venv/bin/python tests/fetch_data.py
.venv/bin/lint-imports
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
