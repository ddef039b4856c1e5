//! The part of the picture a hand covers, from its 21 joints: each finger a chain of capsules
//! (round-ended bands) as wide as a finger, the palm the polygon of the wrist and knuckles on both
//! its faces (a palm turned edge-on shows its thickness). Finger widths come from the hand's own
//! size (knuckle span and palm length, measured in 3-D so that a hand seen edge-on keeps its
//! fingers' width), so the shape scales with distance.

use glam::{Vec2, Vec3};

use crate::tracking::hands::{FINGER_BASES, Hand, WRIST};

/// A finger's half-width, share of the hand's size: about a tenth of the palm's length (wrist to
/// the middle finger's knuckle), or a fifth of the span from the index to the little finger's
/// knuckle (three finger spacings), plus a margin for the joints' placement. Each measure shrinks
/// when the hand turns edge-on one way or the other; the larger one is used.
const FINGER_RADIUS: f32 = 0.23;
/// The palm's length in knuckle spans (see [`FINGER_RADIUS`]).
const PALM_SPANS: f32 = 1.8;
/// The thumb is broader than the fingers.
const THUMB_RADIUS: f32 = 0.28;
/// The fingertip joint lies near the end of the finger (on the fixtures a few pixels inside it):
/// its capsule ends this many radii short of it, so that the round end lands just past the tip.
const TIP_INSET: f32 = 0.5;
/// Width of the silhouette's soft edge outside its outline, pixels.
const EDGE_PX: f32 = 1.5;

/// Fingers, each a chain of [`FINGER_CAPSULES`] capsules (the first ones in a silhouette).
const FINGERS: usize = 5;
/// Capsules per finger: base to first joint (from the wrist for the thumb), then three bones.
const FINGER_CAPSULES: usize = 4;
/// Joints at the palm's corners: the wrist and the five fingers' bases.
const PALM_JOINTS: usize = 6;
/// Most corners of the palm's outline: each palm joint on either face of the palm (see
/// [`PALM_THICKNESS`]).
const PALM_CORNERS: usize = 2 * PALM_JOINTS;
/// The palm's thickness, share of its length (wrist to the middle finger's knuckle, 3-D): about
/// 3 cm of a 10 cm palm. A palm seen face-on shows none of it; turned edge-on, the hand's outline
/// is as wide as the palm is thick, not a line through its joints.
const PALM_THICKNESS: f32 = 0.28;
/// Capsules in an outline: each finger's chain, then the palm's edge.
const CAPSULES: usize = FINGERS * FINGER_CAPSULES + PALM_CORNERS;
/// How many points [`HandSilhouette::bone_points`] yields: three along each finger capsule.
pub const BONE_POINTS: usize = FINGERS * FINGER_CAPSULES * 3;

/// A band of radius `radius` around the segment `a`–`b`, pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Capsule {
    a: Vec2,
    b: Vec2,
    radius: f32,
}

impl Capsule {
    /// Signed distance from `p` to the capsule's edge (negative inside).
    fn distance(&self, p: Vec2) -> f32 {
        let ab = self.b - self.a;
        let t = ((p - self.a).dot(ab) / ab.length_squared().max(1e-6)).clamp(0.0, 1.0);
        (p - (self.a + ab * t)).length() - self.radius
    }
}

/// A hand's outline: finger capsules and the palm polygon, in frame pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct HandSilhouette {
    /// The fingers' capsules, then the palm outline's edges (the first `palm_corners` of them).
    capsules: [Capsule; CAPSULES],
    /// The palm's outline, a convex polygon (the first `palm_corners` points).
    palm: [Vec2; PALM_CORNERS],
    /// How many corners the palm's outline has.
    palm_corners: usize,
}

