//! Face tracking: MediaPipe's face detector and face-mesh models run through ONNX Runtime.
//!
//! `detector` finds faces, `roi` and `warp` crop them the way MediaPipe does, `landmarker` runs
//! the mesh model, `smoothing` steadies the points and `tracker` ties them together per frame; `hands` finds
//! the hands in front of the faces and `bodies` the body under each face.

pub mod bodies;
mod crop_model;
pub mod detector;
pub mod hands;
pub mod landmarker;
pub mod model;
pub mod plausibility;
pub mod roi;
pub mod smoothing;
pub mod tracker;
pub mod warp;

pub use model::{ModelKind, ModelPaths};
pub use tracker::{Face, StageTimes, Tracker, TrackerConfig};

use crate::runtime::RuntimeError;

/// Why tracking failed.
#[derive(Debug, thiserror::Error)]
pub enum TrackingError {
    /// The runtime or a model could not be loaded.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// ONNX Runtime failed during inference.
    #[error("inference failed: {0}")]
    Inference(#[from] ort::Error),
    /// A model returned tensors of the wrong size (a different model file under the same name).
    #[error("the landmark model returned {got} values where {expected} were expected")]
    UnexpectedOutput { expected: usize, got: usize },
}
