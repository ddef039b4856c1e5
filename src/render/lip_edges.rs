//! Lip contours fitted to the picture. The face mesh places the lip line a few % of the
//! inter-ocular distance off (more on open or pursed mouths), so lipstick drawn inside the mesh
//! contour paints skin on one side and leaves bare lip on the other. Here each vertex of the
//! outer contour (lip against skin) and, with the mouth open, of the inner contour (lip against
//! teeth, tongue or the dark of the mouth) moves along its normal to where the colour changes from
//! the lip's to the other side's, within a small band; vertices where the picture shows no clear
//! edge stay where the mesh put them.

use glam::{Vec2, Vec3};
use image::RgbImage;

use crate::face::atlas::{LIP_FEATHER, LIP_SD_RANGE};
use crate::face::regions::{LIPS_INNER, LIPS_OUTER, contour};
use crate::looks::color::{linear_to_lab, srgb8_to_linear};
use crate::tracking::tracker::inter_ocular;

/// How far a vertex may move, fraction of the inter-ocular distance: the mesh's own error on
/// the lip line is a few percent; a larger move would follow something that is not the lip.
pub const BAND: f32 = 0.05;
/// Colour difference between the lip and the other side (CIELAB, lightness weighted as the
/// contour's [`EdgeModel`] says) below which an edge is not trusted: the vertex keeps the mesh's
/// place.
const MIN_CONTRAST: f32 = 4.0;
/// How much more lip-like (by the face's lip and skin or mouth colours) a profile's inner end
/// must be than its outer end for its edge to count: otherwise the edge found is some other one
/// (a crease, a shadow, a tooth's edge).
const MIN_SEPARATION: f32 = 0.3;
/// The mouth counts as open (an inner contour to fit) from this gap between the lips' inner
/// centres, fraction of the inter-ocular distance.
const OPEN_MOUTH: f32 = 0.04;
/// How far (pixels) the picture's inner lip edge must lie inside the mesh's line before the
/// line retreats to it.
const RETREAT_SLACK: f32 = 1.0;
/// Samples per pixel along each normal.
const STEPS_PER_PX: f32 = 2.0;
/// Most samples along one normal.
const MAX_PROFILE: usize = 257;
/// Share of a new frame's offsets in the smoothed ones (video): the edge follows the lip within
/// a few frames without crawling from frame to frame.
const FOLLOW: f32 = 0.35;

/// Share of a smoothstep's width between its 20 % and 80 % points: turns an edge's measured
/// 20–80 % width (the lip's here, the limbus's in `eye_edges`) into the width of the smoothstep
/// that fades the same way, the unit the shaders take a fade in (they draw it as a Gaussian's
/// cumulative of the same 20–80 % width, `blurred_rise` in `shaders/common/face_mesh.wgsl`).
pub(crate) const SMOOTHSTEP_20_80: f32 = 0.4258;
/// The widest lipstick feather as a share of the lip's thickness at that point.
const THICKNESS_FEATHER: f32 = 0.75;
/// The narrowest lipstick feather, pixels: below it the lip line would show the pixel grid.
const MIN_FEATHER_PX: f32 = 1.0;
/// The widest lipstick feather, in the region atlas's own lip feathers ([`LIP_FEATHER`]): the
/// atlas stores the lip line's distance up to [`LIP_SD_RANGE`] of them on either side, and
/// lipstick reaches half its feather past the (fitted) lip line.
pub const MAX_FEATHER: f32 = 2.0 * LIP_SD_RANGE;

/// Offsets of the lip contours' vertices along their normals, pixels (positive: away from the
/// lip's body, i.e. outwards for the outer contour and into the mouth for the inner one), and how
/// soft the picture's lip edge is at each outer vertex.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LipEdges {
    /// One per [`LIPS_OUTER`] vertex.
    pub outer: [f32; 20],
    /// One per [`LIPS_INNER`] vertex (zero with the mouth closed).
    pub inner: [f32; 20],
    /// Per [`LIPS_OUTER`] vertex: the distance (pixels) over which the picture turns from the
    /// lip's colour to the skin's across the lip line, 80 % to 20 % lip; 0 where no edge was
    /// measured. A sharp photo has a crisp lip line, a soft webcam frame or a defocused one a
    /// blurred line: lipstick drawn crisper than the lip looks painted on.
    pub outer_width: [f32; 20],
}

