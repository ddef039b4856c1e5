//! Face tracking across frames: detect when needed, follow faces with their own landmarks.
//!
//! As in MediaPipe, a tracked face's next crop comes from its current landmarks, and the detector
//! only runs to find faces (when none are tracked, or now and then while fewer than `max_faces`
//! are). Unlike MediaPipe, a face picked up twice is kept once, and output is smoothed.

use std::time::Instant;

use glam::{Vec2, Vec3};
use image::RgbImage;

use super::TrackingError;
use super::bodies::{Body, BodyFinder};
use super::detector::{Detection, FaceDetector, tiles};
use super::hands::{Hand, HandTracker};
use super::landmarker::{FaceLandmarks, Landmarker, MIN_PRESENCE};
use super::model::{ModelKind, ModelPaths};
use super::plausibility::MeshCheck;
use super::roi::{EYE_CORNER_LEFT, EYE_CORNER_RIGHT, Roi, bounds};
use super::smoothing::{LandmarkSmoother, OneEuroParams};
use crate::runtime::SessionConfig;

/// A new detection that overlaps a tracked face's crop by more than this is the same face.
const SAME_FACE_IOU: f32 = 0.5;

/// Tracker settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackerConfig {
    /// Landmark model.
    pub model: ModelKind,
    /// Most faces followed at once.
    pub max_faces: usize,
    /// Smooth landmarks over time (tracking mode only).
    pub smoothing: Option<OneEuroParams>,
    /// While fewer than `max_faces` are tracked, look for new faces every this many frames.
    pub detect_interval: u32,
    /// ONNX Runtime thread settings.
    pub session: SessionConfig,
    /// Most hands followed (0: hands are not looked for). Makeup is not drawn on what a hand
    /// covers, so the commands that draw makeup look for hands; the others need not.
    pub max_hands: usize,
    /// Place the body under each face (its shoulders): makeup is not drawn on a shoulder in
    /// front of the face, so the commands that draw makeup look for bodies; the others need not.
    pub bodies: bool,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        Self {
            model: ModelKind::default(),
            max_faces: 4,
            smoothing: Some(OneEuroParams::default()),
            detect_interval: 10,
            session: SessionConfig::default(),
            max_hands: 0,
            bodies: false,
        }
    }
}

/// A face in one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Face {
    /// Stable id while the face is tracked.
    pub id: u64,
    /// Confidence that this is a face (0–1), from the landmark model.
    pub score: f32,
    /// Landmarks in image pixels, MediaPipe's order.
    pub landmarks: Vec<Vec3>,
}

impl Face {
    /// Bounding box of the landmarks as `[x, y, w, h]` in pixels.
    pub fn bounding_box(&self) -> [f32; 4] {
        let (lo, hi) = bounds(&self.landmarks);
        [lo.x, lo.y, hi.x - lo.x, hi.y - lo.y]
    }

    /// Distance between the outer eye corners, the yardstick for landmark error.
    pub fn inter_ocular(&self) -> f32 {
        inter_ocular(&self.landmarks)
    }
}

/// Distance between the outer eye corners (landmarks 33 and 263).
pub fn inter_ocular(points: &[Vec3]) -> f32 {
    points[EYE_CORNER_LEFT].truncate().distance(points[EYE_CORNER_RIGHT].truncate())
}

/// Time spent in each stage of the last call, for benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    /// Detector: letterbox, inference and decoding (0 when it did not run).
    pub detect_ms: f64,
    /// Landmark crops, inference and mapping back, all faces.
    pub landmarks_ms: f64,
    /// Smoothing and bookkeeping.
    pub smooth_ms: f64,
    /// Hands: palm detection and hand landmarks (0 when hands are not looked for).
    pub hands_ms: f64,
    /// Bodies: pose landmarks under each face (0 when bodies are not looked for).
    pub bodies_ms: f64,
}

struct Track {
    id: u64,
    roi: Roi,
    smoother: LandmarkSmoother,
}

/// The detector and landmark model with the per-face state of tracking mode.
pub struct Tracker {
    config: TrackerConfig,
    detector: FaceDetector,
    landmarker: Landmarker,
    /// The v1 model, whose face flag confirms new faces when tracking with another model.
    verifier: Option<Landmarker>,
    mesh_check: MeshCheck,
    tracks: Vec<Track>,
    frames_since_detect: u32,
    /// Face searches so far: picks the tile searched next.
    searches: usize,
    next_id: u64,
    times: StageTimes,
    /// Palm detector and hand landmarks, when hands are looked for.
    hand_tracker: Option<HandTracker>,
    /// Hands in the last frame.
    hands: Vec<Hand>,
    /// The pose landmark model, when bodies are looked for.
    body_finder: Option<BodyFinder>,
    /// The bodies under the faces of the last frame.
    bodies: Vec<Body>,
}

