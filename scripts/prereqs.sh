#!/usr/bin/env bash
# Checks the system packages Vanity needs *before* any build and installs the missing ones:
# with apt-get when running as root, with `sudo apt-get` when sudo works without a prompt, and
# otherwise stops at once with the one exact command to run. Sourced by scripts/run, scripts/test,
# scripts/package and .ci/run, so a bare Debian machine (git, a C compiler, Rust, Python) needs
# nothing else.
#
# Usage: scripts/prereqs.sh [build] [render] [xvfb] [windows] [wine]
#   build   - C/C++ compilers (OpenH264), libclang (the camera backend's bindgen), NASM (libjpeg-turbo's
#             SIMD decoder), pip (ONNX Runtime)
#   render  - the Vulkan loader and Mesa's drivers (lavapipe where there is no GPU)
#   xvfb    - a virtual X server, to run the mirror where there is no display
#   windows - the MinGW cross toolchain and the Rust target for the Windows package
#   wine    - Wine, to smoke-test the Windows package (scripts/test-windows)
set -euo pipefail

want_build=0 want_render=0 want_xvfb=0 want_windows=0 want_wine=0
for arg in "$@"; do
  case "$arg" in
    build) want_build=1 ;;
    render) want_render=1 ;;
    xvfb) want_xvfb=1 ;;
    windows) want_windows=1 ;;
    wine) want_wine=1 ;;
    *) echo "prereqs: unknown group '$arg' (build, render, xvfb, windows, wine)" >&2; exit 2 ;;
  esac
done

need=()

if [ "$want_build" = 1 ]; then
  command -v cc >/dev/null || need+=(gcc)
  command -v c++ >/dev/null || need+=(g++)
  command -v make >/dev/null || need+=(make)
  command -v pkg-config >/dev/null || need+=(pkg-config)
  # The camera backend's V4L2 bindings are generated with bindgen, which loads libclang.
  compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null ||
    compgen -G '/usr/lib/*/libclang-[0-9]*.so*' >/dev/null || need+=(libclang-dev)
  # libjpeg-turbo (every JPEG and MJPEG frame) builds its SIMD code with NASM; without it the build
  # quietly falls back to plain C, which decodes the same pixels about three times slower.
  command -v nasm >/dev/null || need+=(nasm)
  # ONNX Runtime comes from the onnxruntime wheel, fetched with pip.
  command -v python3 >/dev/null || need+=(python3)
  python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
fi
if [ "$want_render" = 1 ]; then
  ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 ' || need+=(libvulkan1)
  compgen -G '/usr/share/vulkan/icd.d/lvp_icd.*.json' >/dev/null || need+=(mesa-vulkan-drivers)
  # winit's X11 backend loads these at run time.
  ldconfig -p 2>/dev/null | grep -q 'libxkbcommon-x11.so.0 ' || need+=(libxkbcommon-x11-0)
  ldconfig -p 2>/dev/null | grep -q 'libXcursor.so.1 ' || need+=(libxcursor1)
  ldconfig -p 2>/dev/null | grep -q 'libXi.so.6 ' || need+=(libxi6)
  ldconfig -p 2>/dev/null | grep -q 'libXrandr.so.2 ' || need+=(libxrandr2)
fi
if [ "$want_xvfb" = 1 ]; then
  command -v xvfb-run >/dev/null || need+=(xvfb)
  command -v xauth >/dev/null || need+=(xauth)
fi
if [ "$want_windows" = 1 ]; then
  command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
  command -v x86_64-w64-mingw32-g++ >/dev/null || need+=(g++-mingw-w64-x86-64)
fi
if [ "$want_wine" = 1 ]; then
  # Debian's wine64 runs 64-bit Windows programs; `wine` is its launcher.
  command -v wine >/dev/null || need+=(wine)
  [ -x /usr/lib/wine/wine64 ] || need+=(wine64)
fi

if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "prereqs: missing ${need[*]} and this is not a Debian/Ubuntu system: install their equivalents first" >&2
    exit 1
  fi
  if [ "$(id -u)" = 0 ]; then
    apt=(apt-get)
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    apt=(sudo apt-get)
  else
    echo "prereqs: missing system packages; run this once, then try again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "prereqs: installing ${need[*]}" >&2
  "${apt[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ "$want_windows" = 1 ] && command -v rustup >/dev/null; then
  rustup target list --installed 2>/dev/null | grep -qx x86_64-pc-windows-gnu ||
    rustup target add x86_64-pc-windows-gnu >&2
fi
exit 0
