//! The live pipeline without a window: capture thread → newest-frame slot → tracking thread.

mod common;

use std::time::{Duration, Instant};

use common::*;
use vanity::capture::RawPixels;
use vanity::pipeline::capture_thread::CapturedFrame;
use vanity::pipeline::{CaptureThread, Latest, TrackingThread};
use vanity::tracking::ModelKind;

#[test]
fn frames_flow_from_capture_through_tracking_newest_first() {
    let tracker = default_tracker(ModelKind::V1);
    let capture = CaptureThread::spawn_file(&sample("carphone.mp4"), false).unwrap();
    let tracking =
        TrackingThread::spawn(tracker, None, capture.frames.clone(), vanity::pipeline::tracking_thread::no_waker());
    let mut last = None;
    let mut results = 0;
    while let Some(r) = tracking.results.take_timeout(Duration::from_secs(3)) {
        assert_eq!(r.faces.len(), 1, "frame {}", r.index);
        assert_eq!(r.image.dimensions(), (176, 144));
        // The capture thread converted it for the GPU: the same pixels, opaque.
        assert_eq!(r.rgba.len(), 176 * 144 * 4);
        assert!(r.rgba.chunks_exact(4).zip(r.image.pixels()).all(|(q, p)| q[..3] == p.0 && q[3] == 255));
        if let Some(prev) = last {
            assert!(r.index > prev, "results out of order");
        }
        last = Some(r.index);
        results += 1;
    }
    assert!(results > 50, "only {results} results");
    assert!(tracking.error.lock().unwrap().is_none());
    // The slot kept only newest frames: whatever was not tracked in time was dropped, not queued.
    let delivered = last.unwrap() + 1;
    assert!(delivered >= 119, "capture stopped early at {delivered}");
    capture.stop();
    tracking.stop();
}

#[test]
fn the_bodies_under_the_faces_come_with_the_tracked_frames() {
    let tracker = default_tracker(ModelKind::V1);
    let paths = vanity::tracking::ModelPaths::new(root().join("models"));
    let bodies = vanity::tracking::bodies::BodyFinder::new(&paths.bodies(), Default::default()).unwrap();
    let capture = CaptureThread::spawn_file(&sample("carphone.mp4"), false).unwrap();
    let tracking = TrackingThread::spawn(
        tracker,
        Some(bodies),
        capture.frames.clone(),
        vanity::pipeline::tracking_thread::no_waker(),
    );
    let (mut results, mut with_body) = (0, 0);
    while let Some(r) = tracking.results.take_timeout(Duration::from_secs(3)) {
        results += 1;
        // Placed on their own thread, a frame or two behind: the body under the face, its
        // shoulders below the eyes (in a close-up like this the pose model puts them about level
        // with the chin).
        if let Some(body) = r.bodies.first() {
            with_body += 1;
            let eyes = r.faces[0].landmarks[33].y.max(r.faces[0].landmarks[263].y);
            assert!(
                body.joints[11].y > eyes && body.joints[12].y > eyes,
                "frame {}: {:?}",
                r.index,
                &body.joints[11..13]
            );
        }
    }
    assert!(results > 30, "only {results} results");
    assert!(with_body * 10 >= results * 9, "bodies with only {with_body} of {results} frames");
    assert!(tracking.error.lock().unwrap().is_none());
    capture.stop();
    tracking.stop();
}

