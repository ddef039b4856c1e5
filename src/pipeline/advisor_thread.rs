//! The advisor off the UI thread: while a measurement runs ("Find my shades"), the UI hands it
//! each new tracked frame (newest wins); it pools about a second of readings of the largest face,
//! then ranks the catalog. The UI only polls [`AdvisorThread::state`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use glam::Vec3;
use image::RgbImage;

use super::latest::Latest;
use super::worker::Worker;
use crate::advisor::{Accumulator, Advisor, Correction, Measurement, Preferences, Recommendation, Rules};
use crate::looks::Catalog;

/// How long a measurement pools frames …
pub const MEASURE_FOR: Duration = Duration::from_millis(1000);
/// … and the fewest frames it pools (a loaded machine delivers fewer per second).
pub const MIN_FRAMES: usize = 8;
/// A measurement that gets no new face for this long ends (with "no face was seen" when none came).
pub const NO_FACE_AFTER: Duration = Duration::from_secs(10);

/// One frame for the advisor: the picture and the landmarks of the face to measure.
pub struct AdvisorJob {
    /// The frame.
    pub image: Arc<RgbImage>,
    /// The face's landmarks in frame pixels.
    pub landmarks: Vec<Vec3>,
}

/// A finished measurement.
#[derive(Debug, Clone)]
pub struct AdvisorResult {
    /// The pooled measurement.
    pub measurement: Measurement,
    /// The catalog ranked for it (empty under bad light).
    pub recommendations: Vec<Recommendation>,
}

/// Where the advisor is.
#[derive(Debug, Clone, Default)]
pub enum AdvisorState {
    /// Nothing asked yet.
    #[default]
    Idle,
    /// Pooling frames: the share of [`MEASURE_FOR`] done.
    Measuring {
        /// 0–1.
        progress: f32,
        /// Frames pooled so far.
        frames: usize,
    },
    /// Finished (or ended with no face seen: `None`).
    Done(Option<Box<AdvisorResult>>),
}

/// Handle to the advisor thread.
pub struct AdvisorThread {
    jobs: Latest<AdvisorJob>,
    state: Arc<Mutex<Published>>,
    restart: Arc<AtomicBool>,
    preferences: Arc<Mutex<Option<Preferences>>>,
    _worker: Worker,
}

impl AdvisorThread {
    /// Starts the thread; `calibration` is a kiosk's stored grey-card correction, if any.
    pub fn spawn(catalog: Catalog, rules: Rules, calibration: Option<Correction>) -> Self {
        let jobs: Latest<AdvisorJob> = Latest::new();
        let state = Arc::new(Mutex::new(Published::default()));
        let restart = Arc::new(AtomicBool::new(false));
        let preferences: Arc<Mutex<Option<Preferences>>> = Arc::new(Mutex::new(None));
        let (input, out, again, wanted) = (jobs.clone(), state.clone(), restart.clone(), preferences.clone());
        let worker = Worker::spawn("advisor", move |stop| {
            let advisor = Advisor::new(calibration);
            let mut acc = Accumulator::default();
            let mut started: Option<Instant> = None;
            let mut last_job = Instant::now();
            let mut prefs = Preferences::default();
            while !stop.load(Ordering::Relaxed) {
                // New preferences re-rank the last measurement (no new measuring needed).
                if let Some(p) = wanted.lock().unwrap_or_else(|e| e.into_inner()).take() {
                    prefs = p;
                    let mut published = lock(&out);
                    if let AdvisorState::Done(Some(result)) = &mut published.state {
                        result.recommendations =
                            crate::advisor::recommend(&result.measurement, &catalog, &rules, &prefs);
                        published.version += 1;
                    }
                }
                if again.swap(false, Ordering::Relaxed) {
                    acc = Accumulator::default();
                    started = Some(Instant::now());
                    last_job = Instant::now();
                    while input.try_take().is_some() {}
                }
                let job = input.take_timeout(Duration::from_millis(50));
                let Some(t) = started else { continue };
                if let Some(job) = job {
                    acc.add(advisor.read(&job.image, &job.landmarks));
                    last_job = Instant::now();
                }
                let progress = (t.elapsed().as_secs_f32() / MEASURE_FOR.as_secs_f32())
                    .min(acc.frames() as f32 / MIN_FRAMES as f32)
                    .min(1.0);
                // Done after a second and enough frames, or when the face has gone (with what
                // was pooled by then, if anything).
                if progress >= 1.0 || last_job.elapsed() > NO_FACE_AFTER {
                    started = None;
                    let result = acc.measurement().map(|m| {
                        let recommendations = crate::advisor::recommend(&m, &catalog, &rules, &prefs);
                        Box::new(AdvisorResult { measurement: m, recommendations })
                    });
                    lock(&out).set(AdvisorState::Done(result));
                } else {
                    lock(&out).set(AdvisorState::Measuring { progress, frames: acc.frames() });
                }
            }
        });
        Self { jobs, state, restart, preferences, _worker: worker }
    }

    /// Starts a new measurement (forgetting the last one).
    pub fn start(&self) {
        lock(&self.state).set(AdvisorState::Measuring { progress: 0.0, frames: 0 });
        self.restart.store(true, Ordering::Relaxed);
    }

    /// Ranks with these preferences from now on (the last result is re-ranked at once).
    pub fn set_preferences(&self, prefs: Preferences) {
        *self.preferences.lock().unwrap_or_else(|e| e.into_inner()) = Some(prefs);
    }

    /// Whether the state changed since version `seen` (cheap: no copy).
    pub fn has_newer(&self, seen: u64) -> bool {
        lock(&self.state).version != seen
    }

    /// Whether a measurement is running.
    pub fn measuring(&self) -> bool {
        matches!(lock(&self.state).state, AdvisorState::Measuring { .. })
    }

    /// Hands over a frame (the newest replaces one not yet taken).
    pub fn offer(&self, job: AdvisorJob) {
        self.jobs.put(job);
    }

    /// The current state and its version, when it changed since version `seen` (the UI copies
    /// it only then, not on every frame).
    pub fn state_if_newer(&self, seen: u64) -> Option<(u64, AdvisorState)> {
        let published = lock(&self.state);
        (published.version != seen).then(|| (published.version, published.state.clone()))
    }
}

/// The state as the UI reads it, with a version bumped on every change.
#[derive(Debug, Default)]
struct Published {
    state: AdvisorState,
    version: u64,
}

impl Published {
    fn set(&mut self, state: AdvisorState) {
        self.state = state;
        self.version += 1;
    }
}

fn lock(m: &Mutex<Published>) -> std::sync::MutexGuard<'_, Published> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
