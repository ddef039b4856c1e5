//! The light on each face, as makeup needs it: its colour and level (the shade advisor's
//! estimate, from the eye whites or the kiosk's grey card, so a product is drawn as a pigment
//! under the room's light) and its dominant direction (from the face's own shading against the
//! mesh normals, so highlights land where that light would reflect). Smoothed over the frames of
//! a live video; a blink or a lost reference keeps the last estimate, and a face whose eyes cannot
//! be read (sunglasses, closed, too small) is in the light the other faces of the frame are in.

use glam::{Vec2, Vec3};
use image::RgbImage;

use super::face_memory::FaceMemory;
use super::renderer::MAX_FACES;
use super::stats;
use crate::advisor::light::{Correction, Reference, face_light_with};
use crate::advisor::sampling::{AREAS, EyeSamples, eye_samples_into, linear_luma};
use crate::face::mesh::{CanonicalMesh, VERTEX_COUNT};

/// How much of a new frame's estimate enters the smoothed one (the rest is the last frame's).
const SMOOTHING: f32 = 0.25;
/// Brightest/darkest light the renderer believes: beyond, a misread reference (a reflection in
/// the eye, a closed eye read as white) would turn makeup black or white.
const LIGHT_RANGE: (f32, f32) = (0.05, 4.0);
/// How much brighter the eye whites must be than the darkest quarter of the eye opening: lower
/// than the advisor's (a blurred webcam eye still tells the light's level and colour well enough
/// to light a lipstick, if not to grade skin).
const MIN_EYE_CONTRAST: f64 = 2.0;
/// Skin vertices whose normal turns further from the camera than this (z of the unit normal)
/// are left out of the direction fit: grazing views mix in background and hair.
const MIN_FACING: f32 = 0.2;

/// The light on one face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceLight {
    /// Linear RGB by which the light multiplies a reflectance (1, 1, 1: the reference light, D65
    /// at the exposure the catalogue's colours assume).
    pub colour: [f32; 3],
    /// Where `colour` comes from.
    pub source: LightSource,
    /// Unit vector towards the light in camera space: x right, y down, z towards the camera.
    pub direction: Vec3,
}

/// Where a face's light colour comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LightSource {
    /// Measured on this face (eye whites or grey card), in this frame or an earlier one of the
    /// video.
    Measured,
    /// The light the frame's other faces were measured in (see [`room_light`]); held in video
    /// when they leave.
    Room,
    /// The catalogue's reference light: nothing to go by.
    Assumed,
}

impl Default for FaceLight {
    /// The reference light ([`FaceLight::REFERENCE`]).
    fn default() -> Self {
        Self::REFERENCE
    }
}

impl FaceLight {
    /// The reference light, straight from the camera: what is assumed with nothing to go by.
    pub const REFERENCE: FaceLight = FaceLight { colour: [1.0; 3], source: LightSource::Assumed, direction: Vec3::Z };

    /// Whether the colour was measured on this face.
    pub fn measured(&self) -> bool {
        self.source == LightSource::Measured
    }

    /// Blends `self` (last frame's) towards `new`; a colour not measured in the new frame keeps
    /// the last one (and where it came from).
    fn smoothed(self, new: FaceLight) -> FaceLight {
        let (colour, source) = if new.measured() {
            (self.colour_towards(new.colour), LightSource::Measured)
        } else {
            (self.colour, self.source)
        };
        let direction = self.direction.lerp(new.direction, SMOOTHING).try_normalize().unwrap_or(Vec3::Z);
        FaceLight { colour, source, direction }
    }

    /// `self`'s colour moved [`SMOOTHING`] of the way to `colour`.
    fn colour_towards(&self, colour: [f32; 3]) -> [f32; 3] {
        Vec3::from(self.colour).lerp(Vec3::from(colour), SMOOTHING).to_array()
    }
}

/// The light multiplier a correction undoes: what a reflectance of 1 looks like in the frame.
fn colour_of(correction: &Correction) -> [f32; 3] {
    correction.rgb_gains().map(|g| (1.0 / g.max(1e-6)) as f32).map(|c| c.clamp(LIGHT_RANGE.0, LIGHT_RANGE.1))
}

