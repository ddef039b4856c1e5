//! Vanity: a live virtual makeup mirror.
//!
//! Frames come from a camera or file ([`capture`]), faces are tracked with MediaPipe's models
//! through ONNX Runtime ([`tracking`]), and results are written or drawn ([`output`]).
//! See ARCHITECTURE.md for how the pieces run together.

pub mod advisor;
pub mod app;
pub mod bench;
pub mod capture;
pub mod data;
pub mod face;
pub mod looks;
pub mod outfile;
pub mod output;
pub mod pipeline;
pub mod process;
pub mod render;
pub mod runtime;
pub mod tracking;
