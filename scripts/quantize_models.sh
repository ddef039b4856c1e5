#!/usr/bin/env bash
# Static int8 quantisation of Vanity's three models with ONNX Runtime's own tooling, calibrated on
# the bundled samples, and the accuracy / size / speed table against fp32 (scripts/quantize_models.py;
# the models land in target/int8/, not in models/: they are not shipped, see docs/int8.md).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV="$ROOT/target/venv-quant"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet onnxruntime==1.32.0 onnx numpy sympy opencv-python-headless
fi
"$VENV/bin/python" "$ROOT/scripts/quantize_models.py"
