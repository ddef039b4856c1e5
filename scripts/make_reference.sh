#!/usr/bin/env bash
# Regenerates tests/fixtures/ (reference landmarks) with MediaPipe 0.10.14 in a virtual environment
# under target/. The same environment serves scripts/bench_mediapipe.py and scripts/steadiness.py.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/mediapipe_env.sh" >/dev/null
"$ROOT/target/venv-mediapipe/bin/python" "$ROOT/scripts/make_reference.py"