/// Unit normals of the mesh at each landmark, in camera space (x right, y down, z towards the
/// camera), from the landmarks' depth: area-weighted triangle normals, turned to face the camera.
/// Written into `normals`, its allocation reused from frame to frame.
pub fn vertex_normals(landmarks: &[Vec3], triangles: &[[u16; 3]], normals: &mut Vec<Vec3>) {
    // MediaPipe's z grows away from the camera.
    let at = |i: u16| {
        let p = landmarks[i as usize];
        Vec3::new(p.x, p.y, -p.z)
    };
    normals.clear();
    normals.resize(VERTEX_COUNT, Vec3::ZERO);
    for t in triangles {
        let n = (at(t[1]) - at(t[0])).cross(at(t[2]) - at(t[0]));
        for &i in t {
            normals[i as usize] += n;
        }
    }
    // The mesh's winding is consistent: if most normals point away, all of them do.
    let facing: f32 = normals.iter().map(|n| n.z).sum();
    let sign = if facing < 0.0 { -1.0 } else { 1.0 };
    for n in normals.iter_mut() {
        *n = (*n * sign).try_normalize().unwrap_or(Vec3::Z);
    }
}

/// Mesh vertices on plain skin: inside the shade advisor's skin areas (forehead, cheeks, chin,
/// nose, under the eyes), their ellipses grown by 30 %.
pub fn skin_vertices(mesh: &CanonicalMesh) -> Vec<u16> {
    (0..VERTEX_COUNT as u16)
        .filter(|&i| {
            let uv = Vec2::from(mesh.uvs[i as usize]);
            AREAS.iter().any(|a| ((uv - Vec2::from(a.centre)) / (Vec2::from(a.radii) * 1.3)).length_squared() <= 1.0)
        })
        .collect()
}

/// Estimates the light on faces and smooths it over a video's frames.
pub struct LightProbe {
    /// Mesh vertices on plain skin (forehead, cheeks, chin, nose): their shading shows the light's
    /// direction.
    skin_vertices: Vec<u16>,
    /// The kiosk's grey-card calibration, used instead of the eye whites.
    calibration: Option<Correction>,
    /// Last frame's light on each face.
    last: FaceMemory<FaceLight>,
    /// The light measured on the faces of the whole photo while it is drawn in parts (a region
    /// at a time, or more faces than a pass draws; see [`LightProbe::measure_room`]): what a face
    /// not measured itself is in, rather than only its part's faces' light.
    room: Option<[f32; 3]>,
    /// What an estimate works in, kept between frames.
    work: LightWork,
}

/// The buffers one face's light estimate works in: kept between frames, so that estimating
/// allocates nothing once they have grown to a face's size.
#[derive(Debug, Default)]
struct LightWork {
    /// The eyes' pixels.
    eyes: EyeSamples,
    /// Luminances inside the eye openings.
    eye_luma: Vec<f32>,
    /// The unclipped eye-white pixels.
    lit_sclera: Vec<[f32; 3]>,
    /// Skin vertices' normals and luminances for the direction fit.
    shading: Vec<(Vec3, f32)>,
    /// Each sample's misfit.
    residuals: Vec<f32>,
    /// The misfits, sorted.
    sorted: Vec<f32>,
}

impl LightProbe {
    /// Picks the skin vertices of `mesh`.
    pub fn new(mesh: &CanonicalMesh) -> Self {
        Self {
            skin_vertices: skin_vertices(mesh),
            calibration: None,
            last: FaceMemory::new(),
            room: None,
            work: LightWork::default(),
        }
    }

    /// Uses a grey-card calibration (a kiosk's fixed light) instead of the eye whites.
    pub fn set_calibration(&mut self, calibration: Option<Correction>) {
        self.calibration = calibration.filter(|c| c.reference != Reference::None);
    }

