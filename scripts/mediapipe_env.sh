#!/usr/bin/env bash
# Makes (once) the virtual environment with MediaPipe 0.10.14 used to produce reference output and
# to time MediaPipe against Vanity; prints its python.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV="$ROOT/target/venv-mediapipe"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet mediapipe==0.10.14 numpy
fi
echo "$VENV/bin/python"
