//! Hands in the picture, so that what a hand covers is not made up: MediaPipe's palm detector
//! finds hands, its hand-landmark model places 21 joints, and a tracked hand's next crop comes
//! from its own joints, as MediaPipe Hands does. The renderer turns the joints into a silhouette
//! (`render::hand_silhouette`) that every makeup layer leaves bare.

use std::time::Instant;

use glam::{Vec2, Vec3};
use image::RgbImage;

use super::TrackingError;
use super::crop_model::{CropModel, CropModelSpec, crop_point_to_image};
use super::detector::{Detection, SsdModel, letterbox, ssd_anchors};
use super::roi::Roi;
use super::tracker::dedupe;
use super::warp::{Border, ValueRange};
use crate::runtime::SessionConfig;

/// Joints a hand has: wrist, then four per finger from the thumb to the little finger, each
/// finger from its base to its tip.
pub const HAND_JOINTS: usize = 21;
/// The wrist joint.
pub const WRIST: usize = 0;
/// The first joint of each finger (thumb, index, middle, ring, little); each finger's next three
/// joints follow it, the last being the fingertip.
pub const FINGER_BASES: [usize; 5] = [1, 5, 9, 13, 17];

/// Hands followed by the commands that draw makeup: one person's two (each costs a landmark
/// inference per frame).
pub const MAX_HANDS: usize = 2;

/// Side of the palm detector's square input.
const PALM_INPUT: usize = 192;
/// Keypoints per palm: wrist centre, the four knuckles, two points of the thumb.
const PALM_KEYPOINTS: usize = 7;
/// Palm keypoints whose direction becomes "up" in the hand's crop: wrist and middle knuckle.
const PALM_AXIS: (usize, usize) = (0, 2);
/// Palms overlapping more than this are one (MediaPipe's palm graph).
const PALM_MERGE_IOU: f32 = 0.3;
/// Side of the hand-landmark model's square input.
const HAND_INPUT: usize = 224;
/// Hands whose presence score is below this are dropped (MediaPipe's default).
const MIN_PRESENCE: f32 = 0.5;
/// While fewer than the most hands are followed, palms are looked for every this many frames (a
/// fifth of a second at 30 fps): the search costs more than following a hand, and on a two-core
/// machine every third frame cost the 176×144 sample ~2 camera frames a second.
const SEARCH_INTERVAL: u32 = 6;
/// A detected palm overlapping a tracked hand's crop by more than this is that hand.
const SAME_HAND_IOU: f32 = 0.5;

/// One hand's joints in image pixels (z relative to the wrist, in x's scale).
#[derive(Debug, Clone, PartialEq)]
pub struct Hand {
    /// [`HAND_JOINTS`] points in MediaPipe's order.
    pub joints: Vec<Vec3>,
    /// How sure the model is that the crop holds a hand (0–1).
    pub presence: f32,
}

impl Hand {
    /// The crop that holds this hand in the next frame: MediaPipe's HandLandmarksToRect
    /// (rotation from the wrist towards the middle of the index, middle and ring knuckles,
    /// box of the palm and lower finger joints in that rotated frame) then RectTransformation
    /// (×2, 0.1 of the height towards the fingers, square).
    pub fn next_crop(&self) -> Roi {
        let at = |i: usize| self.joints[i].truncate();
        let knuckles = ((at(5) + at(13)) * 0.5 + at(9)) * 0.5;
        let rotation = up_rotation(at(WRIST), knuckles);
        // The wrist and the lower joints of every finger (MediaPipe's partial landmark list).
        let palm = [0usize, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18];
        let unrotate = Vec2::from_angle(-rotation);
        let (lo, hi) = palm.iter().fold((Vec2::splat(f32::MAX), Vec2::splat(f32::MIN)), |(lo, hi), &i| {
            let p = unrotate.rotate(at(i));
            (lo.min(p), hi.max(p))
        });
        let center = Vec2::from_angle(rotation).rotate((lo + hi) * 0.5);
        transformed(center, hi - lo, rotation, 2.0, -0.1)
    }
}

/// Rotation (clockwise on screen) that turns the direction `from`→`to` to point up in a crop
/// (MediaPipe's target angle of 90°).
fn up_rotation(from: Vec2, to: Vec2) -> f32 {
    use std::f32::consts::{FRAC_PI_2, PI, TAU};
    let d = to - from;
    let angle = FRAC_PI_2 - libm::atan2f(-d.y, d.x);
    angle - TAU * ((angle + PI) / TAU).floor()
}

