//! What this face's skin looks like in this frame, so face-wide layers (foundation, contour,
//! highlight, blush) paint skin and not what lies in front of it: hair across the forehead, a
//! sleeve or a dark collar under the chin, a clothed shoulder the chin rests on, a hand in a
//! glove. Learned per face and frame from the plain-skin vertices below the brows (the forehead
//! is where hair hangs; in video each frame's reading is followed from the last, see
//! [`FaceSkin::steadied`]): the median chromaticity of their pixels and its robust spread on each
//! axis. Skin of the face's own colour in front of it (a bare shoulder) passes for the face.
//!
//! Hair is read the same way from just above the face's upper outline, so that a lock hanging
//! across the brow or lid is told from the lid (which is pinker and darker than the cheeks the
//! skin model learns from): a pixel far likelier the hair's colour than the skin's is hair
//! (`hair_likeness` in `shaders/common/face_mesh.wgsl`). The hair model counts only as far as it
//! stands apart from the skin (not on a bald head, or another face above this one) and where what
//! is read is mostly not the skin's colour (hair beginning above a high forehead is not told);
//! dark hair of the skin's own hue is left to the skin model's darkness test.
//! The eyeshadow leaves hair bare (and near-black pixels: lashes, hair in deep shade); the brow
//! tint too, where one of the brows (the one least like the hair: a lock covers one) does not
//! itself look like the hair.

use glam::{Vec2, Vec3};
use image::RgbImage;

use super::hand_silhouette::HandSilhouette;
use super::lip_edges::{lab_of_pixel, median};
use super::occluders::MIN_COLOUR_SAMPLES;
use crate::face::regions::{FACE_OVAL, LEFT_BROW, RIGHT_BROW};
use crate::looks::color::srgb8_to_linear;
use crate::tracking::tracker::inter_ocular;

/// Mesh vertex at the top of the forehead on the face's outline: with [`CHIN`], the face's
/// middle that hair is read outward from.
const FOREHEAD_TOP: usize = 10;
/// Mesh vertex at the chin's lowest point.
const CHIN: usize = 152;

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
/// Pixels read around each point (3×3): one pixel's noise would move a small face's model.
const PIXELS_PER_POINT: usize = 9;
/// Canonical v above which a face-outline vertex is the top of the forehead: hair is read beyond it.
const HAIRLINE: f32 = 0.2;
/// How far beyond the forehead's outline, in inter-ocular distances, hair is read: past the
/// outline's own uncertainty, short of the top of a short haircut.
const HAIR_REACH: [f32; 6] = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35];
/// How many skin tolerances the hair's median must lie from the skin's for the hair to be told
/// apart, from nothing to in full (the shaders fade the hair model in between, so that a model
/// near the limit does not flicker in and out from frame to frame): nearer, the two overlap and
/// the skin's own fringe would pass for hair; on a bald head the "hair" is skin.
const HAIR_APART: [f32; 2] = [1.0, 1.5];
/// Most share of the hair's read pixels that may lie within the skin's tolerance: more, and the
/// reach fell on a high forehead's skin as well as hair (on the White House portraits in
/// `tests/fixtures/lips` 37 and 56 %, against 0.2-1 % in the astronaut's hair), and the model,
/// a blend of the two, spread over the folds of the man's deep-set lids: the eyeshadow lost a
/// third of them. The hair of such a face is not told from its skin. A still, and a face new to a
/// video, is held to this share; in video see [`MAX_SKIN_IN_HAIR_ANEW`] and [`MAX_SKIN_IN_HAIR_KEPT`].
const MAX_SKIN_IN_HAIR: f32 = 0.2;
/// [`MAX_SKIN_IN_HAIR`] for a video frame after one where what was read for the hair was largely
/// skin: lower, so that a face near the limit does not flicker in and out from frame to frame.
const MAX_SKIN_IN_HAIR_ANEW: f32 = 0.15;
/// [`MAX_SKIN_IN_HAIR`] for a video frame after one where what was read for the hair was mostly
/// not skin: higher, for the same reason.
const MAX_SKIN_IN_HAIR_KEPT: f32 = 0.25;
/// A pixel this many skin tolerances or fewer from the skin model's colour is the skin's colour
/// (1: the model's own edge).
const WITHIN_SKIN: f32 = 1.0;
/// Least share of the hair's read pixels in the frame for a hair model: a face at the frame's
/// top edge leaves a few, which may be anything.
const MIN_HAIR_IN_FRAME: f32 = 0.5;
/// Share of a new frame's skin and hair models in the ones drawn (video): each frame's model,
/// re-learned from a few hundred pixels, moves its edge enough to flicker (on the carphone clip ×4,
/// its first 60 frames, 7.3 % of the face's pixels changed how much they count as skin by over a
/// tenth from one frame to the next; 0.7 % followed); followed this way it still settles on a new
/// light within a few frames (`tests/realism.rs`, `the_skin_model_holds_still_in_video`).
const MODEL_FOLLOW: f32 = 0.3;
/// How far (in the last model's tolerances) a new frame's colour may lie from the last one's and
/// still be followed: further, it is another face in the same place or a new light, taken as read.
const MODEL_JUMP: f32 = 1.0;
/// Outline vertices per brow: its lower edge from the temple, then back along its upper edge.
const BROW_OUTLINE: usize = RIGHT_BROW.len();