impl LipEdges {
    /// Finds the lip's edges in `frame` around the mesh contours of `landmarks`.
    pub fn fit(frame: &RgbImage, landmarks: &[Vec3]) -> Self {
        let iod = inter_ocular(landmarks);
        if !(iod.is_finite() && iod > 8.0) {
            return Self::default();
        }
        let band = BAND * iod;
        let outer = contour(landmarks, &LIPS_OUTER);
        let inner = contour(landmarks, &LIPS_INNER);
        let lip = lip_colour(frame, &outer, &inner, WhiteBalance::NONE);
        let outer_normals = normals(&outer, true);
        let skin = side_colour(frame, &outer, &outer_normals, 1.6 * band, WhiteBalance::NONE);
        let skin_edge = EdgeModel { lip, others: &[skin], lightness: 0.5, threshold: 0.5 };
        // Never past the lip's middle: each vertex's reach into the lip is half the lip's
        // thickness there (the matching outer and inner vertices).
        let half_lip: [f32; 20] = std::array::from_fn(|i| (0.5 * outer[i].distance(inner[i])).min(band));
        let outer_reach = half_lip.map(|lip| Reach { lip, other: band });
        let found = fit_contour(frame, &outer, &outer_normals, &skin_edge, &outer_reach);
        // A feather no wider than three quarters of the lip's thickness (half of it inside the
        // line), so a thin upper lip keeps its full colour over its middle: on a thin lip the
        // picture's colour step spans the whole lip, and a feather that wide would wash it out.
        let outer_width =
            std::array::from_fn(|i| found.widths[i].min(SMOOTHSTEP_20_80 * THICKNESS_FEATHER * 2.0 * half_lip[i]));
        let mut edges = Self { outer: found.offsets, inner: [0.0; 20], outer_width };
        let gap = (landmarks[LIPS_INNER[5] as usize] - landmarks[LIPS_INNER[15] as usize]).truncate().length();
        if gap > OPEN_MOUTH * iod {
            let inner_normals = normals(&inner, false);
            // Into the mouth no further than half its opening, or the far lip is "inside".
            let reach = band.min(0.45 * gap);
            let mouth = mouth_colours(frame, &inner, &inner_normals, reach);
            let mouth_edge = EdgeModel { lip, others: &mouth, lightness: 0.5, threshold: 0.6 };
            let inner_reach = half_lip.map(|lip| Reach { lip, other: reach });
            // The inner edge only retreats from the mesh's line, and only where teeth or tongue
            // clearly lie inside it (by more than RETREAT_SLACK): between lip, gums and the
            // mouth's shadow the picture's edge is ambiguous, and on the fixtures the mesh's
            // inner line is the better one; paint on teeth is worse than a bare pixel of lip.
            edges.inner = fit_contour(frame, &inner, &inner_normals, &mouth_edge, &inner_reach)
                .offsets
                .map(|d| (d + RETREAT_SLACK).min(0.0));
        }
        edges
    }

    /// `self` blended towards a new frame's `fit`: video keeps the edge steady.
    pub fn follow(&self, fit: &Self) -> Self {
        let blend = |a: &[f32; 20], b: &[f32; 20]| std::array::from_fn(|i| a[i] + FOLLOW * (b[i] - a[i]));
        // A width not measured (0) is not a width: the other one holds.
        let widths = std::array::from_fn(|i| match (self.outer_width[i], fit.outer_width[i]) {
            (a, 0.0) => a,
            (0.0, b) => b,
            (a, b) => a + FOLLOW * (b - a),
        });
        Self { outer: blend(&self.outer, &fit.outer), inner: blend(&self.inner, &fit.inner), outer_width: widths }
    }

    /// The lipstick's feather at each [`LIPS_OUTER`] vertex, pixels (the paint fades from full to
    /// none over it, half on each side of the line): as soft as the picture's own lip edge there,
    /// within what the region atlas can draw; the atlas's default feather where no edge was
    /// measured. `iod` is the face's inter-ocular distance in pixels.
    pub fn outer_feathers(&self, iod: f32) -> [f32; 20] {
        // At least a pixel (a small face's lip line would alias), and a pixel for a face whose
        // size is not a finite number.
        let atlas = LIP_FEATHER * iod;
        let default = if atlas.is_finite() { atlas.max(MIN_FEATHER_PX) } else { MIN_FEATHER_PX };
        self.outer_width.map(|w| {
            if w > 0.0 { (w / SMOOTHSTEP_20_80).clamp(MIN_FEATHER_PX, MAX_FEATHER * default) } else { default }
        })
    }

