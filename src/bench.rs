//! `vanity bench`: per-stage tracking times on a video, for comparing against MediaPipe and for
//! choosing ONNX Runtime thread settings. Timings go in benchmarks, never in tests.

use std::time::Instant;

use image::RgbImage;
use image::imageops::FilterType;
use serde::Serialize;

use crate::capture::{self, SourceError};
use crate::runtime::SessionConfig;
use crate::tracking::{ModelPaths, Tracker, TrackerConfig, TrackingError};

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The source could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The tracker failed.
    #[error(transparent)]
    Tracking(#[from] TrackingError),
}

/// Summary of one stage over all timed frames, milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct StageSummary {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl StageSummary {
    /// Summarises samples.
    pub fn of(mut v: Vec<f64>) -> Self {
        v.sort_by(f64::total_cmp);
        let pick = |q: f64| v.get(((v.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        let mean = if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 };
        Self { mean, p50: pick(0.5), p95: pick(0.95) }
    }
}

/// Result of one configuration.
#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    /// Intra-op threads.
    pub intra_threads: usize,
    /// Spinning on or off.
    pub spinning: bool,
    /// Frames timed (after warm-up).
    pub frames: usize,
    /// Detector stage (averaged over all frames, including those where it did not run).
    pub detect_ms: StageSummary,
    /// Landmark stage.
    pub landmarks_ms: StageSummary,
    /// Smoothing stage.
    pub smooth_ms: StageSummary,
    /// Whole tracker call per frame.
    pub total_ms: StageSummary,
    /// Frames where the detector ran.
    pub detector_runs: usize,
    /// The shade advisor's reading of one face (sampling, light correction, skin, condition),
    /// per face per frame, on this thread: what the live Advisor costs on one core.
    pub advisor_ms: StageSummary,
}

/// Decodes every frame of `source`, upscaled by `upscale` (bilinear), before any timing.
pub fn load_frames(source: &std::path::Path, upscale: u32) -> Result<Vec<(RgbImage, f64)>, SourceError> {
    let mut src = capture::open(source)?;
    let mut frames = Vec::new();
    while let Some(f) = src.next_frame()? {
        let image = if upscale > 1 {
            image::imageops::resize(
                &f.image,
                f.image.width() * upscale,
                f.image.height() * upscale,
                FilterType::Triangle,
            )
        } else {
            f.image
        };
        frames.push((image, f.time));
    }
    Ok(frames)
}

/// Runs the tracker over `frames` `rounds` times (the first round warms up and is not counted).
pub fn run(
    frames: &[(RgbImage, f64)],
    paths: &ModelPaths,
    mut config: TrackerConfig,
    session: SessionConfig,
    rounds: usize,
) -> Result<BenchResult, BenchError> {
    config.session = session;
    let mut tracker = Tracker::new(paths, config)?;
    let (mut det, mut lm, mut sm, mut total) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut detector_runs = 0;
    let advisor = crate::advisor::Advisor::new(None);
    let mut advise = Vec::new();
    for round in 0..rounds.max(2) {
        tracker.reset();
        for (image, time) in frames {
            let start = Instant::now();
            let faces = tracker.track(image, *time)?;
            let elapsed = start.elapsed().as_secs_f64() * 1e3;
            if round == 0 {
                continue;
            }
            for face in &faces {
                let start = Instant::now();
                std::hint::black_box(advisor.read(image, &face.landmarks));
                advise.push(start.elapsed().as_secs_f64() * 1e3);
            }
            let t = tracker.stage_times();
            detector_runs += usize::from(t.detect_ms > 0.0);
            det.push(t.detect_ms);
            lm.push(t.landmarks_ms);
            sm.push(t.smooth_ms);
            total.push(elapsed);
        }
    }
    Ok(BenchResult {
        intra_threads: session.intra_threads,
        spinning: session.spinning,
        frames: total.len(),
        detect_ms: StageSummary::of(det),
        landmarks_ms: StageSummary::of(lm),
        smooth_ms: StageSummary::of(sm),
        total_ms: StageSummary::of(total),
        detector_runs,
        advisor_ms: StageSummary::of(advise),
    })
}

/// Render timing for one face count.
#[derive(Debug, Clone, Serialize)]
pub struct RenderBenchResult {
    /// Faces drawn.
    pub faces: usize,
    /// Frame size.
    pub width: u32,
    /// Frame size.
    pub height: u32,
    /// Frames timed.
    pub frames: usize,
    /// Upload of frame and faces, all layers drawn, GPU finished.
    pub render_ms: StageSummary,
    /// The same plus copying the result back to the CPU (what `vanity apply` pays).
    pub with_readback_ms: StageSummary,
}

