//! Pixels of a face's named areas, in linear RGB: skin regions fixed on the canonical mesh
//! (forehead, cheeks, chin, under the eyes, nose), the eye whites, the irises and the lips.
//!
//! Skin regions are ellipses in the mesh's UV space: each frame the mesh triangles that reach a
//! region are rasterised through the landmarks and each pixel's UV decides where it belongs, so
//! the regions follow pose and expression like the makeup does.

use glam::{Vec2, Vec3};
use image::RgbImage;

use crate::face::CanonicalMesh;
use crate::face::regions::{LEFT_EYE, LIPS_INNER, LIPS_OUTER, RIGHT_EYE, contour, edge_distance, inside};
use crate::looks::color::srgb8_to_linear;

/// A skin area of the face, as an ellipse in canonical UV space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SkinArea {
    /// Name for reports.
    pub name: &'static str,
    /// Centre (u, v).
    pub centre: [f32; 2],
    /// Half axes (u, v).
    pub radii: [f32; 2],
}

/// The skin areas measured, in the order of [`SkinSamples::areas`]. UV: u 0 → 1 from the
/// subject's right to left, v 0 → 1 from forehead to chin.
pub const AREAS: [SkinArea; 8] = [
    SkinArea { name: "forehead", centre: [0.5, 0.17], radii: [0.11, 0.045] },
    SkinArea { name: "right cheek", centre: [0.26, 0.56], radii: [0.065, 0.06] },
    SkinArea { name: "left cheek", centre: [0.74, 0.56], radii: [0.065, 0.06] },
    SkinArea { name: "chin", centre: [0.5, 0.875], radii: [0.06, 0.03] },
    SkinArea { name: "under right eye", centre: [0.33, 0.445], radii: [0.055, 0.018] },
    SkinArea { name: "under left eye", centre: [0.67, 0.445], radii: [0.055, 0.018] },
    SkinArea { name: "nose", centre: [0.5, 0.46], radii: [0.03, 0.06] },
    SkinArea { name: "between the brows", centre: [0.5, 0.29], radii: [0.035, 0.03] },
];

/// Index into [`AREAS`].
pub mod area {
    pub const FOREHEAD: usize = 0;
    pub const RIGHT_CHEEK: usize = 1;
    pub const LEFT_CHEEK: usize = 2;
    pub const CHIN: usize = 3;
    pub const UNDER_RIGHT_EYE: usize = 4;
    pub const UNDER_LEFT_EYE: usize = 5;
    pub const NOSE: usize = 6;
    pub const GLABELLA: usize = 7;
    /// The areas whose colour is "the skin" (shadowed or reddened areas left out).
    pub const SKIN: [usize; 4] = [FOREHEAD, RIGHT_CHEEK, LEFT_CHEEK, CHIN];
    /// The T-zone, where shine shows.
    pub const T_ZONE: [usize; 3] = [FOREHEAD, NOSE, GLABELLA];
}

/// Linear RGB pixels per area, plus eye whites, irises and lips.
#[derive(Debug, Clone, Default)]
pub struct SkinSamples {
    /// One list per entry of [`AREAS`].
    pub areas: Vec<Vec<[f32; 3]>>,
    /// The eyes: the light reference.
    pub eyes: EyeSamples,
    /// Iris rings (v2 landmarks only; empty for v1).
    pub iris: Vec<[f32; 3]>,
    /// The lips between the outer and inner contour.
    pub lips: Vec<[f32; 3]>,
}

/// What the eyes show of the light: the eye whites and how well the eyes are resolved.
#[derive(Debug, Clone, Default)]
pub struct EyeSamples {
    /// Eye whites of the eyes nothing covers (both, as a rule), iris and lid edges left out.
    pub sclera: Vec<[f32; 3]>,
    /// Linear luminance of the darkest quarter of the same eyes' openings (iris, pupil, lashes):
    /// a sharp, well-resolved eye has whites far brighter than this.
    pub dark_luma: Option<f32>,
    /// Width of the smaller eye opening, pixels.
    pub width: f32,
}

/// Samples the eyes of one face (`landmarks` in frame pixels): cheap enough for every frame of
/// the renderer, which lights makeup by what the eye whites say.
pub fn eye_samples(frame: &RgbImage, landmarks: &[Vec3]) -> EyeSamples {
    let mut out = EyeSamples::default();
    eye_samples_into(frame, landmarks, &mut out, &mut Vec::new());
    out
}

