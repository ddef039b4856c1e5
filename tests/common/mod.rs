//! Shared helpers for the integration tests: fixtures made by MediaPipe and face matching.
#![allow(dead_code)]

pub mod paint;
pub mod pixels;

use std::path::{Path, PathBuf};
use std::process::Output;

use glam::{Vec2, Vec3};
use serde::Deserialize;
use vanity::tracking::roi::{bounds, box_iou};
use vanity::tracking::tracker::inter_ocular;

/// Landmark error allowed against MediaPipe, as a fraction of the inter-ocular distance.
pub const MAX_MEAN_ERROR: f32 = 0.005;

/// A tracker with the repository's `model` and default settings (tracking mode, as the mirror).
pub fn default_tracker(model: vanity::tracking::ModelKind) -> vanity::tracking::Tracker {
    let paths = vanity::tracking::ModelPaths::new(root().join("models"));
    vanity::tracking::Tracker::new(&paths, vanity::tracking::TrackerConfig { model, ..Default::default() }).unwrap()
}

/// The faces and hands the tracker finds in a still `picture` (v2, hands on, no smoothing).
pub fn faces_and_hands_in(
    picture: &image::RgbImage,
) -> (Vec<vanity::tracking::Face>, Vec<vanity::tracking::hands::Hand>) {
    let paths = vanity::tracking::ModelPaths::new(root().join("models"));
    let config = vanity::tracking::TrackerConfig {
        model: vanity::tracking::ModelKind::V2,
        smoothing: None,
        max_hands: vanity::tracking::hands::MAX_HANDS,
        ..Default::default()
    };
    let mut tracker = vanity::tracking::Tracker::new(&paths, config).unwrap();
    let faces = tracker.detect_image(picture).unwrap();
    (faces, tracker.hands().to_vec())
}

/// What the commands that draw makeup track in a still: faces, hands and the bodies under the
/// faces.
pub struct TrackedForMakeup {
    pub faces: Vec<vanity::tracking::Face>,
    pub hands: Vec<vanity::tracking::hands::Hand>,
    pub bodies: Vec<vanity::tracking::bodies::Body>,
}

/// The faces, hands and bodies the tracker finds in a still `picture` as `vanity apply` does (v2,
/// hands and bodies on, no smoothing).
pub fn tracked_for_makeup(picture: &image::RgbImage) -> TrackedForMakeup {
    let paths = vanity::tracking::ModelPaths::new(root().join("models"));
    let config = vanity::tracking::TrackerConfig {
        model: vanity::tracking::ModelKind::V2,
        smoothing: None,
        max_hands: vanity::tracking::hands::MAX_HANDS,
        bodies: true,
        ..Default::default()
    };
    let mut tracker = vanity::tracking::Tracker::new(&paths, config).unwrap();
    let faces = tracker.detect_image(picture).unwrap();
    TrackedForMakeup { faces, hands: tracker.hands().to_vec(), bodies: tracker.bodies().to_vec() }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests").join("fixtures").join(name)
}

pub fn sample(name: &str) -> PathBuf {
    root().join("assets").join("samples").join(name)
}

#[derive(Debug, Deserialize)]
pub struct RefFace {
    pub landmarks: Vec<[f32; 3]>,
}

impl RefFace {
    pub fn points(&self) -> Vec<Vec3> {
        self.landmarks.iter().map(|p| Vec3::from_array(*p)).collect()
    }
}

#[derive(Debug, Deserialize)]
pub struct RefImage {
    pub width: u32,
    pub height: u32,
    pub model: String,
    pub faces: Vec<RefFace>,
}

#[derive(Debug, Deserialize)]
pub struct RefFrame {
    pub index: usize,
    pub faces: Vec<RefFace>,
}

#[derive(Debug, Deserialize)]
pub struct RefVideo {
    pub width: u32,
    pub height: u32,
    pub model: String,
    pub frames: Vec<RefFrame>,
}

pub fn load<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn iou(a: &[Vec3], b: &[Vec3]) -> f32 {
    let (a0, a1) = bounds(a);
    let (b0, b1) = bounds(b);
    box_iou(a0, a1, b0, b1)
}

/// Mean 2-D landmark distance divided by the reference's inter-ocular distance.
pub fn relative_error(ours: &[Vec3], reference: &[Vec3]) -> f32 {
    assert_eq!(ours.len(), reference.len(), "landmark counts differ");
    let sum: f32 = ours.iter().zip(reference).map(|(o, r)| Vec2::distance(o.truncate(), r.truncate())).sum();
    sum / ours.len() as f32 / inter_ocular(reference)
}

/// Reference faces grouped so that MediaPipe's occasional double track of one face (a fresh
/// detection beside the tracked face, seen on carphone frame 90) counts as one face.
pub fn distinct(reference: &[RefFace]) -> Vec<Vec<Vec<Vec3>>> {
    let mut groups: Vec<Vec<Vec<Vec3>>> = Vec::new();
    for f in reference {
        let p = f.points();
        match groups.iter_mut().find(|g| iou(&g[0], &p) > 0.5) {
            Some(g) => g.push(p),
            None => groups.push(vec![p]),
        }
    }
    groups
}

/// For every reference face, the error of the overlapping face we found; panics when one is missing.
pub fn match_errors(ours: &[Vec<Vec3>], reference: &[RefFace], what: &str) -> Vec<f32> {
    distinct(reference)
        .iter()
        .map(|group| {
            let r = &group[0];
            let best = ours
                .iter()
                .max_by(|a, b| iou(a, r).total_cmp(&iou(b, r)))
                .unwrap_or_else(|| panic!("{what}: MediaPipe found a face we did not"));
            assert!(iou(best, r) > 0.5, "{what}: MediaPipe found a face we did not (best overlap {})", iou(best, r));
            group.iter().map(|r| relative_error(best, r)).fold(f32::MAX, f32::min)
        })
        .collect()
}

/// Whether a point lies inside a closed polygon: the library's own test.
pub use vanity::face::regions::inside;

/// A failed run: non-zero exit, one line on stderr containing every `needle`, no panic.
pub fn assert_clear_error(out: &Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected failure, stderr: {err}");
    assert!(!err.contains("panicked") && !err.contains("backtrace"), "panic: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    for n in needles {
        assert!(lines[0].contains(n), "`{n}` missing from: {err}");
    }
}
