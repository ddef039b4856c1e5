#!/usr/bin/env python3
"""Times MediaPipe 0.10.14 and Vanity on the same frames, in the same run, and prints ours/theirs.

Run through scripts/bench_mediapipe.sh. Frames: assets/samples/carphone.mp4 upscaled x4 (704x576).
Both run in tracking mode with one face: MediaPipe FaceMesh (static_image_mode=False) against
`vanity bench --model v1`, and the FaceLandmarker task in VIDEO mode against `vanity bench --model v2`.
Each side makes 3 passes over the 120 frames; the first warms up and is not counted. The machines
here are shared and noisy, so only the ratios measured in one run mean anything.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import cv2
import mediapipe as mp
import numpy as np
from mediapipe.tasks import python as mp_tasks
from mediapipe.tasks.python import vision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VANITY = os.path.join(ROOT, "target", "release", "vanity")
ROUNDS = 3
UPSCALE = 4


def frames():
    cap = cv2.VideoCapture(os.path.join(ROOT, "assets", "samples", "carphone.mp4"))
    out = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            return out
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        out.append(np.ascontiguousarray(cv2.resize(rgb, None, fx=UPSCALE, fy=UPSCALE, interpolation=cv2.INTER_LINEAR)))


def time_facemesh(clip):
    times = []
    for r in range(ROUNDS):
        with mp.solutions.face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=False) as fm:
            for f in clip:
                t = time.perf_counter()
                fm.process(f)
                if r:
                    times.append((time.perf_counter() - t) * 1e3)
    return times


def time_landmarker(clip, task):
    times = []
    for r in range(ROUNDS):
        opts = vision.FaceLandmarkerOptions(base_options=mp_tasks.BaseOptions(model_asset_path=task),
                                            running_mode=vision.RunningMode.VIDEO, num_faces=1)
        with vision.FaceLandmarker.create_from_options(opts) as lm:
            for i, f in enumerate(clip):
                image = mp.Image(image_format=mp.ImageFormat.SRGB, data=f)
                t = time.perf_counter()
                lm.detect_for_video(image, int(i * 1000 / 30))
                if r:
                    times.append((time.perf_counter() - t) * 1e3)
    return times


def time_vanity(model):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([VANITY, "bench", "--model", model, "--upscale", str(UPSCALE), "--rounds", str(ROUNDS),
                        "--threads", "1,2", "--spin", "--json", out.name], check=True, stdout=subprocess.DEVNULL)
        return json.load(open(out.name))


def main():
    if not os.path.exists(VANITY):
        sys.exit(f"{VANITY} is missing: run cargo build --release first")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from make_reference import task_path

    clip = frames()
    print(f"{len(clip)} frames of {clip[0].shape[1]}x{clip[0].shape[0]}, tracking mode, one face, "
          f"{ROUNDS - 1} timed passes each, {os.cpu_count()} CPUs")
    rows = []
    for model, name, theirs in [("v1", "FaceMesh v1", lambda: time_facemesh(clip)),
                                ("v2", "FaceLandmarker v2", lambda: time_landmarker(clip, task_path()))]:
        mp_times = theirs()
        ours = time_vanity(model)
        mp_mean, mp_p50 = statistics.mean(mp_times), statistics.median(mp_times)
        print(f"\nMediaPipe {name}: mean {mp_mean:.2f} ms, p50 {mp_p50:.2f} ms per frame")
        print(f"{'Vanity ' + model:14} {'threads':>7} {'spin':>5} {'detect':>8} {'landmarks':>10} {'smooth':>7} "
              f"{'mean':>7} {'p50':>7} {'p95':>7} {'ours/theirs':>12}")
        for r in ours:
            ratio = r["total_ms"]["mean"] / mp_mean
            rows.append((model, r["intra_threads"], r["spinning"], ratio))
            print(f"{'':14} {r['intra_threads']:>7} {str(r['spinning']):>5} {r['detect_ms']['mean']:8.2f} "
                  f"{r['landmarks_ms']['mean']:10.2f} {r['smooth_ms']['mean']:7.3f} {r['total_ms']['mean']:7.2f} "
                  f"{r['total_ms']['p50']:7.2f} {r['total_ms']['p95']:7.2f} {ratio:12.2f}")
    default = [r for r in rows if r[1] == 1 and not r[2]]
    print("\nDefault settings (1 thread, no spinning), ours/theirs by mean: "
          + ", ".join(f"{m} {ratio:.2f}" for m, _, _, ratio in default))


if __name__ == "__main__":
    main()
