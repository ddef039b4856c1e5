//! Face detection with MediaPipe's BlazeFace short-range model: letterbox, SSD decode, weighted NMS.

use glam::Vec2;
use image::RgbImage;
use ort::session::Session;
use ort::value::TensorRef;

use super::TrackingError;
use super::roi::{Roi, box_iou};
use super::warp::{Border, ValueRange, crop_to_tensor};
use crate::runtime::{self, SessionConfig};

/// Side of the detector's square input.
const INPUT: usize = 128;
/// Keypoints per detection: right eye, left eye, nose tip, mouth, right ear, left ear.
pub const KEYPOINTS: usize = 6;
/// Logits are clipped before the sigmoid, as MediaPipe does.
const SCORE_CLIP: f32 = 100.0;
/// Minimum face score.
const MIN_SCORE: f32 = 0.5;
/// Boxes overlapping more than this are the same face: merged by the legacy Face Mesh graph (v1)
/// and used to compare detections of different tiles.
const NMS_IOU: f32 = 0.3;

/// A face (or, with `K` = 7, a palm: see [`super::hands`]) found by an SSD detector, in image
/// pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection<const K: usize = KEYPOINTS> {
    /// Confidence (0–1).
    pub score: f32,
    /// Top-left corner of the face box.
    pub box_min: Vec2,
    /// Bottom-right corner of the face box.
    pub box_max: Vec2,
    /// For a face the eyes, nose tip, mouth and ear points (the eyes set the crop's rotation).
    pub keypoints: [Vec2; K],
}

impl Detection {
    /// The landmark crop for this face.
    pub fn roi(&self) -> Roi {
        Roi::face_crop(self.box_min, self.box_max, self.keypoints[0], self.keypoints[1])
    }
}

/// Tiles are used only when they are at least this many pixels across; smaller frames are
/// already seen at full detail by the whole-frame pass.
const MIN_TILE: f32 = 160.0;
/// A face filling more of a tile than this may be cut by the tile's edge: the whole-frame pass
/// is the one that finds faces that large.
const MAX_FACE_IN_TILE: f32 = 0.6;

/// Overlapping squares that cover the frame at a half and a quarter of its longer side (none
/// smaller than [`MIN_TILE`]), coarse level first: seen through a tile, a face fills more of the detector's
/// input, so small faces in group photos and wide shots are found. Tiles overlap by half, so
/// every face up to half a tile fits wholly inside one.
pub fn tiles(width: u32, height: u32) -> Vec<Roi> {
    let mut out = Vec::new();
    let longest = width.max(height) as f32;
    let mut side = longest / 2.0;
    while side >= MIN_TILE && side >= longest / 4.0 {
        let starts = |len: f32| -> Vec<f32> {
            let count = ((len - side) / (side / 2.0)).ceil().max(0.0) as usize + 1;
            let step = if count > 1 { (len - side) / (count - 1) as f32 } else { 0.0 };
            (0..count).map(|i| i as f32 * step).collect()
        };
        let (xs, ys) = (starts(width as f32), starts(height as f32));
        for &y in &ys {
            for &x in &xs {
                out.push(Roi { center: Vec2::new(x, y) + side / 2.0, size: Vec2::splat(side), rotation: 0.0 });
            }
        }
        side /= 2.0;
    }
    out
}

/// The face detector's SSD anchor centres: a 16×16 grid with 2 anchors per cell, then an 8×8
/// grid with 6.
fn anchors() -> Vec<Vec2> {
    ssd_anchors(&[(16, 2), (8, 6)])
}

/// SSD anchor centres (MediaPipe's `SsdAnchorsCalculator` with fixed anchor sizes: only centres
/// matter) for grids given as (cells per side, anchors per cell), in the unit square.
pub(crate) fn ssd_anchors(grids: &[(usize, usize)]) -> Vec<Vec2> {
    let mut out = Vec::new();
    for &(grid, per_cell) in grids {
        for y in 0..grid {
            for x in 0..grid {
                let c = Vec2::new((x as f32 + 0.5) / grid as f32, (y as f32 + 0.5) / grid as f32);
                out.extend(std::iter::repeat_n(c, per_cell));
            }
        }
    }
    out
}