#[test]
fn a_damaged_frame_in_a_folder_is_skipped_and_tracking_goes_on() {
    // 12 frames of the sample clip as JPEGs, the tenth replaced by a file cut off half-way.
    let dir = tempfile::tempdir().unwrap();
    let mut clip = vanity::capture::open(&sample("carphone.mp4")).unwrap();
    for n in 0..12 {
        let frame = clip.next_frame().unwrap().unwrap();
        frame.image.save(dir.path().join(format!("{n:03}.jpg"))).unwrap();
    }
    let damaged = dir.path().join("009.jpg");
    let bytes = std::fs::read(&damaged).unwrap();
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();

    let tracker = default_tracker(ModelKind::V1);
    // Frames go in one at a time, as the capture thread hands them on: read, not decoded.
    let slot = Latest::new();
    let tracking = TrackingThread::spawn(tracker, None, slot.clone(), vanity::pipeline::tracking_thread::no_waker());
    let mut folder = vanity::capture::open(dir.path()).unwrap();
    let mut index = 0;
    while let Some(raw) = folder.next_raw().unwrap() {
        assert!(matches!(raw.pixels, RawPixels::Encoded(_)));
        slot.put(CapturedFrame { pixels: raw.pixels, time: raw.time, captured: Instant::now(), index });
        if index == 9 {
            std::thread::sleep(Duration::from_millis(300));
        } else {
            let r = tracking.results.take_timeout(Duration::from_secs(10)).expect("a result per good frame");
            assert_eq!((r.index, r.faces.len()), (index, 1), "after frame {index}");
        }
        index += 1;
    }
    assert_eq!(index, 12);
    assert!(tracking.error.lock().unwrap().is_none(), "a bad frame is not a tracker error");
    assert!(tracking.results.try_take().is_none(), "nothing came of the damaged frame");
    slot.close();
    tracking.stop();
}

/// Waits up to `limit` for `done`, checking every few milliseconds.
fn wait_for(limit: Duration, done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    done()
}

#[test]
fn a_run_of_undecodable_frames_is_told_to_the_mirror_and_forgotten_once_frames_decode() {
    use vanity::pipeline::tracking_thread::SKIPPED_BEFORE_STATUS;
    // A good frame, a run of frames cut off half-way (a camera sending damaged MJPEG), a good one.
    let dir = tempfile::tempdir().unwrap();
    let mut clip = vanity::capture::open(&sample("carphone.mp4")).unwrap();
    let frame = clip.next_frame().unwrap().unwrap();
    let damaged = SKIPPED_BEFORE_STATUS as usize + 2;
    for n in 0..damaged + 2 {
        let path = dir.path().join(format!("{n:03}.jpg"));
        frame.image.save(&path).unwrap();
        if (1..=damaged).contains(&n) {
            let bytes = std::fs::read(&path).unwrap();
            std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        }
    }
    let tracker = default_tracker(ModelKind::V1);
    let woken = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = woken.clone();
    let wake: vanity::pipeline::tracking_thread::Waker =
        std::sync::Arc::new(move || _ = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
    let slot = Latest::new();
    let tracking = TrackingThread::spawn(tracker, None, slot.clone(), wake);
    let status = || tracking.skipping.lock().unwrap().clone();
    let mut folder = vanity::capture::open(dir.path()).unwrap();
    let mut put = |index: u64| {
        let raw = folder.next_raw().unwrap().unwrap();
        slot.put(CapturedFrame { pixels: raw.pixels, time: raw.time, captured: Instant::now(), index });
    };
    put(0);
    assert!(tracking.results.take_timeout(Duration::from_secs(10)).is_some(), "the first frame is tracked");
    for index in 1..=damaged as u64 {
        put(index);
        // Taken (and skipped) before the next goes in, as a camera's frames would be at this pace.
        assert!(wait_for(Duration::from_secs(5), || !slot.is_waiting()), "frame {index} taken");
        if index < SKIPPED_BEFORE_STATUS {
            assert_eq!(status(), None, "after {index} damaged frames: too few to tell");
        }
    }
    let woken_before = woken.load(std::sync::atomic::Ordering::SeqCst);
    assert!(wait_for(Duration::from_secs(5), || status().is_some()), "a long run of damaged frames is told");
    let line = status().unwrap();
    assert!(line.contains("cannot be decoded") && line.contains(".jpg") && line.contains("cut off"), "{line}");
    assert!(woken_before >= 2, "the mirror was woken to show it (woken {woken_before} times)");
    put(damaged as u64 + 1);
    assert!(tracking.results.take_timeout(Duration::from_secs(10)).is_some(), "a good frame is tracked again");
    assert!(
        wait_for(Duration::from_secs(5), || status().is_none()),
        "the status goes once frames decode: {:?}",
        status()
    );
    slot.close();
    tracking.stop();
}