impl Tracker {
    /// Loads both models.
    pub fn new(paths: &ModelPaths, config: TrackerConfig) -> Result<Self, TrackingError> {
        let mut detector = FaceDetector::new(&paths.detector(), config.session)?;
        detector.set_merge_iou(config.model.detector_merge_iou());
        let landmarker = Landmarker::new(&paths.landmarks(config.model), config.model, config.session)?;
        let verifier = match config.model {
            ModelKind::V1 => None,
            _ => Some(Landmarker::new(&paths.landmarks(ModelKind::V1), ModelKind::V1, config.session)?),
        };
        let hand_tracker = match config.max_hands {
            0 => None,
            n => Some(HandTracker::new(&paths.hands(), config.session, n)?),
        };
        let body_finder = config.bodies.then(|| BodyFinder::new(&paths.bodies(), config.session)).transpose()?;
        Ok(Self {
            config,
            detector,
            landmarker,
            verifier,
            mesh_check: MeshCheck::new(),
            tracks: Vec::new(),
            frames_since_detect: 0,
            searches: 0,
            next_id: 0,
            times: StageTimes::default(),
            hand_tracker,
            hands: Vec::new(),
            body_finder,
            bodies: Vec::new(),
        })
    }

    /// Stage times of the last `detect_image` or `track` call.
    pub fn stage_times(&self) -> StageTimes {
        self.times
    }

    /// Hands found in the last frame (none when hands are not looked for): what covers the faces.
    pub fn hands(&self) -> &[Hand] {
        &self.hands
    }

    /// The bodies under the faces of the last frame (none when bodies are not looked for): what
    /// of them is in front of a face is left bare.
    pub fn bodies(&self) -> &[Body] {
        &self.bodies
    }

    /// Forgets all tracked faces and hands (a new video, a cut, a camera switch).
    pub fn reset(&mut self) {
        self.tracks.clear();
        self.frames_since_detect = 0;
        if let Some(h) = &mut self.hand_tracker {
            h.reset();
        }
    }

    /// Looks for hands in `frame` (a still when `still`, else the next frame of a sequence).
    fn find_hands(&mut self, frame: &RgbImage, still: bool) -> Result<(), TrackingError> {
        let Some(tracker) = &mut self.hand_tracker else { return Ok(()) };
        self.hands = if still { tracker.detect_image(frame)? } else { tracker.track(frame)? };
        let t = tracker.times();
        self.times.hands_ms = t.palms_ms + t.joints_ms;
        Ok(())
    }

    /// Places the body under each of `faces` in `frame`.
    fn find_bodies(&mut self, frame: &RgbImage, faces: &[Face]) -> Result<(), TrackingError> {
        let Some(finder) = &mut self.body_finder else { return Ok(()) };
        self.bodies = finder.bodies_under(frame, faces.iter().map(|f| &f.landmarks[..]))?;
        self.times.bodies_ms = finder.times().joints_ms;
        Ok(())
    }

    /// Finds faces in a still image: detector (whole frame and tiles, so small faces in group
    /// photos are found too), then landmarks for each face. Keeps no state.
    pub fn detect_image(&mut self, frame: &RgbImage) -> Result<Vec<Face>, TrackingError> {
        self.times = StageTimes::default();
        let tiles = tiles(frame.width(), frame.height());
        let rois: Vec<Roi> = self.detect(frame, &tiles)?.iter().map(Detection::roi).collect();
        let mut faces = Vec::new();
        for roi in rois {
            if let Some(lm) = self.landmarks(frame, &roi)?
                && self.confirm_new_face(frame, &roi, &lm)?
            {
                let id = faces.len() as u64;
                faces.push(Face { id, score: lm.presence, landmarks: lm.points });
            }
        }
        self.find_hands(frame, true)?;
        let faces = dedupe(faces, |f| &f.landmarks);
        self.find_bodies(frame, &faces)?;
        Ok(faces)
    }

