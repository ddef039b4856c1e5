//! The live pipeline without a window: capture thread → newest-frame slot → tracking thread.

mod common;

use std::time::Duration;

use common::*;
use vanity::pipeline::{CaptureThread, TrackingThread};
use vanity::tracking::{ModelKind, ModelPaths, Tracker, TrackerConfig};

#[test]
fn frames_flow_from_capture_through_tracking_newest_first() {
    let tracker = Tracker::new(
        &ModelPaths::new(root().join("models")),
        TrackerConfig { model: ModelKind::V1, ..TrackerConfig::default() },
    )
    .unwrap();
    let capture = CaptureThread::spawn_file(&sample("carphone.mp4"), false).unwrap();
    let tracking =
        TrackingThread::spawn(tracker, capture.frames.clone(), vanity::pipeline::tracking_thread::no_waker());
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
