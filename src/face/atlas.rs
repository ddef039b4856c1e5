//! Region masks in face-UV space, baked once from the canonical mesh's UVs.
//!
//! Every layer finds "where am I" by sampling these with the interpolated UV of the face mesh, so
//! regions follow pose and expression for free. Edges are feathered by a few percent of the
//! inter-ocular distance, so no polygon border is ever visible.

use glam::Vec2;

use super::mesh::CanonicalMesh;
use super::regions::*;

/// Side of each mask texture in texels.
pub const ATLAS_SIZE: u32 = 512;
/// Feather width as a fraction of the inter-ocular distance (soft regions: foundation, lids).
const FEATHER: f32 = 0.04;
/// Feather of the lips, fraction of the inter-ocular distance: lipstick fades across the lip
/// line (half on each side), as a lipstick edge does. The renderer widens or narrows it to the
/// picture's own lip edge (`render::lip_edges`); this is the width where none was measured.
pub const LIP_FEATHER: f32 = 0.015;
/// The signed distance to the outer lip line is stored up to this many lip feathers on either
/// side (`masks[2]` b): a feather up to twice this many lip feathers fades out before the stored
/// distance ends. The shader `shaders/common/face_mesh.wgsl` holds the same number.
pub const LIP_SD_RANGE: f32 = 3.0;
/// Feather of the eye openings, fraction of the inter-ocular distance.
const EYE_FEATHER: f32 = 0.008;
/// Blush spread (Gaussian sigma) as a fraction of the inter-ocular distance.
const BLUSH_SIGMA: f32 = 0.18;
/// Liner distances are stored up to this fraction of the inter-ocular distance.
pub const LINER_RANGE: f32 = 0.12;
/// Length of the wing past the outer eye corner at `wing = 1`, fraction of the inter-ocular distance.
const WING_LENGTH: f32 = 0.3;
/// Lip-liner distances are stored up to this fraction of the inter-ocular distance.
pub const LIP_LINE_RANGE: f32 = 0.06;

/// Three RGBA8 masks, row-major, `ATLAS_SIZE`² texels each.
///
/// - `masks[0]`: r lips at the default feather (for reading on the CPU; the shaders draw lips
///   from `masks[2]` b and a, with the feather measured per frame), g foundation (face minus eyes, brows, lips), b brows, a blush.
/// - `masks[1]`: r eyeshadow height (0 lash line → 1 brow), g eyeshadow coverage,
///   b signed distance to the lash line and wing (0.5 on it, 1 [`LINER_RANGE`] IOD away on the
///   lid's side, 0 as far on the eye's side), a position along it (0 inner corner, 0.5 outer corner,
///   1 tip of the longest wing).
/// - `masks[2]`: r distance to the outer lip contour (0–[`LIP_LINE_RANGE`] IOD), g eye openings,
///   b signed distance to the outer lip contour (0.5 on it, 0 [`LIP_SD_RANGE`] lip feathers
///   inside, 1 as far outside), a the lips' fade just inside the mouth (1 clear of it).
pub struct RegionAtlas {
    /// The three masks.
    pub masks: [Vec<[u8; 4]>; 3],
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

fn to_u8(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8
}

/// Distance from `p` to segment `a`–`b`, and where along it (0–1) the closest point is.
fn segment(p: Vec2, a: Vec2, b: Vec2) -> (f32, f32) {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_squared().max(1e-12)).clamp(0.0, 1.0);
    ((a + ab * t).distance(p), t)
}

/// A closed polygon with its bounding box, for fast signed distances.
struct Polygon {
    points: Vec<Vec2>,
    lo: Vec2,
    hi: Vec2,
}

impl Polygon {
    fn new(points: Vec<Vec2>) -> Self {
        let lo = points.iter().fold(Vec2::splat(f32::MAX), |a, p| a.min(*p));
        let hi = points.iter().fold(Vec2::splat(f32::MIN), |a, p| a.max(*p));
        Self { points, lo, hi }
    }

