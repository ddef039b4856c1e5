//! How soft the camera drew each face's eyes, so that eyeliner is as sharp as the lash line it
//! sits on: a crisp liner on a soft webcam frame or a defocused photo looks painted on, where a
//! real liner is blurred by the same camera. Measured on an edge of the eye's own: the iris
//! against the eye white (the limbus), on both sides of each iris along the eye, at v2's iris
//! landmarks; the limbus's own softness, known from sharp photos, is taken out. A v1 mesh has no
//! irises: its liner keeps the fixed feather. [`LinerScale`] turns the camera's blur into the
//! units the eyeliner's distance is stored in.

use glam::{Mat2, Vec2, Vec3};
use image::RgbImage;

use super::lip_edges::{SMOOTHSTEP_20_80, linear_at};
use crate::face::CanonicalMesh;
use crate::face::atlas::{Wing, liner_unit_uv, wings};
use crate::face::regions::{LEFT_EYE, RIGHT_EYE};

/// v2's iris landmarks: centre, then four points on the rim, for the right and the left eye.
const IRISES: [[usize; 5]; 2] = [[468, 469, 470, 471, 472], [473, 474, 475, 476, 477]];
/// Smallest iris radius (pixels) whose edge is measured: smaller, the profile holds too few
/// pixels of iris and of white to place a step (a face under about 50 px between the eyes).
const MIN_IRIS_RADIUS: f32 = 4.0;
/// Where a profile runs, in iris radii from the iris's centre along the eye: from inside the
/// iris (usually in the pupil, which is darker still) to the eye white short of the eye's
/// corner.
const PROFILE: (f32, f32) = (0.3, 2.0);
/// The profile's iris end (up to this many radii), averaged for the dark level the step rises
/// from.
const IRIS_END: f32 = 0.6;
/// Profiles across each side of an iris: along the eye through its centre and this many radii
/// above and below, so that one catch-light or lash cannot decide.
const OFFSETS: [f32; 3] = [-0.35, 0.0, 0.35];
/// Least ratio of the white's linear luminance to the iris's for an edge to be measured: a dark
/// iris against a white, not a light iris against a lid or shade.
const MIN_CONTRAST: f32 = 1.5;
/// Samples per pixel along a profile.
const STEPS_PER_PX: f32 = 4.0;
/// Most samples along one profile (a face with an iris of 100 px radius or more is sampled more
/// sparsely).
const MAX_SAMPLES: usize = 160;
/// Fewest profiles that must show a step for the picture's softness to be taken as measured.
const MIN_PROFILES: usize = 3;
/// Share of a new frame's width in the one drawn (video): one frame's measure is noisy (on the
/// carphone clip ×4 the feather it asks for moves 2.2 px from frame to frame, 0.24 px followed:
/// `tests/eyeliner_edges.rs`); followed, the liner's softness settles on a new focus within a
/// second (nine tenths of the way in 22 frames).
const FOLLOW: f32 = 0.1;
/// The limbus's own 20–80 % width in iris radii, in a sharp photo: 0.18-0.23 on the phone photo
/// and the White House portraits (`tests/eyeliner_edges.rs`); the transition from iris to white
/// is about a millimetre of an iris six across.
const LIMBUS_WIDTH: f32 = 0.2;
/// Linear luminance of linear RGB (Rec. 709).
const LUMA: Vec3 = Vec3::new(0.2126, 0.7152, 0.0722);

/// How soft the picture is at one face's eyes: the limbus as the camera drew it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EyeEdges {
    /// The 20–80 % width (pixels) of the step from iris to eye white, the median over the
    /// profiles that show one; 0 where nothing was measured.
    pub width: f32,
    /// The irises' mean radius (pixels) where `width` was measured: the limbus's own softness
    /// scales with it.
    pub iris_radius: f32,
}

