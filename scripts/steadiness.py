#!/usr/bin/env python3
"""Still-face wobble and panning error of Vanity's smoothed landmarks against MediaPipe's raw ones.

Run through scripts/steadiness.sh (it provides MediaPipe 0.10.14 and builds Vanity). Frames are made
here, deterministically: the astronaut sample scaled to a 720p frame (face about 200 px across), with
Gaussian sensor noise (sigma 4 levels) added to every frame.

  still: 90 frames of the same face, only the noise changes.
  pan:   the face at rest for 10 frames, then moving 4 px/frame to the right for 60 (plus noise).

Measures
  wobble   = RMS frame-to-frame landmark motion on the still clip (px): a perfect tracker gives 0.
  pan RMS  = RMS distance of the landmarks from where the face really is, over the 60 moving frames:
             the still clip's mean landmarks (same tracker and model) shifted by 4 px per frame.
Vanity must keep its smoothed wobble <= 0.5 x MediaPipe's raw wobble, and its pan RMS <= 1.5 px.
"""
import json
import os
import subprocess
import sys
import tempfile

import cv2
import mediapipe as mp
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VANITY = os.path.join(ROOT, "target", "release", "vanity")
NOISE_SIGMA = 4.0
PAN_PX = 4
PAN_REST = 10


def base_frame():
    face = cv2.cvtColor(cv2.imread(os.path.join(ROOT, "assets", "samples", "astronaut.png")), cv2.COLOR_BGR2RGB)
    face = cv2.resize(face, (720, 720), interpolation=cv2.INTER_CUBIC)
    frame = np.full((720, 1280, 3), 110, np.uint8)
    frame[:, 280:1000] = face
    return frame


def make_clip(folder, n, shift_per_frame, seed, rest=0):
    rng = np.random.default_rng(seed)
    base = base_frame()
    frames = []
    for i in range(n):
        m = np.float32([[1, 0, shift_per_frame * max(0, i - rest)], [0, 1, 0]])
        f = cv2.warpAffine(base, m, (1280, 720), borderMode=cv2.BORDER_REPLICATE)
        f = np.clip(f.astype(np.float32) + rng.normal(0, NOISE_SIGMA, f.shape), 0, 255).astype(np.uint8)
        cv2.imwrite(os.path.join(folder, f"{i:04d}.png"), cv2.cvtColor(f, cv2.COLOR_RGB2BGR))
        frames.append(f)
    return frames


def vanity_track(folder, model, raw):
    out = os.path.join(folder, f"track_{model}_{'raw' if raw else 'smooth'}.json")
    cmd = [VANITY, "track", folder, "--model", model, "--max-faces", "1", "--json", out] + (["--raw"] if raw else [])
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    data = json.load(open(out))
    return np.array([f["faces"][0]["landmarks"] for f in data["frames"]])[:, :468, :2]


def mediapipe_track(frames):
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=False) as fm:
        out = []
        for f in frames:
            lm = fm.process(f).multi_face_landmarks[0].landmark
            out.append([[p.x * f.shape[1], p.y * f.shape[0]] for p in lm])
    return np.array(out)


def wobble(track):
    return float(np.sqrt((np.diff(track, axis=0) ** 2).sum(axis=2).mean()))


def pan_rms(track, still_track):
    """RMS error over the moving frames: the face rests for PAN_REST frames, then pans."""
    shift = np.maximum(0, np.arange(len(track)) - PAN_REST) * PAN_PX
    truth = still_track.mean(axis=0)[None] + np.stack([shift, np.zeros_like(shift)], axis=1)[:, None, :]
    moving = slice(PAN_REST + 1, None)
    return float(np.sqrt(((track[moving] - truth[moving]) ** 2).sum(axis=2).mean()))


def main():
    if not os.path.exists(VANITY):
        sys.exit(f"{VANITY} is missing: run cargo build --release first")
    with tempfile.TemporaryDirectory() as tmp:
        still_dir, pan_dir = os.path.join(tmp, "still"), os.path.join(tmp, "pan")
        os.makedirs(still_dir)
        os.makedirs(pan_dir)
        still = make_clip(still_dir, 90, 0, seed=1)
        pan = make_clip(pan_dir, PAN_REST + 60, PAN_PX, seed=2, rest=PAN_REST)

        mp_still = mediapipe_track(still)
        mp_pan = mediapipe_track(pan)
        iod = float(np.linalg.norm(mp_still[0, 33] - mp_still[0, 263]))
        print(f"720p face, inter-ocular distance {iod:.0f} px, noise sigma {NOISE_SIGMA}")
        print(f"{'tracker':34} {'still wobble px':>16} {'vs MP raw':>10} {'pan RMS px':>11}")
        mp_w = wobble(mp_still)
        print(f"{'MediaPipe FaceMesh (raw)':34} {mp_w:16.3f} {1.0:10.2f} {pan_rms(mp_pan, mp_still):11.3f}")
        ok = True
        for model in ["v1", "v2"]:
            for raw in [True, False]:
                s = vanity_track(still_dir, model, raw)
                p = vanity_track(pan_dir, model, raw)
                w, e = wobble(s), pan_rms(p, s)
                name = f"Vanity {model} ({'raw' if raw else 'smoothed'})"
                print(f"{name:34} {w:16.3f} {w / mp_w:10.2f} {e:11.3f}")
                if not raw:
                    ok &= w <= 0.5 * mp_w and e <= 1.5
        print("PASS" if ok else "FAIL: smoothed wobble must be <= 0.5 x MediaPipe raw and pan RMS <= 1.5 px")
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