    /// Signed distance: negative inside. Points farther than `reach` outside the box get `reach`.
    fn signed_distance(&self, p: Vec2, reach: f32) -> f32 {
        if p.x < self.lo.x - reach || p.y < self.lo.y - reach || p.x > self.hi.x + reach || p.y > self.hi.y + reach {
            return reach;
        }
        let n = self.points.len();
        let mut d = f32::MAX;
        let mut inside = false;
        for i in 0..n {
            let (a, b) = (self.points[i], self.points[(i + 1) % n]);
            d = d.min(segment(p, a, b).0);
            if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x) {
                inside = !inside;
            }
        }
        if inside { -d } else { d }
    }

    /// 1 inside, 0 outside, feathered across the edge.
    fn coverage(&self, p: Vec2, feather: f32) -> f32 {
        1.0 - smoothstep(-feather, feather, self.signed_distance(p, 2.0 * feather))
    }
}

/// Distance to an open polyline and the arc-length position (0–1) of the closest point.
fn polyline(p: Vec2, points: &[Vec2]) -> (f32, f32) {
    let lengths: Vec<f32> = points.windows(2).map(|w| w[0].distance(w[1])).collect();
    let total: f32 = lengths.iter().sum();
    let (mut best, mut at, mut walked) = (f32::MAX, 0.0, 0.0);
    for (i, w) in points.windows(2).enumerate() {
        let (d, t) = segment(p, w[0], w[1]);
        if d < best {
            best = d;
            at = (walked + t * lengths[i]) / total;
        }
        walked += lengths[i];
    }
    (best, at)
}

/// Which side of an open polyline `p` lies on: the sign (1 or -1) of the cross product of its
/// nearest segment's direction with the way from that segment to `p`.
fn polyline_side(p: Vec2, points: &[Vec2]) -> f32 {
    let nearest =
        points.windows(2).map(|w| (segment(p, w[0], w[1]), w[0], w[1])).min_by(|a, b| a.0.0.total_cmp(&b.0.0));
    match nearest {
        Some(((_, t), a, b)) if (b - a).perp_dot(p - a.lerp(b, t)) < 0.0 => -1.0,
        _ => 1.0,
    }
}

/// One lip feather (the unit the outer lip line's signed distance is stored in) in the atlas's
/// UV units, for a mesh whose vertices sit at `uvs`: the renderer converts the feathers it
/// measures in pixels into it.
pub fn lip_feather_uv(uvs: &[Vec2]) -> f32 {
    LIP_FEATHER * atlas_iod(uvs)
}

/// The unit the eyeliner's distance is stored in ([`LINER_RANGE`] of the inter-ocular
/// distance) in the atlas's UV units, for a mesh whose vertices sit at `uvs`.
pub fn liner_unit_uv(uvs: &[Vec2]) -> f32 {
    LINER_RANGE * atlas_iod(uvs)
}

/// The eyeliner's wing in the atlas: a straight stroke from the outer corner of the eye out and
/// up towards the brow's tail.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wing {
    /// The outer corner of the lash line, where the wing starts.
    pub corner: Vec2,
    /// The tip of the longest wing.
    pub tip: Vec2,
}

/// The wing of the eye whose lash line runs through `lash` (outer corner first) under the brow
/// `brow` (its tail first), on a face whose eyes are `iod` apart (all in one unit).
fn wing(lash: &[Vec2], brow: &[Vec2], iod: f32) -> Wing {
    let (outer, inner) = (lash[0], lash[lash.len() - 1]);
    let outward = (outer - inner).normalize();
    let up = (brow[0] - outer).normalize();
    let dir = (outward * 0.75 + up * 0.66).normalize();
    Wing { corner: outer, tip: outer + dir * WING_LENGTH * iod }
}

/// Both eyes' wings (right, left) in the atlas's UV units, for a mesh whose vertices sit at
/// `uvs`: the atlas stores the liner's distance along them, and the renderer reads how large
/// they are drawn on screen.
pub fn wings(uvs: &[Vec2]) -> [Wing; 2] {
    let line = |idx: &[u16]| idx.iter().map(|&i| uvs[i as usize]).collect::<Vec<_>>();
    let iod = atlas_iod(uvs);
    [
        wing(&line(&RIGHT_LASH_LINE), &line(&RIGHT_BROW_LOWER), iod),
        wing(&line(&LEFT_LASH_LINE), &line(&LEFT_BROW_LOWER), iod),
    ]
}