/// [`eye_samples`] written into `out`, with `luma` as scratch: a renderer keeps both from frame
/// to frame, so sampling the eyes allocates nothing once they have grown to an eye's size.
pub fn eye_samples_into(frame: &RgbImage, landmarks: &[Vec3], out: &mut EyeSamples, luma: &mut Vec<f32>) {
    out.sclera.clear();
    let read = sclera(frame, landmarks, &mut out.sclera);
    out.dark_luma = eye_dark_luma(frame, landmarks, read.openings(), luma);
    out.width = [RIGHT_EYE, LEFT_EYE]
        .iter()
        .map(|eye| landmarks[eye[0] as usize].truncate().distance(landmarks[eye[8] as usize].truncate()))
        .fold(f32::MAX, f32::min);
}

/// Mesh triangles that reach a skin area, found once.
pub struct Sampler {
    mesh: CanonicalMesh,
    /// Triangles whose UV bounds touch some area, with the areas each may touch.
    triangles: Vec<([u16; 3], Vec<usize>)>,
}

impl Default for Sampler {
    fn default() -> Self {
        Self::new()
    }
}

impl Sampler {
    /// Loads the mesh and keeps the triangles near any area.
    pub fn new() -> Self {
        let mesh = CanonicalMesh::load();
        let triangles = mesh
            .triangles
            .iter()
            .filter_map(|t| {
                let uv = t.map(|i| mesh.uvs[i as usize]);
                let (lo, hi) = (
                    [uv.iter().map(|p| p[0]).fold(1.0, f32::min), uv.iter().map(|p| p[1]).fold(1.0, f32::min)],
                    [uv.iter().map(|p| p[0]).fold(0.0, f32::max), uv.iter().map(|p| p[1]).fold(0.0, f32::max)],
                );
                let near: Vec<usize> = (0..AREAS.len())
                    .filter(|&k| {
                        let a = &AREAS[k];
                        lo[0] <= a.centre[0] + a.radii[0]
                            && hi[0] >= a.centre[0] - a.radii[0]
                            && lo[1] <= a.centre[1] + a.radii[1]
                            && hi[1] >= a.centre[1] - a.radii[1]
                    })
                    .collect();
                (!near.is_empty()).then_some((*t, near))
            })
            .collect();
        Self { mesh, triangles }
    }

    /// Samples every area of one face. `landmarks` in frame pixels (468 or 478 points).
    pub fn sample(&self, frame: &RgbImage, landmarks: &[Vec3]) -> SkinSamples {
        let mut out = SkinSamples { areas: vec![Vec::new(); AREAS.len()], ..Default::default() };
        for (t, near) in &self.triangles {
            let p = t.map(|i| landmarks[i as usize].truncate());
            let uv = t.map(|i| Vec2::from(self.mesh.uvs[i as usize]));
            rasterise(frame, p, |x, y, w| {
                let at = uv[0] * w[0] + uv[1] * w[1] + uv[2] * w[2];
                if let Some(&k) = near.iter().find(|&&k| inside_ellipse(&AREAS[k], at)) {
                    out.areas[k].push(linear(frame, x, y));
                }
            });
        }
        out.eyes = eye_samples(frame, landmarks);
        out.iris = iris(frame, landmarks);
        let outer = contour(landmarks, &LIPS_OUTER);
        let inner = contour(landmarks, &LIPS_INNER);
        for_pixels_where(frame, &outer, |q| inside(&outer, q) && !inside(&inner, q), |p| out.lips.push(p));
        out
    }
}

impl Sampler {
    /// The outline of an area on a face, in frame pixels: `points` points around its UV ellipse,
    /// each placed through the mesh triangle that holds it (points off the mesh are left out).
    pub fn outline(&self, area: usize, landmarks: &[Vec3], points: usize) -> Vec<Vec2> {
        let a = &AREAS[area];
        (0..points)
            .filter_map(|i| {
                let t = i as f32 / points as f32 * std::f32::consts::TAU;
                let uv = Vec2::from(a.centre) + Vec2::from(a.radii) * Vec2::new(t.cos(), t.sin());
                self.triangles.iter().find_map(|(tri, _)| {
                    let corners = tri.map(|k| Vec2::from(self.mesh.uvs[k as usize]));
                    let w = barycentric(corners, uv)?;
                    let p = tri.map(|k| landmarks[k as usize].truncate());
                    Some(p[0] * w[0] + p[1] * w[1] + p[2] * w[2])
                })
            })
            .collect()
    }
}

