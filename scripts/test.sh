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
if [ "$#" -gt 0 ]; then
    exec .venv/bin/python -m pytest "$@"
fi
# The suite runs as one pytest process per part: the engines the in-process tests make (views, GL
# contexts, the CT, segmentations) are not all freed before their process ends, and the whole suite
# in one process outgrew this machine's 24 GB (killed by the kernel at 23.9 GB, stop 21).
parts=()
for dir in tests/*/; do
    dir=${dir%/}
    if [ "$dir" != tests/engine ] && [ -n "$(find "$dir" -name 'test_*.py' -print -quit)" ]; then
        parts+=("$dir")
    fi
done
parts+=(tests/engine/segment_editor "tests/engine --ignore=tests/engine/segment_editor" "$(echo tests/test_*.py)")
status=0
for part in "${parts[@]}"; do
    # shellcheck disable=SC2086  # a part is a list of paths and options
    .venv/bin/python -m pytest $part || status=1
done
exit $status
