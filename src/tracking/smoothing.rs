//! Temporal smoothing of landmarks with the One Euro filter (Casiez et al., CHI 2012).
//!
//! A still face should stop shaking and a moving face should not lag: the filter's cutoff rises
//! with speed. Speeds are measured in face sizes per second so one setting fits every face size
//! and resolution, as in MediaPipe's landmark smoothing.

use glam::Vec3;

/// One Euro settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneEuroParams {
    /// Cutoff (Hz) at rest: lower removes more jitter from a still face.
    pub min_cutoff: f32,
    /// How fast the cutoff rises with speed (per face size per second): higher lags less.
    pub beta: f32,
    /// Cutoff (Hz) used to smooth the speed estimate itself.
    pub derivative_cutoff: f32,
}

impl Default for OneEuroParams {
    /// Tuned with `scripts/steadiness.py`: the still-face wobble drops well under half of the raw
    /// tracker's while a face panning 4 px/frame stays within a pixel of where it is.
    fn default() -> Self {
        Self {
            min_cutoff: 0.05,
            beta: 80.0,
            derivative_cutoff: 1.0,
        }
    }
}

/// A first-order low-pass filter on one value.
#[derive(Debug, Clone, Copy, Default)]
struct LowPass {
    last: Option<f32>,
}

impl LowPass {
    fn apply(&mut self, value: f32, alpha: f32) -> f32 {
        let out = match self.last {
            Some(prev) => prev + alpha * (value - prev),
            None => value,
        };
        self.last = Some(out);
        out
    }
}

/// The One Euro filter for one scalar.
#[derive(Debug, Clone, Copy, Default)]
struct OneEuro {
    value: LowPass,
    speed: LowPass,
    last_raw: Option<f32>,
}

fn alpha(cutoff: f32, dt: f32) -> f32 {
    let tau = 1.0 / (2.0 * std::f32::consts::PI * cutoff);
    1.0 / (1.0 + tau / dt)
}

impl OneEuro {
    fn apply(&mut self, value: f32, dt: f32, value_scale: f32, p: &OneEuroParams) -> f32 {
        let speed = match self.last_raw {
            Some(prev) => (value - prev) * value_scale / dt,
            None => 0.0,
        };
        self.last_raw = Some(value);
        let speed = self.speed.apply(speed, alpha(p.derivative_cutoff, dt));
        let cutoff = p.min_cutoff + p.beta * speed.abs();
        self.value.apply(value, alpha(cutoff, dt))
    }
}

/// Smooths one face's landmarks over time.
#[derive(Debug, Clone)]
pub struct LandmarkSmoother {
    params: OneEuroParams,
    filters: Vec<[OneEuro; 3]>,
    last_time: Option<f64>,
}

impl LandmarkSmoother {
    /// A smoother with no history.
    pub fn new(params: OneEuroParams) -> Self {
        Self {
            params,
            filters: Vec::new(),
            last_time: None,
        }
    }

    /// Smooths `points` (pixels) seen at `time` seconds; `face_size` (pixels) sets the speed scale.
    /// A repeated or earlier timestamp returns the points unchanged.
    pub fn apply(&mut self, points: &[Vec3], time: f64, face_size: f32) -> Vec<Vec3> {
        if self.filters.len() != points.len() {
            self.filters = vec![[OneEuro::default(); 3]; points.len()];
            self.last_time = None;
        }
        let dt = match self.last_time {
            Some(last) if time > last => (time - last) as f32,
            Some(_) => return points.to_vec(),
            // The first sample passes through; dt only matters for later ones.
            None => 1.0,
        };
        self.last_time = Some(time);
        let scale = 1.0 / face_size.max(1.0);
        points
            .iter()
            .zip(self.filters.iter_mut())
            .map(|(p, f)| {
                Vec3::new(
                    f[0].apply(p.x, dt, scale, &self.params),
                    f[1].apply(p.y, dt, scale, &self.params),
                    f[2].apply(p.z, dt, scale, &self.params),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn still_noise_is_damped_and_steady_motion_is_followed() {
        let mut s = LandmarkSmoother::new(OneEuroParams::default());
        // Alternating ±1 px jitter around x = 100 on a 200 px face at 30 fps.
        let mut last = 0.0;
        for i in 0..60 {
            let x = 100.0 + if i % 2 == 0 { 1.0 } else { -1.0 };
            last = s.apply(&[Vec3::new(x, 0.0, 0.0)], i as f64 / 30.0, 200.0)[0].x;
        }
        assert!((last - 100.0).abs() < 0.3, "jitter left: {last}");

        let mut s = LandmarkSmoother::new(OneEuroParams::default());
        let mut err = 0.0;
        for i in 0..60 {
            let x = 4.0 * i as f32;
            err = (s.apply(&[Vec3::new(x, 0.0, 0.0)], i as f64 / 30.0, 200.0)[0].x - x).abs();
        }
        assert!(err < 1.5, "lag at 4 px/frame: {err}");
    }

    #[test]
    fn repeated_timestamp_passes_through() {
        let mut s = LandmarkSmoother::new(OneEuroParams::default());
        s.apply(&[Vec3::ZERO], 0.0, 100.0);
        let p = s.apply(&[Vec3::ONE], 0.0, 100.0);
        assert_eq!(p[0], Vec3::ONE);
    }
}