    /// Measures the light of the room `faces` (landmarks and normals) stand in, in `frame`, for
    /// the pictures drawn next until [`LightProbe::forget_room`]: a photo too large for the device
    /// is drawn a region at a time, one with more faces than a pass draws in several passes, and a
    /// face whose eyes cannot be read must be lit as the whole photo's faces are, not only its
    /// part's.
    pub fn measure_room<'f>(&mut self, frame: &RgbImage, faces: impl IntoIterator<Item = (&'f [Vec3], &'f [Vec3])>) {
        self.room = None;
        self.last.forget();
        // Every measured face, however many (a still, not the live path).
        let mut measured: Vec<[f32; 3]> =
            self.estimate(frame, faces).iter().filter(|l| l.measured()).map(|l| l.colour).collect();
        self.last.forget();
        self.room = median_light(&mut measured);
    }

    /// Each frame's faces are in their own room again (see [`LightProbe::measure_room`]).
    pub fn forget_room(&mut self) {
        self.room = None;
    }

    /// Forgets the last frame (the next frame is a different picture, not the next video frame).
    pub fn forget(&mut self) {
        self.last.forget();
    }

    /// The light on each of `faces` (landmarks in frame pixels and normals from
    /// [`vertex_normals`]) in `frame`, in their order, smoothed with the last frame's faces unless
    /// [`LightProbe::forget`] was called.
    pub fn estimate<'f>(
        &mut self,
        frame: &RgbImage,
        faces: impl IntoIterator<Item = (&'f [Vec3], &'f [Vec3])>,
    ) -> &[FaceLight] {
        let Self { skin_vertices, calibration, last, room, work } = self;
        last.update(
            faces,
            |(landmarks, _)| landmarks,
            |(landmarks, normals), previous| {
                eye_samples_into(frame, landmarks, &mut work.eyes, &mut work.eye_luma);
                let (correction, _) =
                    face_light_with(&work.eyes, calibration.as_ref(), MIN_EYE_CONTRAST, &mut work.lit_sclera);
                let direction = light_direction(frame, landmarks, normals, skin_vertices, work);
                let fresh = if correction.reference == Reference::None {
                    FaceLight { direction, ..FaceLight::REFERENCE }
                } else {
                    FaceLight { colour: colour_of(&correction), source: LightSource::Measured, direction }
                };
                match previous {
                    Some(before) => before.smoothed(fresh),
                    None => fresh,
                }
            },
        );
        share_room_light(last.values_mut(), *room);
        last.values_mut()
    }
}

/// Each face of one frame not measured itself put in the light of those that were
/// ([`room_light`]), or in `room`'s where that is known (the whole photo's). A face already in
/// the room's light (the last frames of a video) follows it as a measured one follows its own, so
/// that it does not jump when a neighbour comes, goes or is first measured.
fn share_room_light(lights: &mut [FaceLight], room: Option<[f32; 3]>) {
    let Some(room) = room.or_else(|| room_light(lights)) else { return };
    for light in lights.iter_mut().filter(|l| !l.measured()) {
        light.colour = match light.source {
            LightSource::Room => light.colour_towards(room),
            _ => room,
        };
        light.source = LightSource::Room;
    }
}

/// The light the faces of one frame share: the measured faces' median light (by luminance; the
/// mean of the middle two of an even number), or None where no face was measured. The faces of
/// one picture stand in one room; a face whose eyes cannot be read (dark glasses, a blink on a
/// still, a face too small) is better lit by the light its neighbours were measured in than by
/// the catalogue's reference, which leaves its makeup glowing in a dim room.
fn room_light(lights: &[FaceLight]) -> Option<[f32; 3]> {
    // On the stack: the live path estimates at most MAX_FACES faces a frame.
    let mut measured = [[0.0f32; 3]; MAX_FACES];
    let mut count = 0;
    for light in lights.iter().filter(|l| l.measured()).take(MAX_FACES) {
        measured[count] = light.colour;
        count += 1;
    }
    median_light(&mut measured[..count])
}

/// The median of `lights` by luminance (the mean of the middle two of an even number), None
/// for none; reorders them.
fn median_light(lights: &mut [[f32; 3]]) -> Option<[f32; 3]> {
    lights.sort_unstable_by(|a, b| linear_luma(a).total_cmp(&linear_luma(b)));
    let count = lights.len();
    (count > 0).then(|| {
        let (low, high) = (lights[(count - 1) / 2], lights[count / 2]);
        Vec3::from(low).lerp(Vec3::from(high), 0.5).to_array()
    })
}

