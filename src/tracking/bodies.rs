//! The body under each face, so that a shoulder in front of the face is not made up: MediaPipe's
//! pose landmark model, run on a crop placed from the face the tracker found (its own body
//! detector misses a head tilted onto a shoulder, and in a group photo its crop drifts to a
//! neighbour). Only the shoulders are used: they are where the renderer starts looking for body
//! skin in front of the face (`render::body_occluders`).

use std::time::Instant;

use glam::{Vec2, Vec3};
use image::RgbImage;

use super::TrackingError;
use super::crop_model::{CropModel, CropModelSpec, crop_point_to_image};
use super::roi::Roi;
use super::warp::Border;
use crate::runtime::SessionConfig;

/// Side of the pose landmark model's square input.
const POSE_INPUT: usize = 256;
/// Body joints the model places, in MediaPipe's order.
const BODY_JOINTS: usize = 33;
/// Points the model places: the body joints, then 6 that MediaPipe uses to place the next crop.
const POSE_POINTS: usize = BODY_JOINTS + 6;
/// Values per point: x, y, z, visibility, presence.
const POINT_VALUES: usize = 5;
/// The shoulder joints (the person's left, then right), in MediaPipe's order.
pub const SHOULDERS: [usize; 2] = [11, 12];
/// Bodies whose presence score is below this are dropped (MediaPipe's default).
const MIN_PRESENCE: f32 = 0.5;
/// A joint counts as seen from this visibility on (MediaPipe's default for drawing joints).
const MIN_VISIBILITY: f32 = 0.5;
/// The crop's centre below the face's centre, in eye distances (between the eyes' centres), and
/// its side: the head and shoulders, the upper arms and the chest. On the shoulder fixture the
/// shoulder's joint moves by up to 60 px (0.6 eye distances) between crops 8 and 16 eye distances
/// wide; the renderer's search from it does not depend on where inside the shoulder it lies.
const CROP_BELOW_FACE: f32 = 3.0;
/// See [`CROP_BELOW_FACE`].
const CROP_SIDE: f32 = 12.0;
/// Landmarks of the eyes' corners (right eye, then left) whose midpoints are the eyes' centres.
const EYE_CORNERS: [[usize; 2]; 2] = [[33, 133], [362, 263]];

/// The distance between the eyes' centres (each the midpoint of its two corners), the unit the
/// body's crop and the renderer's search for body skin (`render::body_occluders`) are sized in.
pub fn eye_distance(landmarks: &[Vec3]) -> f32 {
    let [right, left] = EYE_CORNERS.map(|[a, b]| (landmarks[a].truncate() + landmarks[b].truncate()) * 0.5);
    right.distance(left)
}

/// One body's joints in image pixels (z towards the camera negative, in x's scale).
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The body joints ([`BODY_JOINTS`]) in MediaPipe's order.
    pub joints: Vec<Vec3>,
    /// How likely each joint is to be in view, not hidden (0–1).
    pub visibility: Vec<f32>,
}

impl Body {
    /// The shoulders the model sees (see [`MIN_VISIBILITY`]), image pixels.
    pub fn visible_shoulders(&self) -> impl Iterator<Item = Vec2> + '_ {
        SHOULDERS.iter().filter(|&&j| self.visibility[j] >= MIN_VISIBILITY).map(|&j| self.joints[j].truncate())
    }
}

/// The crop the pose model looks at for the body under a face with these `landmarks`: upright
/// (bodies stand in a mirror), below the face, sized by the distance between the eyes.
pub fn body_crop(landmarks: &[Vec3]) -> Roi {
    let eyes = eye_distance(landmarks);
    let (lo, hi) = super::roi::bounds(landmarks);
    let centre = (lo + hi) * 0.5 + Vec2::new(0.0, CROP_BELOW_FACE * eyes);
    Roi { center: centre, size: Vec2::splat(CROP_SIDE * eyes), rotation: 0.0 }
}

/// Time spent on bodies in the last frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BodyTimes {
    /// Pose landmarks, all faces.
    pub joints_ms: f64,
}

/// Places the body under each face with MediaPipe's pose landmark model.
pub struct BodyFinder {
    model: CropModel,
    /// The model's raw points, reused from body to body.
    raw: Vec<f32>,
    times: BodyTimes,
}