impl EyeEdges {
    /// Measures the limbus of both eyes of the face with `landmarks` in `frame` (nothing for a
    /// v1 mesh, small eyes or eyes whose white cannot be told from the iris).
    pub fn measure(frame: &RgbImage, landmarks: &[Vec3]) -> Self {
        if landmarks.len() < 478 {
            return Self::default();
        }
        let mut widths = [0.0f32; 2 * 2 * OFFSETS.len()];
        let mut count = 0;
        let (mut radii, mut eyes) = (0.0, 0);
        for (iris, eye) in IRISES.iter().zip([RIGHT_EYE, LEFT_EYE]) {
            let centre = landmarks[iris[0]].truncate();
            let radius = iris[1..].iter().map(|&k| landmarks[k].truncate().distance(centre)).sum::<f32>() / 4.0;
            let along = (landmarks[eye[8] as usize] - landmarks[eye[0] as usize]).truncate().normalize_or_zero();
            if !(radius.is_finite() && radius >= MIN_IRIS_RADIUS) || along == Vec2::ZERO {
                continue;
            }
            let across = along.perp();
            radii += radius;
            eyes += 1;
            for side in [along, -along] {
                for offset in OFFSETS {
                    if let Some(w) = step_width(frame, centre + across * (offset * radius), side, radius) {
                        // Off the centre the profile crosses the round rim obliquely: the step
                        // reads wider by 1 / cos of the angle, sin of which is the offset.
                        widths[count] = w * (1.0 - offset * offset).sqrt();
                        count += 1;
                    }
                }
            }
        }
        if count < MIN_PROFILES {
            return Self::default();
        }
        let measured = &mut widths[..count];
        measured.sort_unstable_by(f32::total_cmp);
        Self { width: measured[count / 2], iris_radius: radii / eyes as f32 }
    }

    /// `self` blended towards a new frame's measure; a frame that measured nothing keeps the
    /// last one, and the first measure is taken as it is.
    pub fn follow(&self, new: &Self) -> Self {
        match (self.width, new.width) {
            (_, 0.0) => *self,
            (0.0, _) => *new,
            _ => Self {
                width: self.width + FOLLOW * (new.width - self.width),
                iris_radius: self.iris_radius + FOLLOW * (new.iris_radius - self.iris_radius),
            },
        }
    }

    /// The camera's part of the measured width (pixels): the limbus is a little soft of itself
    /// ([`LIMBUS_WIDTH`] of the iris's radius), and a blur adds to that in quadrature (as
    /// Gaussians do). 0 when not measured, or for a picture as sharp as an eye gets.
    pub fn camera_width(&self) -> f32 {
        let own = LIMBUS_WIDTH * self.iris_radius;
        (self.width * self.width - own * own).max(0.0).sqrt()
    }

    /// The feather (pixels over which a drawn edge fades from full to none) that blurs as the
    /// camera did here; 0 when not measured.
    pub fn feather_px(&self) -> f32 {
        self.camera_width() / SMOOTHSTEP_20_80
    }
}

/// Vertex pairs across the foot of each upper lid, where the liner's inner edge lies: the lash
/// line's middle three vertices and the mesh's next ring of vertices above them (MediaPipe's
/// "eye upper 0" and "eye upper 1" contours), right eye then left.
const LID_FOOT: [(u16, u16); 6] = [(160, 29), (159, 27), (158, 28), (387, 259), (386, 257), (385, 258)];
/// Vertex pairs from that ring to the next one up the lid ("eye upper 2"), a quarter to two
/// thirds of the stored range from the line: where a thick liner's outer edge lies (thickness
/// above about 0.55; a thinner liner's lies in the foot).
const LID_ABOVE: [(u16, u16); 6] = [(29, 224), (27, 223), (28, 222), (259, 444), (257, 443), (258, 442)];