/// The inter-ocular distance in the atlas (UV units) of a mesh whose vertices sit at `uvs`.
fn atlas_iod(uvs: &[Vec2]) -> f32 {
    uvs[EYE_OUTER_RIGHT as usize].distance(uvs[EYE_OUTER_LEFT as usize])
}

impl RegionAtlas {
    /// Bakes the masks from the mesh's UVs (about a tenth of a second; do it once).
    pub fn bake(mesh: &CanonicalMesh) -> Self {
        let n = ATLAS_SIZE as f32;
        let uv = |i: u16| Vec2::from_array(mesh.uvs[i as usize]) * n;
        let loop_of = |idx: &[u16]| Polygon::new(idx.iter().map(|&i| uv(i)).collect());
        let line_of = |idx: &[u16]| idx.iter().map(|&i| uv(i)).collect::<Vec<_>>();
        let iod = uv(EYE_OUTER_RIGHT).distance(uv(EYE_OUTER_LEFT));
        let feather = FEATHER * iod;
        let lip_feather = lip_feather_uv(&mesh.uvs.iter().map(|&uv| Vec2::from_array(uv)).collect::<Vec<_>>()) * n;
        let eye_feather = EYE_FEATHER * iod;

        let lips_outer = loop_of(&LIPS_OUTER);
        let mut inner_line = line_of(&LIPS_INNER);
        inner_line.push(inner_line[0]);
        let mut outer_line = line_of(&LIPS_OUTER);
        outer_line.push(outer_line[0]);
        let eyes = [loop_of(&RIGHT_EYE), loop_of(&LEFT_EYE)];
        let brows = [loop_of(&RIGHT_BROW), loop_of(&LEFT_BROW)];
        let face = loop_of(&FACE_OVAL);
        let cheeks = CHEEK_APPLES.map(uv);

        // Per eye: the lid (between lash line and brow), the lash line with its wing.
        struct Eye {
            lid: Polygon,
            lash: Vec<Vec2>,
            brow: Vec<Vec2>,
            /// Lash line from the inner corner to the outer one, then on along the wing.
            liner: Vec<Vec2>,
            /// Arc length of the lash line part, as a fraction of the whole liner path.
            lash_share: f32,
            /// The side of `liner` (see `polyline_side`) the lid and brow lie on.
            lid_side: f32,
        }
        let eye = |lash_idx: &[u16], brow_idx: &[u16]| {
            let lash = line_of(lash_idx);
            let brow = line_of(brow_idx);
            let mut lid_points = lash.clone();
            lid_points.extend(brow.iter().rev());
            let Wing { corner: outer, tip } = wing(&lash, &brow, iod);
            let mut liner: Vec<Vec2> = lash.iter().rev().copied().collect();
            liner.push(tip);
            let lash_len: f32 = lash.windows(2).map(|w| w[0].distance(w[1])).sum();
            let lash_share = lash_len / (lash_len + outer.distance(tip));
            let lid_side = polyline_side(brow[brow.len() / 2], &liner);
            Eye { lid: Polygon::new(lid_points), lash, brow, liner, lash_share, lid_side }
        };
        let eye_data = [eye(&RIGHT_LASH_LINE, &RIGHT_BROW_LOWER), eye(&LEFT_LASH_LINE, &LEFT_BROW_LOWER)];

        let size = (ATLAS_SIZE * ATLAS_SIZE) as usize;
        let mut masks = [vec![[0u8; 4]; size], vec![[0u8; 4]; size], vec![[0u8; 4]; size]];
        for y in 0..ATLAS_SIZE {
            for x in 0..ATLAS_SIZE {
                let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
                let i = (y * ATLAS_SIZE + x) as usize;

                // The mesh ends at the face outline, so face-wide layers must fade to 0 before it.
                let face_inside = 1.0 - smoothstep(-4.0 * feather, 0.0, face.signed_distance(p, feather));
                let inner_d = polyline(p, &inner_line).0;
                // Half coverage on the outer lip line (fitted to the picture's lip edge, see
                // `render::lip_edges`), fading across it; fading just inside the mouth.
                let outer_sd = lips_outer.signed_distance(p, LIP_SD_RANGE * lip_feather);
                let mouth_fade = smoothstep(0.0, lip_feather, inner_d);
                let lips = (1.0 - smoothstep(-0.5 * lip_feather, 0.5 * lip_feather, outer_sd)) * mouth_fade;
                let lip_sd = 0.5 + 0.5 * outer_sd / (LIP_SD_RANGE * lip_feather);
                // 1 inside the eye opening, falling to 0 at its contour.
                let eye_cov = eyes
                    .iter()
                    .map(|e| 1.0 - smoothstep(-eye_feather, 0.0, e.signed_distance(p, 2.0 * eye_feather)))
                    .fold(0.0, f32::max);
                let brow_cov = brows.iter().map(|b| b.coverage(p, feather)).fold(0.0, f32::max);
                let lips_zone = 1.0 - smoothstep(-feather, 2.0 * feather, lips_outer.signed_distance(p, 4.0 * feather));
                let eye_zone = eyes
                    .iter()
                    .map(|e| 1.0 - smoothstep(0.0, 3.0 * feather, e.signed_distance(p, 6.0 * feather)))
                    .fold(0.0, f32::max);
                let foundation = face_inside * (1.0 - lips_zone) * (1.0 - eye_zone) * (1.0 - brow_cov);
                let blush = cheeks
                    .iter()
                    .map(|c| (-(p.distance_squared(*c)) / (2.0 * (BLUSH_SIGMA * iod).powi(2))).exp())
                    .fold(0.0, f32::max)
                    * face_inside
                    * (1.0 - eye_zone)
                    * (1.0 - lips_zone);
                masks[0][i] = [to_u8(lips), to_u8(foundation), to_u8(brow_cov), to_u8(blush)];

                // The nearer eye decides the eye channels.
                let (mut shadow_h, mut shadow_cov, mut liner_d, mut liner_s, mut liner_sign) =
                    (1.0, 0.0, f32::MAX, 1.0, 1.0);
                for e in &eye_data {
                    let (d_lash, _) = polyline(p, &e.lash);
                    let (d_brow, _) = polyline(p, &e.brow);
                    let cov = e.lid.coverage(p, feather) * (1.0 - eye_cov);
                    if cov > shadow_cov {
                        shadow_cov = cov;
                        shadow_h = d_lash / (d_lash + d_brow).max(1e-6);
                    }
                    let (d, s) = polyline(p, &e.liner);
                    if d < liner_d {
                        liner_d = d;
                        // Negative on the eye's side of the line (in the opening, and below
                        // it): the liner's inner edge on the lash line is where the signed
                        // distance crosses 0, with no kink there.
                        liner_sign = polyline_side(p, &e.liner) * e.lid_side;
                        // 0 inner corner, 0.5 outer corner, 1 wing tip.
                        liner_s = if s <= e.lash_share {
                            0.5 * s / e.lash_share
                        } else {
                            0.5 + 0.5 * (s - e.lash_share) / (1.0 - e.lash_share)
                        };
                    }
                }
                let liner_sd = 0.5 + 0.5 * (liner_sign * liner_d / (LINER_RANGE * iod)).clamp(-1.0, 1.0);
                masks[1][i] = [to_u8(shadow_h), to_u8(shadow_cov), to_u8(liner_sd), to_u8(liner_s)];

                let lip_line = polyline(p, &outer_line).0 / (LIP_LINE_RANGE * iod);
                masks[2][i] = [to_u8(lip_line), to_u8(eye_cov), to_u8(lip_sd), to_u8(mouth_fade)];
            }
        }
        Self { masks }
    }