    /// `landmarks` with the lip contours' vertices moved to the fitted edges, written into `out`
    /// (its allocation reused from frame to frame).
    pub fn apply_into(&self, landmarks: &[Vec3], out: &mut Vec<Vec3>) {
        out.clear();
        out.extend_from_slice(landmarks);
        for (loop_idx, offsets, outward) in [(&LIPS_OUTER, &self.outer, true), (&LIPS_INNER, &self.inner, false)] {
            let points = contour(landmarks, loop_idx);
            for ((&i, n), d) in loop_idx.iter().zip(normals(&points, outward)).zip(offsets) {
                let p = &mut out[i as usize];
                *p += (n * *d).extend(0.0);
            }
        }
    }

    /// `landmarks` with the lip contours' vertices moved to the fitted edges, as a new list (for
    /// tools and tests; the renderer reuses its own with [`LipEdges::apply_into`]).
    pub fn apply(&self, landmarks: &[Vec3]) -> Vec<Vec3> {
        let mut out = Vec::with_capacity(landmarks.len());
        self.apply_into(landmarks, &mut out);
        out
    }
}

/// Unit normals of a closed contour, pointing away from its centroid (`outward`) or towards it.
pub(crate) fn normals<const N: usize>(points: &[Vec2; N], outward: bool) -> [Vec2; N] {
    let centre = points.iter().copied().sum::<Vec2>() / N as f32;
    std::array::from_fn(|i| {
        let tangent = points[(i + 1) % N] - points[(i + N - 1) % N];
        let normal = Vec2::new(tangent.y, -tangent.x).normalize_or_zero();
        let away = normal.dot(points[i] - centre) >= 0.0;
        if away == outward { normal } else { -normal }
    })
}

/// The face's light divided out of the picture's colours (linear RGB, channel by channel), so
/// that they read as under the reference light: a warm or green room light squeezes the hues of
/// lip and skin together (on the open-mouth fixture under a light of red ×1, green ×0.8, blue
/// ×0.6, from 38° apart to 24°), and a rule that tells them apart by hue needs them where they
/// would be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WhiteBalance(Vec3);

impl WhiteBalance {
    /// Colours as the camera recorded them.
    pub(crate) const NONE: Self = Self(Vec3::ONE);

    /// Undoes a light of `colour` (what a reflectance of 1 looks like under it, linear RGB: the
    /// renderer's estimate for the face).
    pub(crate) fn undoing(colour: [f32; 3]) -> Self {
        Self(Vec3::from(colour).max(Vec3::splat(1e-3)))
    }

    /// CIELAB of a linear RGB colour, the light divided out.
    pub(crate) fn lab(self, linear: Vec3) -> Vec3 {
        Vec3::from_array(linear_to_lab((linear / self.0).to_array()))
    }

    /// CIELAB of one pixel, the light divided out.
    pub(crate) fn lab_of_pixel(self, frame: &RgbImage, x: u32, y: u32) -> Vec3 {
        self.lab(Vec3::from_array(frame.get_pixel(x, y).0.map(srgb8_to_linear)))
    }
}

/// CIELAB at a point, bilinear between pixels.
pub(crate) fn lab_at(frame: &RgbImage, p: Vec2) -> Vec3 {
    balanced_lab_at(frame, p, WhiteBalance::NONE)
}

/// CIELAB at a point, bilinear between pixels, read under `balance`.
pub(crate) fn balanced_lab_at(frame: &RgbImage, p: Vec2, balance: WhiteBalance) -> Vec3 {
    balance.lab(linear_at(frame, p))
}