/// An SSD detector (BlazeFace, the palm detector): its session, anchors and input buffer, built
/// once and reused every frame.
pub(crate) struct SsdModel {
    session: Session,
    anchors: Vec<Vec2>,
    input: Vec<f32>,
    /// Side of the square input.
    side: usize,
    /// Input value range.
    range: ValueRange,
    /// Names of the box and score outputs.
    outputs: [&'static str; 2],
}

impl SsdModel {
    /// Loads the model, checking it takes a `side`×`side` RGB input and has both outputs.
    pub(crate) fn new(
        model: &std::path::Path,
        config: SessionConfig,
        what: &str,
        (side, range): (usize, ValueRange),
        anchors: Vec<Vec2>,
        outputs: [&'static str; 2],
    ) -> Result<Self, TrackingError> {
        let signature = runtime::ModelSignature { what, input: &[1, side as i64, side as i64, 3], outputs: &outputs };
        let session = runtime::session_for(model, config, &signature)?;
        Ok(Self { session, anchors, input: vec![0.0; side * side * 3], side, range, outputs })
    }

    /// Detections with `K` keypoints inside an axis-aligned `square` of the frame (black outside
    /// the frame), boxes overlapping more than `merge_iou` averaged, in image pixels, best first.
    pub(crate) fn detect<const K: usize>(
        &mut self,
        frame: &RgbImage,
        square: &Roi,
        merge_iou: f32,
    ) -> Result<Vec<Detection<K>>, TrackingError> {
        let n = self.side;
        crop_to_tensor(frame, square, n, Border::Zero, self.range, &mut self.input);
        let input = TensorRef::from_array_view(([1usize, n, n, 3], self.input.as_slice()))?;
        let outputs = self.session.run(ort::inputs![input])?;
        let (_, boxes) = outputs[self.outputs[0]].try_extract_tensor::<f32>()?;
        let (_, scores) = outputs[self.outputs[1]].try_extract_tensor::<f32>()?;
        let expected = self.anchors.len() * (4 + 2 * K);
        if boxes.len() != expected || scores.len() != self.anchors.len() {
            return Err(TrackingError::UnexpectedOutput { expected, got: boxes.len() });
        }
        let raw = decode::<K>(boxes, scores, &self.anchors, n);
        let to_image = |p: Vec2| square.to_image(p);
        Ok(weighted_nms(raw, merge_iou)
            .into_iter()
            .map(|d| Detection {
                score: d.score,
                box_min: to_image(d.box_min),
                box_max: to_image(d.box_max),
                keypoints: d.keypoints.map(to_image),
            })
            .collect())
    }
}

/// The face detector, built once and reused every frame.
pub struct FaceDetector {
    model: SsdModel,
    /// Overlap above which one frame's boxes are averaged into one face (see [`Self::set_merge_iou`]).
    merge_iou: f32,
}

impl FaceDetector {
    /// Loads the model.
    pub fn new(model: &std::path::Path, config: SessionConfig) -> Result<Self, TrackingError> {
        let model = SsdModel::new(
            model,
            config,
            "the face detector",
            (INPUT, ValueRange::SIGNED),
            anchors(),
            ["regressors", "classificators"],
        )?;
        Ok(Self { model, merge_iou: NMS_IOU })
    }

    /// Sets the overlap above which boxes are merged: the graph each landmark model comes from
    /// uses its own (`ModelKind::detector_merge_iou`), and two close boxes merged by one graph
    /// and kept apart by the other give crops, and so landmarks, that differ by ~1 % of the eye
    /// distance.
    pub fn set_merge_iou(&mut self, iou: f32) {
        self.merge_iou = iou;
    }

    /// Finds faces in the whole frame, best first.
    pub fn detect(&mut self, frame: &RgbImage) -> Result<Vec<Detection>, TrackingError> {
        self.detect_in(frame, &letterbox(frame))
    }