impl HandSilhouette {
    /// The outline of `hand`, or None when its joints are degenerate (knuckles on one point).
    pub fn of(hand: &Hand) -> Option<Self> {
        let at = |i: usize| hand.joints[i].truncate();
        let j = &hand.joints;
        let span =
            j[FINGER_BASES[1]].distance(j[FINGER_BASES[4]]).max(j[WRIST].distance(j[FINGER_BASES[2]]) / PALM_SPANS);
        if !(span.is_finite() && span > 1.0) {
            return None;
        }
        let mut capsules = [Capsule { a: Vec2::ZERO, b: Vec2::ZERO, radius: 0.0 }; CAPSULES];
        let (fingers, palm_edge) = capsules.split_at_mut(FINGERS * FINGER_CAPSULES);
        for ((finger, &base), chain_capsules) in
            FINGER_BASES.iter().enumerate().zip(fingers.chunks_exact_mut(FINGER_CAPSULES))
        {
            let radius = span * if finger == 0 { THUMB_RADIUS } else { FINGER_RADIUS };
            let mut chain = [at(base), at(base + 1), at(base + 2), at(base + 3)];
            let last = chain[3] - chain[2];
            chain[3] -= last.normalize_or_zero() * (radius * TIP_INSET).min(last.length() * 0.5);
            let start = if finger == 0 { at(WRIST) } else { chain[0] };
            chain_capsules[0] = Capsule { a: start, b: chain[0], radius };
            for (capsule, bone) in chain_capsules[1..].iter_mut().zip(chain.windows(2)) {
                *capsule = Capsule { a: bone[0], b: bone[1], radius };
            }
        }
        // The palm: the outline of its joints on both its faces (half its thickness either side
        // of the joints, along its normal in 3-D; seen face-on the two coincide). Its edge is as
        // soft as the fingers': capsules along it, the polygon inside.
        let palm_joints = [WRIST, 1, 5, 9, 13, 17].map(|i| j[i]);
        if !palm_joints.iter().all(|p| p.is_finite()) {
            return None;
        }
        let (index, little) = (j[FINGER_BASES[1]], j[FINGER_BASES[4]]);
        let normal = (index - j[WRIST]).cross(little - j[WRIST]).try_normalize().unwrap_or(Vec3::ZERO);
        let half_thickness = normal.truncate() * (0.5 * PALM_THICKNESS * j[WRIST].distance(j[FINGER_BASES[2]]));
        let on_both_faces: [Vec2; PALM_CORNERS] = std::array::from_fn(|k| {
            let side = if k < PALM_JOINTS { half_thickness } else { -half_thickness };
            palm_joints[k % PALM_JOINTS].truncate() + side
        });
        let (palm, palm_corners) = convex_hull(on_both_faces);
        let radius = span * FINGER_RADIUS;
        for (k, capsule) in palm_edge.iter_mut().enumerate().take(palm_corners) {
            *capsule = Capsule { a: palm[k], b: palm[(k + 1) % palm_corners], radius };
        }
        Some(Self { capsules, palm, palm_corners })
    }

    /// The outline's capsules in use: the fingers', then the palm edge's.
    fn used_capsules(&self) -> &[Capsule] {
        &self.capsules[..FINGERS * FINGER_CAPSULES + self.palm_corners]
    }

    /// The pixel box the outline lies in (min, max corners).
    pub fn bounds(&self) -> (Vec2, Vec2) {
        self.used_capsules().iter().fold((Vec2::MAX, Vec2::MIN), |(lo, hi), c| {
            (lo.min(c.a.min(c.b) - c.radius), hi.max(c.a.max(c.b) + c.radius))
        })
    }

    /// How much of the pixel centred at `p` the hand covers (1 inside the outline, fading to 0
    /// over [`EDGE_PX`] outside it).
    pub fn coverage(&self, p: Vec2) -> f32 {
        Self::coverage_at(self.distance(p), 0.0)
    }

    /// [`Self::coverage`] of a pixel `distance` from the outline (see [`Self::distance`]) grown by
    /// `margin` pixels, for callers that have the distance already: where nothing in the picture
    /// can place the hand's edge, the outline's own uncertainty is left bare rather than painted.
    pub fn coverage_at(distance: f32, margin: f32) -> f32 {
        (1.0 - (distance - margin) / EDGE_PX).clamp(0.0, 1.0)
    }

    /// Signed distance (pixels) from `p` to the outline: negative inside.
    pub fn distance(&self, p: Vec2) -> f32 {
        let d = self.used_capsules().iter().map(|c| c.distance(p)).fold(f32::MAX, f32::min);
        let radius = self.finger_radius();
        // A point deeper than a finger's half-width inside is deep enough for every caller;
        // nearer the outline (or outside every capsule), one inside the palm's polygon lies as
        // far inside as it is from the polygon's edge plus the edge capsules' width.
        if d > -radius && crate::face::regions::inside(&self.palm[..self.palm_corners], p) {
            let palm_edge = &self.used_capsules()[FINGERS * FINGER_CAPSULES..];
            let to_edge = palm_edge.iter().map(|c| c.distance(p) + c.radius).fold(f32::MAX, f32::min);
            d.min(-(to_edge + radius))
        } else {
            d
        }
    }

    /// A finger's half-width, pixels: how far the outline may be off the true edge.
    pub fn finger_radius(&self) -> f32 {
        self.capsules.get(FINGER_CAPSULES).map_or(0.0, |c| c.radius)
    }

