//! What `vanity landmarks` and `vanity track` write: JSON in MediaPipe's landmark order, and an
//! overlay image for people to look at.

use std::path::Path;

use image::{Rgb, RgbImage};
use serde::{Deserialize, Serialize};

use crate::face::CanonicalMesh;
use crate::tracking::Face;

/// One face in JSON: pixels of the input image.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FaceJson {
    /// Face confidence (0–1).
    pub score: f32,
    /// Landmark bounding box `[x, y, w, h]`.
    #[serde(rename = "box")]
    pub bbox: [f32; 4],
    /// `[x, y, z]` per landmark.
    pub landmarks: Vec<[f32; 3]>,
}

impl From<&Face> for FaceJson {
    fn from(f: &Face) -> Self {
        Self { score: f.score, bbox: f.bounding_box(), landmarks: f.landmarks.iter().map(|p| p.to_array()).collect() }
    }
}

/// `vanity landmarks` output.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImageJson {
    /// Input width.
    pub width: u32,
    /// Input height.
    pub height: u32,
    /// `v1` or `v2`.
    pub model: String,
    /// Faces found (empty when none).
    pub faces: Vec<FaceJson>,
}

/// One frame of `vanity track` output.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrameJson {
    /// Frame number from 0.
    pub index: usize,
    /// Tracker wall time for this frame (crop, inference, decode, smoothing), milliseconds.
    pub track_ms: f64,
    /// Faces in this frame.
    pub faces: Vec<FaceJson>,
}

/// `vanity track` output.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrackJson {
    /// Frame width.
    pub width: u32,
    /// Frame height.
    pub height: u32,
    /// `v1` or `v2`.
    pub model: String,
    /// Every frame in order.
    pub frames: Vec<FrameJson>,
}

/// Writes `value` as JSON to `path` (stdout for `-`), whole or not at all.
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<(), crate::outfile::OutputError> {
    let text = serde_json::to_string(value).expect("output types always serialise");
    crate::outfile::write_text(path, &(text + "\n"))
}

/// Draws each face's mesh edges and landmarks over a copy of `image`.
pub fn overlay(image: &RgbImage, faces: &[Face], mesh: &CanonicalMesh) -> RgbImage {
    let mut out = image.clone();
    for face in faces {
        let p = |i: u16| face.landmarks[i as usize];
        for t in &mesh.triangles {
            for (a, b) in [(t[0], t[1]), (t[1], t[2]), (t[2], t[0])] {
                line(&mut out, p(a).truncate().to_array(), p(b).truncate().to_array(), Rgb([60, 200, 255]));
            }
        }
        for q in &face.landmarks {
            dot(&mut out, q.x, q.y, Rgb([255, 40, 80]));
        }
    }
    out
}

fn put(img: &mut RgbImage, x: i64, y: i64, c: Rgb<u8>) {
    if x >= 0 && y >= 0 && (x as u32) < img.width() && (y as u32) < img.height() {
        img.put_pixel(x as u32, y as u32, c);
    }
}

fn dot(img: &mut RgbImage, x: f32, y: f32, c: Rgb<u8>) {
    let (cx, cy) = (x.round() as i64, y.round() as i64);
    for (dx, dy) in [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)] {
        put(img, cx + dx, cy + dy, c);
    }
}

fn line(img: &mut RgbImage, a: [f32; 2], b: [f32; 2], c: Rgb<u8>) {
    let steps = (b[0] - a[0]).abs().max((b[1] - a[1]).abs()).ceil().max(1.0) as i64;
    for s in 0..=steps {
        let t = s as f32 / steps as f32;
        put(img, (a[0] + (b[0] - a[0]) * t).round() as i64, (a[1] + (b[1] - a[1]) * t).round() as i64, c);
    }
}