/// Barycentric weights of `q` in triangle `p`, when inside.
fn barycentric(p: [Vec2; 3], q: Vec2) -> Option<[f32; 3]> {
    let area = (p[1] - p[0]).perp_dot(p[2] - p[0]);
    if area.abs() < 1e-12 {
        return None;
    }
    let w1 = (q - p[0]).perp_dot(p[2] - p[0]) / area;
    let w2 = (p[1] - p[0]).perp_dot(q - p[0]) / area;
    let w0 = 1.0 - w1 - w2;
    (w0 >= 0.0 && w1 >= 0.0 && w2 >= 0.0).then_some([w0, w1, w2])
}

fn inside_ellipse(a: &SkinArea, uv: Vec2) -> bool {
    let d = (uv - Vec2::from(a.centre)) / Vec2::from(a.radii);
    d.length_squared() <= 1.0
}

/// The linear RGB of a pixel.
fn linear(frame: &RgbImage, x: u32, y: u32) -> [f32; 3] {
    frame.get_pixel(x, y).0.map(srgb8_to_linear)
}

/// Calls `visit(x, y, barycentric weights)` for each pixel centre inside triangle `p`.
fn rasterise(frame: &RgbImage, p: [Vec2; 3], mut visit: impl FnMut(u32, u32, [f32; 3])) {
    if (p[1] - p[0]).perp_dot(p[2] - p[0]).abs() < 1e-6 {
        return;
    }
    let lo = p[0].min(p[1]).min(p[2]).max(Vec2::ZERO);
    let hi = p[0].max(p[1]).max(p[2]).min(Vec2::new(frame.width() as f32 - 1.0, frame.height() as f32 - 1.0));
    if lo.x > hi.x || lo.y > hi.y {
        return;
    }
    for y in lo.y.floor() as u32..=hi.y.ceil() as u32 {
        for x in lo.x.floor() as u32..=hi.x.ceil() as u32 {
            if x >= frame.width() || y >= frame.height() {
                continue;
            }
            if let Some(w) = barycentric(p, Vec2::new(x as f32 + 0.5, y as f32 + 0.5)) {
                visit(x, y, w);
            }
        }
    }
}

/// Hands `each` the linear pixels within `bounds`' box that `keep` accepts.
fn for_pixels_where(frame: &RgbImage, bounds: &[Vec2], keep: impl Fn(Vec2) -> bool, mut each: impl FnMut([f32; 3])) {
    let lo = bounds.iter().fold(Vec2::splat(f32::MAX), |m, p| m.min(*p)).max(Vec2::ZERO);
    let hi = bounds.iter().fold(Vec2::splat(f32::MIN), |m, p| m.max(*p));
    if lo.x > hi.x || lo.y > hi.y {
        return;
    }
    for y in lo.y.floor() as u32..=(hi.y.ceil() as u32).min(frame.height().saturating_sub(1)) {
        for x in lo.x.floor() as u32..=(hi.x.ceil() as u32).min(frame.width().saturating_sub(1)) {
            if keep(Vec2::new(x as f32 + 0.5, y as f32 + 0.5)) {
                each(linear(frame, x, y));
            }
        }
    }
}

/// v2's iris landmarks: centre then four points on the rim, for each eye.
const IRIS: [[usize; 5]; 2] = [[468, 469, 470, 471, 472], [473, 474, 475, 476, 477]];

/// Centre and radius of each iris (v2), or an estimate from the eye contour (v1): the iris sits
/// in the middle of the opening with a radius of about a fifth of the eye's width.
fn irises(landmarks: &[Vec3]) -> [(Vec2, f32); 2] {
    if landmarks.len() >= 478 {
        return IRIS.map(|i| {
            let c = landmarks[i[0]].truncate();
            let r = i[1..].iter().map(|&k| landmarks[k].truncate().distance(c)).sum::<f32>() / 4.0;
            (c, r)
        });
    }
    [RIGHT_EYE, LEFT_EYE].map(|eye| {
        let poly = contour(landmarks, &eye);
        let c = poly.iter().copied().sum::<Vec2>() / poly.len() as f32;
        (c, poly[0].distance(poly[8]) * 0.21)
    })
}

/// How much more saturated, on average, one eye's "whites" must be than the other's (and darker)
/// to be taken for something in front of that eye (a lock of hair, a finger) and left out: on the
/// test faces a lock over one eye raises its mean saturation by 0.21-0.35 over the other's, while
/// two clear eyes, side light and coloured light included, differ by at most 0.15. An eye lit by a
/// warm lamp while the other sees a cool window is more saturated but brighter: it stays.
const COVERED_EYE_SATURATION: f32 = 0.18;
/// Fewest eye-white pixels an eye needs for its saturation to be compared: fewer, a few noisy
/// pixels would decide (a face under about 40 px between the eyes).
const MIN_COMPARED_SCLERA: usize = 8;

