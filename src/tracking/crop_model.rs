//! A landmark model that looks at a square crop of the frame (the face mesh, the hand's joints,
//! the body's): its session, built once, and the input buffer every run reuses. Each run crops,
//! infers and hands back the points as the model wrote them (crop pixels) with its presence flag;
//! what the points are is the caller's to read.

use glam::{Vec2, Vec3};
use image::RgbImage;
use ort::session::Session;
use ort::value::TensorRef;

use super::TrackingError;
use super::roi::Roi;
use super::warp::{Border, ValueRange, crop_to_tensor};
use crate::runtime::{self, ModelSignature, SessionConfig};

/// What a crop model is: what it is called in messages, the side of its square input, how the
/// crop is filled beyond the frame, and the names of its points and presence outputs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CropModelSpec<'a> {
    /// The model, for messages ("the hand landmark model").
    pub what: &'a str,
    /// Side of the square RGB input, pixels.
    pub side: usize,
    /// How the crop is filled where it leaves the frame.
    pub border: Border,
    /// The points output, then the presence output.
    pub outputs: [&'static str; 2],
}

/// A crop model's session and reusable input.
pub(crate) struct CropModel {
    session: Session,
    input: Vec<f32>,
    side: usize,
    border: Border,
    outputs: [&'static str; 2],
}

impl CropModel {
    /// Loads the model at `path`, checking it takes the spec's input and has both outputs.
    pub(crate) fn new(
        path: &std::path::Path,
        config: SessionConfig,
        spec: CropModelSpec,
    ) -> Result<Self, TrackingError> {
        let n = spec.side as i64;
        let signature = ModelSignature { what: spec.what, input: &[1, n, n, 3], outputs: &spec.outputs };
        let session = runtime::session_for(path, config, &signature)?;
        let input = vec![0.0; spec.side * spec.side * 3];
        Ok(Self { session, input, side: spec.side, border: spec.border, outputs: spec.outputs })
    }

    /// Side of the model's input, pixels.
    pub(crate) fn side(&self) -> usize {
        self.side
    }

    /// Runs the model on `crop` of `frame` (values in [0, 1]): its points output, at least
    /// `values` long (`out` is overwritten with the first `values`), and the first value of its
    /// presence output.
    pub(crate) fn run(
        &mut self,
        frame: &RgbImage,
        crop: &Roi,
        values: usize,
        out: &mut Vec<f32>,
    ) -> Result<f32, TrackingError> {
        let n = self.side;
        crop_to_tensor(frame, crop, n, self.border, ValueRange::UNIT, &mut self.input);
        let input = TensorRef::from_array_view(([1usize, n, n, 3], self.input.as_slice()))?;
        let outputs = self.session.run(ort::inputs![input])?;
        let (_, raw) = outputs[self.outputs[0]].try_extract_tensor::<f32>()?;
        let (_, presence) = outputs[self.outputs[1]].try_extract_tensor::<f32>()?;
        if raw.len() < values || presence.is_empty() {
            return Err(TrackingError::UnexpectedOutput { expected: values, got: raw.len() });
        }
        out.clear();
        out.extend_from_slice(&raw[..values]);
        Ok(presence[0])
    }
}

/// A point the model wrote as (x, y, z) in the pixels of its `side`-wide input, in the frame:
/// x and y through `crop`, z in the frame's pixels along x.
pub(crate) fn crop_point_to_image(p: [f32; 3], crop: &Roi, side: usize) -> Vec3 {
    let side = side as f32;
    crop.to_image(Vec2::new(p[0], p[1]) / side).extend(p[2] / side * crop.size.x)
}