    /// Finds faces in the whole frame, then faces the whole-frame pass missed in `tiles` of it.
    /// Whole-frame detections win over tile ones, so faces MediaPipe finds keep its exact crops.
    pub fn detect_tiled(&mut self, frame: &RgbImage, tiles: &[Roi]) -> Result<Vec<Detection>, TrackingError> {
        let whole = self.detect(frame)?;
        let mut extra = Vec::new();
        for tile in tiles {
            let limit = tile.size.x * MAX_FACE_IN_TILE;
            let found = self.detect_in(frame, tile)?;
            extra.extend(found.into_iter().filter(|d| (d.box_max - d.box_min).max_element() <= limit));
        }
        let overlaps_whole =
            |d: &Detection| whole.iter().any(|k| box_iou(k.box_min, k.box_max, d.box_min, d.box_max) > NMS_IOU);
        let extra: Vec<Detection> = suppress(extra).into_iter().filter(|d| !overlaps_whole(d)).collect();
        Ok(whole.into_iter().chain(extra).collect())
    }

    /// Finds faces inside an axis-aligned square of the frame (black outside the frame).
    pub fn detect_in(&mut self, frame: &RgbImage, square: &Roi) -> Result<Vec<Detection>, TrackingError> {
        self.model.detect(frame, square, self.merge_iou)
    }
}

/// The square around the whole frame, centred on it: a detector sees the frame letterboxed.
pub(crate) fn letterbox(frame: &RgbImage) -> Roi {
    let (w, h) = (frame.width() as f32, frame.height() as f32);
    Roi { center: Vec2::new(w, h) * 0.5, size: Vec2::splat(w.max(h)), rotation: 0.0 }
}

/// Decodes every anchor above the score threshold into the unit square of the input: per anchor
/// the regressor holds a box (x, y, w, h) then `K` keypoints (x, y), in pixels of the `input`-wide
/// square, relative to the anchor.
pub(crate) fn decode<const K: usize>(
    boxes: &[f32],
    scores: &[f32],
    anchors: &[Vec2],
    input: usize,
) -> Vec<Detection<K>> {
    let scale = input as f32;
    let coords = 4 + 2 * K;
    anchors
        .iter()
        .enumerate()
        .filter_map(|(i, anchor)| {
            let score = sigmoid(scores[i].clamp(-SCORE_CLIP, SCORE_CLIP));
            if score < MIN_SCORE {
                return None;
            }
            let r = &boxes[i * coords..(i + 1) * coords];
            let center = Vec2::new(r[0], r[1]) / scale + *anchor;
            let half = Vec2::new(r[2], r[3]) / scale * 0.5;
            let keypoints = std::array::from_fn(|k| Vec2::new(r[4 + 2 * k], r[5 + 2 * k]) / scale + *anchor);
            Some(Detection { score, box_min: center - half, box_max: center + half, keypoints })
        })
        .collect()
}

/// MediaPipe's weighted non-maximum suppression: boxes overlapping the best one by more than
/// `iou` are averaged, weighted by score.
pub(crate) fn weighted_nms<const K: usize>(mut dets: Vec<Detection<K>>, iou: f32) -> Vec<Detection<K>> {
    dets.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    while !dets.is_empty() {
        let top = dets[0].clone();
        let (cluster, rest): (Vec<Detection<K>>, Vec<Detection<K>>) =
            dets.into_iter().partition(|d| box_iou(top.box_min, top.box_max, d.box_min, d.box_max) > iou);
        let total: f32 = cluster.iter().map(|d| d.score).sum();
        let avg = |f: &dyn Fn(&Detection<K>) -> Vec2| cluster.iter().map(|d| f(d) * d.score).sum::<Vec2>() / total;
        out.push(Detection {
            score: top.score,
            box_min: avg(&|d| d.box_min),
            box_max: avg(&|d| d.box_max),
            keypoints: std::array::from_fn(|k| avg(&|d| d.keypoints[k])),
        });
        dets = rest;
    }
    out
}

/// Keeps the best of overlapping detections from different tiles (plain NMS: the tiles saw the
/// face at different places, so averaging their boxes would blur it).
fn suppress(mut dets: Vec<Detection>) -> Vec<Detection> {
    dets.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Detection> = Vec::with_capacity(dets.len());
    for d in dets {
        if kept.iter().all(|k| box_iou(k.box_min, k.box_max, d.box_min, d.box_max) <= NMS_IOU) {
            kept.push(d);
        }
    }
    kept
}

/// The logistic function (libm's exp: the same scores, hence the same merged boxes, on every
/// platform).
pub(crate) fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + libm::expf(-x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_cover_both_grids() {
        let a = anchors();
        assert_eq!(a.len(), 896);
        assert_eq!(a[0], Vec2::splat(0.5 / 16.0));
        assert_eq!(a[1], a[0]);
        assert_eq!(a[512], Vec2::splat(0.5 / 8.0));
        assert_eq!(a[895], Vec2::splat(7.5 / 8.0));
    }

    fn det(score: f32, min: f32, max: f32) -> Detection {
        Detection { score, box_min: Vec2::splat(min), box_max: Vec2::splat(max), keypoints: [Vec2::splat(min); 6] }
    }

    #[test]
    fn overlapping_boxes_are_averaged_by_score() {
        let out = weighted_nms(vec![det(0.6, 2.0, 12.0), det(0.9, 0.0, 10.0), det(0.7, 50.0, 60.0)], NMS_IOU);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].score, 0.9);
        let expected = (0.9 * 0.0 + 0.6 * 2.0) / 1.5;
        assert!((out[0].box_min.x - expected).abs() < 1e-6);
        assert_eq!(out[1].box_min.x, 50.0);
    }

