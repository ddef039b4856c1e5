//! Rotated crops from a camera frame into a model's input tensor.
//!
//! MediaPipe crops with OpenCV's `warpPerspective` (bilinear, coordinates quantised to 1/32 pixel,
//! result rounded to 8 bits) before scaling to floats. Doing the same here keeps our inputs, and so
//! our landmarks, within rounding of MediaPipe's.

use glam::Vec2;
use image::RgbImage;

use super::roi::Roi;

/// OpenCV quantises sub-pixel positions to 1/32 pixel (`INTER_TAB_SIZE`).
const SUBPIXEL_STEPS: f32 = 32.0;

/// What to read outside the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Border {
    /// Black: the detector's letterbox padding.
    Zero,
    /// The nearest edge pixel: landmark crops that reach past the frame.
    Replicate,
}

/// How 8-bit pixel values become tensor values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueRange {
    /// Tensor value for a 0 pixel.
    pub min: f32,
    /// Tensor value for a 255 pixel.
    pub max: f32,
}

impl ValueRange {
    /// The detector's input range.
    pub const SIGNED: Self = Self {
        min: -1.0,
        max: 1.0,
    };
    /// The landmark models' input range.
    pub const UNIT: Self = Self { min: 0.0, max: 1.0 };
}

/// Samples `roi` of `src` into an `n`×`n` RGB tensor (NHWC, row-major) written to `dst`.
///
/// Output pixel (i, j) reads the frame at `roi.to_image((i/n, j/n))`, as OpenCV's warp does for a
/// rectangle whose corners map to the output's corners.
pub fn crop_to_tensor(
    src: &RgbImage,
    roi: &Roi,
    n: usize,
    border: Border,
    range: ValueRange,
    dst: &mut [f32],
) {
    assert_eq!(
        dst.len(),
        n * n * 3,
        "tensor buffer does not match the crop size"
    );
    let origin = roi.to_image(Vec2::ZERO);
    let step_x = roi.to_image(Vec2::new(1.0 / n as f32, 0.0)) - origin;
    let step_y = roi.to_image(Vec2::new(0.0, 1.0 / n as f32)) - origin;
    let (w, h) = (src.width() as i32, src.height() as i32);
    let pixels = src.as_raw();
    let scale = (range.max - range.min) / 255.0;

    // Reads one pixel, or None outside the frame (the caller applies the border rule).
    let fetch = |x: i32, y: i32| -> Option<[u8; 3]> {
        let (x, y) = match border {
            Border::Zero if x < 0 || y < 0 || x >= w || y >= h => return None,
            Border::Zero => (x, y),
            Border::Replicate => (x.clamp(0, w - 1), y.clamp(0, h - 1)),
        };
        let i = (y as usize * w as usize + x as usize) * 3;
        Some([pixels[i], pixels[i + 1], pixels[i + 2]])
    };

    for j in 0..n {
        let row = origin + step_y * j as f32;
        for i in 0..n {
            let p = row + step_x * i as f32;
            let qx = (p.x * SUBPIXEL_STEPS).round() as i32;
            let qy = (p.y * SUBPIXEL_STEPS).round() as i32;
            let (x0, y0) = (
                qx.div_euclid(SUBPIXEL_STEPS as i32),
                qy.div_euclid(SUBPIXEL_STEPS as i32),
            );
            let fx = qx.rem_euclid(SUBPIXEL_STEPS as i32) as f32 / SUBPIXEL_STEPS;
            let fy = qy.rem_euclid(SUBPIXEL_STEPS as i32) as f32 / SUBPIXEL_STEPS;
            let out = &mut dst[(j * n + i) * 3..(j * n + i) * 3 + 3];
            let inside = x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h;
            let corners = if inside {
                let at = |x: i32, y: i32| {
                    let k = (y as usize * w as usize + x as usize) * 3;
                    [pixels[k], pixels[k + 1], pixels[k + 2]]
                };
                [
                    at(x0, y0),
                    at(x0 + 1, y0),
                    at(x0, y0 + 1),
                    at(x0 + 1, y0 + 1),
                ]
            } else {
                let z = [0u8; 3];
                [
                    fetch(x0, y0).unwrap_or(z),
                    fetch(x0 + 1, y0).unwrap_or(z),
                    fetch(x0, y0 + 1).unwrap_or(z),
                    fetch(x0 + 1, y0 + 1).unwrap_or(z),
                ]
            };
            for c in 0..3 {
                let top = corners[0][c] as f32 * (1.0 - fx) + corners[1][c] as f32 * fx;
                let bottom = corners[2][c] as f32 * (1.0 - fx) + corners[3][c] as f32 * fx;
                let v = (top * (1.0 - fy) + bottom * fy).round();
                out[c] = v * scale + range.min;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x * 10) as u8, (y * 10) as u8, 200])
        })
    }

    #[test]
    fn identity_crop_reproduces_pixels() {
        let img = gradient(8, 8);
        let roi = Roi {
            center: Vec2::splat(4.0),
            size: Vec2::splat(8.0),
            rotation: 0.0,
        };
        let mut t = vec![0.0; 8 * 8 * 3];
        crop_to_tensor(&img, &roi, 8, Border::Zero, ValueRange::UNIT, &mut t);
        for (i, v) in t.iter().enumerate() {
            let expected = img.as_raw()[i] as f32 / 255.0;
            assert!((v - expected).abs() < 1e-6, "at {i}: {v} vs {expected}");
        }
    }

    #[test]
    fn borders_are_black_or_replicated() {
        let img = RgbImage::from_pixel(4, 4, image::Rgb([255, 255, 255]));
        // A crop twice the frame's size: its corners lie outside the frame.
        let roi = Roi {
            center: Vec2::splat(2.0),
            size: Vec2::splat(8.0),
            rotation: 0.0,
        };
        let mut t = vec![0.0; 8 * 8 * 3];
        crop_to_tensor(&img, &roi, 8, Border::Zero, ValueRange::SIGNED, &mut t);
        assert_eq!(t[0], -1.0, "outside reads black");
        crop_to_tensor(&img, &roi, 8, Border::Replicate, ValueRange::SIGNED, &mut t);
        assert!(
            t.iter().all(|&v| v == 1.0),
            "replicated border keeps the edge colour"
        );
    }

    #[test]
    fn half_turn_flips_the_crop() {
        let img = gradient(8, 8);
        let roi = Roi {
            center: Vec2::splat(4.0),
            size: Vec2::splat(8.0),
            rotation: std::f32::consts::PI,
        };
        let mut t = vec![0.0; 8 * 8 * 3];
        crop_to_tensor(&img, &roi, 8, Border::Replicate, ValueRange::UNIT, &mut t);
        // Output (1,1) reads frame (7,7) after a half turn about (4,4).
        let k = (8 + 1) * 3;
        assert!((t[k] - 70.0 / 255.0).abs() < 1e-6 && (t[k + 1] - 70.0 / 255.0).abs() < 1e-6);
    }
}