/// Linear RGB at a point, bilinear between pixels.
pub(crate) fn linear_at(frame: &RgbImage, p: Vec2) -> Vec3 {
    let (w, h) = frame.dimensions();
    let x = p.x.clamp(0.0, w as f32 - 1.001) - 0.5;
    let y = p.y.clamp(0.0, h as f32 - 1.001) - 0.5;
    let (x0, y0) = (x.floor().max(0.0), y.floor().max(0.0));
    let (fx, fy) = ((x - x0).clamp(0.0, 1.0), (y - y0).clamp(0.0, 1.0));
    let (x0, y0) = (x0 as u32, y0 as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let px = |x, y| Vec3::from_array(frame.get_pixel(x, y).0.map(srgb8_to_linear));
    let top = px(x0, y0).lerp(px(x1, y0), fx);
    let bottom = px(x0, y1).lerp(px(x1, y1), fx);
    top.lerp(bottom, fy)
}

/// CIELAB of one pixel.
pub(crate) fn lab_of_pixel(frame: &RgbImage, x: u32, y: u32) -> Vec3 {
    WhiteBalance::NONE.lab_of_pixel(frame, x, y)
}

/// The per-axis median of `colours` (at least one), reordering them.
pub(crate) fn median(colours: &mut [Vec3]) -> Vec3 {
    let mut mid = |axis: usize| {
        colours.sort_unstable_by(|a, b| a[axis].total_cmp(&b[axis]));
        colours[colours.len() / 2][axis]
    };
    Vec3::new(mid(0), mid(1), mid(2))
}

/// The lip's colour: midway between matching outer and inner vertices, away from the corners,
/// read under `balance`.
pub(crate) fn lip_colour(frame: &RgbImage, outer: &[Vec2; 20], inner: &[Vec2; 20], balance: WhiteBalance) -> Vec3 {
    const CORNERS: [usize; 6] = [0, 1, 9, 10, 11, 19];
    let mut body = [Vec3::ZERO; 20 - CORNERS.len()];
    let middles =
        (0..20).filter(|i| !CORNERS.contains(i)).map(|i| balanced_lab_at(frame, (outer[i] + inner[i]) * 0.5, balance));
    for (slot, colour) in body.iter_mut().zip(middles) {
        *slot = colour;
    }
    median(&mut body)
}

/// The colour on the far side of a contour, `reach` along its normals, read under `balance`.
pub(crate) fn side_colour<const N: usize>(
    frame: &RgbImage,
    points: &[Vec2; N],
    normals: &[Vec2; N],
    reach: f32,
    balance: WhiteBalance,
) -> Vec3 {
    median(&mut std::array::from_fn::<_, N, _>(|i| balanced_lab_at(frame, points[i] + normals[i] * reach, balance)))
}

/// The colours inside the mouth: its bright half (teeth) and its dark half (the mouth's
/// shadow, the tongue in it), each a median, sampled half and all the way to `reach` in.
fn mouth_colours(frame: &RgbImage, points: &[Vec2; 20], normals: &[Vec2; 20], reach: f32) -> [Vec3; 2] {
    let mut inside: [Vec3; 40] = std::array::from_fn(|k| {
        let (i, depth) = (k / 2, if k % 2 == 0 { 0.5 } else { 1.0 });
        lab_at(frame, points[i] + normals[i] * (depth * reach))
    });
    inside.sort_by(|a, b| a.x.total_cmp(&b.x));
    let (darker, brighter) = inside.split_at_mut(20);
    [median(darker), median(brighter)]
}

/// What tells the lip from the other side of one contour.
struct EdgeModel<'a> {
    /// The lip's colour (CIELAB).
    lip: Vec3,
    /// The other side's colours: skin, or the inside of the mouth (teeth, and its dark).
    others: &'a [Vec3],
    /// Weight of lightness against colour: shading changes lightness more than colour, and the
    /// dark between lip and teeth differs from the lip in colour, not only in lightness.
    lightness: f32,
    /// Where between the profile's other-side end (0) and its lip end (1) the edge is placed: above one half keeps paint off teeth and tongue rather than leaving
    /// the lip's last pixel bare.
    threshold: f32,
}

impl EdgeModel<'_> {
    /// `c` placed between the other side (0) and the lip (1): against the other colour it is
    /// nearest to, so that teeth and the mouth's dark both count as not lip.
    fn likeness(&self, c: Vec3) -> f32 {
        let weight = Vec3::new(self.lightness, 1.0, 1.0);
        self.others
            .iter()
            .map(|other| {
                let axis = (self.lip - *other) * weight;
                ((c - *other) * weight).dot(axis) / axis.length_squared().max(1e-6)
            })
            .fold(f32::INFINITY, f32::min)
    }

    /// Whether the two sides differ enough to find an edge between them: the least different
    /// of the other colours decides.
    fn contrast(&self) -> f32 {
        let weight = Vec3::new(self.lightness, 1.0, 1.0);
        self.others.iter().map(|o| ((self.lip - *o) * weight).length()).fold(f32::INFINITY, f32::min)
    }
}

/// How far a profile runs from a vertex, pixels: into the lip and to the other side.
#[derive(Debug, Clone, Copy)]
struct Reach {
    lip: f32,
    other: f32,
}

/// Where one contour's edge lies and how soft it is, per vertex.
#[derive(Debug, Clone, Copy, Default)]
struct ContourFit {
    /// Offset along the normal to the edge, pixels; zero where the edge is not clear.
    offsets: [f32; 20],
    /// The edge's 80–20 % width, pixels; zero where no edge was measured.
    widths: [f32; 20],
}

