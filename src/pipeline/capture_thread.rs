//! The capture thread: reads a source at its own pace and hands the newest frame on.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::latest::Latest;
use super::worker::Worker;
use crate::capture::still::ImageSource;
use crate::capture::{self, FrameSource, RawPixels, SourceError};

/// A frame as captured.
#[derive(Debug, Clone)]
pub struct CapturedFrame {
    /// Pixels as the source delivered them: a camera's MJPEG or a folder's JPEG is decoded by
    /// the tracking thread when it takes the frame, so frames replaced before then cost nothing.
    pub pixels: RawPixels,
    /// Seconds on the source's clock (grows across loops).
    pub time: f64,
    /// When it was handed over: the start of capture → present latency.
    pub captured: Instant,
    /// Frame number since the thread started.
    pub index: u64,
}

/// What the capture thread is doing, for the status line on screen.
#[derive(Debug, Clone, PartialEq)]
pub enum CaptureStatus {
    /// Opening the source.
    Starting,
    /// Delivering frames.
    Running,
    /// The source failed; retrying.
    Reconnecting(String),
    /// A file source reached its end (not looping).
    Ended,
}

/// Handle to a running capture thread.
pub struct CaptureThread {
    /// Newest frame.
    pub frames: Latest<CapturedFrame>,
    status: Arc<Mutex<CaptureStatus>>,
    worker: Worker,
}

/// Frames a still is shown as (2 s at 30 fps): enough for tracking to search every tile of the
/// picture and settle, and for the advisor's measurement.
pub const STILL_FRAMES: u32 = 60;

/// How long to wait before reopening a failed source.
const RETRY: Duration = Duration::from_millis(500);

impl CaptureThread {
    /// Plays a file source (image, folder or video), paced at its frame rate, looping if asked.
    /// The source is opened here first so that a bad path fails now, with its message.
    pub fn spawn_file(path: &Path, looped: bool) -> Result<Self, SourceError> {
        let first = capture::open(path)?;
        let path = path.to_path_buf();
        Ok(Self::spawn(move || capture::open(&path), Some(first), looped))
    }

    /// Shows a still image as [`STILL_FRAMES`] frames, then ends (the picture holds: nothing new,
    /// nothing tracked or redrawn). Decoded once and scaled down to fit `max_width`×`max_height`
    /// (the display), so a huge photo costs neither memory nor a decode per frame.
    pub fn spawn_still(path: &Path, max_width: u32, max_height: u32) -> Result<Self, SourceError> {
        let image = Arc::new(capture::still::fit_within(capture::still::load_rgb(path)?, max_width, max_height));
        let open = move || Ok(Box::new(ImageSource::repeated((*image).clone(), STILL_FRAMES)) as Box<dyn FrameSource>);
        Ok(Self::spawn(open, None, false))
    }

    /// Runs `open` (again after failures), delivering frames until stopped.
    pub fn spawn<F>(open: F, first: Option<Box<dyn FrameSource>>, looped: bool) -> Self
    where
        F: Fn() -> Result<Box<dyn FrameSource>, SourceError> + Send + 'static,
    {
        let frames = Latest::new();
        let status = Arc::new(Mutex::new(CaptureStatus::Starting));
        let (out, st) = (frames.clone(), status.clone());
        let worker = Worker::spawn("capture", move |stop| run(open, first, looped, out, st, stop));
        Self { frames, status, worker }
    }

    /// The thread's current state.
    pub fn status(&self) -> CaptureStatus {
        self.status.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Stops the thread and waits for it.
    pub fn stop(mut self) {
        self.worker.stop();
    }
}

/// Sleeps for `d`, waking early when `stop` turns true: stopping or switching cameras never waits
/// out a retry.
fn pause(d: Duration, stop: &AtomicBool) {
    let until = Instant::now() + d;
    while !stop.load(Ordering::Relaxed) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(STOP_CHECK));
    }
}

/// How often a pause looks at the stop flag.
const STOP_CHECK: Duration = Duration::from_millis(10);

fn set(status: &Mutex<CaptureStatus>, s: CaptureStatus) {
    let mut cur = status.lock().unwrap_or_else(|e| e.into_inner());
    if *cur != s {
        match &s {
            CaptureStatus::Reconnecting(why) => tracing::warn!("capture: {why}; reconnecting"),
            other => tracing::info!("capture: {other:?}"),
        }
        *cur = s;
    }
}