/// Turns a feather in pixels into the units the region atlas stores the eyeliner's distance in
/// on a face as drawn, from how large its lids and the wings' place are on screen against the
/// atlas. The atlas does not draw the eye's surroundings to the face's scale: it draws the foot
/// of the lid, where the liner's inner edge lies, about four times smaller than the band above
/// it, where a thick liner's outer edge lies (against the face on screen), and the wing's place
/// past the eye's corner at a scale of its own, so each part has its own scale. Per face rather
/// than per pixel: a per-pixel scale from the distance's screen derivatives jumps from triangle
/// to triangle, and the fade with it.
/// Built once from the mesh.
#[derive(Debug, Clone)]
pub struct LinerScale {
    /// Each of [`LID_FOOT`]'s lengths in the atlas, in liner units.
    foot_units: [f32; LID_FOOT.len()],
    /// Each of [`LID_ABOVE`]'s lengths in the atlas, in liner units.
    above_units: [f32; LID_ABOVE.len()],
    /// How far from the lash line the foot of the lid reaches in the atlas (liner units, the
    /// mean of `foot_units`): where one scale hands over to the other.
    foot_height: f32,
    /// Where each wing's scale is read (none for a mesh with no triangle under a wing).
    wings: Vec<WingProbe>,
    /// One liner unit in the atlas's UV units.
    unit_uv: f32,
}

/// Where one wing's scale on screen is read: the mesh triangle under the wing's middle, which
/// the mesh maps from the atlas to the screen as one affine piece.
#[derive(Debug, Clone)]
struct WingProbe {
    /// The triangle's vertices.
    triangle: [u16; 3],
    /// The inverse of the matrix of its two edges from the first vertex, in the atlas.
    atlas_inverse: Mat2,
    /// The unit direction across the wing in the atlas: the wing's width is measured along it.
    across: Vec2,
}

impl WingProbe {
    /// The probe under the middle of `wing`, among the `triangles` of a mesh at `uvs`.
    fn under(wing: &Wing, uvs: &[Vec2], triangles: &[[u16; 3]]) -> Option<Self> {
        let middle = (wing.corner + wing.tip) * 0.5;
        let across = (wing.tip - wing.corner).normalize_or_zero().perp();
        triangles.iter().find_map(|t| {
            let [a, b, c] = t.map(|v| uvs[v as usize]);
            let edges = Mat2::from_cols(b - a, c - a);
            let (det, inverse) = (edges.determinant(), edges.inverse());
            let w = inverse * (middle - a);
            let inside = det.abs() > 1e-12 && w.x >= 0.0 && w.y >= 0.0 && w.x + w.y <= 1.0;
            inside.then_some(Self { triangle: *t, atlas_inverse: inverse, across })
        })
    }

    /// Pixels on screen per atlas UV unit across the wing, on the face drawn at `landmarks`.
    fn px_per_uv(&self, landmarks: &[Vec3]) -> f32 {
        let [a, b, c] = self.triangle.map(|v| landmarks[v as usize].truncate());
        let to_screen = Mat2::from_cols(b - a, c - a) * self.atlas_inverse;
        (to_screen * self.across).length()
    }
}

/// The eyeliner's per-face numbers (`FaceInfo`'s `eye_edges` and `liner_wing`, read by
/// `shaders/layers/eyeliner.wgsl`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LinerUniform {
    /// x the feather in pixels, y and z the pixels one liner unit spans across the foot of the
    /// lid and across the band above it, w how many liner units from the line the foot reaches
    /// (so that a distance d in liner units lies y·min(d, w) + z·max(d − w, 0) pixels from the
    /// line).
    pub eye_edges: [f32; 4],
    /// x the pixels one liner unit spans across the wing (the others unused).
    pub wing: [f32; 4],
}

impl LinerScale {
    /// Reads the lids' parts and the wings' places in the atlas from the mesh.
    pub fn new(mesh: &CanonicalMesh) -> Self {
        let uvs: Vec<Vec2> = mesh.uvs.iter().map(|&uv| Vec2::from_array(uv)).collect();
        let unit_uv = liner_unit_uv(&uvs);
        let units = |pairs: &[(u16, u16); 6]| pairs.map(|(a, b)| uvs[a as usize].distance(uvs[b as usize]) / unit_uv);
        let foot_units = units(&LID_FOOT);
        let foot_height = foot_units.iter().sum::<f32>() / foot_units.len() as f32;
        let wings = wings(&uvs).iter().filter_map(|w| WingProbe::under(w, &uvs, &mesh.triangles)).collect();
        Self { foot_units, above_units: units(&LID_ABOVE), foot_height, wings, unit_uv }
    }