/// One profile's edge: where it crosses the model's threshold and over how many pixels.
#[derive(Debug, Clone, Copy)]
struct ProfileEdge {
    /// Offset from the mesh's vertex along the normal, pixels.
    offset: f32,
    /// 80 % to 20 % lip, pixels, where both lie on the profile.
    width: Option<f32>,
}

/// Each vertex's offset to the edge of `model` along its normal (within its [`Reach`]) and the
/// edge's width there, both smoothed along the contour.
fn fit_contour(
    frame: &RgbImage,
    points: &[Vec2; 20],
    normals: &[Vec2; 20],
    model: &EdgeModel,
    reach: &[Reach; 20],
) -> ContourFit {
    if model.contrast() < MIN_CONTRAST {
        return ContourFit::default();
    }
    let found: [Option<ProfileEdge>; 20] =
        std::array::from_fn(|i| edge_along(frame, points[i], normals[i], model, reach[i]));
    let limit = reach.iter().map(|r| r.lip.max(r.other)).fold(0.0, f32::max);
    let mut offsets = smooth_along(&found.map(|e| e.map(|e| e.offset)), limit);
    for (d, r) in offsets.iter_mut().zip(reach) {
        *d = d.clamp(-r.lip, r.other);
    }
    let widths = smooth_widths(&found.map(|e| e.and_then(|e| e.width)));
    ContourFit { offsets, widths }
}

/// Where the colour along `p + t·n` (t from −`reach.lip` to `reach.other`) turns from the lip's
/// to the other side's: the crossing of the model's threshold nearest the mesh's vertex, on the
/// axis between this profile's own two ends (lip and skin change along the contour, a thin dark
/// upper lip, a lit lower one), if the inner end is the more lip-like by the face's model; and
/// how wide the step is (its 20–80 % width, pixels), where the profile holds the whole step.
fn edge_along(frame: &RgbImage, p: Vec2, n: Vec2, model: &EdgeModel, reach: Reach) -> Option<ProfileEdge> {
    let length = reach.lip + reach.other;
    if reach.lip < 1.0 || reach.other < 1.0 {
        return None;
    }
    // On the stack, at most MAX_PROFILE samples (every half pixel along a profile up to 128 px,
    // which a face reaches at an inter-ocular distance of 1280 px; sparser beyond): this runs for
    // 20 vertices per face and frame.
    let steps = ((length * STEPS_PER_PX).ceil() as usize).clamp(4, MAX_PROFILE - 1);
    let mut ts = [0.0f32; MAX_PROFILE];
    let mut colours = [Vec3::ZERO; MAX_PROFILE];
    for k in 0..=steps {
        ts[k] = -reach.lip + length * k as f32 / steps as f32;
        colours[k] = lab_at(frame, p + n * ts[k]);
    }
    let (ts, colours) = (&ts[..=steps], &colours[..=steps]);
    let mean_where = |keep: &dyn Fn(f32) -> bool| {
        let (sum, count) = ts
            .iter()
            .zip(colours)
            .filter(|(t, _)| keep(**t))
            .fold((Vec3::ZERO, 0usize), |(sum, count), (_, c)| (sum + *c, count + 1));
        sum / count.max(1) as f32
    };
    let inside = mean_where(&|t| t <= -0.5 * reach.lip);
    let outside = mean_where(&|t| t >= 0.5 * reach.other);
    if model.likeness(inside) - model.likeness(outside) < MIN_SEPARATION {
        return None;
    }
    let weight = Vec3::new(model.lightness, 1.0, 1.0);
    let axis = (inside - outside) * weight;
    if axis.length() < MIN_CONTRAST {
        return None;
    }
    let raw = |k: usize| ((colours[k.min(steps)] - outside) * weight).dot(axis) / axis.length_squared();
    let mut smoothed = [0.0f32; MAX_PROFILE];
    for (k, value) in smoothed[..=steps].iter_mut().enumerate() {
        *value = (raw(k.saturating_sub(1)) + raw(k) + raw(k + 1)) / 3.0;
    }
    let likeness = &smoothed[..=steps];
    let at = model.threshold;
    let crossing_at = |k: usize, level: f32| {
        let (a, b) = (likeness[k - 1], likeness[k]);
        ts[k - 1] + (ts[k] - ts[k - 1]) * (a - level) / (a - b)
    };
    let k = (1..likeness.len())
        .filter(|&k| likeness[k - 1] >= at && likeness[k] < at)
        .min_by(|&a, &b| crossing_at(a, at).abs().total_cmp(&crossing_at(b, at).abs()))?;
    // From the crossing, back into the lip to 80 % and on into the other side to 20 %.
    let lip_end = (1..=k).rev().find(|&j| likeness[j - 1] >= 0.8).map(|j| crossing_at(j, 0.8));
    let other_end = (k..likeness.len()).find(|&j| likeness[j] <= 0.2).map(|j| crossing_at(j, 0.2));
    let width = lip_end.zip(other_end).map(|(a, b)| b - a).filter(|w| *w > 0.0);
    Some(ProfileEdge { offset: crossing_at(k, at), width })
}

