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
    #[serde(skip_serializing_if = "Option::is_none")]
    advisor: Option<AdvisorReport>,
}

/// The shade advisor's outcome, when it ran.
#[derive(Serialize)]
struct AdvisorReport {
    verdict: &'static str,
    frames: usize,
    monk: u8,
    undertone: &'static str,
    skin: String,
    frame_spread: f64,
    recommendations: Vec<String>,
}

fn q(v: &[f64]) -> Quantiles {
    let s = StageSummary::of(v.to_vec());
    Quantiles { p50: s.p50, p95: s.p95 }
}

impl FrameStats {
    /// The JSON the checks read: `{"frames", "fps", "latency_ms": {"p50", "p95"}, "track_ms",
    /// "render_ms"}`, plus `"advisor"` when a measurement finished.
    pub fn to_json(&self, advisor: &crate::pipeline::AdvisorState) -> String {
        let advisor = match advisor {
            crate::pipeline::AdvisorState::Done(Some(r)) => Some(AdvisorReport {
                verdict: r.measurement.lighting.verdict.name(),
                frames: r.measurement.frames,
                monk: r.measurement.skin.monk,
                undertone: r.measurement.skin.undertone.name(),
                skin: r.measurement.skin.hex.clone(),
                frame_spread: (r.measurement.frame_spread * 100.0).round() / 100.0,
                recommendations: r.recommendations.iter().map(|p| p.sku.clone()).collect(),
            }),
            _ => None,
        };
        let fps = if self.seconds > 0.0 { (self.frames.saturating_sub(1)) as f64 / self.seconds } else { 0.0 };
        let r = Report {
            frames: self.frames,
            fps,
            latency_ms: q(&self.latency_ms),
            track_ms: q(&self.track_ms),
            render_ms: q(&self.render_ms),
            advisor,
        };
        serde_json::to_string_pretty(&r).expect("stats serialise") + "\n"
    }
}
