#!/usr/bin/env bash
# Vanity vs MediaPipe speed, same frames, same run (see scripts/bench_mediapipe.py).
exec "$(dirname "$0")/mediapipe_run.sh" bench_mediapipe.py "$@"