/// MediaPipe's RectTransformation on a rotated box: shifted by `shift_y` of its height along its
/// own vertical axis, squared on its longer side and scaled by `scale`.
fn transformed(center: Vec2, size: Vec2, rotation: f32, scale: f32, shift_y: f32) -> Roi {
    let shift = Vec2::from_angle(rotation).rotate(Vec2::new(0.0, size.y * shift_y));
    Roi { center: center + shift, size: Vec2::splat(size.max_element() * scale), rotation }
}

/// The crop the hand-landmark model needs for a detected palm (MediaPipe's palm-to-ROI graph:
/// ×2.6, half the palm's height towards the fingers, square).
fn palm_crop(palm: &Detection<PALM_KEYPOINTS>) -> Roi {
    let rotation = up_rotation(palm.keypoints[PALM_AXIS.0], palm.keypoints[PALM_AXIS.1]);
    transformed((palm.box_min + palm.box_max) * 0.5, palm.box_max - palm.box_min, rotation, 2.6, -0.5)
}

/// Where the hand models are, below the models folder.
#[derive(Debug, Clone)]
pub struct HandModelPaths {
    /// The palm detector.
    pub palms: std::path::PathBuf,
    /// The hand-landmark model.
    pub joints: std::path::PathBuf,
}

/// Time spent on hands in the last frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HandTimes {
    /// Palm detection (0 when it did not run).
    pub palms_ms: f64,
    /// Hand landmarks, all hands.
    pub joints_ms: f64,
}

/// Finds and follows hands: the palm detector and the hand-landmark model, with the crops of the
/// hands followed.
pub struct HandTracker {
    palms: SsdModel,
    joints: CropModel,
    /// The hand model's raw joints, reused from hand to hand.
    raw_joints: Vec<f32>,
    /// Hands followed, by the crop their last joints gave.
    tracked: Vec<Roi>,
    max_hands: usize,
    /// Frames since palms were last looked for ([`SEARCH_INTERVAL`] at the start and when a hand is
    /// lost: look on the next frame).
    since_search: u32,
    times: HandTimes,
}

impl HandTracker {
    /// Loads both models; follows up to `max_hands` hands.
    pub fn new(paths: &HandModelPaths, config: SessionConfig, max_hands: usize) -> Result<Self, TrackingError> {
        let palms = SsdModel::new(
            &paths.palms,
            config,
            "the palm detector",
            (PALM_INPUT, ValueRange::UNIT),
            ssd_anchors(&[(24, 2), (12, 6)]),
            ["Identity", "Identity_1"],
        )?;
        let joints = CropModel::new(
            &paths.joints,
            config,
            CropModelSpec {
                what: "the hand landmark model",
                side: HAND_INPUT,
                border: Border::Replicate,
                outputs: ["Identity", "Identity_1"],
            },
        )?;
        Ok(Self {
            palms,
            joints,
            raw_joints: Vec::new(),
            tracked: Vec::new(),
            max_hands,
            since_search: SEARCH_INTERVAL,
            times: HandTimes::default(),
        })
    }

    /// Time spent in the last call.
    pub fn times(&self) -> HandTimes {
        self.times
    }

    /// Forgets the hands followed (a new video, a cut).
    pub fn reset(&mut self) {
        self.tracked.clear();
        self.since_search = SEARCH_INTERVAL;
    }

    /// Hands in a still picture. Keeps no state.
    pub fn detect_image(&mut self, frame: &RgbImage) -> Result<Vec<Hand>, TrackingError> {
        self.times = HandTimes::default();
        let crops: Vec<Roi> = self.find_palms(frame)?.iter().map(palm_crop).take(self.max_hands).collect();
        let mut hands = Vec::new();
        for crop in crops {
            hands.extend(self.joints(frame, &crop)?);
        }
        Ok(dedupe(hands, |h| &h.joints))
    }

