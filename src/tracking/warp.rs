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
    pub const SIGNED: Self = Self { min: -1.0, max: 1.0 };
    /// The landmark models' input range.
    pub const UNIT: Self = Self { min: 0.0, max: 1.0 };
}

/// Samples `roi` of `src` into an `n`×`n` RGB tensor (NHWC, row-major) written to `dst`.
///
/// Output pixel (i, j) reads the frame at `roi.to_image((i/n, j/n))`, as OpenCV's warp does for a
/// rectangle whose corners map to the output's corners.
pub fn crop_to_tensor(src: &RgbImage, roi: &Roi, n: usize, border: Border, range: ValueRange, dst: &mut [f32]) {
    assert_eq!(dst.len(), n * n * 3, "tensor buffer does not match the crop size");
    let origin = roi.to_image(Vec2::ZERO);
    let step_x = roi.to_image(Vec2::new(1.0 / n as f32, 0.0)) - origin;
    let step_y = roi.to_image(Vec2::new(0.0, 1.0 / n as f32)) - origin;
    let (w, h) = (src.width() as i32, src.height() as i32);
    let stride = w as usize * 3;
    let pixels = src.as_raw();
    // Tensor value of every 8-bit result.
    let scale = (range.max - range.min) / 255.0;
    let lut: [f32; 256] = std::array::from_fn(|v| v as f32 * scale + range.min);
    let mask = SUBPIXEL_STEPS as i32 - 1;

    // Positions walk along each row in 1/32 px with 16 more fraction bits, in integers.
    let fixed = |v: f32| (v as f64 * SUBPIXEL_STEPS as f64 * FRACTION as f64).round() as i64;
    let (dx, dy) = (fixed(step_x.x), fixed(step_x.y));
    for (j, out_row) in dst.chunks_exact_mut(n * 3).enumerate() {
        let row = origin + step_y * j as f32;
        let (mut px, mut py) = (fixed(row.x) + FRACTION / 2, fixed(row.y) + FRACTION / 2);
        for out in out_row.chunks_exact_mut(3) {
            let (qx, qy) = ((px >> FRACTION_BITS) as i32, (py >> FRACTION_BITS) as i32);
            px += dx;
            py += dy;
            let (x0, y0) = (qx >> SUBPIXEL_BITS, qy >> SUBPIXEL_BITS);
            // Bilinear weights in 1/1024ths, as OpenCV's fixed-point remap computes them.
            let (fx, fy) = ((qx & mask) as u32, (qy & mask) as u32);
            let weights = [(32 - fx) * (32 - fy), fx * (32 - fy), (32 - fx) * fy, fx * fy];
            if x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h {
                // Fast path: all four neighbours inside the frame.
                let k = y0 as usize * stride + x0 as usize * 3;
                let a: &[u8; 6] = pixels[k..k + 6].try_into().expect("6 bytes");
                let b: &[u8; 6] = pixels[k + stride..k + stride + 6].try_into().expect("6 bytes");
                for c in 0..3 {
                    let v = a[c] as u32 * weights[0]
                        + a[c + 3] as u32 * weights[1]
                        + b[c] as u32 * weights[2]
                        + b[c + 3] as u32 * weights[3];
                    out[c] = lut[((v + 512) >> 10) as usize];
                }
            } else {
                let fetch = |x: i32, y: i32| -> [u8; 3] {
                    let (x, y) = match border {
                        Border::Zero if x < 0 || y < 0 || x >= w || y >= h => return [0; 3],
                        Border::Zero => (x, y),
                        Border::Replicate => (x.clamp(0, w - 1), y.clamp(0, h - 1)),
                    };
                    let k = y as usize * stride + x as usize * 3;
                    [pixels[k], pixels[k + 1], pixels[k + 2]]
                };
                let corners = [fetch(x0, y0), fetch(x0 + 1, y0), fetch(x0, y0 + 1), fetch(x0 + 1, y0 + 1)];
                for c in 0..3 {
                    let v: u32 = corners.iter().zip(weights).map(|(p, wt)| p[c] as u32 * wt).sum();
                    out[c] = lut[((v + 512) >> 10) as usize];
                }
            }
        }
    }
}

/// log2 of [`SUBPIXEL_STEPS`].
const SUBPIXEL_BITS: i32 = 5;
/// Extra fraction bits of the fixed-point positions stepped along a row.
const FRACTION_BITS: i64 = 16;
const FRACTION: i64 = 1 << FRACTION_BITS;

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 10) as u8, (y * 10) as u8, 200]))
    }

    #[test]
    fn identity_crop_reproduces_pixels() {
        let img = gradient(8, 8);
        let roi = Roi { center: Vec2::splat(4.0), size: Vec2::splat(8.0), rotation: 0.0 };
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
        let roi = Roi { center: Vec2::splat(2.0), size: Vec2::splat(8.0), rotation: 0.0 };
        let mut t = vec![0.0; 8 * 8 * 3];
        crop_to_tensor(&img, &roi, 8, Border::Zero, ValueRange::SIGNED, &mut t);
        assert_eq!(t[0], -1.0, "outside reads black");
        crop_to_tensor(&img, &roi, 8, Border::Replicate, ValueRange::SIGNED, &mut t);
        assert!(t.iter().all(|&v| v == 1.0), "replicated border keeps the edge colour");
    }

    #[test]
    fn half_turn_flips_the_crop() {
        let img = gradient(8, 8);
        let roi = Roi { center: Vec2::splat(4.0), size: Vec2::splat(8.0), rotation: std::f32::consts::PI };
        let mut t = vec![0.0; 8 * 8 * 3];
        crop_to_tensor(&img, &roi, 8, Border::Replicate, ValueRange::UNIT, &mut t);
        // Output (1,1) reads frame (7,7) after a half turn about (4,4).
        let k = (8 + 1) * 3;
        assert!((t[k] - 70.0 / 255.0).abs() < 1e-6 && (t[k + 1] - 70.0 / 255.0).abs() < 1e-6);
    }
}
