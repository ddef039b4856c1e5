#!/usr/bin/env python3
"""Vanity's skin measurement beside a peer's: skin-tone-classifier 1.2.6 (`import stone`).

Run through scripts/skin_tone_peer.sh, which makes the environment. For each image this runs
`target/release/vanity analyze IMAGE --json ...` and `stone.process(IMAGE, image_type="color",
tone_palette="monk")`, pairs the faces by box overlap (or, failing that, centre distance), prints
one row per face and writes the rows to out/skin_tone_peer.json.

What the peer does (read from its source): it shrinks the image to 250 px wide, finds faces with
OpenCV's frontal Haar cascade (at least 90x90 px in the shrunk image, and by default only the
biggest face, since `process` keeps OpenCV's FIND_BIGGEST_OBJECT), keeps the pixels inside a fixed
HSV skin range, takes two k-means colours and picks the palette swatch with the smallest
share-weighted CIEDE2000 to them. It has no colour correction. When it finds no face it classifies
the skin-coloured pixels of the whole image (face_id "NA"). Its API returns no face boxes, so this
script wraps `stone.image.detect_faces` to read them (hence the pinned version). k-means starts
from random centres, so OpenCV's RNG is seeded before each image.

Colours compared: Vanity's light-corrected skin L*a*b*, against the peer's main k-means colour (its
measurement, raw camera sRGB) and against the Monk swatch it chose. "dE unc~" undoes Vanity's
light correction approximately (its per-channel linear-RGB gains, `lighting.correction`) before
comparing with the peer's main colour, to tell the light correction apart from the skin sampling.
"""
import argparse
import inspect
import json
import math
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("STONE_UPGRADE_FLAG", "1")  # no version check against the package index

import cv2  # noqa: E402
import stone  # noqa: E402
import stone.image  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VANITY = os.path.join(ROOT, "target", "release", "vanity")
OUT_DIR = os.path.join(ROOT, "out")
PALETTE = "monk"
MONK = [h.upper() for h in stone.image.DEFAULT_TONE_PALETTE[PALETTE]]  # lightest first, as Vanity's

# ---------------------------------------------------------------- colour (same constants as Vanity)

D65 = (0.95047, 1.0, 1.08883)
RGB_XYZ = ((0.4124564, 0.3575761, 0.1804375), (0.2126729, 0.7151522, 0.0721750), (0.0193339, 0.1191920, 0.9503041))
XYZ_RGB = ((3.2404542, -1.5371385, -0.4985314), (-0.9692660, 1.8760108, 0.0415560), (0.0556434, -0.2040259, 1.0572252))


def _mul(m, v):
    return tuple(sum(m[i][j] * v[j] for j in range(3)) for i in range(3))


def hex_rgb(h):
    h = h.lstrip("#")
    return tuple(int(h[i : i + 2], 16) for i in (0, 2, 4))


def srgb_to_linear(c8):
    c = c8 / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def xyz_to_lab(xyz):
    def f(t):
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = (f(xyz[i] / D65[i]) for i in range(3))
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def lab_to_xyz(lab):
    fy = (lab[0] + 16) / 116
    fx, fz = fy + lab[1] / 500, fy - lab[2] / 200

    def inv(f):
        return f**3 if f**3 > 216 / 24389 else (116 * f - 16) * 27 / 24389

    return (inv(fx) * D65[0], inv(fy) * D65[1], inv(fz) * D65[2])


def srgb_to_lab(hex_colour):
    """8-bit sRGB (hex) -> CIE L*a*b* (D65)."""
    return xyz_to_lab(_mul(RGB_XYZ, [srgb_to_linear(c) for c in hex_rgb(hex_colour)]))


def uncorrect(lab, gains):
    """Undo a correction given as multipliers of linear R, G, B (approximate: Vanity's is a
    Bradford von Kries scaling, whose effect on a grey pixel these gains are)."""
    lin = _mul(XYZ_RGB, lab_to_xyz(lab))
    return xyz_to_lab(_mul(RGB_XYZ, [v / g for v, g in zip(lin, gains)]))


