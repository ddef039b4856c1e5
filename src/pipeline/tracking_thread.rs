//! The tracking thread: takes the newest captured frame, tracks faces, hands the result on.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use image::RgbImage;

use super::body_thread::{BodyJob, BodyThread};
use super::capture_thread::CapturedFrame;
use super::latest::Latest;
use super::recycle::Recycler;
use super::worker::Worker;
use crate::capture::{RawPixels, SourceError};
use crate::tracking::bodies::{Body, BodyFinder};
use crate::tracking::hands::Hand;
use crate::tracking::{Face, Tracker};

/// A frame with its faces: the renderer draws exactly the frame the landmarks belong to.
#[derive(Debug, Clone)]
pub struct TrackedFrame {
    /// The frame.
    pub image: Arc<RgbImage>,
    /// The frame as RGBA for the GPU, converted on this thread (off the UI thread) for the frames
    /// tracked only.
    pub rgba: Arc<Vec<u8>>,
    /// Faces found in it.
    pub faces: Vec<Face>,
    /// Hands found in it (makeup leaves what they cover bare).
    pub hands: Vec<Hand>,
    /// The bodies under its faces (makeup leaves a shoulder in front of a face bare).
    pub bodies: Vec<Body>,
    /// When the frame was captured.
    pub captured: Instant,
    /// Tracker time for this frame.
    pub track_ms: f64,
    /// Capture index.
    pub index: u64,
}

/// Called by a worker thread when it has something new for the UI (a tracked frame): the mirror
/// wakes its event loop with it instead of polling.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// A waker that does nothing (headless use, tests).
pub fn no_waker() -> Waker {
    Arc::new(|| {})
}

/// Handle to a running tracking thread.
pub struct TrackingThread {
    /// Newest result.
    pub results: Latest<TrackedFrame>,
    /// The tracker's error, if it stopped on one.
    pub error: Arc<std::sync::Mutex<Option<String>>>,
    /// What is wrong with the frames being skipped now, once a run of them is long enough to
    /// show ([`SKIPPED_BEFORE_STATUS`]); `None` while frames decode. A camera that delivers only
    /// damaged frames would otherwise leave the mirror frozen on its last picture without a word.
    pub skipping: Arc<std::sync::Mutex<Option<String>>>,
    worker: Worker,
}

/// Frames skipped in a row before the mirror says so (a third of a second at 30 fps): a single
/// damaged file in a looping folder is not worth a flashing status line.
pub const SKIPPED_BEFORE_STATUS: u64 = 10;

impl TrackingThread {
    /// Starts tracking frames from `input` with `tracker` (built by the caller, so a missing
    /// model is reported before any thread starts), placing the bodies under the faces with
    /// `bodies` on a thread of their own when given; `wake` is called after each result.
    pub fn spawn(mut tracker: Tracker, bodies: Option<BodyFinder>, input: Latest<CapturedFrame>, wake: Waker) -> Self {
        let results = Latest::new();
        let error = Arc::new(std::sync::Mutex::new(None));
        let skipping = Arc::new(std::sync::Mutex::new(None));
        let (out, err) = (results.clone(), error.clone());
        let mut undecodable = UndecodableFrames { in_a_row: 0, status: skipping.clone(), wake: wake.clone() };
        let worker = Worker::spawn("tracking", move |halt| {
            let mut buffers = FrameBuffers::default();
            let body_thread = bodies.map(BodyThread::spawn);
            while !halt.load(Ordering::Relaxed) {
                let Some(frame) = input.take_timeout(Duration::from_millis(50)) else {
                    if input.is_closed() {
                        break;
                    }
                    continue;
                };
                let image = match buffers.picture_of(frame.pixels) {
                    Ok(image) => image,
                    Err(e) => {
                        undecodable.report(&e);
                        continue;
                    }
                };
                undecodable.clear();
                // The tracker's own time, as `vanity track` reports it: the decode is not in it.
                let start = Instant::now();
                match tracker.track(&image, frame.time) {
                    Ok(faces) => {
                        let track_ms = start.elapsed().as_secs_f64() * 1e3;
                        tracing::trace!(index = frame.index, track_ms, faces = faces.len(), "tracked");
                        // Converted here, for the frames tracked only (the capture thread hands
                        // on every frame, and most are replaced before they are taken).
                        let mut rgba = buffers.rgba.spare();
                        crate::render::fill_rgba(&image, &mut rgba);
                        let bodies = match &body_thread {
                            Some(thread) => {
                                let faces = faces.iter().map(|f| f.landmarks.clone()).collect();
                                thread.offer(BodyJob { image: image.clone(), faces });
                                thread.latest()
                            }
                            None => tracker.bodies().to_vec(),
                        };
                        out.put(TrackedFrame {
                            image,
                            rgba: buffers.rgba.share(rgba),
                            faces,
                            hands: tracker.hands().to_vec(),
                            bodies,
                            captured: frame.captured,
                            track_ms,
                            index: frame.index,
                        });
                        wake();
                    }
                    Err(e) => {
                        tracing::error!("tracking stopped: {e}");
                        *err.lock().unwrap_or_else(|e| e.into_inner()) = Some(e.to_string());
                        wake();
                        break;
                    }
                }
            }
            out.close();
        });
        Self { results, error, skipping, worker }
    }

