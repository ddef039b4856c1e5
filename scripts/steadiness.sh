#!/usr/bin/env bash
# Still-face wobble and panning error, Vanity vs MediaPipe (see scripts/steadiness.py).
exec "$(dirname "$0")/mediapipe_run.sh" steadiness.py "$@"