def ciede2000(lab1, lab2, kl=1.0, kc=1.0, kh=1.0):
    """CIEDE2000 (Sharma, Wu & Dalal 2005)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dlp, dcp = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    elif h2p - h1p > 180:
        dhp = h2p - h1p - 360
    else:
        dhp = h2p - h1p + 360
    dHp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))
    lbp, cbp = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hbp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbp = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hbp = (h1p + h2p + 360) / 2
    else:
        hbp = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(hbp - 30))
        + 0.24 * math.cos(math.radians(2 * hbp))
        + 0.32 * math.cos(math.radians(3 * hbp + 6))
        - 0.20 * math.cos(math.radians(4 * hbp - 63))
    )
    d_theta = 30 * math.exp(-(((hbp - 275) / 25) ** 2))
    rc = 2 * math.sqrt(cbp**7 / (cbp**7 + 25.0**7))
    sl = 1 + 0.015 * (lbp - 50) ** 2 / math.sqrt(20 + (lbp - 50) ** 2)
    sc = 1 + 0.045 * cbp
    sh = 1 + 0.015 * cbp * t
    rt = -math.sin(math.radians(2 * d_theta)) * rc
    return math.sqrt(
        (dlp / (kl * sl)) ** 2 + (dcp / (kc * sc)) ** 2 + (dHp / (kh * sh)) ** 2 + rt * (dcp / (kc * sc)) * (dHp / (kh * sh))
    )


# Sharma, Wu & Dalal (2005), Table 1: pairs 1, 7, 17 and 25.
for _p, _q, _de in [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
]:
    assert abs(ciede2000(_p, _q) - _de) < 5e-5 and abs(ciede2000(_q, _p) - _de) < 5e-5, (_p, _q, ciede2000(_p, _q), _de)
# sRGB white is L* 100, a* = b* = 0 against D65.
assert abs(srgb_to_lab("#FFFFFF")[0] - 100) < 1e-3 and max(map(abs, srgb_to_lab("#FFFFFF")[1:])) < 1e-2

# ---------------------------------------------------------------- the peer


def run_peer(path, width, min_size, all_faces):
    """stone.process with the Monk palette, plus the face boxes it found (in the image's pixels)."""
    found = []
    original = stone.image.detect_faces
    signature = inspect.signature(original)

    def detect_faces(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        if all_faces:
            bound.arguments["biggest_only"] = False
        faces = original(*bound.args, **bound.kwargs)
        found.append((bound.arguments["image"].shape[:2], [[int(v) for v in f] for f in faces]))
        return faces

    stone.image.detect_faces = detect_faces
    try:
        cv2.setRNGSeed(0)
        result = stone.process(
            path,
            image_type="color",
            tone_palette=PALETTE,
            new_width=width,
            min_size=(min_size, min_size),
            return_report_image=False,
        )
    finally:
        stone.image.detect_faces = original
    full = cv2.imread(path, cv2.IMREAD_COLOR)
    boxes = []
    if found:
        (h, w), faces = found[0]
        sx, sy = full.shape[1] / w, full.shape[0] / h
        boxes = [[x1 * sx, y1 * sy, (x2 - x1) * sx, (y2 - y1) * sy] for x1, y1, x2, y2 in faces]
    out = []
    for rec in result.get("faces", []):
        face_id = rec.get("face_id")
        box = boxes[face_id - 1] if isinstance(face_id, int) and face_id - 1 < len(boxes) else None
        tone = rec["skin_tone"].upper()
        out.append(
            {
                "face_id": face_id,
                "box": [round(v, 1) for v in box] if box else None,
                "tone_label": rec["tone_label"],
                "skin_tone": tone,
                "monk": MONK.index(tone) + 1 if tone in MONK else None,
                "dominant_colors": [{"color": d["color"], "percent": float(d["percent"])} for d in rec["dominant_colors"]],
                "accuracy": rec.get("accuracy"),
            }
        )
    return out


# ---------------------------------------------------------------- Vanity


def run_vanity(path):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "analysis.json")
        proc = subprocess.run([VANITY, "analyze", path, "--json", out], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"vanity analyze {path} failed ({proc.returncode}):\n{proc.stderr.strip()}")
        with open(out) as f:
            return json.load(f)["faces"]


# ---------------------------------------------------------------- pairing


def iou(a, b):
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def centre_distance(a, b):
    return math.hypot(a[0] + a[2] / 2 - b[0] - b[2] / 2, a[1] + a[3] / 2 - b[1] - b[3] / 2)


def pair(vanity, peer):
    """Greedy pairing: highest IoU first; a pair needs IoU >= 0.1 or centres closer than half the
    larger box side. Returns {vanity index: (peer index, how)}."""
    candidates = []
    for i, v in enumerate(vanity):
        for j, p in enumerate(peer):
            if p["box"] is None:
                continue
            o, d = iou(v["box"], p["box"]), centre_distance(v["box"], p["box"])
            if o >= 0.1 or d < 0.5 * max(v["box"][2], v["box"][3], p["box"][2], p["box"][3]):
                candidates.append((-o, d, i, j))
    pairs, used_v, used_p = {}, set(), set()
    for neg_o, d, i, j in sorted(candidates):
        if i in used_v or j in used_p:
            continue
        used_v.add(i)
        used_p.add(j)
        pairs[i] = (j, f"IoU {-neg_o:.2f}" if -neg_o >= 0.1 else f"centre {d:.0f}px")
    return pairs


# ---------------------------------------------------------------- rows


def carphone_still(frame_index):
    """A 704x576 still of the carphone sample (frame upscaled x4 as in bench_mediapipe.py), or None."""
    cap = cv2.VideoCapture(os.path.join(ROOT, "assets", "samples", "carphone.mp4"))
    cap.set(cv2.CAP_PROP_POS_FRAMES, frame_index)
    ok, bgr = cap.read()
    cap.release()
    if not ok:
        return None
    still = cv2.resize(bgr, None, fx=4, fy=4, interpolation=cv2.INTER_LINEAR)
    path = os.path.join(OUT_DIR, f"carphone_f{frame_index:03d}_704x576.png")
    cv2.imwrite(path, still)
    return path


def fmt_box(b):
    return "-" if b is None else "{:.0f},{:.0f} {:.0f}x{:.0f}".format(*b)


def make_rows(path, vanity, peer):
    rel = os.path.relpath(path, ROOT)
    pairs = pair(vanity, peer)
    rows = []
    for i, v in enumerate(vanity):
        skin, light = v["skin"], v["lighting"]
        row = {
            "image": rel,
            "vanity_face": i + 1,
            "vanity": {
                "box": [round(x, 1) for x in v["box"]],
                "hex": skin["hex"],
                "lab": skin["lab"],
                "monk": skin["monk"],
                "ita": skin["ita"],
                "ita_band": skin["ita_band"],
                "undertone": skin["undertone"],
                "undertone_certain": skin["certain"],
                "light": light["verdict"],
                "cct": light.get("cct"),
                "correction": light.get("correction"),
            },
            "peer": None,
            "match": None,
        }
        if i in pairs:
            j, how = pairs[i]
            p = peer[j]
            main = p["dominant_colors"][0]["color"]
            lab = skin["lab"]
            row["peer"] = p
            row["match"] = how
            row["delta_e"] = {
                "vs_peer_main_colour": round(ciede2000(lab, srgb_to_lab(main)), 2),
                "vs_peer_swatch": round(ciede2000(lab, srgb_to_lab(p["skin_tone"])), 2),
            }
            if light.get("correction"):
                raw = uncorrect(lab, light["correction"])
                row["delta_e"]["uncorrected_vs_peer_main_colour"] = round(ciede2000(raw, srgb_to_lab(main)), 2)
        rows.append(row)
    matched = {j for j, _ in pairs.values()}
    for j, p in enumerate(peer):
        if j not in matched:
            rows.append({"image": rel, "vanity_face": None, "vanity": None, "peer": p, "match": None})
    return rows


COLUMNS = [
    ("image", lambda r: os.path.basename(r["image"])),
    ("V#", lambda r: str(r["vanity_face"] or "-")),
    ("box (Vanity)", lambda r: fmt_box(r["vanity"]["box"]) if r["vanity"] else "-"),
    ("V hex", lambda r: r["vanity"]["hex"] if r["vanity"] else "-"),
    ("V L*a*b*", lambda r: "{:.1f} {:.1f} {:.1f}".format(*r["vanity"]["lab"]) if r["vanity"] else "-"),
    ("V Monk", lambda r: str(r["vanity"]["monk"]) if r["vanity"] else "-"),
    ("ITA band", lambda r: r["vanity"]["ita_band"] if r["vanity"] else "-"),
    ("undertone", lambda r: (r["vanity"]["undertone"] + ("" if r["vanity"]["undertone_certain"] else "?")) if r["vanity"] else "-"),
    ("light", lambda r: r["vanity"]["light"] if r["vanity"] else "-"),
    ("match", lambda r: r["match"] or ("peer missed" if r["vanity"] else "Vanity none")),
    ("P face", lambda r: str(r["peer"]["face_id"]) if r["peer"] else "-"),
    ("box (peer)", lambda r: (fmt_box(r["peer"]["box"]) if r["peer"]["box"] else "whole image") if r["peer"] else "-"),
    ("P label", lambda r: r["peer"]["tone_label"] if r["peer"] else "-"),
    ("P swatch", lambda r: r["peer"]["skin_tone"] if r["peer"] else "-"),
    ("P Monk", lambda r: str(r["peer"]["monk"]) if r["peer"] else "-"),
    ("P main colour", lambda r: "{} {:.0f}%".format(r["peer"]["dominant_colors"][0]["color"], 100 * r["peer"]["dominant_colors"][0]["percent"]) if r["peer"] else "-"),
    ("dE main", lambda r: "{:.1f}".format(r["delta_e"]["vs_peer_main_colour"]) if r.get("delta_e") else "-"),
    ("dE swatch", lambda r: "{:.1f}".format(r["delta_e"]["vs_peer_swatch"]) if r.get("delta_e") else "-"),
    ("dE unc~", lambda r: "{:.1f}".format(r["delta_e"]["uncorrected_vs_peer_main_colour"]) if r.get("delta_e", {}).get("uncorrected_vs_peer_main_colour") is not None else "-"),
]


def print_table(rows):
    cells = [[name for name, _ in COLUMNS]] + [[f(r) for _, f in COLUMNS] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    for k, line in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", nargs="*", help="default: astronaut.png, tests/fixtures/group.png, a carphone still")
    parser.add_argument("--peer-width", type=int, default=250, help="peer's new_width (its default 250; -1: no resize)")
    parser.add_argument("--peer-min-size", type=int, default=90, help="peer's min face size in its resized image (default 90)")
    parser.add_argument("--peer-all-faces", action="store_true", help="let the peer keep every face, not just the biggest")
    parser.add_argument("--carphone-frame", type=int, default=0, help="frame of carphone.mp4 for the default still")
    parser.add_argument("--json", default=os.path.join(OUT_DIR, "skin_tone_peer.json"))
    args = parser.parse_args()

    if not os.access(VANITY, os.X_OK):
        sys.exit(f"{os.path.relpath(VANITY, ROOT)} not found: run `cargo build --release` first")
    os.makedirs(OUT_DIR, exist_ok=True)
    images = [os.path.abspath(p) for p in args.images]
    if not images:
        images = [os.path.join(ROOT, "assets", "samples", "astronaut.png"), os.path.join(ROOT, "tests", "fixtures", "group.png")]
        still = carphone_still(args.carphone_frame)
        if still:
            images.append(still)
        else:
            print("note: could not read a frame of assets/samples/carphone.mp4 with OpenCV; skipping it", file=sys.stderr)

    rows = []
    for path in images:
        rows += make_rows(path, run_vanity(path), run_peer(path, args.peer_width, args.peer_min_size, args.peer_all_faces))

    settings = {
        "peer": f"skin-tone-classifier {stone.__version__}",
        "palette": PALETTE,
        "image_type": "color",
        "new_width": args.peer_width,
        "min_size": args.peer_min_size,
        "biggest_only": not args.peer_all_faces,
        "opencv": cv2.__version__,
    }
    print(
        "peer: {peer}, palette {palette} (labels CA..CJ = Monk 1..10), new_width {new_width}, min_size {min_size}, "
        "{}; Vanity: target/release/vanity analyze (light-corrected)".format(
            "biggest face only" if settings["biggest_only"] else "all faces", **settings
        )
    )
    print_table(rows)
    print("dE = CIEDE2000 from Vanity's corrected skin L*a*b* to the peer's main k-means colour / its chosen swatch;")
    print("dE unc~ = from Vanity's skin with its light correction undone (approximately) to the peer's main colour. '?' = uncertain undertone.")
    with open(args.json, "w") as f:
        json.dump({"settings": settings, "rows": rows}, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(os.path.abspath(args.json), ROOT)}")


if __name__ == "__main__":
    main()
