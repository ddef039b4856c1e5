//! The live path reuses its buffers: once running, a folder source reads each file into (a video
//! decodes each frame into), and the tracking thread decodes each 720p frame into and converts it
//! for the GPU in, buffers the next thread has let go of, instead of allocating 6.5 MB a frame;
//! and the renderer works out each frame's makeup (lip edges, light, skin,
//! occluders, vertices) in buffers kept from frame to frame, allocating nothing. Its own test
//! binary: the allocator here counts allocations.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::paint::*;
use common::*;
use glam::Vec3;
use image::RgbImage;
use vanity::pipeline::capture_thread::CapturedFrame;
use vanity::pipeline::{Latest, TrackingThread};
use vanity::render::{FaceDraw, GpuContext, Renderer};
use vanity::tracking::ModelKind;
use vanity::tracking::bodies::Body;
use vanity::tracking::hands::Hand;

/// Allocations this large are frame-sized (a 176×144 RGB frame is 74 KiB).
const LARGE: usize = 64 * 1024;

/// Counts large allocations made on the tracking thread while `COUNTING` is set, and every
/// allocation made on a thread while its own `COUNT_HERE` is set.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LARGE_ON_TRACKING: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether this thread counts every allocation it makes.
    static COUNT_HERE: Cell<bool> = const { Cell::new(false) };
    /// Allocations from this size on count as large here.
    static LARGE_HERE: Cell<usize> = const { Cell::new(usize::MAX) };
    /// How many it made while counting.
    static MADE_HERE: Cell<Allocations> = const { Cell::new(Allocations { all: 0, large: 0 }) };
}

/// Allocations counted on one thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Allocations {
    /// Every allocation (and reallocation).
    all: usize,
    /// Those of the size given to [`allocations_in`] or more.
    large: usize,
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Counts an allocation of `size` bytes: on this thread if it counts, and as frame-sized on the
/// tracking thread if it is and counting is on.
fn count(size: usize) {
    if COUNT_HERE.try_with(Cell::get).unwrap_or(false) {
        let large_here = LARGE_HERE.try_with(Cell::get).unwrap_or(usize::MAX);
        let _ = MADE_HERE.try_with(|n| {
            let Allocations { all, large } = n.get();
            n.set(Allocations { all: all + 1, large: large + usize::from(size >= large_here) });
        });
    }
    if size >= LARGE && COUNTING.load(Ordering::Relaxed) && std::thread::current().name() == Some("tracking") {
        LARGE_ON_TRACKING.fetch_add(1, Ordering::Relaxed);
    }
}

/// What `work` returns, and the allocations it makes on this thread (as large from `large` bytes).
fn allocations_in<T>(large: usize, work: impl FnOnce() -> T) -> (T, Allocations) {
    LARGE_HERE.with(|l| l.set(large));
    MADE_HERE.with(|n| n.set(Allocations::default()));
    COUNT_HERE.with(|c| c.set(true));
    let result = work();
    COUNT_HERE.with(|c| c.set(false));
    (result, MADE_HERE.with(Cell::get))
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn a_live_stream_from_a_folder_or_a_video_reuses_its_frame_buffers_and_shows_each_new_frame() {
    // One after the other: both count on the thread named "tracking".
    let frames = 30;
    // 1280×720 JPEGs, as a webcam's MJPEG or a folder of phone frames arrive: the sample clip
    // scaled up.
    let dir = tempfile::tempdir().unwrap();
    let mut clip = vanity::capture::open(&sample("carphone.mp4")).unwrap();
    let mut originals = Vec::new();
    for n in 0..frames {
        let frame = clip.next_frame().unwrap().unwrap();
        let big = image::imageops::resize(&frame.image, 1280, 720, image::imageops::FilterType::Triangle);
        big.save(dir.path().join(format!("{n:03}.jpg"))).unwrap();
        originals.push(frame.image);
    }
    let file = |index: usize| dir.path().join(format!("{index:03}.jpg"));
    let folder = LiveRun {
        source: vanity::capture::open(dir.path()).unwrap(),
        frames,
        // A read allocates nothing half the file's size or more.
        read_size: &|index| std::fs::metadata(file(index)).unwrap().len() as usize / 2,
        expected: &|index| vanity::capture::still::load_rgb(&file(index)).unwrap(),
    };
    let (tracking, reads) = folder.allocations();
    assert_eq!(tracking, 0, "folder: the tracking thread allocated {tracking} frame-sized buffers");
    assert_eq!(reads, 0, "folder: reading the files allocated {reads} file-sized buffers");
    // The video itself (176×144, 74 KiB a frame), decoded on the capture side.
    let video = LiveRun {
        source: vanity::capture::open(&sample("carphone.mp4")).unwrap(),
        frames,
        read_size: &|_| LARGE,
        expected: &|index| originals[index].clone(),
    };
    let (tracking, reads) = video.allocations();
    assert_eq!(tracking, 0, "video: the tracking thread allocated {tracking} frame-sized buffers");
    assert_eq!(reads, 0, "video: decoding allocated {reads} frame-sized buffers");
}

/// A source's frames through a tracking thread, as the live mirror takes them.
struct LiveRun<'a> {
    source: Box<dyn vanity::capture::FrameSource>,
    frames: usize,
    /// For each frame, from what size an allocation while reading it counts.
    read_size: &'a dyn Fn(usize) -> usize,
    /// Each frame's pixels.
    expected: &'a dyn Fn(usize) -> RgbImage,
}