/// One face's skin in one frame, read in one pass over its plain-skin vertices (then its hair and
/// brows in a pass each): the chromaticity model the face-wide layers paint by, the hair's and
/// brows' that the eyeshadow and brow tint tell a lock of hair by, and the CIELAB colour a hand's
/// edge is told apart from (`render::occluders`), the latter from the vertices no hand covers (a pale hand on
/// a darker face must not pass for the face). The model keeps every vertex: a hand is skin too,
/// and on `tests/hands.rs` leaving it out narrowed the model so that 0.6-1.6 % of the face's own
/// makeup went while the hand lost only 0.6 % more paint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceSkin {
    /// The shaders' model ([`ChromaModel::ANY`] when too few pixels are in the frame).
    pub model: ChromaModel,
    /// The hair above the face ([`ChromaModel::ANY`] when too little is in the frame, it does
    /// not stand apart from the skin, or much of what was read is the skin's colour: a high
    /// forehead).
    pub hair: ChromaModel,
    /// What was read for the hair: mostly not the skin's colour, or largely it (see
    /// [`MAX_SKIN_IN_HAIR`]); what the next frame of a video is held to.
    pub hair_read_on: HairReadOn,
    /// Median r, g chromaticity along the middle of both brows, None when too little is in the
    /// frame: brows of the hair's own colour are tinted hair and all, so only brows unlike the
    /// hair tell a lock across them from themselves.
    pub brows: Option<[f32; 2]>,
    /// Median CIELAB at the bare vertices' own pixels, read only when there are hands to tell
    /// apart from it; None without hands or when fewer than [`MIN_COLOUR_SAMPLES`] are in the frame.
    pub colour: Option<Vec3>,
}

impl Default for FaceSkin {
    /// No skin read: every pixel counts as skin, and no colour to tell a hand from.
    fn default() -> Self {
        Self {
            model: ChromaModel::ANY,
            hair: ChromaModel::ANY,
            hair_read_on: HairReadOn::Skin,
            brows: None,
            colour: None,
        }
    }
}

