//! Temporal smoothing of landmarks: a One Euro filter (Casiez et al., CHI 2012) around a
//! constant-velocity prediction of the whole face.
//!
//! A still face should stop shaking and a moving face should not lag. Plain One Euro trades one
//! for the other: its cutoff rises with speed, but it still lags a steadily moving face. Here each
//! point is filtered around where the face's own motion (the mean velocity of all its points,
//! which is far less noisy than any single point's) says it should be, so a panning face is
//! followed without lag while the cutoff stays low. Speeds are measured in face sizes per second,
//! so one setting fits every face size and resolution. Tuned with `scripts/steadiness.sh`.

use glam::Vec3;

/// Filter settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneEuroParams {
    /// Cutoff (Hz) at rest: lower removes more jitter from a still face.
    pub min_cutoff: f32,
    /// How fast the cutoff rises with speed (per face size per second): higher lags less.
    pub beta: f32,
    /// Cutoff (Hz) used to smooth the face's velocity estimate.
    pub derivative_cutoff: f32,
}

impl Default for OneEuroParams {
    /// Measured by `scripts/steadiness.sh` (720p face, sensor noise σ = 4): still-face wobble
    /// about 0.4× MediaPipe's raw wobble, panning 4 px/frame followed within about 1.3 px RMS.
    fn default() -> Self {
        Self {
            min_cutoff: 0.5,
            beta: 6.0,
            derivative_cutoff: 1.0,
        }
    }
}

/// Smoothing factor of a first-order low-pass with the given cutoff (Hz) and time step (s).
fn alpha(cutoff: f32, dt: f32) -> f32 {
    let tau = 1.0 / (2.0 * std::f32::consts::PI * cutoff);
    1.0 / (1.0 + tau / dt)
}

/// Smooths one face's landmarks over time.
#[derive(Debug, Clone)]
pub struct LandmarkSmoother {
    params: OneEuroParams,
    /// Last output.
    smoothed: Vec<Vec3>,
    /// Last input.
    raw: Vec<Vec3>,
    /// Smoothed mean velocity of the face, pixels per second.
    velocity: Vec3,
    last_time: f64,
}

impl LandmarkSmoother {
    /// A smoother with no history.
    pub fn new(params: OneEuroParams) -> Self {
        Self {
            params,
            smoothed: Vec::new(),
            raw: Vec::new(),
            velocity: Vec3::ZERO,
            last_time: 0.0,
        }
    }

    /// Smooths `points` (pixels) seen at `time` seconds; `face_size` (pixels) sets the speed scale.
    /// The first call, or one with a different point count, passes the points through; a repeated
    /// or earlier timestamp returns the last output.
    pub fn apply(&mut self, points: &[Vec3], time: f64, face_size: f32) -> Vec<Vec3> {
        if self.smoothed.len() != points.len() {
            self.smoothed = points.to_vec();
            self.raw = points.to_vec();
            self.velocity = Vec3::ZERO;
            self.last_time = time;
            return points.to_vec();
        }
        if time <= self.last_time {
            return self.smoothed.clone();
        }
        let dt = (time - self.last_time) as f32;
        self.last_time = time;

        let moved: Vec3 = points
            .iter()
            .zip(&self.raw)
            .map(|(p, q)| *p - *q)
            .sum::<Vec3>()
            / points.len() as f32;
        let p = &self.params;
        self.velocity += alpha(p.derivative_cutoff, dt) * (moved / dt - self.velocity);
        let speed = self.velocity.abs() / face_size.max(1.0);
        let gain = Vec3::new(
            alpha(p.min_cutoff + p.beta * speed.x, dt),
            alpha(p.min_cutoff + p.beta * speed.y, dt),
            alpha(p.min_cutoff + p.beta * speed.z, dt),
        );
        let step = self.velocity * dt;
        for (y, x) in self.smoothed.iter_mut().zip(points) {
            let predicted = *y + step;
            *y = predicted + gain * (*x - predicted);
        }
        self.raw.copy_from_slice(points);
        self.smoothed.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FPS: f64 = 30.0;

    /// Deterministic jitter in [-1, 1] px, different for every point and frame.
    fn jitter(frame: usize, point: usize) -> f32 {
        let h = (frame as u32).wrapping_mul(2_654_435_761) ^ (point as u32).wrapping_mul(40_503);
        ((h >> 8) % 2001) as f32 / 1000.0 - 1.0
    }

    fn face(offset: f32, frame: usize) -> Vec<Vec3> {
        (0..50)
            .map(|i| {
                Vec3::new(
                    offset + (i % 10) as f32 * 20.0 + jitter(frame, i),
                    (i / 10) as f32 * 40.0 + jitter(frame + 7, i),
                    0.0,
                )
            })
            .collect()
    }

    fn wobble(frames: &[Vec<Vec3>]) -> f32 {
        let mut sum = 0.0;
        let mut n = 0;
        for w in frames.windows(2) {
            for (a, b) in w[0].iter().zip(&w[1]) {
                sum += (*a - *b).length_squared();
                n += 1;
            }
        }
        (sum / n as f32).sqrt()
    }

    #[test]
    fn still_jitter_is_damped() {
        let mut s = LandmarkSmoother::new(OneEuroParams::default());
        let raw: Vec<Vec<Vec3>> = (0..90).map(|f| face(0.0, f)).collect();
        let smooth: Vec<Vec<Vec3>> = raw
            .iter()
            .enumerate()
            .map(|(f, p)| s.apply(p, f as f64 / FPS, 200.0))
            .collect();
        let (r, w) = (wobble(&raw[10..]), wobble(&smooth[10..]));
        assert!(w < 0.5 * r, "wobble {w} vs raw {r}");
    }

    #[test]
    fn steady_pan_is_followed_without_lag() {
        let mut s = LandmarkSmoother::new(OneEuroParams::default());
        let mut worst: f32 = 0.0;
        for f in 0..70usize {
            let offset = 4.0 * f.saturating_sub(10) as f32;
            let out = s.apply(&face(offset, f), f as f64 / FPS, 200.0);
            let truth = face(offset, usize::MAX / 2);
            let err = out
                .iter()
                .zip(&truth)
                .map(|(a, b)| (a.x - b.x).abs())
                .sum::<f32>()
                / out.len() as f32;
            if f >= 40 {
                worst = worst.max(err);
            }
        }
        assert!(worst < 1.5, "mean x error while panning: {worst} px");
    }

    #[test]
    fn repeated_timestamp_returns_last_output() {
        let mut s = LandmarkSmoother::new(OneEuroParams::default());
        s.apply(&[Vec3::ZERO], 0.0, 100.0);
        let p = s.apply(&[Vec3::ONE], 0.0, 100.0);
        assert_eq!(p[0], Vec3::ZERO);
    }
}