    /// Hands in the next frame of a sequence: the hands followed, then (every [`SEARCH_INTERVAL`]
    /// frames while fewer than `max_hands` are followed) palms not yet followed.
    pub fn track(&mut self, frame: &RgbImage) -> Result<Vec<Hand>, TrackingError> {
        self.times = HandTimes::default();
        let mut crops = std::mem::take(&mut self.tracked);
        let followed = crops.len();
        self.since_search = self.since_search.saturating_add(1);
        if crops.len() < self.max_hands && self.since_search >= SEARCH_INTERVAL {
            self.since_search = 0;
            let palms = self.find_palms(frame)?;
            let free = self.max_hands - crops.len();
            let new: Vec<Roi> = palms
                .iter()
                .map(palm_crop)
                .filter(|c| crops.iter().all(|t| t.iou(c) <= SAME_HAND_IOU))
                .take(free)
                .collect();
            crops.extend(new);
        }
        let mut hands = Vec::new();
        for (k, crop) in crops.iter().enumerate() {
            match self.joints(frame, crop)? {
                Some(hand) => hands.push(hand),
                // A followed hand lost (moved too fast, or gone): look again on the next frame.
                None if k < followed => self.since_search = SEARCH_INTERVAL,
                None => {}
            }
        }
        let hands = dedupe(hands, |h| &h.joints);
        self.tracked = hands.iter().map(Hand::next_crop).collect();
        Ok(hands)
    }

    /// Palms in the whole frame (letterboxed), best first.
    fn find_palms(&mut self, frame: &RgbImage) -> Result<Vec<Detection<PALM_KEYPOINTS>>, TrackingError> {
        let start = Instant::now();
        let palms = self.palms.detect::<PALM_KEYPOINTS>(frame, &letterbox(frame), PALM_MERGE_IOU)?;
        self.times.palms_ms += start.elapsed().as_secs_f64() * 1e3;
        Ok(palms)
    }

    /// The hand in `crop`, or None when the model sees none there.
    fn joints(&mut self, frame: &RgbImage, crop: &Roi) -> Result<Option<Hand>, TrackingError> {
        let start = Instant::now();
        let presence = self.joints.run(frame, crop, HAND_JOINTS * 3, &mut self.raw_joints)?;
        let joints = self
            .raw_joints
            .chunks_exact(3)
            .map(|p| crop_point_to_image([p[0], p[1], p[2]], crop, HAND_INPUT))
            .collect();
        self.times.joints_ms += start.elapsed().as_secs_f64() * 1e3;
        // The model's hand flag is already a probability (MediaPipe applies no sigmoid).
        Ok((presence >= MIN_PRESENCE).then_some(Hand { joints, presence }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palm_anchors_cover_both_grids() {
        let a = ssd_anchors(&[(24, 2), (12, 6)]);
        assert_eq!(a.len(), 2016, "the palm detector's output has 2016 anchors");
        assert_eq!(a[1152], Vec2::splat(0.5 / 12.0));
    }

    #[test]
    fn an_upright_hand_needs_no_rotation_and_its_crop_reaches_towards_the_fingers() {
        // Wrist below the knuckles: fingers point up the screen.
        let palm = Detection::<PALM_KEYPOINTS> {
            score: 0.9,
            box_min: Vec2::new(90.0, 90.0),
            box_max: Vec2::new(110.0, 110.0),
            keypoints: [
                Vec2::new(100.0, 110.0),
                Vec2::new(95.0, 92.0),
                Vec2::new(100.0, 90.0),
                Vec2::new(105.0, 92.0),
                Vec2::new(108.0, 95.0),
                Vec2::new(90.0, 105.0),
                Vec2::new(92.0, 100.0),
            ],
        };
        let crop = palm_crop(&palm);
        assert!(crop.rotation.abs() < 1e-5, "{}", crop.rotation);
        assert_eq!(crop.size, Vec2::splat(52.0));
        assert!((crop.center - Vec2::new(100.0, 90.0)).length() < 1e-4, "{}", crop.center);
        // Fingers pointing right: a quarter turn, and the crop moves right, not up.
        let turned = Detection { keypoints: palm.keypoints.map(|p| Vec2::new(100.0 + (100.0 - p.y), p.x)), ..palm };
        let crop = palm_crop(&turned);
        assert!((crop.rotation - std::f32::consts::FRAC_PI_2).abs() < 1e-5, "{}", crop.rotation);
        assert!((crop.center - Vec2::new(110.0, 100.0)).length() < 1e-4, "{}", crop.center);
    }
}