    #[test]
    fn the_merge_overlap_decides_whether_close_boxes_are_one_face() {
        // IoU of [0, 10] and [3, 13] squares: 49 / 151 ≈ 0.32.
        let close = vec![det(0.9, 0.0, 10.0), det(0.8, 3.0, 13.0)];
        assert_eq!(weighted_nms(close.clone(), 0.3).len(), 1, "v1's graph merges them");
        assert_eq!(weighted_nms(close, 0.5).len(), 2, "the Tasks graph (v2) keeps both");
    }

    #[test]
    fn tiles_cover_large_frames_with_overlap() {
        assert!(tiles(300, 240).is_empty(), "small frames need no tiles");
        let all = tiles(1280, 720);
        // Halves (640 px: 3 × 2), then quarters (320 px: 7 × 4).
        assert_eq!(all.len(), 3 * 2 + 7 * 4);
        let t = &all[..6];
        for roi in t {
            assert_eq!(roi.size, Vec2::splat(640.0));
            assert!(roi.center.x - 320.0 >= 0.0 && roi.center.x + 320.0 <= 1280.0);
            assert!(roi.center.y - 320.0 >= 0.0 && roi.center.y + 320.0 <= 720.0);
        }
        // Every point of the frame lies in some tile.
        for (x, y) in [(0.0, 0.0), (1279.0, 719.0), (640.0, 360.0), (1000.0, 100.0)] {
            let p = Vec2::new(x, y);
            assert!(t.iter().any(|r| (p - r.center).abs().max_element() <= 320.0), "{p} uncovered");
        }
    }

    #[test]
    fn decode_applies_anchor_offsets_and_threshold() {
        let anchors = anchors();
        const COORDS: usize = 4 + 2 * KEYPOINTS;
        let mut boxes = vec![0.0; 896 * COORDS];
        let mut scores = vec![-10.0; 896];
        scores[3] = 3.0;
        boxes[3 * COORDS..3 * COORDS + 4].copy_from_slice(&[12.8, 0.0, 25.6, 12.8]);
        let d = decode::<KEYPOINTS>(&boxes, &scores, &anchors, INPUT);
        assert_eq!(d.len(), 1);
        let c = (d[0].box_min + d[0].box_max) * 0.5;
        assert!((c - (anchors[3] + Vec2::new(0.1, 0.0))).length() < 1e-6);
        assert!(((d[0].box_max - d[0].box_min) - Vec2::new(0.2, 0.1)).length() < 1e-6);
    }
}
