//! The live path reuses its frame buffers: once running, the tracking thread decodes each 720p
//! frame into, and converts it for the GPU in, buffers the mirror has let go of, instead of
//! allocating 6.4 MB a frame. Its own test binary: the allocator here counts large allocations.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use vanity::pipeline::capture_thread::CapturedFrame;
use vanity::pipeline::{Latest, TrackingThread};
use vanity::tracking::ModelKind;

/// Allocations this large are frame-sized (a 176×144 RGB frame is 74 KiB).
const LARGE: usize = 64 * 1024;

/// Counts large allocations made on the tracking thread while `COUNTING` is set.
struct CountingLarge;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LARGE_ON_TRACKING: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingLarge {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_if_large_on_tracking(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_if_large_on_tracking(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Counts an allocation of `size` bytes if it is frame-sized, made on the tracking thread while
/// counting.
fn count_if_large_on_tracking(size: usize) {
    if size >= LARGE && COUNTING.load(Ordering::Relaxed) && std::thread::current().name() == Some("tracking") {
        LARGE_ON_TRACKING.fetch_add(1, Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingLarge = CountingLarge;

#[test]
fn the_tracking_thread_reuses_frame_buffers_the_mirror_let_go_of_and_shows_each_new_frame() {
    // 1280×720 JPEGs, as a webcam's MJPEG or a folder of phone frames arrive: the sample clip
    // scaled up.
    let dir = tempfile::tempdir().unwrap();
    let mut clip = vanity::capture::open(&sample("carphone.mp4")).unwrap();
    let frames = 30;
    for n in 0..frames {
        let frame = clip.next_frame().unwrap().unwrap();
        let big = image::imageops::resize(&frame.image, 1280, 720, image::imageops::FilterType::Triangle);
        big.save(dir.path().join(format!("{n:03}.jpg"))).unwrap();
    }
    let tracker = default_tracker(ModelKind::V2);
    let slot = Latest::new();
    let tracking = TrackingThread::spawn(tracker, slot.clone(), vanity::pipeline::tracking_thread::no_waker());
    let mut folder = vanity::capture::open(dir.path()).unwrap();
    // The mirror holds the frame it shows until the next one replaces it.
    let mut shown = None;
    let warm_up = 5;
    for index in 0..frames {
        if index == warm_up {
            COUNTING.store(true, Ordering::SeqCst);
        }
        let raw = folder.next_raw().unwrap().unwrap();
        slot.put(CapturedFrame { pixels: raw.pixels, time: raw.time, captured: Instant::now(), index });
        let result = tracking.results.take_timeout(Duration::from_secs(20)).expect("each frame tracked");
        assert_eq!(result.index, index);
        // Each result holds its own frame, not an earlier one left in a reused buffer.
        let expected = vanity::capture::still::load_rgb(&dir.path().join(format!("{index:03}.jpg"))).unwrap();
        assert!(*result.image == expected, "frame {index}: the picture is not the frame's");
        assert!(
            result.rgba.len() == expected.len() / 3 * 4
                && result.rgba.chunks_exact(4).zip(expected.pixels()).all(|(q, p)| q[..3] == p.0 && q[3] == 255),
            "frame {index}: the RGBA is not the frame's"
        );
        shown = Some(result);
    }
    COUNTING.store(false, Ordering::SeqCst);
    let large = LARGE_ON_TRACKING.load(Ordering::SeqCst);
    assert!(shown.is_some());
    slot.close();
    tracking.stop();
    assert_eq!(large, 0, "the tracking thread allocated {large} frame-sized buffers over {} frames", frames - warm_up);
}