/// Which eyes' whites were read: both, or the one a lock of hair does not cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EyesRead {
    /// Both eyes.
    Both,
    /// The right eye alone (the left is covered).
    Right,
    /// The left eye alone (the right is covered).
    Left,
}

impl EyesRead {
    /// The openings of the eyes read.
    fn openings(self) -> &'static [[u16; 16]] {
        const BOTH: &[[u16; 16]] = &[RIGHT_EYE, LEFT_EYE];
        match self {
            EyesRead::Both => BOTH,
            EyesRead::Right => &BOTH[..1],
            EyesRead::Left => &BOTH[1..],
        }
    }
}

/// Eye-white pixels: inside each eye opening, outside the iris (with a margin for its dark rim),
/// and away from the lid edges (lashes, shadow); without an eye that something covers (see
/// [`COVERED_EYE_SATURATION`]), so that one eye behind a lock of hair does not dim the light read.
/// `out` comes in empty. Returns the eyes read: the eyes' dark quarter is read from the same ones.
fn sclera(frame: &RgbImage, landmarks: &[Vec3], out: &mut Vec<[f32; 3]>) -> EyesRead {
    // Where the right eye's pixels end in `out` (the left eye's follow).
    let mut right_eye_end = 0;
    for (eye, (centre, radius)) in EyesRead::Both.openings().iter().zip(irises(landmarks)) {
        let poly = contour(landmarks, eye);
        let width = poly[0].distance(poly[8]);
        let white =
            |q: Vec2| inside(&poly, q) && q.distance(centre) > radius * 1.2 && edge_distance(&poly, q) > width * 0.05;
        for_pixels_where(frame, &poly, white, |p| out.push(p));
        if *eye == RIGHT_EYE {
            right_eye_end = out.len();
        }
    }
    let (right, left) = out.split_at(right_eye_end);
    if right.len() < MIN_COMPARED_SCLERA || left.len() < MIN_COMPARED_SCLERA {
        return EyesRead::Both;
    }
    let covers = |eye: &[[f32; 3]], other: &[[f32; 3]]| {
        mean_saturation(eye) > mean_saturation(other) + COVERED_EYE_SATURATION && mean_luma(eye) < mean_luma(other)
    };
    if covers(right, left) {
        out.drain(..right_eye_end);
        EyesRead::Left
    } else if covers(left, right) {
        out.truncate(right_eye_end);
        EyesRead::Right
    } else {
        EyesRead::Both
    }
}

/// Linear luminance (Rec. 709) of a linear RGB pixel: what the eye whites, skin and light
/// readings rank and average pixels by.
pub(crate) fn linear_luma(p: &[f32; 3]) -> f32 {
    0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2]
}

/// Mean linear luminance of pixels.
fn mean_luma(pixels: &[[f32; 3]]) -> f32 {
    pixels.iter().map(linear_luma).sum::<f32>() / pixels.len().max(1) as f32
}

/// Mean saturation (1 - min / max channel) of linear pixels: eye whites are near grey under any
/// light's colour, hair and skin are not.
fn mean_saturation(pixels: &[[f32; 3]]) -> f32 {
    let saturation = |p: &[f32; 3]| {
        let (max, min) = (p[0].max(p[1]).max(p[2]), p[0].min(p[1]).min(p[2]));
        if max > 0.0 { 1.0 - min / max } else { 0.0 }
    };
    pixels.iter().map(saturation).sum::<f32>() / pixels.len().max(1) as f32
}

/// The 25th percentile of linear luminance inside the `eyes` openings (those whose whites were
/// read: a lock of hair over the other would stand in for its iris and lashes, and the eyes would
/// look less sharp than they are); `luma` is scratch.
fn eye_dark_luma(frame: &RgbImage, landmarks: &[Vec3], eyes: &[[u16; 16]], luma: &mut Vec<f32>) -> Option<f32> {
    luma.clear();
    for eye in eyes {
        let poly = contour(landmarks, eye);
        for_pixels_where(frame, &poly, |q| inside(&poly, q), |p| luma.push(linear_luma(&p)));
    }
    if luma.is_empty() {
        return None;
    }
    luma.sort_unstable_by(f32::total_cmp);
    Some(luma[luma.len() / 4])
}

