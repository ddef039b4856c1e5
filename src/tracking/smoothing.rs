//! Temporal smoothing of landmarks, in two parts: where the face is, and what shape it has.
//!
//! A still face should stop shaking, a moving face should not lag, and lips should open and close
//! with the user. Plain One Euro filtering of every point (Casiez et al., CHI 2012) trades one of
//! these for another. Here the face's centre (the mean of its points, far less noisy than any one
//! point) goes through a One Euro filter around a constant-velocity prediction, so a panning face
//! is followed without lag while the cutoff at rest stays low; each point's offset from the centre
//! (expression, rotation) goes through a light low-pass that costs about one frame of lag.
//! Speeds are measured in face sizes per second, so one setting fits every face size and
//! resolution. Tuned with `scripts/steadiness.sh` and the mouth opening on carphone.mp4.

use glam::Vec3;

/// Filter settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneEuroParams {
    /// Cutoff (Hz) of the face-centre filter at rest: lower removes more jitter from a still face.
    pub min_cutoff: f32,
    /// How fast that cutoff rises with speed (per face size per second): higher lags less.
    pub beta: f32,
    /// Cutoff (Hz) used to smooth the face's velocity estimate.
    pub derivative_cutoff: f32,
    /// Cutoff (Hz) of the low-pass on each point's offset from the centre (expressions).
    pub shape_cutoff: f32,
}

impl Default for OneEuroParams {
    /// Measured by `scripts/steadiness.sh` (720p face, sensor noise σ = 4): still-face wobble
    /// 0.39–0.47× MediaPipe's raw wobble, panning 4 px/frame followed within about 1.3 px RMS,
    /// mouth opening one frame behind the raw landmarks.
    fn default() -> Self {
        Self { min_cutoff: 0.5, beta: 10.0, derivative_cutoff: 0.7, shape_cutoff: 2.0 }
    }
}

/// Smoothing factor of a first-order low-pass with the given cutoff (Hz) and time step (s).
fn alpha(cutoff: f32, dt: f32) -> f32 {
    let tau = 1.0 / (2.0 * std::f32::consts::PI * cutoff);
    1.0 / (1.0 + tau / dt)
}

fn centroid(points: &[Vec3]) -> Vec3 {
    points.iter().sum::<Vec3>() / points.len().max(1) as f32
}

/// Smooths one face's landmarks over time.
#[derive(Debug, Clone)]
pub struct LandmarkSmoother {
    params: OneEuroParams,
    /// Smoothed face centre.
    center: Vec3,
    /// Last raw face centre.
    raw_center: Vec3,
    /// Smoothed velocity of the centre, pixels per second.
    velocity: Vec3,
    /// Smoothed offsets of each point from the centre.
    shape: Vec<Vec3>,
    last_time: f64,
}

impl LandmarkSmoother {
    /// A smoother with no history.
    pub fn new(params: OneEuroParams) -> Self {
        Self {
            params,
            center: Vec3::ZERO,
            raw_center: Vec3::ZERO,
            velocity: Vec3::ZERO,
            shape: Vec::new(),
            last_time: 0.0,
        }
    }

    fn output(&self) -> Vec<Vec3> {
        self.shape.iter().map(|o| self.center + *o).collect()
    }

    /// Smooths `points` (pixels) seen at `time` seconds; `face_size` (pixels) sets the speed scale.
    /// The first call, or one with a different point count, passes the points through; a repeated
    /// or earlier timestamp returns the last output.
    pub fn apply(&mut self, points: &[Vec3], time: f64, face_size: f32) -> Vec<Vec3> {
        let center = centroid(points);
        if self.shape.len() != points.len() {
            self.center = center;
            self.raw_center = center;
            self.velocity = Vec3::ZERO;
            self.shape = points.iter().map(|p| *p - center).collect();
            self.last_time = time;
            return points.to_vec();
        }
        if time <= self.last_time {
            return self.output();
        }
        let dt = (time - self.last_time) as f32;
        self.last_time = time;
        let p = &self.params;

        let moved = (center - self.raw_center) / dt;
        self.raw_center = center;
        self.velocity += alpha(p.derivative_cutoff, dt) * (moved - self.velocity);
        let speed = self.velocity.abs() / face_size.max(1.0);
        let gain = Vec3::new(
            alpha(p.min_cutoff + p.beta * speed.x, dt),
            alpha(p.min_cutoff + p.beta * speed.y, dt),
            alpha(p.min_cutoff + p.beta * speed.z, dt),
        );
        let predicted = self.center + self.velocity * dt;
        self.center = predicted + gain * (center - predicted);

        let shape_gain = alpha(p.shape_cutoff, dt);
        for (s, x) in self.shape.iter_mut().zip(points) {
            *s += shape_gain * (*x - center - *s);
        }
        self.output()
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
        let smooth: Vec<Vec<Vec3>> = raw.iter().enumerate().map(|(f, p)| s.apply(p, f as f64 / FPS, 200.0)).collect();
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
            let err = out.iter().zip(&truth).map(|(a, b)| (a.x - b.x).abs()).sum::<f32>() / out.len() as f32;
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