    /// The eyeliner's numbers for the face drawn at `landmarks` (pixels) whose picture asks for
    /// `feather_px`. All 0 for no feather or lids of no height on screen: the liner keeps its
    /// fixed feather. Without a wing probe the wing takes the band's scale.
    pub fn uniform(&self, feather_px: f32, landmarks: &[Vec3]) -> LinerUniform {
        let at = |i: u16| landmarks[i as usize].truncate();
        let px_per_unit = |pairs: &[(u16, u16); 6], units: &[f32; 6]| {
            pairs.iter().map(|(a, b)| at(*a).distance(at(*b))).sum::<f32>() / units.iter().sum::<f32>()
        };
        let (foot, above) = (px_per_unit(&LID_FOOT, &self.foot_units), px_per_unit(&LID_ABOVE, &self.above_units));
        let wing = match self.wings.len() {
            0 => above,
            n => self.wings.iter().map(|w| w.px_per_uv(landmarks)).sum::<f32>() / n as f32 * self.unit_uv,
        };
        let usable = |v: f32| v.is_finite() && v > 0.0;
        if feather_px > 0.0 && usable(foot) && usable(above) && usable(wing) {
            LinerUniform { eye_edges: [feather_px, foot, above, self.foot_height], wing: [wing, 0.0, 0.0, 0.0] }
        } else {
            LinerUniform::default()
        }
    }
}

