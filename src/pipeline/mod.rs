//! The live pipeline's threads and hand-offs: capture → tracking → (render, on the UI thread).
//!
//! Every hand-off is a [`Latest`] slot that keeps only the newest item: an old camera frame is
//! latency, so when tracking is slower than the camera, frames are dropped, never queued.

pub mod advisor_thread;
pub mod body_thread;
pub mod capture_thread;
pub mod fader;
pub mod latest;
pub mod recycle;
pub mod tracking_thread;
pub mod worker;

pub use advisor_thread::{AdvisorJob, AdvisorState, AdvisorThread};
pub use capture_thread::{CaptureStatus, CaptureThread};
pub use fader::FaceFader;
pub use latest::Latest;
pub use tracking_thread::{TrackedFrame, TrackingThread};
