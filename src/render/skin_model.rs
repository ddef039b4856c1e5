//! What this face's skin looks like in this frame, so face-wide layers (foundation, contour,
//! highlight, blush) paint skin and not what lies in front of it: hair across the forehead, a
//! sleeve or a dark collar under the chin, a clothed shoulder the chin rests on, a hand in a
//! glove. Learned per face and frame from the plain-skin vertices below the brows (the forehead
//! is where hair hangs): the median chromaticity of their pixels and its robust spread on each
//! axis. Skin of the face's own colour in front of it (a bare shoulder) passes for the face.

use glam::Vec3;
use image::RgbImage;

use super::hand_silhouette::HandSilhouette;
use super::lip_edges::{lab_of_pixel, median};
use super::occluders::MIN_COLOUR_SAMPLES;
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

/// One face's skin in one frame, read in one pass over its plain-skin vertices: the
/// chromaticity model the face-wide layers paint by, and the CIELAB colour a hand's edge is told
/// apart from (`render::occluders`), the latter from the vertices no hand covers (a pale hand on
/// a darker face must not pass for the face). The model keeps every vertex: a hand is skin too,
/// and on `tests/hands.rs` leaving it out narrowed the model so that 0.6-1.6 % of the face's own
/// makeup went while the hand lost only 0.6 % more paint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceSkin {
    /// The shaders' model ([`SkinModel::ANY`] when too few pixels are in the frame).
    pub model: SkinModel,
    /// Median CIELAB at the bare vertices' own pixels, read only when there are hands to tell
    /// apart from it; None without hands or when fewer than [`MIN_COLOUR_SAMPLES`] are in the frame.
    pub colour: Option<Vec3>,
}

impl Default for FaceSkin {
    /// No skin read: every pixel counts as skin, and no colour to tell a hand from.
    fn default() -> Self {
        Self { model: SkinModel::ANY, colour: None }
    }
}

