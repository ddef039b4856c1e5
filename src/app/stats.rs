//! Frame statistics of a run: what `--stats` writes.

use std::collections::VecDeque;
use std::time::Instant;

use serde::Serialize;

use crate::bench::StageSummary;

/// Samples kept per series: a mirror left running for days keeps the last few minutes, not every
/// frame since it started (which would grow by ~5 MB an hour at 60 fps).
pub const RECENT_SAMPLES: usize = 8192;

/// The most recent [`RECENT_SAMPLES`] values of one per-frame measurement.
#[derive(Debug, Clone, Default)]
pub struct Recent(VecDeque<f64>);

impl Recent {
    /// Adds a sample, dropping the oldest once full.
    pub fn push(&mut self, value: f64) {
        if self.0.len() == RECENT_SAMPLES {
            self.0.pop_front();
        }
        self.0.push_back(value);
    }

    /// Samples held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no sample is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The newest sample.
    pub fn last(&self) -> Option<f64> {
        self.0.back().copied()
    }

    fn summary(&self) -> Quantiles {
        let s = StageSummary::of(self.0.iter().copied().collect());
        Quantiles { p50: s.p50, p95: s.p95 }
    }
}

/// Where a presented frame's render time goes, milliseconds per presented frame.
#[derive(Debug, Default)]
pub struct RenderStages {
    /// Camera upload and makeup encoding (the renderer).
    pub makeup: Recent,
    /// The panel: egui's layout, tessellation and painting.
    pub ui: Recent,
    /// Waiting for the window's next image (the swapchain).
    pub acquire: Recent,
    /// Submitting the GPU work and presenting the image.
    pub present: Recent,
}

/// Per-frame measurements collected while the app runs.
#[derive(Debug, Default)]
pub struct FrameStats {
    /// Capture → present, milliseconds, per presented camera frame.
    pub latency_ms: Recent,
    /// Tracker time, milliseconds, per presented camera frame.
    pub track_ms: Recent,
    /// Render (upload, makeup, panel, submit) time, milliseconds, per presented frame.
    pub render_ms: Recent,
    /// Parts of `render_ms` per presented frame: see [`RenderStages`].
    pub stages: RenderStages,
    /// Distinct camera frames shown (a redraw of the same frame does not count).
    pub new_frames: u64,
    /// Frames presented.
    pub frames: u64,
    /// Seconds from the first to the last presented frame.
    pub seconds: f64,
    /// Window pixels per panel point when last drawn: the window's DPI scale (1.5 on a screen
    /// set to 150 %), so a support report shows whether the panel follows the screen's scaling.
    pub ui_scale: f32,
    /// Presented frames whose style panel was painted (it changed, or something covered it)
    /// rather than copied from the pixels kept from an earlier frame ([`super::panel_cache`]).
    pub panel_painted: u64,
}

#[derive(Serialize)]
struct Quantiles {
    p50: f64,
    p95: f64,
}

#[derive(Serialize)]
struct StageReport {
    makeup: Quantiles,
    ui: Quantiles,
    acquire: Quantiles,
    present: Quantiles,
}

#[derive(Serialize)]
struct Report {
    frames: u64,
    fps: f64,
    new_frames: u64,
    camera_fps: f64,
    latency_ms: Quantiles,
    track_ms: Quantiles,
    render_ms: Quantiles,
    render_stages_ms: StageReport,
    ui_scale: f32,
    panel_painted: u64,
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

/// One line of `--stats-every`: the interval's frame statistics and the process's size.
#[derive(Serialize)]
struct IntervalReport {
    /// Seconds since the mirror started, at the end of the interval.
    t: f64,
    #[serde(flatten)]
    frames: Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    rss_mb: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    threads: Option<u32>,
}

/// A camera frame shown for the first time: when it was captured and how long tracking took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FreshFrame {
    /// When the capture thread got it.
    pub captured: Instant,
    /// Tracker time for it, milliseconds.
    pub track_ms: f64,
}

/// When each step of drawing one window frame ended, on the UI thread (see [`RenderStages`]).
#[derive(Debug, Clone, Copy)]
pub struct FrameTimes {
    /// The redraw began.
    pub render_start: Instant,
    /// Camera upload and makeup encoded.
    pub makeup_done: Instant,
    /// egui laid out and tessellated.
    pub ui_built: Instant,
    /// The window's next image acquired.
    pub acquired: Instant,
    /// egui painted into it.
    pub ui_painted: Instant,
    /// Submitted and presented.
    pub presented: Instant,
}