/// A `width`×`height` frame with `count` copies of `face` laid out in a grid, on grey.
pub fn tiled_frame(face: &RgbImage, count: usize, width: u32, height: u32) -> RgbImage {
    let cols = (count as f32).sqrt().ceil() as u32;
    let rows = (count as u32).div_ceil(cols);
    let side = (height / rows).min(width / cols);
    let scaled = image::imageops::resize(face, side, side, FilterType::Triangle);
    let mut frame = RgbImage::from_pixel(width, height, image::Rgb([110, 110, 110]));
    let x0 = (width - cols * side) / 2;
    for i in 0..count as u32 {
        let (c, r) = (i % cols, i / cols);
        image::imageops::replace(&mut frame, &scaled, (x0 + c * side) as i64, (r * side) as i64);
    }
    frame
}

/// Times `renderer` on `frame` with `faces` (landmarks), `frames` times after a warm-up.
pub fn render_bench(
    renderer: &mut crate::render::Renderer,
    frame: &RgbImage,
    faces: &[Vec<glam::Vec3>],
    frames: usize,
) -> Result<RenderBenchResult, crate::render::RenderError> {
    let draws: Vec<crate::render::FaceDraw> =
        faces.iter().map(|l| crate::render::FaceDraw { landmarks: l, strength: 1.0 }).collect();
    for _ in 0..3 {
        renderer.render(frame, &draws)?;
    }
    let (mut plain, mut readback) = (Vec::new(), Vec::new());
    for _ in 0..frames {
        let start = Instant::now();
        renderer.render_only(frame, &draws)?;
        plain.push(start.elapsed().as_secs_f64() * 1e3);
        let start = Instant::now();
        renderer.render(frame, &draws)?;
        readback.push(start.elapsed().as_secs_f64() * 1e3);
    }
    Ok(RenderBenchResult {
        faces: faces.len(),
        width: frame.width(),
        height: frame.height(),
        frames,
        render_ms: StageSummary::of(plain),
        with_readback_ms: StageSummary::of(readback),
    })
}

/// Peak resident memory of this process so far, in bytes (Linux `VmHWM`, Windows peak working
/// set); `None` where the platform does not say.
pub fn peak_resident_bytes() -> Option<u64> {
    crate::process::usage().map(|u| u.peak_resident_bytes)
}

/// Peak resident memory after rendering every look `frames` times, and after doing that twice
/// more: a renderer that holds its memory steady shows (almost) no growth between the two.
#[derive(Debug, Clone, Serialize)]
pub struct MemoryGrowth {
    /// Looks rendered in each pass.
    pub looks: usize,
    /// Frames per look in the first pass (N); the second measurement is after 3N.
    pub frames_per_look: usize,
    /// Peak resident memory after N frames of every look, MB.
    pub peak_mb_at_n: f64,
    /// Peak resident memory after 3N frames of every look, MB.
    pub peak_mb_at_3n: f64,
}

impl MemoryGrowth {
    /// Growth between N and 3N frames, MB.
    pub fn growth_mb(&self) -> f64 {
        self.peak_mb_at_3n - self.peak_mb_at_n
    }
}

/// Renders each of `looks` for `frames` frames with `render`, then twice more, and reports peak
/// resident memory after the first pass and after the third (see [`MemoryGrowth`]).
pub fn memory_growth<L, E>(
    looks: &[L],
    frames: usize,
    mut render: impl FnMut(&L) -> Result<(), E>,
) -> Result<Option<MemoryGrowth>, E> {
    let pass = |render: &mut dyn FnMut(&L) -> Result<(), E>| -> Result<(), E> {
        for look in looks {
            for _ in 0..frames {
                render(look)?;
            }
        }
        Ok(())
    };
    pass(&mut render)?;
    let Some(at_n) = peak_resident_bytes() else { return Ok(None) };
    pass(&mut render)?;
    pass(&mut render)?;
    let at_3n = peak_resident_bytes().unwrap_or(at_n);
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    Ok(Some(MemoryGrowth {
        looks: looks.len(),
        frames_per_look: frames,
        peak_mb_at_n: mb(at_n),
        peak_mb_at_3n: mb(at_3n),
    }))
}