impl FaceSkin {
    /// Reads the skin of the face with `landmarks` at the skin `sites` and its hair beyond them;
    /// the skin's colour leaves out the sites within a finger's half-width of any of `hands`. The
    /// pixels are gathered in `samples`, whose buffers a renderer keeps from frame to frame. In
    /// video, `before` says what the same face's hair was read on in the last frame, so that a
    /// face near [`MAX_SKIN_IN_HAIR`] keeps its hair model or its lack of one (None: a still, or a
    /// face new to the video).
    pub fn read(
        frame: &RgbImage,
        landmarks: &[Vec3],
        sites: &SampleSites,
        hands: &[HandSilhouette],
        samples: &mut SkinSamples,
        before: Option<HairReadOn>,
    ) -> Self {
        let vertices = &sites.skin[..];
        let (w, h) = (i64::from(frame.width()), i64::from(frame.height()));
        let SkinSamples { r, g, colours } = samples;
        r.clear();
        g.clear();
        colours.clear();
        // Room for every pixel around every vertex (or hair point) at once: no growing, frame
        // after frame.
        let points = vertices.len().max(sites.forehead_top.len() * HAIR_REACH.len()).max(sites.brow_edges.len());
        r.reserve(points * PIXELS_PER_POINT);
        g.reserve(points * PIXELS_PER_POINT);
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
            push_chromaticities_around(frame, p.truncate(), r, g);
        }
        let colour = (colours.len() >= MIN_COLOUR_SAMPLES).then(|| median(colours));
        let model = ChromaModel::from_chromaticities(r, g);
        let max_skin_share = match before {
            None => MAX_SKIN_IN_HAIR,
            Some(HairReadOn::Skin) => MAX_SKIN_IN_HAIR_ANEW,
            Some(HairReadOn::Hair) => MAX_SKIN_IN_HAIR_KEPT,
        };
        let (hair, hair_read_on) = read_hair(frame, landmarks, &sites.forehead_top, &model, max_skin_share, r, g);
        let brows = read_brows(frame, landmarks, &sites.brow_edges, &hair, r, g);
        Self { model, hair, hair_read_on, brows, colour }
    }

    /// `self` (this frame's reading) with its skin and hair models moved from `before` (the same
    /// face's last frame, as read and followed) only [`MODEL_FOLLOW`] of the way: video keeps the
    /// edge of what counts as skin or hair steady. A model that appears, goes or jumps (see
    /// [`MODEL_JUMP`]) is taken as read; whether the hair is told is held by [`HairReadOn`]. The
    /// rest (the brows, the colour a hand is told from) is this frame's: each is read from
    /// pixels of its own, not by the models' edge.
    pub fn steadied(self, before: &FaceSkin) -> FaceSkin {
        FaceSkin { model: before.model.followed_by(self.model), hair: before.hair.followed_by(self.hair), ..self }
    }
}

/// What the points hair is read at above a face fell on: its hair (no more of the skin's colour
/// than allowed), or largely its skin (a high forehead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HairReadOn {
    /// Mostly not the skin's colour: hair, where it stands apart from the skin.
    Hair,
    /// Much of it the skin's colour, or nothing read.
    Skin,
}

/// The hair beyond the `forehead_top` vertices of the face with `landmarks` and skin `skin`;
/// [`ChromaModel::ANY`] where it does not stand apart from the skin at all, or where more than
/// `max_skin_share` of what was read is the skin's own colour (a high forehead); and what it was
/// read on. `r` and `g` are the buffers the pixels are gathered in.
fn read_hair(
    frame: &RgbImage,
    landmarks: &[Vec3],
    forehead_top: &[u16],
    skin: &ChromaModel,
    max_skin_share: f32,
    r: &mut Vec<f32>,
    g: &mut Vec<f32>,
) -> (ChromaModel, HairReadOn) {
    if forehead_top.is_empty() || skin.tolerance[0] <= 0.0 {
        return (ChromaModel::ANY, HairReadOn::Skin);
    }
    r.clear();
    g.clear();
    for p in hair_points(landmarks, forehead_top) {
        push_chromaticities_around(frame, p, r, g);
    }
    let read = r.len() as f32 / (forehead_top.len() * HAIR_REACH.len() * PIXELS_PER_POINT) as f32;
    let skin_like = r.iter().zip(g.iter()).filter(|(r, g)| skin.distance([**r, **g]) <= WITHIN_SKIN).count();
    let read_on = if !r.is_empty() && skin_like as f32 <= max_skin_share * r.len() as f32 {
        HairReadOn::Hair
    } else {
        HairReadOn::Skin
    };
    let hair = ChromaModel::from_chromaticities(r, g);
    let apart = hair.tolerance[0] > 0.0 && skin.distance(hair.chroma) > HAIR_APART[0];
    let told = apart && read_on == HairReadOn::Hair && read >= MIN_HAIR_IN_FRAME;
    (if told { hair } else { ChromaModel::ANY }, read_on)
}

