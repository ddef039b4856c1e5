//! Which landmark model to run, and where the model files live.

use std::path::PathBuf;

/// The two face-mesh models Vanity ships: a fast one and a precise one with irises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// MediaPipe Face Mesh v1: 468 points from a 192×192 crop.
    V1,
    /// MediaPipe Face Landmarker v2: 478 points (with irises) from a 256×256 crop.
    #[default]
    V2,
}

impl ModelKind {
    /// Name used on the command line and in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::V1 => "v1",
            ModelKind::V2 => "v2",
        }
    }

    /// Side of the square crop the model takes.
    pub fn input_size(self) -> usize {
        match self {
            ModelKind::V1 => 192,
            ModelKind::V2 => 256,
        }
    }

    /// Landmarks the model returns.
    pub fn landmark_count(self) -> usize {
        match self {
            ModelKind::V1 => 468,
            ModelKind::V2 => 478,
        }
    }

    /// Overlap above which the face detector's boxes are merged in the MediaPipe graph this model
    /// comes from: the legacy Face Mesh graph uses 0.3 (face_detection.pbtxt); the Tasks
    /// FaceLandmarker leaves `min_suppression_threshold` at its default, 0.5.
    pub fn detector_merge_iou(self) -> f32 {
        match self {
            ModelKind::V1 => 0.3,
            ModelKind::V2 => 0.5,
        }
    }

    /// Output tensor holding the landmarks (x, y, z in crop pixels).
    pub(crate) fn landmarks_output(self) -> &'static str {
        match self {
            ModelKind::V1 => "conv2d_21",
            ModelKind::V2 => "Identity",
        }
    }

    /// Output tensor holding the face-presence logit.
    pub(crate) fn presence_output(self) -> &'static str {
        match self {
            ModelKind::V1 => "conv2d_31",
            ModelKind::V2 => "Identity_1",
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            ModelKind::V1 => "face_landmarks_v1.onnx",
            ModelKind::V2 => "face_landmarks_v2.onnx",
        }
    }
}

/// Where the model files are: `VANITY_MODELS`, `models/` beside the executable, or the checkout's.
#[derive(Debug, Clone)]
pub struct ModelPaths {
    dir: PathBuf,
}

impl ModelPaths {
    /// Uses the given folder.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `VANITY_MODELS` when set, else the data folder's `models/` (see [`crate::data`]).
    pub fn discover() -> Self {
        match std::env::var_os("VANITY_MODELS") {
            Some(dir) => Self::new(dir),
            None => Self::new(crate::data::models_dir()),
        }
    }

    /// The face detector (BlazeFace short range).
    pub fn detector(&self) -> PathBuf {
        self.dir.join("face_detector.onnx")
    }

    /// The palm detector and hand-landmark model.
    pub fn hands(&self) -> super::hands::HandModelPaths {
        super::hands::HandModelPaths {
            palms: self.dir.join("palm_detector.onnx"),
            joints: self.dir.join("hand_landmarks.onnx"),
        }
    }

    /// The pose landmark model (the body under a face).
    pub fn bodies(&self) -> PathBuf {
        self.dir.join("pose_landmarks.onnx")
    }

    /// The landmark model of the given kind.
    pub fn landmarks(&self, kind: ModelKind) -> PathBuf {
        self.dir.join(kind.file_name())
    }
}