/// The dominant light direction on one face: luminance at the `skin_vertices` fitted as `g·n`
/// (Lambertian shading by one distant light) by least squares. Light from all around (a room's
/// ambient) fits as light from the camera, so flat light gives a frontal direction.
fn light_direction(
    frame: &RgbImage,
    landmarks: &[Vec3],
    normals: &[Vec3],
    skin_vertices: &[u16],
    work: &mut LightWork,
) -> Vec3 {
    let LightWork { shading: samples, residuals, sorted, .. } = work;
    samples.clear();
    samples.extend(skin_vertices.iter().filter(|&&i| normals[i as usize].z >= MIN_FACING).filter_map(|&i| {
        let p = landmarks[i as usize];
        luma_near(frame, p.x, p.y).map(|y| (normals[i as usize], y))
    }));
    if samples.len() < 12 {
        return Vec3::Z;
    }
    let Some(fit) = fit_shading(samples) else {
        return Vec3::Z;
    };
    // Shading that spans hair, beard or a specular spot fits badly: refit without the worst.
    residuals.clear();
    residuals.extend(samples.iter().map(|(n, y)| (y - fit.predict(*n)).abs()));
    sorted.clear();
    sorted.extend_from_slice(residuals);
    sorted.sort_unstable_by(f32::total_cmp);
    let cut = sorted[sorted.len() * 4 / 5] * 1.5 + 1e-6;
    let mut kept = residuals.iter().map(|r| *r <= cut);
    samples.retain(|_| kept.next().unwrap_or(false));
    let fit = fit_shading(samples).unwrap_or(fit);
    fit.gradient.try_normalize().filter(|d| d.z > 0.0).unwrap_or(Vec3::Z)
}

/// Shading by one distant light.
#[derive(Debug, Clone, Copy)]
struct ShadingFit {
    /// Light direction times its strength (and the skin's reflectance).
    gradient: Vec3,
}

impl ShadingFit {
    fn predict(&self, n: Vec3) -> f32 {
        self.gradient.dot(n)
    }
}

/// Least-squares fit of `y = g·n` (normal equations, 3×3, solved by Gaussian elimination).
fn fit_shading(samples: &[(Vec3, f32)]) -> Option<ShadingFit> {
    let mut m = [[0.0f64; 4]; 3];
    for (n, y) in samples {
        let row = [f64::from(n.x), f64::from(n.y), f64::from(n.z)];
        for i in 0..3 {
            for j in 0..3 {
                m[i][j] += row[i] * row[j];
            }
            m[i][3] += row[i] * f64::from(*y);
        }
    }
    for col in 0..3 {
        let pivot = (col..3).max_by(|a, b| m[*a][col].abs().total_cmp(&m[*b][col].abs()))?;
        if m[pivot][col].abs() < 1e-9 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col];
        for (r, row) in m.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (v, p) in row.iter_mut().zip(pivot_row).skip(col) {
                    *v -= f * p;
                }
            }
        }
    }
    let x: [f32; 3] = [0, 1, 2].map(|i| (m[i][3] / m[i][i]) as f32);
    Some(ShadingFit { gradient: Vec3::from_array(x) })
}