/// The chromaticity of the brow, of the two between `brow_edges` (the right brow's five pairs,
/// then the left's), that looks least like `hair`: a lock hanging across one brow must not pass
/// for the brows. None when neither brow has enough pixels in the frame.
fn read_brows(
    frame: &RgbImage,
    landmarks: &[Vec3],
    brow_edges: &[(u16, u16)],
    hair: &ChromaModel,
    r: &mut Vec<f32>,
    g: &mut Vec<f32>,
) -> Option<[f32; 2]> {
    let mut unlike_hair: Option<[f32; 2]> = None;
    for brow in brow_edges.chunks(brow_edges.len().div_ceil(2).max(1)) {
        r.clear();
        g.clear();
        for &(lower, upper) in brow {
            let middle = (landmarks[lower as usize].truncate() + landmarks[upper as usize].truncate()) / 2.0;
            push_chromaticities_around(frame, middle, r, g);
        }
        let model = ChromaModel::from_chromaticities(r, g);
        if model.tolerance[0] <= 0.0 {
            continue;
        }
        let further = |c: [f32; 2]| hair.tolerance[0] > 0.0 && hair.distance(model.chroma) > hair.distance(c);
        if unlike_hair.is_none_or(further) {
            unlike_hair = Some(model.chroma);
        }
    }
    unlike_hair
}

/// Where hair is read for the face with `landmarks`: beyond each of the `forehead_top` outline
/// vertices, away from the middle of the face, at each of [`HAIR_REACH`].
fn hair_points<'a>(landmarks: &'a [Vec3], forehead_top: &'a [u16]) -> impl Iterator<Item = Vec2> + 'a {
    let middle = (landmarks[FOREHEAD_TOP].truncate() + landmarks[CHIN].truncate()) / 2.0;
    let iod = inter_ocular(landmarks);
    forehead_top.iter().flat_map(move |&i| {
        let p = landmarks[i as usize].truncate();
        let out = (p - middle).normalize_or_zero();
        HAIR_REACH.iter().map(move |&k| p + out * k * iod)
    })
}

/// Appends the r and g chromaticities of the 3×3 pixels around `p` that are in the frame and
/// not black.
fn push_chromaticities_around(frame: &RgbImage, p: Vec2, r: &mut Vec<f32>, g: &mut Vec<f32>) {
    let (w, h) = (i64::from(frame.width()), i64::from(frame.height()));
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

/// The pixels one face's skin, hair and brows are read from (one after the other): buffers
/// kept between frames, so that reading them allocates nothing once they have grown to a face's
/// size.
#[derive(Debug, Default)]
pub struct SkinSamples {
    /// r chromaticities around the points being read.
    r: Vec<f32>,
    /// g chromaticities around the points being read.
    g: Vec<f32>,
    /// CIELAB at the vertices no hand covers.
    colours: Vec<Vec3>,
}

/// A colour one face's skin or hair has, as the shaders read it (`FaceInfo.skin`, `FaceInfo.hair`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChromaModel {
    /// Median r and g chromaticity (linear r / (r+g+b), g / (r+g+b)).
    pub chroma: [f32; 2],
    /// Distance on each axis still counted as the model's (skin, hair); 0 = no model (for skin:
    /// everything is skin; for hair: nothing is hair).
    pub tolerance: [f32; 2],
}