    /// Stops the thread and waits for it.
    pub fn stop(mut self) {
        self.worker.stop();
    }
}

/// The tracked frames' pixel buffers, reused once the mirror lets go of them.
struct FrameBuffers {
    images: Recycler<RgbImage>,
    rgba: Recycler<Vec<u8>>,
}

impl Default for FrameBuffers {
    fn default() -> Self {
        // The frame being tracked, the one in the mirror's hand-off slot, the one shown, the
        // shade advisor's waiting job and the one it reads, and the body thread's waiting job
        // and the one it reads (pictures only).
        Self { images: Recycler::new(7), rgba: Recycler::new(3) }
    }
}

impl FrameBuffers {
    /// The frame's picture to track and hand on: decoded into a buffer the mirror has let go of,
    /// or, already decoded into one its source reuses, shared on as it is.
    fn picture_of(&mut self, pixels: RawPixels) -> Result<Arc<RgbImage>, SourceError> {
        match pixels {
            RawPixels::Shared(image) => Ok(image),
            pixels => {
                let spare = self.images.spare();
                Ok(self.images.share(pixels.decode_reusing(spare)?))
            }
        }
    }
}

/// Frames that could not be decoded (a damaged file in a folder, a corrupt camera buffer) are
/// skipped: the mirror keeps showing the last good frame. The first of a run is a warning naming
/// the file or camera; the rest of the run are logged at `trace`, so a broken stream does not
/// flood the log. A long run is also put where the mirror's status line finds it.
struct UndecodableFrames {
    /// Frames skipped since the last good one.
    in_a_row: u64,
    /// [`TrackingThread::skipping`].
    status: Arc<std::sync::Mutex<Option<String>>>,
    /// Wakes the mirror when the status line changes (no new frame would).
    wake: Waker,
}

impl UndecodableFrames {
    fn report(&mut self, error: &crate::capture::SourceError) {
        match self.in_a_row {
            0 => tracing::warn!("skipping a frame that cannot be decoded: {error}"),
            n => tracing::trace!(skipped = n + 1, "skipping a frame that cannot be decoded: {error}"),
        }
        self.in_a_row += 1;
        if self.in_a_row == SKIPPED_BEFORE_STATUS {
            self.set_status(Some(format!("Frames cannot be decoded, skipping them: {error}")));
        }
    }

    fn clear(&mut self) {
        if self.in_a_row > 0 {
            tracing::info!(skipped = self.in_a_row, "frames decode again");
            if self.in_a_row >= SKIPPED_BEFORE_STATUS {
                self.set_status(None);
            }
            self.in_a_row = 0;
        }
    }

    fn set_status(&self, line: Option<String>) {
        *self.status.lock().unwrap_or_else(|e| e.into_inner()) = line;
        (self.wake)();
    }
}