/// Resident memory and thread count of this process, where the OS tells (Linux, Windows).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessUsage {
    /// Resident set size (Windows: working set), MB.
    pub rss_mb: f64,
    /// Threads.
    pub threads: u32,
}

impl ProcessUsage {
    /// This process now; `None` where the platform does not say.
    pub fn now() -> Option<Self> {
        crate::process::usage()
            .map(|u| Self { rss_mb: u.resident_bytes as f64 / (1024.0 * 1024.0), threads: u.threads })
    }
}

impl FrameStats {
    /// The JSON the checks read: `{"frames", "fps", "new_frames", "camera_fps", "latency_ms":
    /// {"p50", "p95"}, "track_ms", "render_ms", "render_stages_ms": {"makeup", "ui", "acquire",
    /// "present"}, "ui_scale", "panel_painted"}`, plus `"advisor"` when a measurement finished.
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
        serde_json::to_string_pretty(&self.report(advisor)).expect("stats serialise") + "\n"
    }

    /// One JSON line for `--stats-every`: this interval's statistics at `t` seconds since the
    /// start (to the millisecond: the line forced at exit may come a frame after the last one
    /// that was due, and must not repeat its time), with the process's resident memory and
    /// threads (what a soak test watches).
    pub fn to_interval_line(&self, t: f64, usage: Option<ProcessUsage>) -> String {
        let line = IntervalReport {
            t: (t * 1000.0).round() / 1000.0,
            frames: self.report(None),
            rss_mb: usage.map(|u| (u.rss_mb * 10.0).round() / 10.0),
            threads: usage.map(|u| u.threads),
        };
        serde_json::to_string(&line).expect("stats serialise") + "\n"
    }

    /// Counts one presented frame: its stage times and, when it showed a new camera frame, that
    /// frame's latency and tracking time. `first_present` is when the run's first frame was.
    pub fn record_presented(&mut self, t: &FrameTimes, fresh: Option<FreshFrame>, first_present: Instant) {
        let ms = |from: Instant, to: Instant| to.duration_since(from).as_secs_f64() * 1e3;
        self.render_ms.push(ms(t.render_start, t.presented));
        self.stages.makeup.push(ms(t.render_start, t.makeup_done));
        self.stages.ui.push(ms(t.makeup_done, t.ui_built) + ms(t.acquired, t.ui_painted));
        self.stages.acquire.push(ms(t.ui_built, t.acquired));
        self.stages.present.push(ms(t.ui_painted, t.presented));
        if let Some(frame) = fresh {
            self.new_frames += 1;
            self.latency_ms.push(ms(frame.captured, t.presented));
            self.track_ms.push(frame.track_ms);
        }
        self.frames += 1;
        self.seconds = t.presented.duration_since(first_present).as_secs_f64();
    }

    /// Presented frames per second.
    pub fn fps(&self) -> f64 {
        if self.seconds > 0.0 { (self.frames.saturating_sub(1)) as f64 / self.seconds } else { 0.0 }
    }

    /// Distinct camera frames shown per second.
    pub fn camera_fps(&self) -> f64 {
        if self.seconds > 0.0 { (self.new_frames.saturating_sub(1)) as f64 / self.seconds } else { 0.0 }
    }

    fn report(&self, advisor: Option<AdvisorReport>) -> Report {
        let s = &self.stages;
        Report {
            frames: self.frames,
            fps: self.fps(),
            new_frames: self.new_frames,
            camera_fps: self.camera_fps(),
            latency_ms: self.latency_ms.summary(),
            track_ms: self.track_ms.summary(),
            render_ms: self.render_ms.summary(),
            render_stages_ms: StageReport {
                makeup: s.makeup.summary(),
                ui: s.ui.summary(),
                acquire: s.acquire.summary(),
                present: s.present.summary(),
            },
            ui_scale: self.ui_scale,
            panel_painted: self.panel_painted,
            advisor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_samples_are_bounded_and_keep_the_newest() {
        let mut r = Recent::default();
        for i in 0..(RECENT_SAMPLES + 100) {
            r.push(i as f64);
        }
        assert_eq!(r.len(), RECENT_SAMPLES);
        // The oldest 100 were dropped: the median is that of 100..100 + RECENT_SAMPLES.
        assert_eq!(r.summary().p50, 100.0 + (RECENT_SAMPLES / 2) as f64);
    }

    #[test]
    fn this_process_usage_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            let u = ProcessUsage::now().expect("/proc/self/status");
            assert!(u.rss_mb > 1.0 && u.threads >= 1);
        }
    }
}