    /// Points well inside the hand (along the fingers' bones), where its own colour can be read.
    pub fn bone_points(&self) -> impl Iterator<Item = Vec2> + '_ {
        self.capsules[..FINGERS * FINGER_CAPSULES].iter().flat_map(|c| [0.25, 0.5, 0.75].map(|t| c.a.lerp(c.b, t)))
    }
}

/// The convex hull of `points`: its corners in order round it in the first places of the array
/// returned, and how many there are (the rest repeat the last). Andrew's monotone chain.
fn convex_hull(mut points: [Vec2; PALM_CORNERS]) -> ([Vec2; PALM_CORNERS], usize) {
    points.sort_unstable_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    let turn = |o: Vec2, a: Vec2, b: Vec2| (a - o).perp_dot(b - o);
    let mut hull = [Vec2::ZERO; 2 * PALM_CORNERS];
    let mut n = 0;
    for pass in 0..2 {
        let start = n;
        for k in 0..PALM_CORNERS {
            let p = if pass == 0 { points[k] } else { points[PALM_CORNERS - 1 - k] };
            while n >= start + 2 && turn(hull[n - 2], hull[n - 1], p) <= 0.0 {
                n -= 1;
            }
            hull[n] = p;
            n += 1;
        }
        // The last point of each chain is the first of the other.
        n -= 1;
    }
    let n = n.max(1);
    let corners = std::array::from_fn(|k| hull[k.min(n - 1)]);
    (corners, n.min(PALM_CORNERS))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where a point `distance` px from the knuckle along finger `finger` (0 index .. 3 little) of
    /// [`open_hand`] lies: the fingers fan out by 15° each.
    fn along(finger: usize, distance: f32) -> Vec2 {
        let angle = (finger as f32 - 1.5) * 15f32.to_radians();
        Vec2::new(70.0 + 20.0 * finger as f32, 140.0) + Vec2::new(angle.sin(), -angle.cos()) * distance
    }

    /// An upright open hand: wrist at the bottom, fingers 25 px per joint spread upwards, knuckles
    /// 60 px apart.
    fn open_hand() -> Hand {
        let mut joints = vec![Vec3::new(100.0, 200.0, 0.0)];
        // Thumb out to the left.
        joints.extend((1..=4).map(|k| Vec3::new(100.0 - 15.0 * k as f32, 190.0 - 12.0 * k as f32, 0.0)));
        for finger in 0..4 {
            joints.extend((0..4).map(|k| along(finger, 25.0 * k as f32).extend(0.0)));
        }
        Hand { joints, presence: 1.0 }
    }

    #[test]
    fn a_hand_seen_edge_on_keeps_its_fingers_width() {
        // The knuckles one behind the other (the little finger's 60 px further from the camera).
        let mut hand = open_hand();
        for (finger, &base) in FINGER_BASES[1..].iter().enumerate() {
            for joint in base..base + 4 {
                let p = &mut hand.joints[joint];
                *p = Vec3::new(70.0 + (p.x - 70.0) * 0.1, p.y, 20.0 * finger as f32);
            }
        }
        let s = HandSilhouette::of(&hand).expect("a hand");
        // 10 px beside the index finger's middle joint is still finger.
        let joint = hand.joints[FINGER_BASES[1] + 1].truncate();
        assert_eq!(s.coverage(joint + Vec2::new(-10.0, 0.0)), 1.0);
    }

    #[test]
    fn a_palm_turned_edge_on_is_as_wide_as_it_is_thick() {
        // The open hand turned 80° about the upright through its wrist: the palm's joints nearly
        // on one line, its faces 0.28 of its length apart across it.
        let turned = |hand: &Hand, degrees: f32| {
            let (sin, cos) = degrees.to_radians().sin_cos();
            let joints = hand.joints.iter().map(|p| Vec3::new(100.0 + (p.x - 100.0) * cos, p.y, (p.x - 100.0) * sin));
            Hand { joints: joints.collect(), presence: 1.0 }
        };
        let edge_on = HandSilhouette::of(&turned(&open_hand(), 80.0)).expect("a hand");
        // At the knuckles' height the palm's joints reach x = 104.3, its far face about 8.4 px
        // further (0.14 of its 61 px length), and the outline a finger's half-width (13.8 px)
        // beyond: 118.1 through the joints alone, 126.5 with the palm's thickness.
        let at = |x: f32| edge_on.coverage(Vec2::new(x, 150.0));
        assert_eq!(at(122.0), 1.0, "the palm's side (radius {})", edge_on.finger_radius());
        assert_eq!(at(130.0), 0.0, "beside the palm");
        // And the other face, as far the other way (the joints reach x = 94.8 there, 140 px up).
        let left = |x: f32| edge_on.coverage(Vec2::new(x, 141.0));
        assert_eq!(left(94.8 - 13.8 - 4.0), 1.0, "the palm's other side");
        assert_eq!(left(94.8 - 13.8 - 12.0), 0.0, "beside the other side");
        // Its middle is well inside, not at an edge: the picture is not asked there.
        assert!(edge_on.distance(Vec2::new(100.0, 170.0)) < -edge_on.finger_radius());
        // Face-on, the palm's outline is its joints' (the two faces coincide).
        let face_on = HandSilhouette::of(&open_hand()).expect("a hand");
        let hand = open_hand();
        let joints: Vec<Vec2> = [WRIST, 1, 5, 9, 13, 17].iter().map(|&i| hand.joints[i].truncate()).collect();
        let corners = &face_on.palm[..face_on.palm_corners];
        assert!(corners.len() >= 3 && corners.iter().all(|c| joints.contains(c)), "{corners:?}");
    }

    #[test]
    fn the_palm_s_hull_keeps_the_outer_corners_only() {
        let square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)].map(|(x, y)| Vec2::new(x, y));
        // The square's corners twice over, a point inside and one on an edge: its four corners.
        let mut points = [Vec2::new(5.0, 5.0); PALM_CORNERS];
        points[..4].copy_from_slice(&square);
        points[4..8].copy_from_slice(&square);
        points[8] = Vec2::new(5.0, 0.0);
        let (hull, n) = convex_hull(points);
        assert_eq!(n, 4, "{:?}", &hull[..n]);
        assert!(square.iter().all(|c| hull[..n].contains(c)), "{:?}", &hull[..n]);
        // All on one line: its two ends (an outline with no inside); all on one point: that point.
        let (line, n) = convex_hull(std::array::from_fn(|k| Vec2::new(k as f32, 2.0 * k as f32)));
        assert_eq!((n, line[0], line[1]), (2, Vec2::ZERO, Vec2::new(11.0, 22.0)));
        let (point, n) = convex_hull([Vec2::ONE; PALM_CORNERS]);
        assert!(n <= 2 && point[..n].iter().all(|p| *p == Vec2::ONE), "{:?}", &point[..n]);
    }

    #[test]
    fn joints_that_are_not_numbers_outline_no_hand() {
        let mut hand = open_hand();
        hand.joints[9].x = f32::NAN;
        assert!(HandSilhouette::of(&hand).is_none());
    }

    #[test]
    fn fingers_and_palm_are_covered_and_the_gaps_between_fingers_are_not() {
        let s = HandSilhouette::of(&open_hand()).expect("a hand");
        assert_eq!(s.coverage(Vec2::new(100.0, 170.0)), 1.0, "palm");
        assert_eq!(s.coverage(along(1, 40.0)), 1.0, "middle finger");
        assert_eq!(s.coverage((along(0, 50.0) + along(1, 50.0)) * 0.5), 0.0, "between two fingers");
        assert_eq!(s.coverage(Vec2::new(100.0, 30.0)), 0.0, "above the fingertips");
        assert_eq!(s.coverage(Vec2::new(200.0, 150.0)), 0.0, "beside the hand");
        // The fingertip (75 px out) rounds off half a finger's radius beyond it, not a whole one.
        assert_eq!(s.coverage(along(1, 80.0)), 1.0);
        assert_eq!(s.coverage(along(1, 85.0)), 0.0);
        let (lo, hi) = s.bounds();
        assert!(lo.x < 45.0 && hi.x > 150.0 && lo.y < 70.0 && hi.y > 200.0, "{lo} {hi}");
    }

    #[test]
    fn the_outline_scales_with_the_hand() {
        let small = open_hand();
        let big = Hand { joints: small.joints.iter().map(|p| *p * 2.0).collect(), presence: 1.0 };
        let covered = |h: &Hand| {
            let s = HandSilhouette::of(h).expect("a hand");
            (0..500)
                .flat_map(|y| (0..500).map(move |x| Vec2::new(x as f32 + 0.5, y as f32 + 0.5)))
                .map(|p| s.coverage(p))
                .sum::<f32>()
        };
        let ratio = covered(&big) / covered(&small);
        assert!((ratio - 4.0).abs() < 0.2, "area ratio {ratio}");
    }
}
