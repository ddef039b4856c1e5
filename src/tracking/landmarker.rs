//! The face-mesh model: crop a face, run it, map the points back into the frame.

use glam::{Vec2, Vec3};
use image::RgbImage;
use ort::session::Session;
use ort::value::TensorRef;

use super::TrackingError;
use super::detector::sigmoid;
use super::model::ModelKind;
use super::roi::Roi;
use super::warp::{Border, ValueRange, crop_to_tensor};
use crate::runtime::{self, SessionConfig};

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

/// A landmark model session with its reusable input buffer.
pub struct Landmarker {
    session: Session,
    kind: ModelKind,
    input: Vec<f32>,
}

impl Landmarker {
    /// Loads the model of the given kind from `path`.
    pub fn new(path: &std::path::Path, kind: ModelKind, config: SessionConfig) -> Result<Self, TrackingError> {
        let n = kind.input_size();
        let what = format!("the {} landmark model", kind.name());
        let signature = runtime::ModelSignature {
            what: &what,
            input: &[1, n as i64, n as i64, 3],
            outputs: &[kind.landmarks_output(), kind.presence_output()],
        };
        let session = runtime::session_for(path, config, &signature)?;
        Ok(Self { session, kind, input: vec![0.0; n * n * 3] })
    }

    /// Runs the model on the crop `roi` of `frame`.
    pub fn run(&mut self, frame: &RgbImage, roi: &Roi) -> Result<FaceLandmarks, TrackingError> {
        let n = self.kind.input_size();
        crop_to_tensor(frame, roi, n, Border::Replicate, ValueRange::UNIT, &mut self.input);
        let input = TensorRef::from_array_view(([1usize, n, n, 3], self.input.as_slice()))?;
        let outputs = self.session.run(ort::inputs![input])?;
        let (_, raw) = outputs[self.kind.landmarks_output()].try_extract_tensor::<f32>()?;
        let (_, presence) = outputs[self.kind.presence_output()].try_extract_tensor::<f32>()?;
        let count = self.kind.landmark_count();
        if raw.len() < count * 3 || presence.is_empty() {
            return Err(TrackingError::UnexpectedOutput { expected: count * 3, got: raw.len() });
        }
        let side = n as f32;
        let points = raw[..count * 3]
            .chunks_exact(3)
            .map(|p| {
                let xy = roi.to_image(Vec2::new(p[0], p[1]) / side);
                Vec3::new(xy.x, xy.y, p[2] / side * roi.size.x)
            })
            .collect();
        Ok(FaceLandmarks { points, presence: sigmoid(presence[0]) })
    }
}
