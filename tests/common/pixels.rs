//! Pixel statistics for render tests: regions of a face in frame pixels and colour measures
//! over them (CIELAB through the library's own conversions).

use glam::{Vec2, Vec3};
use image::RgbImage;
use vanity::face::regions::{FACE_OVAL, LIPS_INNER, LIPS_OUTER};
use vanity::looks::color::{linear_to_lab, linear_to_srgb, srgb_to_linear};
use vanity::tracking::tracker::inter_ocular;

use super::inside;

/// Distance to a contour's edges: the library's own helper.
pub use vanity::face::regions::edge_distance;

/// A named contour's points: the library's own helper.
pub use vanity::face::regions::contour;

/// Pixels where `keep` holds.
pub fn pixels(img: &RgbImage, keep: impl Fn(Vec2) -> bool) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for y in 0..img.height() {
        for x in 0..img.width() {
            if keep(Vec2::new(x as f32 + 0.5, y as f32 + 0.5)) {
                out.push((x, y));
            }
        }
    }
    out
}

pub fn lab(p: [u8; 3]) -> [f32; 3] {
    linear_to_lab(p.map(|c| srgb_to_linear(c as f32 / 255.0)))
}

pub fn mean_lab(img: &RgbImage, at: &[(u32, u32)]) -> [f32; 3] {
    // Mean in linear light, then to Lab: the colour a viewer sees from a distance.
    let mut sum = [0.0f32; 3];
    for &(x, y) in at {
        let p = img.get_pixel(x, y).0;
        for c in 0..3 {
            sum[c] += srgb_to_linear(p[c] as f32 / 255.0);
        }
    }
    linear_to_lab(sum.map(|s| s / at.len() as f32))
}

pub fn lightness_cv(img: &RgbImage, at: &[(u32, u32)]) -> f32 {
    let l: Vec<f32> = at.iter().map(|&(x, y)| lab(img.get_pixel(x, y).0)[0]).collect();
    let mean = l.iter().sum::<f32>() / l.len() as f32;
    let var = l.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / l.len() as f32;
    var.sqrt() / mean
}

/// Fine texture: mean absolute difference of L* from the 3×3 neighbourhood mean.
pub fn texture(img: &RgbImage, at: &[(u32, u32)]) -> f32 {
    let l = |x: u32, y: u32| lab(img.get_pixel(x, y).0)[0];
    let sum: f32 = at
        .iter()
        .map(|&(x, y)| {
            let mut n = 0.0;
            for dy in -1i32..=1 {
                for dx in -1i32..=1 {
                    n += l((x as i32 + dx) as u32, (y as i32 + dy) as u32);
                }
            }
            (l(x, y) - n / 9.0).abs()
        })
        .sum();
    sum / at.len() as f32
}

pub fn max_diff(a: &RgbImage, b: &RgbImage, at: &[(u32, u32)]) -> u8 {
    at.iter()
        .map(|&(x, y)| {
            let (p, q) = (a.get_pixel(x, y).0, b.get_pixel(x, y).0);
            (0..3).map(|c| p[c].abs_diff(q[c])).max().unwrap()
        })
        .max()
        .unwrap_or(0)
}

/// Lip pixels away from both contours (the feathered edges).
pub fn lip_pixels(img: &RgbImage, lm: &[Vec3]) -> Vec<(u32, u32)> {
    let (outer, inner) = (contour(lm, &LIPS_OUTER), contour(lm, &LIPS_INNER));
    let margin = 0.03 * inter_ocular(lm);
    pixels(img, |p| {
        inside(&outer, p)
            && !inside(&inner, p)
            && edge_distance(&outer, p) > margin
            && edge_distance(&inner, p) > margin
    })
}

/// Pixels well outside the face oval.
pub fn outside_face(img: &RgbImage, lms: &[Vec<Vec3>]) -> Vec<(u32, u32)> {
    let ovals: Vec<(Vec<Vec2>, f32)> =
        lms.iter().map(|lm| (contour(lm, &FACE_OVAL).to_vec(), 0.15 * inter_ocular(lm))).collect();
    pixels(img, |p| ovals.iter().all(|(o, m)| !inside(o, p) && edge_distance(o, p) > *m))
}

/// Linear luminance of a pixel.
pub fn luminance_at(img: &RgbImage, x: u32, y: u32) -> f32 {
    let p = img.get_pixel(x, y).0.map(|c| srgb_to_linear(c as f32 / 255.0));
    0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2]
}

/// Mean linear luminance over `at`.
pub fn mean_luminance(img: &RgbImage, at: &[(u32, u32)]) -> f32 {
    at.iter().map(|&(x, y)| luminance_at(img, x, y)).sum::<f32>() / at.len() as f32
}

/// `img` with its linear light multiplied by `gain(x, y)`.
pub fn relit(img: &RgbImage, gain: impl Fn(u32, u32) -> f32) -> RgbImage {
    relit_by(img, |x, y| [gain(x, y); 3])
}

/// `img` with each channel's linear light multiplied by its `gain` (a light of another colour).
pub fn relit_rgb(img: &RgbImage, gain: [f32; 3]) -> RgbImage {
    relit_by(img, |_, _| gain)
}

/// `img` with each pixel's channels' linear light multiplied by `gain(x, y)`.
fn relit_by(img: &RgbImage, gain: impl Fn(u32, u32) -> [f32; 3]) -> RgbImage {
    let mut out = img.clone();
    for (x, y, p) in out.enumerate_pixels_mut() {
        for (c, g) in p.0.iter_mut().zip(gain(x, y)) {
            *c = (linear_to_srgb(srgb_to_linear(*c as f32 / 255.0) * g) * 255.0).round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// Pixels where `after` differs from `before` by more than 4 levels.
pub fn painted(before: &RgbImage, after: &RgbImage) -> std::collections::HashSet<(u32, u32)> {
    before
        .enumerate_pixels()
        .filter(|(x, y, p)| p.0.iter().zip(after.get_pixel(*x, *y).0).any(|(a, b)| a.abs_diff(b) > 4))
        .map(|(x, y, _)| (x, y))
        .collect()
}
