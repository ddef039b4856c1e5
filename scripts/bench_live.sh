#!/usr/bin/env bash
# The live path's figures, measured in one run for one or more builds of vanity (e.g. before and
# after a change): under Xvfb on software Vulkan, look "glam", 20 s per run, each case twice,
# builds interleaved so that both see the same machine.
#   720p:  a 1280×720 30 fps source (the sample video upscaled, a folder of JPEGs), 1280×720 window
#   176p:  the sample video itself (176×144, 30 fps)
#   still: the astronaut photo, no input: CPU of the whole process from 2 s to 12 s, % of one core
# Prints camera_fps, fps, latency p95 and the render stages for each run.
# Usage: scripts/bench_live.sh [VANITY_BINARY ...]   (default: target/release/vanity)
set -euo pipefail
cd "$(dirname "$0")/.."
BINS=("$@")
if [ ${#BINS[@]} -eq 0 ]; then BINS=(target/release/vanity); fi
scripts/prereqs.sh build render xvfb
scripts/fetch_onnxruntime.sh
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -m 700 "$WORK/runtime"
cargo run --release --quiet --example make_720p -- "$WORK/720p"
export XDG_RUNTIME_DIR="$WORK/runtime" XDG_CONFIG_HOME="$WORK/config" VANITY_DATA_DIR="$PWD"

figures() { # stats.json -> one line
  python3 -c "
import json, sys
s = json.load(open(sys.argv[1])); st = s['render_stages_ms']
print(f\"camera_fps {s['camera_fps']:5.1f}  fps {s['fps']:5.1f}  latency p95 {s['latency_ms']['p95']:6.1f} ms  \"
      f\"render p50 {s['render_ms']['p50']:6.1f} ms (makeup {st['makeup']['p50']:.1f}, ui {st['ui']['p50']:.1f}, \"
      f\"acquire {st['acquire']['p50']:.1f}, present {st['present']['p50']:.1f})  track p50 {s['track_ms']['p50']:.1f} ms\")
" "$1"
}

cpu_seconds() { # pid -> user+system seconds of the whole process
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}

for round in 1 2; do
  for bin in "${BINS[@]}"; do
    for case in 720p 176p; do
      if [ "$case" = 720p ]; then src="$WORK/720p"; size=(--width 1280 --height 720); else src=assets/samples/carphone.mp4; size=(); fi
      xvfb-run -a -s "-screen 0 1600x900x24" "$bin" --source "$src" --look glam "${size[@]}" \
        --exit-after-secs 20 --stats "$WORK/s.json" 2>"$WORK/log.txt"
      echo "$bin  $case  round $round:  $(figures "$WORK/s.json")"
    done
    xvfb-run -a -s "-screen 0 1600x900x24" "$bin" --source assets/samples/astronaut.png --look glam \
      --exit-after-secs 14 2>"$WORK/log.txt" &
    sleep 3
    pid=$(pgrep -n -f "$bin --source assets/samples/astronaut.png" || true)
    a=$(cpu_seconds "$pid"); sleep 10; b=$(cpu_seconds "$pid")
    wait
    echo "$bin  still round $round:  CPU $(python3 -c "print(f'{($b - $a) / 10 * 100:.1f}')") % of one core over 10 s (from 3 s)"
  done
done
