//! The face-mesh model: crop a face, run it, map the points back into the frame.

use glam::Vec3;
use image::RgbImage;

use super::TrackingError;
use super::crop_model::{CropModel, CropModelSpec, crop_point_to_image};
use super::detector::sigmoid;
use super::model::ModelKind;
use super::roi::Roi;
use super::warp::Border;
use crate::runtime::SessionConfig;

/// Faces whose presence score is below this are dropped (MediaPipe's default).
pub const MIN_PRESENCE: f32 = 0.5;

/// One face's landmarks in image pixels; z shares x's scale (positive is away from the camera).
#[derive(Debug, Clone, PartialEq)]
pub struct FaceLandmarks {
    /// Points in MediaPipe's order.
    pub points: Vec<Vec3>,
    /// How sure the model is that the crop holds a face (0–1).
    pub presence: f32,
}

/// A landmark model session with its reusable buffers.
pub struct Landmarker {
    model: CropModel,
    kind: ModelKind,
    /// The model's raw points, reused from run to run.
    raw: Vec<f32>,
}

impl Landmarker {
    /// Loads the model of the given kind from `path`.
    pub fn new(path: &std::path::Path, kind: ModelKind, config: SessionConfig) -> Result<Self, TrackingError> {
        let what = format!("the {} landmark model", kind.name());
        let spec = CropModelSpec {
            what: &what,
            side: kind.input_size(),
            border: Border::Replicate,
            outputs: [kind.landmarks_output(), kind.presence_output()],
        };
        Ok(Self { model: CropModel::new(path, config, spec)?, kind, raw: Vec::new() })
    }

    /// Runs the model on the crop `roi` of `frame`.
    pub fn run(&mut self, frame: &RgbImage, roi: &Roi) -> Result<FaceLandmarks, TrackingError> {
        let count = self.kind.landmark_count();
        let presence = self.model.run(frame, roi, count * 3, &mut self.raw)?;
        let side = self.model.side();
        let points: Vec<Vec3> =
            self.raw.chunks_exact(3).map(|p| crop_point_to_image([p[0], p[1], p[2]], roi, side)).collect();
        Ok(FaceLandmarks { points, presence: sigmoid(presence) })
    }
}
