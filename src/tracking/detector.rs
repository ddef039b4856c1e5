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
/// Values per anchor in the regressor output: box (4) then 6 keypoints (x, y).
const COORDS: usize = 16;
/// Keypoints per detection: right eye, left eye, nose tip, mouth, right ear, left ear.
pub const KEYPOINTS: usize = 6;
/// Logits are clipped before the sigmoid, as MediaPipe does.
const SCORE_CLIP: f32 = 100.0;
/// Minimum face score.
const MIN_SCORE: f32 = 0.5;
/// Boxes overlapping more than this are merged.
const NMS_IOU: f32 = 0.3;

/// A face found by the detector, in image pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// Confidence (0–1).
    pub score: f32,
    /// Top-left corner of the face box.
    pub box_min: Vec2,
    /// Bottom-right corner of the face box.
    pub box_max: Vec2,
    /// Eyes, nose tip, mouth and ear points; the eyes set the crop's rotation.
    pub keypoints: [Vec2; KEYPOINTS],
}

impl Detection {
    /// The landmark crop for this face.
    pub fn roi(&self) -> Roi {
        Roi::face_crop(
            self.box_min,
            self.box_max,
            self.keypoints[0],
            self.keypoints[1],
        )
    }
}

/// SSD anchor centres: a 16×16 grid with 2 anchors per cell, then an 8×8 grid with 6.
fn anchors() -> Vec<Vec2> {
    let mut out = Vec::with_capacity(896);
    for (grid, per_cell) in [(16usize, 2usize), (8, 6)] {
        for y in 0..grid {
            for x in 0..grid {
                let c = Vec2::new(
                    (x as f32 + 0.5) / grid as f32,
                    (y as f32 + 0.5) / grid as f32,
                );
                out.extend(std::iter::repeat_n(c, per_cell));
            }
        }
    }
    out
}

/// The detector session with its anchors and input buffer, built once and reused every frame.
pub struct FaceDetector {
    session: Session,
    anchors: Vec<Vec2>,
    input: Vec<f32>,
}

impl FaceDetector {
    /// Loads the model.
    pub fn new(model: &std::path::Path, config: SessionConfig) -> Result<Self, TrackingError> {
        Ok(Self {
            session: runtime::session(model, config)?,
            anchors: anchors(),
            input: vec![0.0; INPUT * INPUT * 3],
        })
    }

    /// Finds faces in the whole frame, best first.
    pub fn detect(&mut self, frame: &RgbImage) -> Result<Vec<Detection>, TrackingError> {
        let (w, h) = (frame.width() as f32, frame.height() as f32);
        let side = w.max(h);
        let letterbox = Roi {
            center: Vec2::new(w, h) * 0.5,
            size: Vec2::splat(side),
            rotation: 0.0,
        };
        self.detect_in(frame, &letterbox)
    }

    /// Finds faces inside an axis-aligned square of the frame (black outside the frame).
    pub fn detect_in(
        &mut self,
        frame: &RgbImage,
        square: &Roi,
    ) -> Result<Vec<Detection>, TrackingError> {
        crop_to_tensor(
            frame,
            square,
            INPUT,
            Border::Zero,
            ValueRange::SIGNED,
            &mut self.input,
        );
        let input = TensorRef::from_array_view(([1usize, INPUT, INPUT, 3], self.input.as_slice()))?;
        let outputs = self.session.run(ort::inputs![input])?;
        let (_, boxes) = outputs["regressors"].try_extract_tensor::<f32>()?;
        let (_, scores) = outputs["classificators"].try_extract_tensor::<f32>()?;
        let raw = decode(boxes, scores, &self.anchors);
        let to_image = |p: Vec2| square.to_image(p);
        Ok(weighted_nms(raw)
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

/// Decodes every anchor above the score threshold into the unit square of the input.
fn decode(boxes: &[f32], scores: &[f32], anchors: &[Vec2]) -> Vec<Detection> {
    let scale = INPUT as f32;
    anchors
        .iter()
        .enumerate()
        .filter_map(|(i, anchor)| {
            let score = sigmoid(scores[i].clamp(-SCORE_CLIP, SCORE_CLIP));
            if score < MIN_SCORE {
                return None;
            }
            let r = &boxes[i * COORDS..(i + 1) * COORDS];
            let center = Vec2::new(r[0], r[1]) / scale + *anchor;
            let half = Vec2::new(r[2], r[3]) / scale * 0.5;
            let keypoints =
                std::array::from_fn(|k| Vec2::new(r[4 + 2 * k], r[5 + 2 * k]) / scale + *anchor);
            Some(Detection {
                score,
                box_min: center - half,
                box_max: center + half,
                keypoints,
            })
        })
        .collect()
}

/// MediaPipe's weighted non-maximum suppression: overlapping boxes are averaged, weighted by score.
fn weighted_nms(mut dets: Vec<Detection>) -> Vec<Detection> {
    dets.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    while !dets.is_empty() {
        let top = dets[0].clone();
        let (cluster, rest): (Vec<Detection>, Vec<Detection>) = dets
            .into_iter()
            .partition(|d| box_iou(top.box_min, top.box_max, d.box_min, d.box_max) > NMS_IOU);
        let total: f32 = cluster.iter().map(|d| d.score).sum();
        let avg = |f: &dyn Fn(&Detection) -> Vec2| {
            cluster.iter().map(|d| f(d) * d.score).sum::<Vec2>() / total
        };
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

/// The logistic function.
pub(crate) fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
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
        Detection {
            score,
            box_min: Vec2::splat(min),
            box_max: Vec2::splat(max),
            keypoints: [Vec2::splat(min); 6],
        }
    }

    #[test]
    fn overlapping_boxes_are_averaged_by_score() {
        let out = weighted_nms(vec![
            det(0.6, 2.0, 12.0),
            det(0.9, 0.0, 10.0),
            det(0.7, 50.0, 60.0),
        ]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].score, 0.9);
        let expected = (0.9 * 0.0 + 0.6 * 2.0) / 1.5;
        assert!((out[0].box_min.x - expected).abs() < 1e-6);
        assert_eq!(out[1].box_min.x, 50.0);
    }

    #[test]
    fn decode_applies_anchor_offsets_and_threshold() {
        let anchors = anchors();
        let mut boxes = vec![0.0; 896 * COORDS];
        let mut scores = vec![-10.0; 896];
        scores[3] = 3.0;
        boxes[3 * COORDS..3 * COORDS + 4].copy_from_slice(&[12.8, 0.0, 25.6, 12.8]);
        let d = decode(&boxes, &scores, &anchors);
        assert_eq!(d.len(), 1);
        let c = (d[0].box_min + d[0].box_max) * 0.5;
        assert!((c - (anchors[3] + Vec2::new(0.1, 0.0))).length() < 1e-6);
        assert!(((d[0].box_max - d[0].box_min) - Vec2::new(0.2, 0.1)).length() < 1e-6);
    }
}