    /// Tracks faces in the next frame of a sequence seen at `time` seconds.
    pub fn track(&mut self, frame: &RgbImage, time: f64) -> Result<Vec<Face>, TrackingError> {
        self.times = StageTimes::default();
        // Tracked faces first, each with the crop its last landmarks gave; new detections follow.
        let mut candidates: Vec<(Option<Track>, Roi)> = self
            .tracks
            .drain(..)
            .map(|t| {
                let roi = t.roi;
                (Some(t), roi)
            })
            .collect();
        let looking = candidates.is_empty()
            || (candidates.len() < self.config.max_faces
                && self.frames_since_detect + 1 >= self.config.detect_interval);
        if looking {
            self.frames_since_detect = 0;
            let free = self.config.max_faces - candidates.len();
            // One tile per search, in turn, keeps the cost of looking for small faces low.
            let tiles = tiles(frame.width(), frame.height());
            let tile: Vec<Roi> = tiles.get(self.searches % tiles.len().max(1)).copied().into_iter().collect();
            self.searches += 1;
            let new: Vec<Roi> = self
                .detect(frame, &tile)?
                .iter()
                .map(Detection::roi)
                .filter(|roi| candidates.iter().all(|(_, r)| r.iou(roi) <= SAME_FACE_IOU))
                .take(free)
                .collect();
            candidates.extend(new.into_iter().map(|r| (None, r)));
        } else {
            self.frames_since_detect += 1;
        }

        let mut found: Vec<(Track, FaceLandmarks)> = Vec::new();
        for (track, roi) in candidates {
            let Some(lm) = self.landmarks(frame, &roi)? else {
                // Lost: look for faces again on the next frame.
                self.frames_since_detect = self.config.detect_interval;
                continue;
            };
            if track.is_none() && !self.confirm_new_face(frame, &roi, &lm)? {
                continue;
            }
            let track = track.unwrap_or_else(|| {
                self.next_id += 1;
                Track {
                    id: self.next_id,
                    roi,
                    smoother: LandmarkSmoother::new(self.config.smoothing.unwrap_or_default()),
                }
            });
            found.push((track, lm));
        }

        let start = Instant::now();
        // Oldest tracks first so a duplicate of an established face is the one dropped.
        found.sort_by_key(|(t, _)| t.id);
        let found = dedupe(found, |(_, lm)| &lm.points);
        let mut faces = Vec::with_capacity(found.len());
        for (mut track, lm) in found {
            let raw_roi = Roi::from_landmarks(&lm.points);
            let landmarks = match self.config.smoothing {
                Some(_) => {
                    let (lo, hi) = bounds(&lm.points);
                    let size = ((hi - lo) * 0.5).element_sum();
                    track.smoother.apply(&lm.points, time, size)
                }
                None => lm.points,
            };
            track.roi = raw_roi;
            faces.push(Face { id: track.id, score: lm.presence, landmarks });
            self.tracks.push(track);
        }
        self.times.smooth_ms += start.elapsed().as_secs_f64() * 1e3;
        self.find_hands(frame, false)?;
        self.find_bodies(frame, &faces)?;
        Ok(faces)
    }

    /// Runs the detector on the whole frame and `tiles`, keeping at most `max_faces` faces, best first.
    fn detect(&mut self, frame: &RgbImage, tiles: &[Roi]) -> Result<Vec<Detection>, TrackingError> {
        let start = Instant::now();
        let mut dets = self.detector.detect_tiled(frame, tiles)?;
        dets.truncate(self.config.max_faces);
        self.times.detect_ms += start.elapsed().as_secs_f64() * 1e3;
        Ok(dets)
    }

    /// Landmarks in `roi`, or None when the model says there is no face there.
    fn landmarks(&mut self, frame: &RgbImage, roi: &Roi) -> Result<Option<FaceLandmarks>, TrackingError> {
        let start = Instant::now();
        let lm = self.landmarker.run(frame, roi)?;
        self.times.landmarks_ms += start.elapsed().as_secs_f64() * 1e3;
        Ok((lm.presence >= MIN_PRESENCE).then_some(lm))
    }
}

impl Tracker {
    /// Whether a new candidate is a face: the v1 face flag and the mesh's shape (see
    /// [`super::plausibility`]). Tracked faces skip this and follow MediaPipe's presence rule.
    fn confirm_new_face(&mut self, frame: &RgbImage, roi: &Roi, lm: &FaceLandmarks) -> Result<bool, TrackingError> {
        let start = Instant::now();
        let flag = match &mut self.verifier {
            Some(v1) => v1.run(frame, roi)?.presence,
            None => lm.presence,
        };
        self.times.landmarks_ms += start.elapsed().as_secs_f64() * 1e3;
        match self.mesh_check.check_new_face(flag, &lm.points) {
            Ok(()) => Ok(true),
            Err(why) => {
                tracing::debug!("candidate at ({:.0}, {:.0}) is not a face: {why:?}", roi.center.x, roi.center.y);
                Ok(false)
            }
        }
    }
}

/// Drops items (faces, hands) whose point boxes overlap an earlier item's by more than
/// [`SAME_FACE_IOU`]: two crops that found the same face or hand.
pub(super) fn dedupe<T>(items: Vec<T>, points: impl Fn(&T) -> &Vec<Vec3>) -> Vec<T> {
    let mut kept: Vec<T> = Vec::with_capacity(items.len());
    let mut boxes: Vec<(Vec2, Vec2)> = Vec::new();
    for item in items {
        let (lo, hi) = bounds(points(&item));
        if boxes.iter().all(|(a, b)| super::roi::box_iou(*a, *b, lo, hi) <= SAME_FACE_IOU) {
            boxes.push((lo, hi));
            kept.push(item);
        }
    }
    kept
}