impl LiveRun<'_> {
    /// Frame-sized allocations over the frames after a warm-up: on the tracking thread, and
    /// while the source reads. Checks that each result holds its own frame (not an earlier one
    /// left in a reused buffer), as picture and as RGBA, while the mirror holds the one before.
    fn allocations(mut self) -> (usize, usize) {
        let slot = Latest::new();
        let tracking = TrackingThread::spawn(
            default_tracker(ModelKind::V2),
            None,
            slot.clone(),
            vanity::pipeline::tracking_thread::no_waker(),
        );
        LARGE_ON_TRACKING.store(0, Ordering::SeqCst);
        // The mirror holds the frame it shows until the next one replaces it, and the shade
        // advisor the pictures of the two before (the job it reads and the one waiting): the
        // most frames the live path holds at once, so a recycler keeping too few is caught.
        let mut shown: Option<vanity::pipeline::TrackedFrame> = None;
        let mut advisor: std::collections::VecDeque<std::sync::Arc<RgbImage>> = Default::default();
        let warm_up = 5;
        let mut large_reads = 0;
        for index in 0..self.frames {
            if index == warm_up {
                COUNTING.store(true, Ordering::SeqCst);
            }
            let (raw, read) = allocations_in((self.read_size)(index), || self.source.next_raw().unwrap().unwrap());
            if index >= warm_up {
                large_reads += read.large;
            }
            slot.put(CapturedFrame {
                pixels: raw.pixels,
                time: raw.time,
                captured: Instant::now(),
                index: index as u64,
            });
            let result = tracking.results.take_timeout(Duration::from_secs(20)).expect("each frame tracked");
            assert_eq!(result.index, index as u64);
            let expected = (self.expected)(index);
            assert!(*result.image == expected, "frame {index}: the picture is not the frame's");
            assert!(
                result.rgba.len() == expected.len() / 3 * 4
                    && result.rgba.chunks_exact(4).zip(expected.pixels()).all(|(q, p)| q[..3] == p.0 && q[3] == 255),
                "frame {index}: the RGBA is not the frame's"
            );
            if let Some(previous) = shown.replace(result) {
                advisor.push_back(previous.image.clone());
                if advisor.len() > 2 {
                    advisor.pop_front();
                }
            }
        }
        COUNTING.store(false, Ordering::SeqCst);
        assert!(shown.is_some() && advisor.len() == 2);
        slot.close();
        tracking.stop();
        (LARGE_ON_TRACKING.load(Ordering::SeqCst), large_reads)
    }
}

/// Frames to prepare makeup for, each with its faces, the hands in front of them and the bodies
/// under them.
struct Scene {
    name: &'static str,
    frames: Vec<(RgbImage, Vec<Vec<Vec3>>)>,
    hands: Vec<Hand>,
    bodies: Vec<Body>,
}

