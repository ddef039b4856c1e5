//! Per-face numbers the shaders need, measured on the CPU from a few pixels each frame.

use glam::Vec3;
use image::RgbImage;

use crate::face::regions::{LIPS_INNER, LIPS_OUTER, SKIN_SAMPLES};
use crate::looks::color::srgb8_to_linear;
use crate::tracking::tracker::inter_ocular;

/// Mean luminances and size of one face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceStats {
    /// Mean linear luminance of the lips.
    pub lip_luma: f32,
    /// Mean linear luminance of the skin (cheeks, forehead).
    pub skin_luma: f32,
    /// Inter-ocular distance in pixels.
    pub iod_px: f32,
}

/// Linear luminance of the 3×3 neighbourhood around a point (clamped to the frame).
pub(crate) fn luma_at(frame: &RgbImage, x: f32, y: f32) -> f32 {
    let (w, h) = (frame.width() as i64, frame.height() as i64);
    let (cx, cy) = (x.round() as i64, y.round() as i64);
    let mut sum = 0.0;
    for dy in -1..=1 {
        for dx in -1..=1 {
            let p = frame.get_pixel((cx + dx).clamp(0, w - 1) as u32, (cy + dy).clamp(0, h - 1) as u32).0;
            sum += 0.2126 * srgb8_to_linear(p[0]) + 0.7152 * srgb8_to_linear(p[1]) + 0.0722 * srgb8_to_linear(p[2]);
        }
    }
    sum / 9.0
}

/// Measures a face: lip luminance midway between the outer and inner lip contours, skin
/// luminance at cheeks and forehead.
pub fn measure(frame: &RgbImage, landmarks: &[Vec3]) -> FaceStats {
    let lip: f32 = LIPS_OUTER
        .iter()
        .zip(LIPS_INNER.iter())
        .map(|(&o, &i)| {
            let p = (landmarks[o as usize] + landmarks[i as usize]) * 0.5;
            luma_at(frame, p.x, p.y)
        })
        .sum::<f32>()
        / LIPS_OUTER.len() as f32;
    let skin: f32 =
        SKIN_SAMPLES.iter().map(|&i| luma_at(frame, landmarks[i as usize].x, landmarks[i as usize].y)).sum::<f32>()
            / SKIN_SAMPLES.len() as f32;
    FaceStats { lip_luma: lip.max(1e-3), skin_luma: skin.max(1e-3), iod_px: inter_ocular(landmarks) }
}