/// Edge widths smoothed along the closed contour (weights 1-2-3-2-1 over the vertices that
/// measured one); a vertex with none near it takes the median of the contour's, and a contour
/// with none stays 0 (not measured).
fn smooth_widths(found: &[Option<f32>; 20]) -> [f32; 20] {
    let mut measured = [0.0f32; 20];
    let mut count = 0;
    for width in found.iter().flatten() {
        measured[count] = *width;
        count += 1;
    }
    if count == 0 {
        return [0.0; 20];
    }
    let typical = median_of(&mut measured[..count]);
    let n = found.len() as i32;
    std::array::from_fn(|i| {
        let (mut sum, mut weight) = (0.0, 0.0);
        for (d, w) in [(-2i32, 1.0), (-1, 2.0), (0, 3.0), (1, 2.0), (2, 1.0)] {
            if let Some(v) = found[(i as i32 + d).rem_euclid(n) as usize] {
                sum += w * v;
                weight += w;
            }
        }
        if weight > 0.0 { sum / weight } else { typical }
    })
}

/// The median of `values` (at least one), reordering them.
fn median_of(values: &mut [f32]) -> f32 {
    values.sort_unstable_by(f32::total_cmp);
    values[values.len() / 2]
}

/// Offsets smoothed along the closed contour (weights 1-2-3-2-1 over the vertices that found
/// an edge), so one stray vertex cannot kink the line; vertices with no edge near them keep 0.
fn smooth_along(found: &[Option<f32>; 20], band: f32) -> [f32; 20] {
    let n = found.len();
    std::array::from_fn(|i| {
        let (mut sum, mut weight) = (0.0, 0.0);
        for (d, w) in [(-2i32, 1.0), (-1, 2.0), (0, 3.0), (1, 2.0), (2, 1.0)] {
            if let Some(v) = found[(i as i32 + d).rem_euclid(n as i32) as usize] {
                sum += w * v;
                weight += w;
            }
        }
        // Fewer than half the weight found: fade towards the mesh.
        let trust = (weight / 4.5).min(1.0);
        if weight > 0.0 { (sum / weight * trust).clamp(-band, band) } else { 0.0 }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feather_follows_the_measured_edge_within_its_limits() {
        let iod = 200.0;
        let default = LIP_FEATHER * iod;
        let mut edges = LipEdges::default();
        edges.outer_width[0] = 2.0;
        edges.outer_width[1] = 0.1;
        edges.outer_width[2] = 100.0;
        let feathers = edges.outer_feathers(iod);
        assert!((feathers[0] - 2.0 / SMOOTHSTEP_20_80).abs() < 1e-4, "{feathers:?}");
        assert_eq!(feathers[1], MIN_FEATHER_PX);
        assert_eq!(feathers[2], MAX_FEATHER * default);
        // Not measured: the atlas's own feather.
        assert_eq!(feathers[3], default);
        // A face too small or of no size at all still gets a finite feather of a pixel.
        for iod in [10.0, f32::NAN, f32::INFINITY, -5.0] {
            assert!(edges.outer_feathers(iod).iter().all(|f| f.is_finite() && *f >= MIN_FEATHER_PX), "{iod}");
        }
    }

    #[test]
    fn following_keeps_a_width_until_one_is_measured() {
        let mut before = LipEdges::default();
        before.outer_width[0] = 3.0;
        let mut fit = LipEdges::default();
        fit.outer_width[1] = 2.0;
        fit.outer_width[2] = 5.0;
        before.outer_width[2] = 3.0;
        let followed = before.follow(&fit);
        assert_eq!(followed.outer_width[0], 3.0);
        assert_eq!(followed.outer_width[1], 2.0);
        assert!((followed.outer_width[2] - (3.0 + FOLLOW * 2.0)).abs() < 1e-5);
    }
}
