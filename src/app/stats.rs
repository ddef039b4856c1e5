//! Frame statistics of a run: what `--stats` writes.

use serde::Serialize;

use crate::bench::StageSummary;

/// Per-frame measurements collected while the app runs.
#[derive(Debug, Default)]
pub struct FrameStats {
    /// Capture → present, milliseconds, per presented camera frame.
    pub latency_ms: Vec<f64>,
    /// Tracker time, milliseconds, per presented camera frame.
    pub track_ms: Vec<f64>,
    /// Render (upload, makeup, panel, submit) time, milliseconds, per presented frame.
    pub render_ms: Vec<f64>,
    /// Frames presented.
    pub frames: u64,
    /// Seconds from the first to the last presented frame.
    pub seconds: f64,
}

#[derive(Serialize)]
struct Quantiles {
    p50: f64,
    p95: f64,
}

#[derive(Serialize)]
struct Report {
    frames: u64,
    fps: f64,
    latency_ms: Quantiles,
    track_ms: Quantiles,
    render_ms: Quantiles,
}

fn q(v: &[f64]) -> Quantiles {
    let s = StageSummary::of(v.to_vec());
    Quantiles { p50: s.p50, p95: s.p95 }
}

impl FrameStats {
    /// The JSON the checks read: `{"frames", "fps", "latency_ms": {"p50", "p95"}, "track_ms", "render_ms"}`.
    pub fn to_json(&self) -> String {
        let fps = if self.seconds > 0.0 { (self.frames.saturating_sub(1)) as f64 / self.seconds } else { 0.0 };
        let r = Report {
            frames: self.frames,
            fps,
            latency_ms: q(&self.latency_ms),
            track_ms: q(&self.track_ms),
            render_ms: q(&self.render_ms),
        };
        serde_json::to_string_pretty(&r).expect("stats serialise") + "\n"
    }
}
