#!/usr/bin/env bash
# Installs the ONNX Runtime shared library into .ort/ (ignored by git) when it is missing.
# The library comes from the onnxruntime wheel on the Python package index: `pip download` needs
# no other server, and the wheel's onnxruntime/capi/ holds the same libonnxruntime.so as upstream.
set -euo pipefail
VERSION=1.32.0
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST="$ROOT/.ort"
LIB="libonnxruntime.so.$VERSION"
if [ -f "$DEST/$LIB" ]; then
  exit 0
fi
case "$(uname -m)" in
  x86_64) PLATFORM=manylinux_2_28_x86_64 ;;
  aarch64) PLATFORM=manylinux_2_28_aarch64 ;;
  *) echo "fetch_onnxruntime: no onnxruntime wheel for $(uname -m)" >&2; exit 1 ;;
esac
PY=$(command -v python3 || command -v python) || { echo "fetch_onnxruntime: needs python3 with pip" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "fetching ONNX Runtime $VERSION (onnxruntime wheel) into $DEST" >&2
"$PY" -m pip download --quiet --no-deps --only-binary=:all: --platform "$PLATFORM" \
  --python-version 3.11 --implementation cp -d "$TMP" "onnxruntime==$VERSION"
WHEEL=$(ls "$TMP"/onnxruntime-"$VERSION"-*.whl)
mkdir -p "$DEST"
"$PY" - "$WHEEL" "$DEST" "$LIB" <<'PY'
import sys, zipfile
wheel, dest, lib = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    member = next(n for n in z.namelist() if n.endswith("/capi/" + lib))
    with open(f"{dest}/{lib}", "wb") as f:
        f.write(z.read(member))
PY
echo "installed $DEST/$LIB" >&2