/// The 20–80 % width (pixels) of the step from the iris of radius `radius` to the eye white along
/// `from + t·direction`, where the profile runs from iris to a white at least [`MIN_CONTRAST`]
/// times as bright: the crossings nearest the iris's rim.
fn step_width(frame: &RgbImage, from: Vec2, direction: Vec2, radius: f32) -> Option<f32> {
    let (start, end) = (PROFILE.0 * radius, PROFILE.1 * radius);
    let samples = (((end - start) * STEPS_PER_PX) as usize).clamp(8, MAX_SAMPLES);
    let step = (end - start) / samples as f32;
    // Linear light: the camera's blur mixes light, so the step's 20-80 % width is the blur's
    // whatever the two sides' colours.
    let mut luminance = [0.0f32; MAX_SAMPLES + 1];
    for (k, l) in luminance[..=samples].iter_mut().enumerate() {
        *l = linear_at(frame, from + direction * (start + step * k as f32)).dot(LUMA);
    }
    let luminance = &luminance[..=samples];
    let t = |k: usize| start + step * k as f32;
    let mean_where = |keep: &dyn Fn(f32) -> bool| {
        let (sum, n) =
            luminance.iter().enumerate().filter(|(k, _)| keep(t(*k))).fold((0.0, 0), |(s, n), (_, l)| (s + l, n + 1));
        sum / n.max(1) as f32
    };
    let iris = mean_where(&|t| t <= IRIS_END * radius);
    // The white at its brightest (a high percentile, not one noisy sample): past the rim, a
    // narrow eye's white gives way to the lid or the eye's corner, which a mean would take in.
    let mut white_samples = [0.0f32; MAX_SAMPLES + 1];
    let mut n = 0;
    for (k, l) in luminance.iter().enumerate() {
        if t(k) >= radius {
            white_samples[n] = *l;
            n += 1;
        }
    }
    if n == 0 {
        return None;
    }
    let whites = &mut white_samples[..n];
    whites.sort_unstable_by(f32::total_cmp);
    let white = whites[(n * 9 / 10).min(n - 1)];
    if !(white > iris * MIN_CONTRAST && white > 0.0) {
        return None;
    }
    let level = |k: usize| (luminance[k] - iris) / (white - iris);
    // The crossing of `at` (rising from iris to white) nearest the rim.
    let crossing = |at: f32| {
        (1..luminance.len())
            .filter(|&k| level(k - 1) < at && level(k) >= at)
            .map(|k| t(k - 1) + step * (at - level(k - 1)) / (level(k) - level(k - 1)))
            .min_by(|a, b| (a - radius).abs().total_cmp(&(b - radius).abs()))
    };
    let width = crossing(0.8)? - crossing(0.2)?;
    (width > 0.0 && width <= radius).then_some(width)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A face's landmarks with only the eyes placed: corners 60 px either side of each iris
    /// centre, irises of `radius` at (200, 200) and (400, 200).
    fn eyes(radius: f32) -> Vec<Vec3> {
        let mut lm = vec![Vec3::ZERO; 478];
        for (iris, eye, x) in [(IRISES[0], RIGHT_EYE, 200.0), (IRISES[1], LEFT_EYE, 400.0)] {
            let c = Vec2::new(x, 200.0);
            lm[iris[0]] = c.extend(0.0);
            for (k, d) in [Vec2::X, Vec2::Y, -Vec2::X, -Vec2::Y].into_iter().enumerate() {
                lm[iris[k + 1]] = (c + d * radius).extend(0.0);
            }
            lm[eye[0] as usize] = (c - Vec2::new(60.0, 0.0)).extend(0.0);
            lm[eye[8] as usize] = (c + Vec2::new(60.0, 0.0)).extend(0.0);
        }
        lm
    }

    /// Two dark irises of `radius` on a white eye, their rim `rim` pixels soft (a linear ramp),
    /// blurred by a Gaussian of `sigma` pixels.
    fn picture(radius: f32, rim: f32, sigma: f32) -> RgbImage {
        let (iris, white) = (Vec3::new(70.0, 45.0, 30.0), Vec3::new(225.0, 220.0, 215.0));
        let sharp = RgbImage::from_fn(600, 400, |x, y| {
            let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            let r = [200.0, 400.0].iter().map(|cx| p.distance(Vec2::new(*cx, 200.0))).fold(f32::MAX, f32::min);
            let t = ((r - radius) / rim.max(1e-3) + 0.5).clamp(0.0, 1.0);
            let c = iris.lerp(white, t);
            image::Rgb([c.x as u8, c.y as u8, c.z as u8])
        });
        if sigma > 0.0 { image::imageops::blur(&sharp, sigma) } else { sharp }
    }

    #[test]
    fn the_width_is_the_limbus_s_and_the_camera_s_blur() {
        let lm = eyes(20.0);
        let sharp = EyeEdges::measure(&picture(20.0, 0.0, 0.0), &lm);
        assert!(sharp.width > 0.0 && sharp.width < 1.5, "a sharp edge: {sharp:?}");
        assert_eq!(sharp.iris_radius, 20.0);
        // A Gaussian's 20–80 % width is 1.68 sigma.
        for sigma in [1.5f32, 3.0] {
            let w = EyeEdges::measure(&picture(20.0, 0.0, sigma), &lm).width;
            assert!((w / (1.68 * sigma) - 1.0).abs() < 0.25, "sigma {sigma}: {w}");
        }
        // A limbus as soft as a real one (a ramp whose 20-80 % is LIMBUS_WIDTH radii): the
        // camera's part is nothing in focus, and the blur's out of it.
        let rim = LIMBUS_WIDTH * 20.0 / 0.6;
        let in_focus = EyeEdges::measure(&picture(20.0, rim, 0.0), &lm);
        assert!(in_focus.camera_width() < 1.0, "{in_focus:?}: {}", in_focus.camera_width());
        let blurred = EyeEdges::measure(&picture(20.0, rim, 3.0), &lm);
        let camera = blurred.camera_width();
        assert!((camera / (1.68 * 3.0) - 1.0).abs() < 0.3, "{blurred:?}: {camera}");
    }

    #[test]
    fn nothing_is_measured_without_irises_a_step_or_room() {
        let lm = eyes(20.0);
        // v1: no iris landmarks.
        assert_eq!(EyeEdges::measure(&picture(20.0, 0.0, 1.0), &lm[..468]).width, 0.0);
        // A white iris: no step.
        let blank = RgbImage::from_pixel(600, 400, image::Rgb([225, 220, 215]));
        assert_eq!(EyeEdges::measure(&blank, &lm).width, 0.0);
        // Irises too small to hold a step.
        assert_eq!(EyeEdges::measure(&picture(3.0, 0.0, 0.0), &eyes(3.0)).width, 0.0);
        // Landmarks that are not numbers, or off the picture.
        assert_eq!(EyeEdges::measure(&picture(20.0, 0.0, 0.0), &vec![Vec3::NAN; 478]).width, 0.0);
        let far: Vec<Vec3> = lm.iter().map(|p| *p + Vec3::new(5000.0, 0.0, 0.0)).collect();
        assert_eq!(EyeEdges::measure(&picture(20.0, 0.0, 0.0), &far).width, 0.0);
    }

    #[test]
    fn a_liner_unit_spans_as_many_pixels_as_the_lids_on_screen_say() {
        let mesh = CanonicalMesh::load();
        let scale = LinerScale::new(&mesh);
        assert_eq!(scale.wings.len(), 2, "a triangle under each wing");
        let uvs: Vec<Vec2> = mesh.uvs.iter().map(|&uv| Vec2::from_array(uv)).collect();
        // The atlas itself at 1000 px to a UV unit: a liner unit spans its UV size in pixels,
        // on the lid and across the wing alike.
        let unit_px = liner_unit_uv(&uvs) * 1000.0;
        let atlas: Vec<Vec3> = uvs.iter().map(|uv| (*uv * 1000.0).extend(0.0)).collect();
        let LinerUniform { eye_edges: [feather, foot, rest, foot_height], wing: [wing, ..] } =
            scale.uniform(3.0, &atlas);
        assert_eq!(feather, 3.0);
        for (part, px) in [("foot", foot), ("band", rest), ("wing", wing)] {
            assert!((px / unit_px - 1.0).abs() < 1e-3, "{part}: {px} px a unit against {unit_px}");
        }
        // The foot of the lid reaches a fifth to a quarter of the stored range from the line.
        assert!(foot_height > 0.15 && foot_height < 0.3, "{foot_height}");
        // Drawn twice as tall: twice the pixels per unit on the lid; across the wing (which
        // rises out at about 40°) between one and two times.
        let tall: Vec<Vec3> = uvs.iter().map(|uv| Vec3::new(uv.x * 1000.0, uv.y * 2000.0, 0.0)).collect();
        let LinerUniform { eye_edges: [_, tall_foot, tall_rest, _], wing: [tall_wing, ..] } = scale.uniform(3.0, &tall);
        assert!(
            (tall_foot / foot - 2.0).abs() < 0.1 && (tall_rest / rest - 2.0).abs() < 0.1,
            "{tall_foot} {tall_rest}"
        );
        assert!(tall_wing / wing > 1.2 && tall_wing / wing < 1.9, "{tall_wing} against {wing}");
        // Nothing for no feather, or lids of no height or not numbers.
        let none = LinerUniform::default();
        assert_eq!(scale.uniform(0.0, &atlas), none);
        assert_eq!(scale.uniform(3.0, &vec![Vec3::ZERO; uvs.len()]), none);
        assert_eq!(scale.uniform(3.0, &vec![Vec3::NAN; uvs.len()]), none);
    }

    #[test]
    fn following_keeps_a_width_until_one_is_measured() {
        let at = |width: f32| EyeEdges { width, iris_radius: 10.0 };
        let last = at(2.0);
        assert_eq!(last.follow(&EyeEdges::default()), last);
        assert_eq!(EyeEdges::default().follow(&at(3.0)), at(3.0));
        assert!((last.follow(&at(4.0)).width - (2.0 + FOLLOW * 2.0)).abs() < 1e-6);
        // As a feather: the camera's part, over a smoothstep's 20-80 % share.
        let blurred = EyeEdges { width: 5.0, iris_radius: 15.0 };
        assert!((blurred.feather_px() - 4.0 / SMOOTHSTEP_20_80).abs() < 1e-4, "{}", blurred.feather_px());
        assert_eq!(EyeEdges::default().feather_px(), 0.0);
        assert_eq!(EyeEdges { width: 1.0, iris_radius: 10.0 }.feather_px(), 0.0);
    }
}