    /// Mask value (0–1) of `channel` in `mask` at a UV coordinate, nearest texel (for tests).
    pub fn sample(&self, mask: usize, channel: usize, uv: [f32; 2]) -> f32 {
        let n = ATLAS_SIZE as f32;
        let x = ((uv[0] * n) as u32).min(ATLAS_SIZE - 1);
        let y = ((uv[1] * n) as u32).min(ATLAS_SIZE - 1);
        self.masks[mask][(y * ATLAS_SIZE + x) as usize][channel] as f32 / 255.0
    }
}

/// Outer eye corners (same as the tracker's inter-ocular landmarks).
const EYE_OUTER_RIGHT: u16 = 33;
const EYE_OUTER_LEFT: u16 = 263;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_mark_their_regions() {
        let mesh = CanonicalMesh::load();
        let atlas = RegionAtlas::bake(&mesh);
        let at = |i: u16| mesh.uvs[i as usize];
        let mid = |a: u16, b: u16| {
            let (p, q) = (at(a), at(b));
            [(p[0] + q[0]) / 2.0, (p[1] + q[1]) / 2.0]
        };
        // Lips: between outer and inner contour (upper lip centre), not at the mouth opening.
        assert!(atlas.sample(0, 0, mid(0, 13)) > 0.9, "upper lip");
        assert!(atlas.sample(0, 0, at(13)) < 0.05, "inner lip edge");
        assert!(atlas.sample(0, 0, at(NOSE_TIP)) == 0.0, "nose");
        // Foundation on the cheek and forehead, not on lips, eyes or brows.
        assert!(atlas.sample(0, 1, at(50)) > 0.9 && atlas.sample(0, 1, at(151)) > 0.9);
        assert!(atlas.sample(0, 1, mid(0, 13)) < 0.05 && atlas.sample(0, 1, mid(159, 145)) < 0.05);
        // Brows and blush.
        assert!(atlas.sample(0, 2, mid(105, 52)) > 0.9);
        let (cheek, nose) = (atlas.sample(0, 3, at(50)), atlas.sample(0, 3, at(NOSE_TIP)));
        assert!(cheek > 0.9 && nose < 0.05, "blush cheek {cheek} nose {nose}");
        // Eyeshadow on the lid above the lash line, never in the eye opening.
        assert!(atlas.sample(1, 1, mid(159, 52)) > 0.5, "lid");
        assert!(atlas.sample(1, 1, mid(159, 145)) < 0.05, "eye opening");
        // Eye openings marked.
        assert!(atlas.sample(2, 1, mid(159, 145)) > 0.9);
        // The liner's signed distance: a half on the lash line (159), less on the eye's side of
        // it (the opening), more on the lid's (up to the next ring, 27).
        let (on_lash, in_eye, on_lid) =
            (atlas.sample(1, 2, at(159)), atlas.sample(1, 2, mid(159, 145)), atlas.sample(1, 2, mid(159, 27)));
        assert!((on_lash - 0.5).abs() < 0.03, "on the lash line: {on_lash}");
        assert!(in_eye < 0.45 && on_lid > 0.52, "eye's side {in_eye}, lid's side {on_lid}");
        // The lip line's signed distance: a half on the line, less inside the lip, the most far
        // outside; the mouth's fade 0 on its opening, 1 in the lip's body.
        let on_line = atlas.sample(2, 2, at(0));
        assert!((on_line - 0.5).abs() < 0.06, "on the lip line: {on_line}");
        assert!(atlas.sample(2, 2, mid(0, 13)) < 0.2 && atlas.sample(2, 2, at(NOSE_TIP)) == 1.0);
        assert!(atlas.sample(2, 3, at(13)) < 0.05 && atlas.sample(2, 3, mid(0, 13)) > 0.9);
    }

    #[test]
    fn the_shader_reads_the_lip_distance_with_the_range_it_was_stored_with() {
        let shader = include_str!("../../shaders/common/face_mesh.wgsl");
        assert!(shader.contains(&format!("const LIP_SD_RANGE: f32 = {LIP_SD_RANGE:?};")));
    }
}
