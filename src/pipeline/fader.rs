//! Fades makeup out when a face is lost, so a stale mask never stays on screen.

use std::time::{Duration, Instant};

use glam::Vec3;

use crate::tracking::Face;

/// How long makeup takes to fade out after its face is lost.
pub const FADE_OUT: Duration = Duration::from_millis(150);
/// How long makeup takes to fade in on a new face.
pub const FADE_IN: Duration = Duration::from_millis(100);

struct Entry {
    id: u64,
    landmarks: Vec<Vec3>,
    /// When the face was first seen in this run of sightings.
    since: Instant,
    /// When it was last seen.
    seen: Instant,
    /// Whether the newest tracking result holds it (then it is drawn at full strength until a
    /// result without it arrives, however long the next result takes).
    in_latest: bool,
}

/// Remembers faces across frames by tracker id and gives each a strength (0–1).
#[derive(Default)]
pub struct FaceFader {
    entries: Vec<Entry>,
}

impl FaceFader {
    /// An empty fader.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the faces of a new tracking result, seen at `now`.
    pub fn update(&mut self, faces: &[Face], now: Instant) {
        for e in &mut self.entries {
            e.in_latest = false;
        }
        for f in faces {
            match self.entries.iter_mut().find(|e| e.id == f.id) {
                Some(e) => {
                    e.landmarks.clone_from(&f.landmarks);
                    e.seen = now;
                    e.in_latest = true;
                }
                None => self.entries.push(Entry {
                    id: f.id,
                    landmarks: f.landmarks.clone(),
                    since: now,
                    seen: now,
                    in_latest: true,
                }),
            }
        }
        self.entries.retain(|e| now.duration_since(e.seen) < FADE_OUT);
    }

    /// Faces to draw at `now` with their strengths; faded-out faces are gone.
    pub fn visible(&self, now: Instant) -> Vec<(&[Vec3], f32)> {
        self.entries
            .iter()
            .filter_map(|e| {
                let lost = now.saturating_duration_since(e.seen).as_secs_f32();
                let out = if e.in_latest { 1.0 } else { 1.0 - lost / FADE_OUT.as_secs_f32() };
                let r#in = now.saturating_duration_since(e.since).as_secs_f32() / FADE_IN.as_secs_f32();
                let s = out.min(r#in.max(0.0)).clamp(0.0, 1.0);
                (out > 0.0).then_some((e.landmarks.as_slice(), s))
            })
            .collect()
    }

    /// Whether a fade is under way at `now` (a face fading in, or one lost and fading out): the
    /// window must redraw until it ends even when no new frame comes.
    pub fn animating(&self, now: Instant) -> bool {
        self.entries.iter().any(|e| {
            let fading_in = now.saturating_duration_since(e.since) < FADE_IN;
            let fading_out = !e.in_latest && now.saturating_duration_since(e.seen) < FADE_OUT;
            fading_in || fading_out
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(id: u64) -> Face {
        Face { id, score: 1.0, landmarks: vec![Vec3::ZERO; 468] }
    }

    #[test]
    fn lost_faces_fade_out_within_150_ms() {
        let t0 = Instant::now();
        let mut f = FaceFader::new();
        f.update(&[face(1)], t0);
        f.update(&[face(1)], t0 + Duration::from_millis(200));
        assert_eq!(f.visible(t0 + Duration::from_millis(200))[0].1, 1.0);
        // Lost: half-way through the fade after 75 ms, gone at 150 ms.
        f.update(&[], t0 + Duration::from_millis(230));
        let s = f.visible(t0 + Duration::from_millis(275))[0].1;
        assert!((s - 0.5).abs() < 0.05, "{s}");
        assert!(f.visible(t0 + Duration::from_millis(351)).is_empty());
        f.update(&[], t0 + Duration::from_millis(400));
        assert!(f.visible(t0 + Duration::from_millis(400)).is_empty());
    }

    #[test]
    fn a_tracked_face_keeps_full_strength_between_slow_results() {
        let t0 = Instant::now();
        let mut f = FaceFader::new();
        f.update(&[face(1)], t0);
        f.update(&[face(1)], t0 + Duration::from_millis(200));
        // The next result is late: the face is still tracked, so it is not faded.
        assert_eq!(f.visible(t0 + Duration::from_millis(380))[0].1, 1.0);
        assert!(!f.animating(t0 + Duration::from_millis(380)), "nothing to animate");
        f.update(&[face(1)], t0 + Duration::from_millis(400));
        f.update(&[], t0 + Duration::from_millis(430));
        assert!(f.animating(t0 + Duration::from_millis(430)), "a lost face fades out");
        assert!(!f.animating(t0 + Duration::from_millis(600)));
    }

    #[test]
    fn new_faces_fade_in() {
        let t0 = Instant::now();
        let mut f = FaceFader::new();
        f.update(&[face(3)], t0);
        assert_eq!(f.visible(t0)[0].1, 0.0);
        assert!((f.visible(t0 + Duration::from_millis(50))[0].1 - 0.5).abs() < 0.05);
    }
}