impl FaceSkin {
    /// Reads the skin of the face with `landmarks` at its `vertices`; its colour leaves out those
    /// within a finger's half-width of any of `hands`. The pixels are gathered in `samples`,
    /// whose buffers a renderer keeps from frame to frame.
    pub fn read(
        frame: &RgbImage,
        landmarks: &[Vec3],
        vertices: &[u16],
        hands: &[HandSilhouette],
        samples: &mut SkinSamples,
    ) -> Self {
        let (w, h) = (i64::from(frame.width()), i64::from(frame.height()));
        let SkinSamples { r, g, colours } = samples;
        r.clear();
        g.clear();
        colours.clear();
        // Room for every pixel around every vertex at once: no growing, frame after frame.
        r.reserve(vertices.len() * 9);
        g.reserve(vertices.len() * 9);
        colours.reserve(if hands.is_empty() { 0 } else { vertices.len() });
        for &i in vertices {
            let p = landmarks[i as usize];
            let in_frame = p.x >= 0.0 && p.y >= 0.0 && p.x < w as f32 && p.y < h as f32;
            if in_frame
                && !hands.is_empty()
                && hands.iter().all(|hand| hand.distance(p.truncate()) > hand.finger_radius())
            {
                colours.push(lab_of_pixel(frame, p.x as u32, p.y as u32));
            }
            let (cx, cy) = (p.x.round() as i64, p.y.round() as i64);
            for (x, y) in (-1..=1).flat_map(|dy| (-1..=1).map(move |dx| (cx + dx, cy + dy))) {
                if x < 0 || y < 0 || x >= w || y >= h {
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
        let colour = (colours.len() >= MIN_COLOUR_SAMPLES).then(|| median(colours));
        Self { model: SkinModel::from_chromaticities(r, g), colour }
    }
}

/// The pixels one face's skin is read from: buffers kept between frames, so that reading the
/// skin allocates nothing once they have grown to a face's size.
#[derive(Debug, Default)]
pub struct SkinSamples {
    /// r chromaticities around the vertices.
    r: Vec<f32>,
    /// g chromaticities around the vertices.
    g: Vec<f32>,
    /// CIELAB at the vertices no hand covers.
    colours: Vec<Vec3>,
}

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

    /// The model from skin pixels' r and g chromaticities (overwritten: see [`median_and_spread`]).
    fn from_chromaticities(r: &mut [f32], g: &mut [f32]) -> SkinModel {
        if r.len() < MIN_SAMPLES {
            return SkinModel::ANY;
        }
        let (mr, sr) = median_and_spread(r);
        let (mg, sg) = median_and_spread(g);
        SkinModel {
            chroma: [mr, mg],
            tolerance: [(SPREADS * sr).max(MIN_TOLERANCE[0]), (SPREADS * sg).max(MIN_TOLERANCE[1])],
        }
    }
}

/// Median and robust spread (1.4826 × median absolute deviation) of `v`, which is left holding
/// the absolute deviations.
fn median_and_spread(v: &mut [f32]) -> (f32, f32) {
    v.sort_unstable_by(f32::total_cmp);
    let median = v[v.len() / 2];
    for x in v.iter_mut() {
        *x = (*x - median).abs();
    }
    v.sort_unstable_by(f32::total_cmp);
    (median, 1.4826 * v[v.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model of one face from the pixels at its plain-skin vertices, without hands.
    fn model_of(frame: &RgbImage, landmarks: &[Vec3], vertices: &[u16]) -> SkinModel {
        FaceSkin::read(frame, landmarks, vertices, &[], &mut SkinSamples::default()).model
    }

    #[test]
    fn a_face_of_one_colour_has_a_tight_model_and_too_few_pixels_have_none() {
        let frame = RgbImage::from_pixel(40, 40, image::Rgb([200, 150, 120]));
        let lm: Vec<Vec3> = (0..20).map(|i| Vec3::new(5.0 + i as f32 * 1.5, 20.0, 0.0)).collect();
        let vertices: Vec<u16> = (0..20).collect();
        let m = model_of(&frame, &lm, &vertices);
        let c = [200u8, 150, 120].map(srgb8_to_linear);
        let sum = c[0] + c[1] + c[2];
        assert!((m.chroma[0] - c[0] / sum).abs() < 1e-4 && (m.chroma[1] - c[1] / sum).abs() < 1e-4);
        assert_eq!(m.tolerance, MIN_TOLERANCE);
        assert_eq!(model_of(&frame, &lm[..1], &[0]), SkinModel::ANY);
    }

    #[test]
    fn a_hand_over_the_face_is_left_out_of_its_skin() {
        // An upright hand, fingers straight up from knuckles 20 px apart, over a face of one
        // colour; the hand much paler. Half the skin vertices lie on the hand's bones.
        let mut joints = vec![Vec3::new(150.0, 190.0, 0.0)];
        joints.extend((1..=4).map(|k| Vec3::new(150.0 - 12.0 * k as f32, 185.0 - 10.0 * k as f32, 0.0)));
        for finger in 0..4 {
            joints.extend((0..4).map(|k| Vec3::new(120.0 + 20.0 * finger as f32, 130.0 - 22.0 * k as f32, 0.0)));
        }
        let far: Vec<Vec3> = joints.iter().map(|j| *j + Vec3::new(1000.0, 0.0, 0.0)).collect();
        let hand = HandSilhouette::of(&crate::tracking::hands::Hand { joints, presence: 1.0 }).expect("a hand");
        let far_hand =
            HandSilhouette::of(&crate::tracking::hands::Hand { joints: far, presence: 1.0 }).expect("a hand");
        let (face, pale) = (image::Rgb([170, 110, 80]), image::Rgb([240, 215, 200]));
        let frame = RgbImage::from_fn(200, 200, |x, y| {
            let on_hand = hand.distance(glam::Vec2::new(x as f32 + 0.5, y as f32 + 0.5)) <= hand.finger_radius();
            if on_hand { pale } else { face }
        });
        let mut landmarks: Vec<Vec3> = (0..20).map(|i| Vec3::new(10.0 + 4.0 * i as f32, 20.0, 0.0)).collect();
        landmarks.extend(hand.bone_points().filter(|p| p.y > 60.0).take(30).map(|p| p.extend(0.0)));
        let vertices: Vec<u16> = (0..landmarks.len() as u16).collect();
        assert!(vertices.len() == 50, "{} vertices", vertices.len());
        let lab = |c: image::Rgb<u8>| Vec3::from_array(crate::looks::color::linear_to_lab(c.0.map(srgb8_to_linear)));
        let with_hand =
            FaceSkin::read(&frame, &landmarks, &vertices, std::slice::from_ref(&hand), &mut SkinSamples::default());
        let without =
            FaceSkin::read(&frame, &landmarks, &vertices, std::slice::from_ref(&far_hand), &mut SkinSamples::default());
        assert!(with_hand.colour.unwrap().distance(lab(face)) < 0.5, "{with_hand:?}");
        // Told only of a hand elsewhere, the pale hand outnumbers the face: the skin read is the hand's.
        assert!(without.colour.unwrap().distance(lab(pale)) < 0.5, "{without:?}");
        // The chromaticity model keeps the hand either way.
        assert_eq!(with_hand.model, without.model);
        // With no hands at all nothing needs the colour, and it is not read.
        let no_hands = FaceSkin::read(&frame, &landmarks, &vertices, &[], &mut SkinSamples::default());
        assert_eq!((no_hands.model, no_hands.colour), (without.model, None));
    }
}
