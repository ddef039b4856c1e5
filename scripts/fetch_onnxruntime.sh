#!/usr/bin/env bash
# Installs the ONNX Runtime shared library into .ort/ (ignored by git) when it is missing.
# The library comes from the onnxruntime wheel on the Python package index: `pip download` needs
# no other server, and the wheel's onnxruntime/capi/ holds the same library as upstream.
#
# Usage: scripts/fetch_onnxruntime.sh [windows]
#   (none)   this machine's library: .ort/libonnxruntime.so.<version>
#   windows  the Windows x86_64 DLL for the Windows package: .ort/windows/onnxruntime.dll
set -euo pipefail
VERSION=1.32.0
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# SHA-256 of each library Vanity ships (src/runtime.rs checks the same before loading one).
SHA256_LINUX_X86_64=6c1585d1bbf45b0712ea4a21b705c5fcb4ba04ff2e30f1fbf81a49faf658638f
SHA256_WIN_AMD64=e9feebaed867b76f741c14ae64e056a3da64a153a61994f1fb48eadc7f9b3ba8

case "${1:-}" in
  "")
    DEST="$ROOT/.ort" LIB="libonnxruntime.so.$VERSION"
    case "$(uname -m)" in
      x86_64) PLATFORM=manylinux_2_28_x86_64 SHA256=$SHA256_LINUX_X86_64 ;;
      aarch64) PLATFORM=manylinux_2_28_aarch64 SHA256="" ;;
      *) echo "fetch_onnxruntime: no onnxruntime wheel for $(uname -m)" >&2; exit 1 ;;
    esac
    ;;
  windows) DEST="$ROOT/.ort/windows" LIB=onnxruntime.dll PLATFORM=win_amd64 SHA256=$SHA256_WIN_AMD64 ;;
  *) echo "fetch_onnxruntime: unknown platform '$1' (leave it out, or: windows)" >&2; exit 2 ;;
esac
if [ -f "$DEST/$LIB" ]; then
  exit 0
fi
PY=$(command -v python3 || command -v python) || { echo "fetch_onnxruntime: needs python3 with pip" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "fetching ONNX Runtime $VERSION (onnxruntime wheel, $PLATFORM) into $DEST" >&2
"$PY" -m pip download --quiet --no-deps --only-binary=:all: --platform "$PLATFORM" \
  --python-version 3.11 --implementation cp -d "$TMP" "onnxruntime==$VERSION"
WHEEL=$(ls "$TMP"/onnxruntime-"$VERSION"-*.whl)
mkdir -p "$DEST"
# Extracted beside its final name and renamed only when whole and checked: an interrupted fetch
# never leaves a cut-off library (which would crash the loader).
"$PY" - "$WHEEL" "$DEST" "$LIB" <<'PY'
import sys, zipfile
wheel, dest, lib = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    member = next(n for n in z.namelist() if n.endswith("/capi/" + lib))
    with open(f"{dest}/{lib}.partial", "wb") as f:
        f.write(z.read(member))
PY
if [ -n "$SHA256" ]; then
  echo "$SHA256  $DEST/$LIB.partial" | sha256sum --check --quiet ||
    { rm -f "$DEST/$LIB.partial"; echo "fetch_onnxruntime: the wheel's library has an unexpected checksum" >&2; exit 1; }
fi
mv -f "$DEST/$LIB.partial" "$DEST/$LIB"
echo "installed $DEST/$LIB" >&2