/// Linear luminance of the 3×3 neighbourhood of a point ([`stats::luma_at`]), or None where that
/// neighbourhood leaves the frame.
fn luma_near(frame: &RgbImage, x: f32, y: f32) -> Option<f32> {
    let (cx, cy) = (x.round() as i64, y.round() as i64);
    let inside = cx >= 1 && cy >= 1 && cx + 1 < i64::from(frame.width()) && cy + 1 < i64::from(frame.height());
    inside.then(|| stats::luma_at(frame, x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shading_fit_recovers_the_light_it_was_made_with() {
        let light = Vec3::new(-0.6, -0.3, 0.74).normalize();
        let samples: Vec<(Vec3, f32)> = (0..200)
            .map(|k| {
                let (a, b) = (k as f32 * 0.37, k as f32 * 0.11 % 1.0);
                let n =
                    Vec3::new(a.cos() * (1.0 - b * b).sqrt(), a.sin() * (1.0 - b * b).sqrt(), b.max(0.3)).normalize();
                (n, 0.2 * light.dot(n))
            })
            .collect();
        let fit = fit_shading(&samples).unwrap();
        assert!(fit.gradient.normalize().distance(light) < 1e-3, "{:?}", fit.gradient);
    }

    #[test]
    fn a_measured_light_is_held_through_a_blink_and_followed_smoothly() {
        let bright = FaceLight { colour: [1.0; 3], source: LightSource::Measured, direction: Vec3::Z };
        let blink = FaceLight { colour: [1.0; 3], ..FaceLight::REFERENCE };
        let dim = FaceLight { colour: [0.5; 3], ..bright };
        let held = FaceLight { colour: [0.8; 3], ..bright }.smoothed(blink);
        assert_eq!(held.colour, [0.8; 3]);
        let step = bright.smoothed(dim);
        assert!(step.colour[0] < 1.0 && step.colour[0] > 0.5);
    }

    #[test]
    fn a_face_not_measured_is_in_the_light_its_neighbours_were_measured_in() {
        let measured =
            |v: f32| FaceLight { colour: [v, v * 0.9, v * 0.8], source: LightSource::Measured, direction: Vec3::Z };
        assert_eq!(room_light(&[FaceLight::REFERENCE]), None);
        assert_eq!(room_light(&[measured(0.4), FaceLight::REFERENCE]), Some(measured(0.4).colour));
        // The middle of three; between the middle two of four.
        let three = room_light(&[measured(0.4), measured(2.0), FaceLight::REFERENCE, measured(0.5)]).unwrap();
        assert!((three[0] - 0.5).abs() < 1e-6, "{three:?}");
        let four = room_light(&[measured(0.4), measured(2.0), measured(0.6), measured(0.5)]).unwrap();
        assert!((four[0] - 0.55).abs() < 1e-6, "{four:?}");
    }

    #[test]
    fn a_face_with_unreadable_eyes_takes_the_room_s_light_and_keeps_it_when_alone() {
        let dim = FaceLight { colour: [0.3, 0.25, 0.2], source: LightSource::Measured, direction: Vec3::Z };
        let mut faces = [dim, FaceLight::REFERENCE];
        share_room_light(&mut faces, None);
        assert_eq!((faces[1].colour, faces[1].source), (dim.colour, LightSource::Room));
        // Its neighbour gone and its eyes still unread, the next frame keeps the room's light.
        let next = faces[1].smoothed(FaceLight::REFERENCE);
        assert_eq!((next.colour, next.source), (dim.colour, LightSource::Room));
        // In a room whose light changes (a brighter neighbour comes), it follows part of the way.
        let brighter = FaceLight { colour: [0.9, 0.75, 0.6], ..dim };
        let mut faces = [brighter, next];
        share_room_light(&mut faces, None);
        let moved = (faces[1].colour[0] - dim.colour[0]) / (brighter.colour[0] - dim.colour[0]);
        assert!((moved - SMOOTHING).abs() < 1e-5, "{:?}", faces[1]);
        // A face measured itself keeps its own light among others.
        let bright = FaceLight { colour: [1.5; 3], ..dim };
        let mut faces = [dim, bright, dim];
        share_room_light(&mut faces, None);
        assert_eq!(faces[1].colour, [1.5; 3]);
        // The whole photo's room light, where known, over the frame's own.
        let mut faces = [bright, FaceLight::REFERENCE];
        share_room_light(&mut faces, Some(dim.colour));
        assert_eq!((faces[0].colour, faces[1].colour), ([1.5; 3], dim.colour));
    }

    #[test]
    fn normals_face_the_camera_and_the_nose_sides_face_sideways() {
        let mesh = CanonicalMesh::load();
        // The canonical mesh in a frame: x right, y down (metric y is up), z away from the camera.
        let lm: Vec<Vec3> = mesh.positions.iter().map(|p| Vec3::new(p[0], -p[1], -p[2]) * 10.0).collect();
        let mut n = Vec::new();
        vertex_normals(&lm, &mesh.triangles, &mut n);
        assert!(n[1].z > 0.8, "nose tip {:?}", n[1]);
        // The cheeks' outer sides (234 on the subject's right, image left) turn away sideways.
        assert!(n[234].x < -0.5, "right side {:?}", n[234]);
        assert!(n[454].x > 0.5, "left side {:?}", n[454]);
    }
}