/// The mesh vertices a face's skin and hair are read at, chosen once from the canonical mesh.
#[derive(Debug, Clone)]
pub struct SampleSites {
    /// The plain-skin vertices below the brows: the skin model's samples.
    skin: Vec<u16>,
    /// The face outline's vertices along the top of the forehead: hair is read beyond them.
    forehead_top: Vec<u16>,
    /// Pairs of vertices across each brow (lower edge, upper edge): the brows are read between them.
    brow_edges: Vec<(u16, u16)>,
}

impl SampleSites {
    /// The sites on `mesh`: chosen once, so that reading a face in each frame only looks them up.
    pub fn of(mesh: &crate::face::CanonicalMesh) -> Self {
        let skin = super::lighting::skin_vertices(mesh)
            .into_iter()
            .filter(|&i| mesh.uvs[i as usize][1] > BELOW_BROWS)
            .collect();
        let forehead_top = FACE_OVAL.iter().copied().filter(|&i| mesh.uvs[i as usize][1] < HAIRLINE).collect();
        // Each brow's outline runs along its lower edge from the temple, then back along its
        // upper edge: its k-th vertex faces the (N-1-k)-th.
        let across = |brow: &[u16; BROW_OUTLINE]| {
            (0..BROW_OUTLINE / 2).map(|k| (brow[k], brow[BROW_OUTLINE - 1 - k])).collect::<Vec<_>>()
        };
        let brow_edges = [across(&RIGHT_BROW), across(&LEFT_BROW)].concat();
        Self { skin, forehead_top, brow_edges }
    }
}

impl ChromaModel {
    /// No model: every pixel counts as skin (and none as hair).
    pub const ANY: ChromaModel = ChromaModel { chroma: [0.0; 2], tolerance: [0.0; 2] };

    /// The model from pixels' r and g chromaticities (overwritten: see [`median_and_spread`]).
    fn from_chromaticities(r: &mut [f32], g: &mut [f32]) -> ChromaModel {
        if r.len() < MIN_SAMPLES {
            return ChromaModel::ANY;
        }
        let (mr, sr) = median_and_spread(r);
        let (mg, sg) = median_and_spread(g);
        ChromaModel {
            chroma: [mr, mg],
            tolerance: [(SPREADS * sr).max(MIN_TOLERANCE[0]), (SPREADS * sg).max(MIN_TOLERANCE[1])],
        }
    }

    /// `self` (last frame's) moved [`MODEL_FOLLOW`] of the way towards `new`, chromaticity and
    /// tolerance; `new` itself where either is no model or `new`'s colour lies more than
    /// [`MODEL_JUMP`] of `self`'s tolerances away.
    fn followed_by(self, new: ChromaModel) -> ChromaModel {
        if self.tolerance[0] <= 0.0 || new.tolerance[0] <= 0.0 || self.distance(new.chroma) > MODEL_JUMP {
            return new;
        }
        let towards = |a: [f32; 2], b: [f32; 2]| Vec2::from(a).lerp(Vec2::from(b), MODEL_FOLLOW).to_array();
        ChromaModel { chroma: towards(self.chroma, new.chroma), tolerance: towards(self.tolerance, new.tolerance) }
    }

    /// How far `chroma` lies from the model's, in its tolerances (1 = at the edge of the model);
    /// only for a model (non-zero tolerances).
    fn distance(&self, chroma: [f32; 2]) -> f32 {
        Vec2::new((chroma[0] - self.chroma[0]) / self.tolerance[0], (chroma[1] - self.chroma[1]) / self.tolerance[1])
            .length()
    }

