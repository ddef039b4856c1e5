//! What this face's skin looks like in this frame, so face-wide layers (foundation, contour,
//! highlight, blush) paint skin and not what lies in front of it: hair across the forehead, a
//! sleeve or a dark collar under the chin, a hand in a glove. Learned per face and frame from the
//! plain-skin vertices below the brows (the forehead is where hair hangs): the median
//! chromaticity of their pixels and its robust spread on each axis.

use glam::Vec3;
use image::RgbImage;

use crate::looks::color::srgb8_to_linear;

/// Narrowest tolerance on each chromaticity axis (r, g): below it, the skin's own variation (a
/// flushed cheek, a shadow's bluer light) would count as "not skin". Red varies more with
/// shading than green does.
const MIN_TOLERANCE: [f32; 2] = [0.03, 0.012];
/// How many robust spreads (1.4826 × median absolute deviation) a pixel's chromaticity may lie
/// from the skin's on each axis and still be skin.
const SPREADS: f32 = 2.5;
/// Canonical v below which the skin areas are forehead (often under hair): left out of the model.
const BELOW_BROWS: f32 = 0.35;
/// Fewest skin pixels a model rests on; with fewer, everything counts as skin.
const MIN_SAMPLES: usize = 12;

/// One face's skin colour model, as the shaders read it (`FaceInfo.skin`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SkinModel {
    /// Median r and g chromaticity (linear r / (r+g+b), g / (r+g+b)).
    pub chroma: [f32; 2],
    /// Distance on each axis still counted as skin; 0 = no model (everything is skin).
    pub tolerance: [f32; 2],
}

/// The mesh vertices the model samples: the plain-skin vertices below the brows.
pub fn model_vertices(mesh: &crate::face::CanonicalMesh) -> Vec<u16> {
    super::lighting::skin_vertices(mesh).into_iter().filter(|&i| mesh.uvs[i as usize][1] > BELOW_BROWS).collect()
}

impl SkinModel {
    /// No model: every pixel counts as skin.
    pub const ANY: SkinModel = SkinModel { chroma: [0.0; 2], tolerance: [0.0; 2] };

    /// The model of one face from the pixels at its plain-skin vertices (3×3 each).
    pub fn of(frame: &RgbImage, landmarks: &[Vec3], vertices: &[u16]) -> SkinModel {
        let mut r = Vec::with_capacity(vertices.len() * 9);
        let mut g = Vec::with_capacity(vertices.len() * 9);
        for &i in vertices {
            let p = landmarks[i as usize];
            let (cx, cy) = (p.x.round() as i64, p.y.round() as i64);
            for dy in -1..=1 {
                for dx in -1..=1 {
                    let (x, y) = (cx + dx, cy + dy);
                    if x < 0 || y < 0 || x >= i64::from(frame.width()) || y >= i64::from(frame.height()) {
                        continue;
                    }
                    let c = frame.get_pixel(x as u32, y as u32).0.map(srgb8_to_linear);
                    let sum = c[0] + c[1] + c[2];
                    if sum > 0.02 {
                        r.push(c[0] / sum);
                        g.push(c[1] / sum);
                    }
                }
            }
        }
        if r.len() < MIN_SAMPLES {
            return SkinModel::ANY;
        }
        let (mr, sr) = median_and_spread(&mut r);
        let (mg, sg) = median_and_spread(&mut g);
        SkinModel {
            chroma: [mr, mg],
            tolerance: [(SPREADS * sr).max(MIN_TOLERANCE[0]), (SPREADS * sg).max(MIN_TOLERANCE[1])],
        }
    }
}

/// Median and robust spread (1.4826 × median absolute deviation) of `v` (reordered).
fn median_and_spread(v: &mut [f32]) -> (f32, f32) {
    v.sort_by(f32::total_cmp);
    let median = v[v.len() / 2];
    let mut dev: Vec<f32> = v.iter().map(|x| (x - median).abs()).collect();
    dev.sort_by(f32::total_cmp);
    (median, 1.4826 * dev[dev.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_face_of_one_colour_has_a_tight_model_and_too_few_pixels_have_none() {
        let frame = RgbImage::from_pixel(40, 40, image::Rgb([200, 150, 120]));
        let lm: Vec<Vec3> = (0..20).map(|i| Vec3::new(5.0 + i as f32 * 1.5, 20.0, 0.0)).collect();
        let vertices: Vec<u16> = (0..20).collect();
        let m = SkinModel::of(&frame, &lm, &vertices);
        let c = [200u8, 150, 120].map(srgb8_to_linear);
        let sum = c[0] + c[1] + c[2];
        assert!((m.chroma[0] - c[0] / sum).abs() < 1e-4 && (m.chroma[1] - c[1] / sum).abs() < 1e-4);
        assert_eq!(m.tolerance, MIN_TOLERANCE);
        assert_eq!(SkinModel::of(&frame, &lm[..1], &[0]), SkinModel::ANY);
    }
}
