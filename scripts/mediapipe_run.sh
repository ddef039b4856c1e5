#!/usr/bin/env bash
# Builds Vanity (release) and runs a comparison script from scripts/ with MediaPipe 0.10.14
# (scripts/mediapipe_env.sh makes the environment once): `scripts/mediapipe_run.sh steadiness.py`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT=$1
shift
"$ROOT/scripts/fetch_onnxruntime.sh"
(cd "$ROOT" && cargo build --release --quiet)
PY=$("$ROOT/scripts/mediapipe_env.sh")
"$PY" "$ROOT/scripts/$SCRIPT" "$@"