/// Iris pixels (v2 only): the ring between the pupil and the rim, inside the eye opening.
fn iris(frame: &RgbImage, landmarks: &[Vec3]) -> Vec<[f32; 3]> {
    if landmarks.len() < 478 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (eye, (centre, radius)) in [RIGHT_EYE, LEFT_EYE].iter().zip(irises(landmarks)) {
        let poly = contour(landmarks, eye);
        let ring = [centre - Vec2::splat(radius), centre + Vec2::splat(radius)];
        let ring_pixel = |q: Vec2| {
            let d = q.distance(centre);
            inside(&poly, q) && d > radius * 0.45 && d < radius * 0.9
        };
        for_pixels_where(frame, &ring, ring_pixel, |p| out.push(p));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The eye whites read from a face drawn flat from the canonical mesh's atlas (300 px across)
    /// in `face`, with the right eye's opening painted `right` and the left's `left`.
    fn whites_with(face: [u8; 3], right: [u8; 3], left: [u8; 3]) -> Vec<[f32; 3]> {
        eyes_with(face, right, left, None).sclera
    }

    /// Share of the iris radius the eyes are read with that [`eyes_with`] draws an iris in: 40 %
    /// of an eye opening's pixels, so that the iris is the clear eyes' darkest quarter, and no
    /// longer is if a third of the pixels are an eye behind a lock.
    const IRIS_DRAWN: f32 = 0.8;

    /// What the eyes of a face like [`whites_with`]'s show, each eye painted `right` or `left`
    /// holding an iris of colour `iris.1` where its white is `iris.0`.
    fn eyes_with(face: [u8; 3], right: [u8; 3], left: [u8; 3], iris: Option<([u8; 3], [u8; 3])>) -> EyeSamples {
        let mesh = CanonicalMesh::load();
        let landmarks: Vec<Vec3> =
            mesh.uvs.iter().map(|uv| Vec3::new(50.0 + 300.0 * uv[0], 50.0 + 300.0 * uv[1], 0.0)).collect();
        let (right_eye, left_eye) = (contour(&landmarks, &RIGHT_EYE), contour(&landmarks, &LEFT_EYE));
        let [right_iris, left_iris] = irises(&landmarks);
        let frame = RgbImage::from_fn(400, 400, |x, y| {
            let q = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            let in_iris = |(centre, radius): (Vec2, f32), eye: [u8; 3]| {
                iris.filter(|&(white, _)| white == eye && q.distance(centre) < IRIS_DRAWN * radius)
                    .map(|(_, iris)| iris)
            };
            let colour = if inside(&right_eye, q) {
                in_iris(right_iris, right).unwrap_or(right)
            } else if inside(&left_eye, q) {
                in_iris(left_iris, left).unwrap_or(left)
            } else {
                face
            };
            image::Rgb(colour)
        });
        eye_samples(&frame, &landmarks)
    }

    #[test]
    fn an_eye_behind_a_lock_of_hair_is_left_out_of_the_eye_whites() {
        let (skin, white, blond) = ([200, 150, 120], [225u8, 222, 218], [150, 110, 50]);
        let both = whites_with(skin, white, white).len();
        let white_linear = white.map(srgb8_to_linear);
        // A blond lock over either eye: only the other eye's whites are read.
        for (right, left) in [(blond, white), (white, blond)] {
            let one = whites_with(skin, right, left);
            assert!(one.len() * 3 < both * 2 && one.len() * 3 > both, "{} of {both} whites kept", one.len());
            assert!(one.iter().all(|p| *p == white_linear), "the lock's pixels read as eye whites");
        }
        // A slightly warmer eye is still an eye; so is one lit by a warm lamp while the other
        // sees a dim, cool window (far more saturated, but brighter).
        assert_eq!(whites_with(skin, [228, 220, 208], white).len(), both);
        assert_eq!(whites_with(skin, [240, 205, 160], [90, 90, 95]).len(), both);
    }

    #[test]
    fn an_eye_behind_a_lock_of_hair_is_left_out_of_the_eyes_dark_quarter() {
        // Clear eyes with dark irises; then a blond lock over the right one. The eyes' darkest
        // quarter (how sharp they are) stays the clear eye's: the lock is no iris.
        let (skin, white, iris, blond) = ([200, 150, 120], [225u8, 222, 218], [40u8, 30, 25], [150, 110, 50]);
        let clear = eyes_with(skin, white, white, Some((white, iris))).dark_luma.expect("eyes read");
        let behind_lock = eyes_with(skin, blond, white, Some((white, iris))).dark_luma.expect("eyes read");
        assert_eq!(behind_lock, clear);
        assert!(clear < linear_luma(&iris.map(srgb8_to_linear)) * 1.01, "dark quarter {clear}");
    }
}