    /// The model as the shaders read it: chromaticity, then tolerance (0: no model).
    pub fn as_uniform(&self) -> [f32; 4] {
        [self.chroma[0], self.chroma[1], self.tolerance[0], self.tolerance[1]]
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

/// A face drawn flat from the canonical mesh's atlas (200 px across, in a 400 px frame) in
/// `skin`, the skin of its upper half reaching `forehead` times as far from the face's middle as
/// its outline does (1: no further; more: the hair begins above a high forehead), everything else
/// and the pixels `in_lock` says a lock of hair covers in `hair`; and its landmarks. For tests of
/// reading the skin and hair here and of steadying them over video (`render::frame_prep`).
#[cfg(test)]
pub(crate) fn flat_face_frame(
    skin: [u8; 3],
    hair: [u8; 3],
    forehead: f32,
    in_lock: impl Fn(Vec2) -> bool,
) -> (RgbImage, Vec<Vec3>) {
    let mesh = crate::face::CanonicalMesh::load();
    let landmarks: Vec<Vec3> =
        mesh.uvs.iter().map(|uv| Vec3::new(100.0 + 200.0 * uv[0], 100.0 + 200.0 * uv[1], 0.0)).collect();
    let outline: Vec<Vec2> = FACE_OVAL.iter().map(|&i| landmarks[i as usize].truncate()).collect();
    let middle = Vec2::splat(200.0);
    let skin_outline: Vec<Vec2> = outline.iter().map(|&v| middle + (v - middle) * forehead).collect();
    let frame = RgbImage::from_fn(400, 400, |x, y| {
        let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
        let in_skin = crate::face::regions::inside(&outline, p)
            || (p.y < middle.y && crate::face::regions::inside(&skin_outline, p));
        let on_face = in_skin && !in_lock(p);
        image::Rgb(if on_face { skin } else { hair })
    });
    (frame, landmarks)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sites that read skin at `vertices` and no hair.
    fn skin_at(vertices: &[u16]) -> SampleSites {
        SampleSites { skin: vertices.to_vec(), forehead_top: Vec::new(), brow_edges: Vec::new() }
    }

    /// The model of one face from the pixels at its plain-skin vertices, without hands.
    fn model_of(frame: &RgbImage, landmarks: &[Vec3], vertices: &[u16]) -> ChromaModel {
        FaceSkin::read(frame, landmarks, &skin_at(vertices), &[], &mut SkinSamples::default(), None).model
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
        assert_eq!(model_of(&frame, &lm[..1], &[0]), ChromaModel::ANY);
    }

    /// What a face drawn flat shows.
    struct FlatFace {
        /// Its skin, hair and brows as read.
        read: FaceSkin,
        /// The middles of its brows, where they are read (right brow first).
        brow_middles: Vec<Vec2>,
    }

    /// A face drawn flat from the canonical mesh's atlas (200 px across) in `skin`, everything
    /// outside its outline and the pixels `in_lock` says a lock of hair covers in `hair`.
    fn flat_face(skin: [u8; 3], hair: [u8; 3], in_lock: impl Fn(Vec2) -> bool) -> FlatFace {
        flat_face_with_forehead(skin, hair, 1.0, None, in_lock)
    }

    /// [`flat_face`] with the skin of its upper half reaching `forehead` times as far from the
    /// face's middle as its outline does (the hair begins above a high forehead), read as a video
    /// frame after one whose hair was read on `before` (None: as a still).
    fn flat_face_with_forehead(
        skin: [u8; 3],
        hair: [u8; 3],
        forehead: f32,
        before: Option<HairReadOn>,
        in_lock: impl Fn(Vec2) -> bool,
    ) -> FlatFace {
        let mesh = crate::face::CanonicalMesh::load();
        let (frame, landmarks) = flat_face_frame(skin, hair, forehead, in_lock);
        let sites = SampleSites::of(&mesh);
        let brow_middles = sites
            .brow_edges
            .iter()
            .map(|&(a, b)| (landmarks[a as usize].truncate() + landmarks[b as usize].truncate()) / 2.0)
            .collect();
        let read = FaceSkin::read(&frame, &landmarks, &sites, &[], &mut SkinSamples::default(), before);
        FlatFace { read, brow_middles }
    }

    /// Linear r, g chromaticity of an sRGB colour.
    fn chroma(c: [u8; 3]) -> [f32; 2] {
        let l = c.map(srgb8_to_linear);
        let sum = l[0] + l[1] + l[2];
        [l[0] / sum, l[1] / sum]
    }

    fn assert_near(got: [f32; 2], want: [f32; 2], what: &str) {
        assert!((got[0] - want[0]).abs() < 1e-4 && (got[1] - want[1]).abs() < 1e-4, "{what}: {got:?} not {want:?}");
    }

    #[test]
    fn hair_is_read_above_the_forehead_where_it_stands_apart_from_the_skin() {
        let skin = [200, 150, 120];
        // Blond hair: yellower than the skin.
        let blond = [190, 165, 90];
        let read = flat_face(skin, blond, |_| false).read;
        assert_near(read.hair.chroma, chroma(blond), "blond hair");
        assert!(read.model.distance(read.hair.chroma) >= HAIR_APART[1]);
        // A bald head (skin above the forehead) and dark hair of the skin's own hue: no hair
        // model, the skin model's darkness test is left to tell them.
        for around in [skin, [100, 75, 60]] {
            let read = flat_face(skin, around, |_| false).read;
            assert_eq!(read.hair, ChromaModel::ANY, "hair {around:?}");
        }
    }

    #[test]
    fn hair_read_half_on_a_high_forehead_is_not_told_from_the_skin() {
        let (skin, blond) = ([200, 150, 120], [190, 165, 90]);
        // Hair is read 0.1-0.35 inter-ocular distances (about 9-31 px here) beyond the
        // forehead's outline: with the skin reaching 20 % further (about 16 px above the top of
        // the forehead), about 40 % of what is read is skin (the median is still the hair's).
        let read = flat_face_with_forehead(skin, blond, 1.2, None, |_| false).read;
        assert_eq!((read.hair, read.hair_read_on), (ChromaModel::ANY, HairReadOn::Skin), "{read:?}");
        // With the hairline nearer the outline the hair alone is read: it is told again.
        let read = flat_face_with_forehead(skin, blond, 1.02, None, |_| false).read;
        assert_near(read.hair.chroma, chroma(blond), "hair above a forehead a little higher");
        assert_eq!(read.hair_read_on, HairReadOn::Hair);
    }

    #[test]
    fn in_video_a_forehead_near_the_limit_keeps_its_hair_or_its_lack_of_one() {
        let (skin, blond) = ([200, 150, 120], [190, 165, 90]);
        // Foreheads from the hair's edge to well into where it is read: whether the hair is told
        // after a frame where hair was read, in a still, and after a frame where skin was.
        let told: Vec<[bool; 3]> = (0..=20)
            .map(|k| {
                let forehead = 1.0 + 0.01 * k as f32;
                [Some(HairReadOn::Hair), None, Some(HairReadOn::Skin)]
                    .map(|before| flat_face_with_forehead(skin, blond, forehead, before, |_| false).read.hair)
                    .map(|hair| hair != ChromaModel::ANY)
            })
            .collect();
        // Hair told after skin is told by a still too, and hair told by a still is told after hair.
        assert!(told.iter().all(|t| t[0] >= t[1] && t[1] >= t[2]), "{told:?}");
        // There are foreheads where the last frame decides: no flicker from one frame to the next.
        assert!(told.iter().any(|t| t[0] && !t[2]), "{told:?}");
        assert!(told[0] == [true; 3] && told[20] == [false; 3], "{told:?}");
    }

    #[test]
    fn a_lock_of_hair_over_one_brow_does_not_pass_for_the_brows() {
        let (skin, blond) = ([200, 150, 120], [190, 165, 90]);
        let FlatFace { read: clear, brow_middles: brows } = flat_face(skin, blond, |_| false);
        assert_near(clear.brows.expect("brows read"), chroma(skin), "clear brows");
        // The lock over the right brow (the first five pairs), then over both.
        let near = |p: Vec2, of: &[Vec2]| of.iter().any(|b| b.distance(p) < 4.0);
        let one = flat_face(skin, blond, |p| near(p, &brows[..BROW_OUTLINE / 2])).read;
        assert_near(one.brows.expect("brows read"), chroma(skin), "one brow under the lock");
        let both = flat_face(skin, blond, |p| near(p, &brows)).read;
        assert_near(both.brows.expect("brows read"), chroma(blond), "both brows under the lock");
    }

    #[test]
    fn a_followed_model_moves_part_way_and_a_model_that_comes_or_goes_is_taken_as_read() {
        let before = ChromaModel { chroma: [0.45, 0.31], tolerance: [0.10, 0.04] };
        let new = ChromaModel { chroma: [0.47, 0.30], tolerance: [0.06, 0.05] };
        let followed = before.followed_by(new);
        for k in 0..2 {
            let share = |a: [f32; 2], b: [f32; 2], c: [f32; 2]| (c[k] - a[k]) / (b[k] - a[k]);
            assert!((share(before.chroma, new.chroma, followed.chroma) - MODEL_FOLLOW).abs() < 1e-4, "{followed:?}");
            assert!((share(before.tolerance, new.tolerance, followed.tolerance) - MODEL_FOLLOW).abs() < 1e-4);
        }
        assert_eq!(ChromaModel::ANY.followed_by(new), new);
        assert_eq!(before.followed_by(ChromaModel::ANY), ChromaModel::ANY);
        // Another face in the same place (or a new light): beyond the last model's tolerance.
        let other = ChromaModel { chroma: [0.36, 0.35], tolerance: [0.08, 0.04] };
        assert!(before.distance(other.chroma) > MODEL_JUMP);
        assert_eq!(before.followed_by(other), other);
        // A face's skin: both models followed, the rest as read.
        let read = FaceSkin { model: new, hair: new, brows: Some([0.4, 0.3]), ..FaceSkin::default() };
        let drawn = read.steadied(&FaceSkin { model: before, hair: ChromaModel::ANY, ..FaceSkin::default() });
        assert_eq!((drawn.model, drawn.hair, drawn.brows), (followed, new, read.brows));
    }

    #[test]
    fn the_shaders_weigh_hair_and_skin_in_the_model_s_own_spreads() {
        let shader = include_str!("../../shaders/common/face_mesh.wgsl");
        assert!(shader.contains(&format!("const SKIN_MODEL_SPREADS: f32 = {SPREADS:?};")));
        assert!(shader.contains(&format!("const HAIR_APART_FROM: f32 = {:?};", HAIR_APART[0])));
        assert!(shader.contains(&format!("const HAIR_APART_TO: f32 = {:?};", HAIR_APART[1])));
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
        let sites = skin_at(&vertices);
        let read_beside = |hand: &HandSilhouette| {
            FaceSkin::read(&frame, &landmarks, &sites, std::slice::from_ref(hand), &mut SkinSamples::default(), None)
        };
        let with_hand = read_beside(&hand);
        let without = read_beside(&far_hand);
        assert!(with_hand.colour.unwrap().distance(lab(face)) < 0.5, "{with_hand:?}");
        // Told only of a hand elsewhere, the pale hand outnumbers the face: the skin read is the hand's.
        assert!(without.colour.unwrap().distance(lab(pale)) < 0.5, "{without:?}");
        // The chromaticity model keeps the hand either way.
        assert_eq!(with_hand.model, without.model);
        // With no hands at all nothing needs the colour, and it is not read.
        let no_hands = FaceSkin::read(&frame, &landmarks, &skin_at(&vertices), &[], &mut SkinSamples::default(), None);
        assert_eq!((no_hands.model, no_hands.colour), (without.model, None));
    }
}