fn run<F>(
    open: F,
    mut first: Option<Box<dyn FrameSource>>,
    looped: bool,
    out: Latest<CapturedFrame>,
    status: Arc<Mutex<CaptureStatus>>,
    stop: Arc<AtomicBool>,
) where
    F: Fn() -> Result<Box<dyn FrameSource>, SourceError>,
{
    let start = Instant::now();
    let mut index = 0u64;
    // Source time already played in earlier loops.
    let mut offset = 0.0f64;
    while !stop.load(Ordering::Relaxed) {
        let mut source = match first.take().map(Ok).unwrap_or_else(&open) {
            Ok(s) => s,
            Err(e) => {
                set(&status, CaptureStatus::Reconnecting(e.to_string()));
                pause(RETRY, &stop);
                continue;
            }
        };
        set(&status, CaptureStatus::Running);
        let mut last = 0.0;
        loop {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            match source.next_raw() {
                Ok(Some(frame)) => {
                    let time = offset + frame.time;
                    last = frame.time;
                    // Pace to the source's clock: a file plays at its own frame rate.
                    let due = start + Duration::from_secs_f64(time);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        pause(wait, &stop);
                    }
                    tracing::trace!(index, "frame captured");
                    out.put(CapturedFrame { pixels: frame.pixels, time, captured: Instant::now(), index });
                    index += 1;
                }
                Ok(None) => break,
                Err(e) => {
                    set(&status, CaptureStatus::Reconnecting(e.to_string()));
                    pause(RETRY, &stop);
                    break;
                }
            }
        }
        if !looped
            && !stop.load(Ordering::Relaxed)
            && *status.lock().unwrap_or_else(|e| e.into_inner()) == CaptureStatus::Running
        {
            set(&status, CaptureStatus::Ended);
            break;
        }
        offset += last + 1.0 / capture::DEFAULT_FPS;
    }
    out.close();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{EncodedPicture, RawFrame};
    use image::RgbImage;
    use std::sync::atomic::AtomicUsize;

    /// A compressed picture that counts its decodes.
    struct CountedPicture {
        decodes: Arc<AtomicUsize>,
    }

    impl EncodedPicture for CountedPicture {
        fn decode_reusing(&self, _spare: RgbImage) -> Result<RgbImage, SourceError> {
            self.decodes.fetch_add(1, Ordering::SeqCst);
            Ok(RgbImage::new(8, 8))
        }
    }

    /// A camera stand-in delivering undecoded pictures at 500 fps, faster than anyone takes them.
    struct Compressed {
        decodes: Arc<AtomicUsize>,
        delivered: Arc<AtomicUsize>,
    }

    impl FrameSource for Compressed {
        fn next_frame(&mut self) -> Result<Option<capture::Frame>, SourceError> {
            self.next_raw()?.map(RawFrame::decode).transpose()
        }
        fn next_raw(&mut self) -> Result<Option<RawFrame>, SourceError> {
            let n = self.delivered.fetch_add(1, Ordering::SeqCst);
            let picture = CountedPicture { decodes: self.decodes.clone() };
            Ok(Some(RawFrame { pixels: RawPixels::Encoded(Arc::new(picture)), time: n as f64 / 500.0 }))
        }
        fn size(&self) -> (u32, u32) {
            (8, 8)
        }
    }

    #[test]
    fn compressed_frames_are_decoded_only_when_taken() {
        let (decodes, delivered) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let source = Compressed { decodes: decodes.clone(), delivered: delivered.clone() };
        let open = || Err::<Box<dyn FrameSource>, _>(SourceError::Camera { index: 0, reason: "only once".into() });
        let cap = CaptureThread::spawn(open, Some(Box::new(source)), true);
        let mut taken = 0;
        while taken < 10 {
            if let Some(frame) = cap.frames.take_timeout(Duration::from_secs(2)) {
                std::thread::sleep(Duration::from_millis(20)); // a slow consumer: tracking
                assert_eq!(frame.pixels.decode().unwrap().dimensions(), (8, 8));
                taken += 1;
            }
        }
        cap.stop();
        let (decodes, delivered) = (decodes.load(Ordering::SeqCst), delivered.load(Ordering::SeqCst));
        assert!(delivered > 3 * taken, "the source delivered {delivered} frames while {taken} were taken");
        assert_eq!(decodes, taken, "decoded {decodes} of {delivered} delivered frames; {taken} were taken");
    }

    #[test]
    fn plays_a_video_at_its_frame_rate_and_ends() {
        let path = crate::data::sample_video();
        let cap = CaptureThread::spawn_file(&path, false).unwrap();
        let start = Instant::now();
        let mut seen = Vec::new();
        while let Some(f) = cap.frames.take_timeout(Duration::from_secs(2)) {
            seen.push(f.index);
        }
        let elapsed = start.elapsed().as_secs_f64();
        assert_eq!(cap.status(), CaptureStatus::Ended);
        // 120 frames at 30 fps: about 4 s, never faster than the clip.
        assert!(elapsed > 3.5, "played in {elapsed:.2} s");
        assert!(seen.len() > 100, "consumer saw {} frames", seen.len());
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "frames out of order");
    }

    /// A camera stand-in that delivers `frames` frames and then fails, as an unplugged camera does.
    struct Flaky {
        frames: usize,
    }

    impl FrameSource for Flaky {
        fn next_frame(&mut self) -> Result<Option<capture::Frame>, SourceError> {
            if self.frames == 0 {
                return Err(SourceError::Camera { index: 0, reason: "device unplugged".into() });
            }
            self.frames -= 1;
            Ok(Some(capture::Frame { image: RgbImage::new(8, 8), time: 0.0 }))
        }
        fn size(&self) -> (u32, u32) {
            (8, 8)
        }
    }

    #[test]
    fn a_camera_that_fails_mid_session_reconnects_and_recovers_without_leaking_threads() {
        for _ in 0..3 {
            // The first reopen fails (still unplugged), later ones work again.
            let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let counter = attempts.clone();
            let open = move || match counter.fetch_add(1, Ordering::SeqCst) {
                0 => Err(SourceError::Camera { index: 0, reason: "no such device".into() }),
                _ => Ok(Box::new(Flaky { frames: 1_000_000 }) as Box<dyn FrameSource>),
            };
            let cap = CaptureThread::spawn(open, Some(Box::new(Flaky { frames: 5 })), true);
            let mut seen = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut reconnecting = false;
            while Instant::now() < deadline
                && !(reconnecting && cap.status() == CaptureStatus::Running && seen.len() > 20)
            {
                if let CaptureStatus::Reconnecting(why) = cap.status() {
                    assert!(why.contains("unplugged") || why.contains("no such device"), "{why}");
                    reconnecting = true;
                }
                if let Some(f) = cap.frames.take_timeout(Duration::from_millis(20)) {
                    seen.push(f.index);
                }
            }
            assert!(reconnecting, "the failure was reported as reconnecting");
            assert_eq!(cap.status(), CaptureStatus::Running, "recovered");
            assert!(seen.len() > 20 && seen.windows(2).all(|w| w[0] < w[1]), "frames flow again, in order");
            // Stopping during a retry pause does not wait it out.
            let start = Instant::now();
            cap.stop();
            assert!(start.elapsed() < RETRY, "stop took {:?}", start.elapsed());
            // The thread is gone with everything it held (its reopen closure shares `attempts`).
            assert_eq!(Arc::strong_count(&attempts), 1, "the capture thread outlived stop()");
        }
    }

    #[test]
    fn stopping_a_source_that_keeps_failing_does_not_wait_for_the_retry() {
        let open = || Err::<Box<dyn FrameSource>, _>(SourceError::Camera { index: 0, reason: "gone".into() });
        let cap = CaptureThread::spawn(open, None, true);
        std::thread::sleep(Duration::from_millis(100));
        assert!(matches!(cap.status(), CaptureStatus::Reconnecting(_)));
        let start = Instant::now();
        cap.stop();
        assert!(start.elapsed() < RETRY, "stop took {:?} (the retry pause is {RETRY:?})", start.elapsed());
    }

    #[test]
    fn bad_paths_fail_before_the_thread_starts() {
        let e = CaptureThread::spawn_file(Path::new("/nonexistent/clip.mp4"), true).err().unwrap();
        assert!(e.to_string().contains("/nonexistent/clip.mp4"));
    }
}
