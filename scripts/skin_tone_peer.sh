#!/usr/bin/env bash
# Skin tone beside a peer: runs the skin-tone-classifier package (`stone`, GPLv3, used here only as
# an outside program in its own virtual environment) and `vanity analyze` on the same images and
# prints, per face, both answers and the CIEDE2000 between them (scripts/skin_tone_peer.py; rows
# also go to out/skin_tone_peer.json). The peer finds faces with OpenCV's Haar cascade, keeps skin
# by a fixed HSV range and has no colour correction, while Vanity corrects the light from the eye
# whites first: agreement is information, not a target.
# Makes (once) .peer-venv/ in the checkout; needs target/release/vanity (`cargo build --release`).
# Usage: scripts/skin_tone_peer.sh [IMAGE ...] [--peer-width N] [--peer-min-size N] [--peer-all-faces]
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.peer-venv
PY="$VENV/bin/python"
if [ ! -x "$PY" ]; then
  python3 -m venv "$VENV"
fi
# The script reads the peer's internals (its face boxes), so its version is pinned.
if ! "$PY" -c 'import stone' >/dev/null 2>&1; then
  "$VENV/bin/pip" install --quiet --disable-pip-version-check 'skin-tone-classifier==1.2.6' 'opencv-python<5'
fi
# Plain opencv-python needs libGL; on a headless machine swap in the headless build.
if ! "$PY" -c 'import cv2' >/dev/null 2>&1; then
  "$VENV/bin/pip" uninstall --quiet --yes opencv-python
  "$VENV/bin/pip" install --quiet --disable-pip-version-check 'opencv-python-headless<5'
fi
# STONE_UPGRADE_FLAG stops `import stone` from asking the package index for a newer version.
STONE_UPGRADE_FLAG=1 exec "$PY" scripts/skin_tone_peer.py "$@"