impl BodyFinder {
    /// Loads the pose landmark model.
    pub fn new(model: &std::path::Path, config: SessionConfig) -> Result<Self, TrackingError> {
        let spec = CropModelSpec {
            what: "the pose landmark model",
            side: POSE_INPUT,
            border: Border::Zero,
            outputs: ["Identity", "Identity_1"],
        };
        Ok(Self { model: CropModel::new(model, config, spec)?, raw: Vec::new(), times: BodyTimes::default() })
    }

    /// Time spent in the last call.
    pub fn times(&self) -> BodyTimes {
        self.times
    }

    /// The body under each face (one per face found, in no particular order; a face whose crop
    /// holds no body gives none).
    pub fn bodies_under<'a>(
        &mut self,
        frame: &RgbImage,
        faces: impl Iterator<Item = &'a [Vec3]>,
    ) -> Result<Vec<Body>, TrackingError> {
        self.times = BodyTimes::default();
        let start = Instant::now();
        let mut bodies = Vec::new();
        for landmarks in faces {
            bodies.extend(self.body_in(frame, &body_crop(landmarks))?);
        }
        self.times.joints_ms = start.elapsed().as_secs_f64() * 1e3;
        Ok(bodies)
    }

    /// The body in `crop`, or None when the model sees none there.
    fn body_in(&mut self, frame: &RgbImage, crop: &Roi) -> Result<Option<Body>, TrackingError> {
        let presence = self.model.run(frame, crop, POSE_POINTS * POINT_VALUES, &mut self.raw)?;
        // The model's body flag is already a probability (MediaPipe applies no sigmoid).
        if presence < MIN_PRESENCE {
            return Ok(None);
        }
        Ok(Some(decode(&self.raw, crop)))
    }
}

/// The body joints from the model's raw points, mapped from the crop to the image.
fn decode(raw: &[f32], crop: &Roi) -> Body {
    let joints_of_body = raw.chunks_exact(POINT_VALUES).take(BODY_JOINTS);
    let joints = joints_of_body.clone().map(|p| crop_point_to_image([p[0], p[1], p[2]], crop, POSE_INPUT)).collect();
    let visibility = joints_of_body.map(|p| crate::tracking::detector::sigmoid(p[3])).collect();
    Body { joints, visibility }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A face's landmarks with the eyes' corners `eyes` apart around (100, 100).
    fn face(eyes: f32) -> Vec<Vec3> {
        let mut lm = vec![Vec3::new(100.0, 100.0, 0.0); 478];
        for (i, x) in [(33, -0.6), (133, -0.4), (362, 0.4), (263, 0.6)] {
            lm[i] = Vec3::new(100.0 + x * eyes, 100.0, 0.0);
        }
        lm[152] = Vec3::new(100.0, 100.0 + eyes, 0.0);
        lm[10] = Vec3::new(100.0, 100.0 - eyes, 0.0);
        lm
    }

    #[test]
    fn the_crop_sits_upright_below_the_face_and_grows_with_it() {
        let small = body_crop(&face(50.0));
        let large = body_crop(&face(100.0));
        assert_eq!(small.rotation, 0.0);
        assert!((small.size.x - CROP_SIDE * 50.0).abs() < 1e-3, "{small:?}");
        assert!((large.size.x / small.size.x - 2.0).abs() < 1e-4);
        assert!((small.center - Vec2::new(100.0, 100.0 + CROP_BELOW_FACE * 50.0)).length() < 1e-3, "{small:?}");
    }

    #[test]
    fn joints_map_from_the_crop_to_the_image_and_hidden_shoulders_are_left_out() {
        let crop = Roi { center: Vec2::new(500.0, 400.0), size: Vec2::splat(512.0), rotation: 0.0 };
        let mut raw = vec![0.0; POSE_POINTS * POINT_VALUES];
        // Left shoulder at the crop's centre, seen; right shoulder at its corner, hidden.
        raw[11 * POINT_VALUES..12 * POINT_VALUES].copy_from_slice(&[128.0, 128.0, 0.0, 5.0, 5.0]);
        raw[12 * POINT_VALUES..13 * POINT_VALUES].copy_from_slice(&[0.0, 0.0, 0.0, -5.0, 5.0]);
        let body = decode(&raw, &crop);
        assert_eq!(body.joints.len(), BODY_JOINTS);
        assert!((body.joints[11].truncate() - Vec2::new(500.0, 400.0)).length() < 1e-3);
        assert!((body.joints[12].truncate() - Vec2::new(244.0, 144.0)).length() < 1e-3);
        let seen: Vec<Vec2> = body.visible_shoulders().collect();
        assert_eq!(seen, vec![Vec2::new(500.0, 400.0)]);
    }
}
