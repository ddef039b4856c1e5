#!/usr/bin/env bash
# Builds Vanity and runs scripts/bench_mediapipe.py with MediaPipe 0.10.14 (see that file).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/fetch_onnxruntime.sh"
(cd "$ROOT" && cargo build --release --quiet)
PY=$("$ROOT/scripts/mediapipe_env.sh")
"$PY" "$ROOT/scripts/bench_mediapipe.py" "$@"