/// The sample clip with MediaPipe's landmarks on every frame they were taken for (one face that
/// moves, talks and turns).
fn clip_scene() -> Scene {
    let reference: RefVideo = load(&fixture("carphone_track_v1.json"));
    let mut clip = vanity::capture::open(&sample("carphone.mp4")).unwrap();
    let mut pictures = Vec::new();
    let last = reference.frames.iter().map(|f| f.index).max().unwrap();
    while pictures.len() <= last {
        pictures.push(clip.next_frame().unwrap().unwrap().image);
    }
    let frames = reference
        .frames
        .iter()
        .filter(|f| !f.faces.is_empty())
        .map(|f| (pictures[f.index].clone(), f.faces.iter().map(RefFace::points).collect()))
        .collect();
    Scene { name: "the sample clip", frames, hands: Vec::new(), bodies: Vec::new() }
}

/// A photo shown as a still video (the same frame again and again).
fn still_scene(name: &'static str, picture: RgbImage, faces: Vec<Vec<Vec3>>, hands: Vec<Hand>) -> Scene {
    Scene { name, frames: vec![(picture, faces); 4], hands, bodies: Vec::new() }
}

/// A finger over the lips, with the face and the hand the tracker finds.
fn hand_scene() -> Scene {
    let picture = vanity::capture::still::load_rgb(&fixture("hands/shh.jpg")).unwrap();
    let (faces, hands) = faces_and_hands_in(&picture);
    let faces = faces.into_iter().map(|f| f.landmarks).collect();
    assert_eq!(hands.len(), 1, "the hand is found");
    still_scene("a finger on the lips", picture, faces, hands)
}

/// A chin on a bare shoulder, with the faces, hands and bodies the tracker finds.
fn shoulder_scene() -> Scene {
    let picture = vanity::capture::still::load_rgb(&fixture("shoulder/chin_on_shoulder.jpg")).unwrap();
    let tracked = common::tracked_for_makeup(&picture);
    let faces = tracked.faces.into_iter().map(|f| f.landmarks).collect();
    assert!(!tracked.bodies.is_empty(), "the bodies are placed");
    Scene { bodies: tracked.bodies, ..still_scene("a chin on a shoulder", picture, faces, tracked.hands) }
}

#[test]
fn preparing_a_frame_s_makeup_allocates_nothing_once_its_buffers_have_grown() {
    let mut renderer = Renderer::new(GpuContext::headless().expect("a GPU adapter (lavapipe on CI)"));
    renderer.set_look(&vanity::looks::Look::load(&root().join("assets/looks/glam.toml")).unwrap());
    let (mouth, mouth_faces) = open_mouth();
    let (people, group_faces) = group();
    // A close face: the phone photo at three times its size (3240×4320), its eye whites
    // some 650 pixels.
    let (photo, photo_face) = phone();
    let (w, h) = photo.dimensions();
    let photo = image::imageops::resize(&photo, w * 3, h * 3, image::imageops::FilterType::Triangle);
    let photo_face = photo_face.iter().map(|p| *p * 3.0).collect();
    let scenes = [
        clip_scene(),
        hand_scene(),
        shoulder_scene(),
        still_scene("an open mouth", mouth, vec![mouth_faces], Vec::new()),
        still_scene("a group photo", people, group_faces, Vec::new()),
        still_scene("a close face", photo, vec![photo_face], Vec::new()),
    ];
    for scene in &scenes {
        renderer.set_hands(&scene.hands);
        renderer.set_bodies(&scene.bodies);
        // The first pass grows the buffers to the scene's largest frame; the second runs in them.
        let growing = prepare_scene(&mut renderer, scene);
        let made = prepare_scene(&mut renderer, scene);
        eprintln!("{}: {growing} then {made} allocations over {} frames", scene.name, scene.frames.len());
        assert_eq!(made, 0, "{}: preparing {} frames made {made} allocations", scene.name, scene.frames.len());
    }
}

/// Prepares the makeup of every frame of `scene`: how many allocations that made.
fn prepare_scene(renderer: &mut Renderer, scene: &Scene) -> usize {
    let mut made = 0;
    for (picture, faces) in &scene.frames {
        let draws: Vec<FaceDraw> = faces.iter().map(|l| FaceDraw { landmarks: l, strength: 1.0 }).collect();
        made += allocations_in(usize::MAX, || renderer.prepare(picture, &draws)).1.all;
        // The work was done: the hand or shoulder is found covering the face, and nothing
        // without one.
        let covered = renderer.occluders().iter().filter(|c| **c > 0).count();
        let expected = !scene.hands.is_empty() || !scene.bodies.is_empty();
        assert_eq!(covered > 0, expected, "{}: {covered} pixels covered", scene.name);
    }
    made
}
