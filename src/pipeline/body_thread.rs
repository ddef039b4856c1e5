//! The bodies under the faces, off the tracking thread: the pose model costs about as much as
//! the face model (~10-14 ms a face here), and only seeds the renderer's search for a shoulder in
//! front of a face (`render::body_occluders`), which reads its edges from the frame being drawn.
//! So the tracking thread hands each tracked frame over (newest wins) and attaches whatever
//! bodies were last found, a frame or two old, instead of waiting for them.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use glam::Vec3;
use image::RgbImage;

use super::latest::Latest;
use super::worker::Worker;
use crate::tracking::bodies::{Body, BodyFinder};

/// One frame for the body thread: the picture and the landmarks of its faces.
pub struct BodyJob {
    /// The frame.
    pub image: Arc<RgbImage>,
    /// Each face's landmarks, frame pixels.
    pub faces: Vec<Vec<Vec3>>,
}

/// Handle to the body thread.
pub struct BodyThread {
    jobs: Latest<BodyJob>,
    found: Arc<Mutex<Vec<Body>>>,
    _worker: Worker,
}

impl BodyThread {
    /// Starts the thread with `finder` (built by the caller, so that a missing model is reported
    /// before any thread starts).
    pub fn spawn(mut finder: BodyFinder) -> Self {
        let jobs: Latest<BodyJob> = Latest::new();
        let found = Arc::new(Mutex::new(Vec::new()));
        let (input, out) = (jobs.clone(), found.clone());
        let worker = Worker::spawn("bodies", move |stop| {
            while !stop.load(Ordering::Relaxed) {
                let Some(job) = input.take_timeout(Duration::from_millis(50)) else { continue };
                match finder.bodies_under(&job.image, job.faces.iter().map(|f| &f[..])) {
                    Ok(bodies) => *lock(&out) = bodies,
                    Err(e) => {
                        // Shoulders are left made up from here on; the mirror goes on.
                        tracing::error!("placing bodies stopped: {e}");
                        lock(&out).clear();
                        break;
                    }
                }
            }
        });
        Self { jobs, found, _worker: worker }
    }

    /// Hands over a frame (the newest replaces one not yet taken).
    pub fn offer(&self, job: BodyJob) {
        self.jobs.put(job);
    }

    /// The bodies found in the last frame done.
    pub fn latest(&self) -> Vec<Body> {
        lock(&self.found).clone()
    }
}

fn lock(m: &Mutex<Vec<Body>>) -> std::sync::MutexGuard<'_, Vec<Body>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
