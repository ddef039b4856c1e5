//! A hand in front of the face is not made up. The fixtures are a real hand photo laid over a real
//! face photo (`tests/fixtures/hands/`, README there), so the hand's true outline is known to the
//! pixel: a "shh" (index finger up across the lips, the fist on the chin) and a finger up the cheek
//! with the fist over the jaw, each also with the hand given the face's own skin colour (a person's
//! own hand, which colour cannot tell from the face). Measured: the hand tracker's joints against
//! MediaPipe Hands', and how much of the hand a look with every face-wide layer and lipstick
//! paints, with and without the hands found.

mod common;

use common::paint::{look, renderer};
use common::pixels::lab;
use common::{fixture, load};
use glam::{Vec2, Vec3};
use image::{GrayImage, RgbImage};
use serde::Deserialize;
use vanity::looks::color::ciede2000;
use vanity::render::FaceDraw;
use vanity::tracking::hands::{FINGER_BASES, Hand, MAX_HANDS, WRIST};
use vanity::tracking::{Face, ModelKind, ModelPaths, Tracker, TrackerConfig};

/// Every layer that paints the face's skin, and lipstick.
const LOOK: &str = r##"
name = "face and lips"
[foundation]
color = "#D9A982"
opacity = 0.6
[blush]
color = "#C05673"
opacity = 0.6
[contour]
color = "#8E6652"
opacity = 0.8
[highlight]
color = "#EED4B4"
opacity = 0.8
[lipstick]
color = "#B0153A"
finish = "matte"
opacity = 1.0
"##;

/// A pixel counts as made up from this CIEDE2000 to the bare photo (a just visible change).
const PAINTED: f32 = 2.0;

#[derive(Debug, Deserialize)]
struct MediaPipeHands {
    hands: Vec<Vec<[f32; 2]>>,
}

/// A fixture: the picture, where the hand truly is, and what the tracker finds in it.
struct HandFixture {
    name: &'static str,
    picture: RgbImage,
    hand: GrayImage,
    faces: Vec<Face>,
    hands: Vec<Hand>,
}

/// The pictures: `shh` and `cheek`, and each with the hand given the face's own skin colour
/// (`_skin`: his plain cheek's; `_fold_skin`: the darker skin in his smile's fold), where only the
/// hand's outline tells it from the face.
const PICTURES: [&str; 6] = ["shh", "cheek", "shh_skin", "cheek_skin", "shh_fold_skin", "cheek_fold_skin"];

/// The fixture `name` (one of [`PICTURES`]).
fn hand_fixture(name: &'static str) -> HandFixture {
    let picture = vanity::capture::still::load_rgb(&fixture(&format!("hands/{name}.jpg"))).unwrap();
    let pose = name.split('_').next().expect("a name");
    let hand = image::open(fixture(&format!("hands/{pose}_hand.png"))).unwrap().to_luma8();
    let (faces, hands) = common::faces_and_hands_in(&picture);
    HandFixture { name, picture, hand, faces, hands }
}

/// The hand's size: wrist to the middle finger's knuckle.
fn hand_size(joints: &[Vec2]) -> f32 {
    joints[WRIST].distance(joints[FINGER_BASES[2]])
}

#[test]
fn hands_over_a_face_are_found_where_mediapipe_finds_them() {
    for name in PICTURES {
        let f = hand_fixture(name);
        let reference: MediaPipeHands = load(&fixture(&format!("hands/{name}_mediapipe.json")));
        assert_eq!(f.faces.len(), 1, "{name}: the face is found with a hand over it");
        assert_eq!(f.hands.len(), 1, "{name}: one hand");
        assert_eq!(reference.hands.len(), 1);
        let theirs: Vec<Vec2> = reference.hands[0].iter().map(|p| Vec2::from_array(*p)).collect();
        let ours: Vec<Vec2> = f.hands[0].joints.iter().map(|p| p.truncate()).collect();
        let size = hand_size(&theirs);
        let errors: Vec<f32> = ours.iter().zip(&theirs).map(|(a, b)| a.distance(*b) / size).collect();
        let mean = errors.iter().sum::<f32>() / errors.len() as f32;
        let max = errors.iter().copied().fold(0.0, f32::max);
        println!(
            "{name}: joints vs MediaPipe mean {:.2} % max {:.2} % of the hand ({size:.0} px)",
            mean * 100.0,
            max * 100.0
        );
        assert!(mean < 0.03 && max < 0.08, "{name}: mean {mean}, max {max}");
        // Every joint lies on the hand (within a few pixels of its true outline).
        let on_hand = ours.iter().filter(|p| near_hand(&f.hand, **p, 4)).count();
        assert_eq!(on_hand, ours.len(), "{name}: {on_hand} of 21 joints on the hand");
    }
}

/// Whether a pixel within `reach` of `p` is hand.
fn near_hand(hand: &GrayImage, p: Vec2, reach: i32) -> bool {
    let (x, y) = (p.x as i32, p.y as i32);
    (-reach..=reach).any(|dy| {
        (-reach..=reach).any(|dx| hand.get_pixel_checked((x + dx) as u32, (y + dy) as u32).is_some_and(|v| v.0[0] > 0))
    })
}

/// Where one rendering put makeup, over the face's box.
struct Painted {
    /// Per pixel of the box: made up (see [`PAINTED`]).
    pixels: Vec<bool>,
    /// Per pixel of the box: hand.
    hand: Vec<bool>,
    /// The box's width.
    width: usize,
}

impl Painted {
    /// Made-up pixels on the hand and off it.
    fn counts(&self) -> (usize, usize) {
        let on = self.pixels.iter().zip(&self.hand).filter(|(p, h)| **p && **h).count();
        (on, self.pixels.iter().filter(|p| **p).count() - on)
    }
}

/// Renders [`LOOK`] on the fixture's face with `hands` in front and compares with the bare photo
/// over the face's box.
fn paint(f: &HandFixture, hands: &[Hand]) -> Painted {
    let made_up = {
        let mut r = renderer().lock().unwrap_or_else(|e| e.into_inner());
        r.set_look(&look(LOOK));
        r.set_hands(hands);
        let out =
            r.render(&f.picture, &[FaceDraw { landmarks: &f.faces[0].landmarks, strength: 1.0 }]).expect("renders");
        if let Some(dir) = std::env::var_os("VANITY_DEBUG_DIR").filter(|_| !hands.is_empty()) {
            let (w, h) = f.picture.dimensions();
            let mask = GrayImage::from_raw(w, h, r.occluders().to_vec()).expect("frame-sized");
            mask.save(std::path::Path::new(&dir).join(format!("{}_occluders.png", f.name))).unwrap();
        }
        r.set_hands(&[]);
        out
    };
    if let Some(dir) = std::env::var_os("VANITY_DEBUG_DIR") {
        let tag = if hands.is_empty() { "without" } else { "with" };
        made_up.save(std::path::Path::new(&dir).join(format!("{}_{tag}_hands.png", f.name))).unwrap();
    }
    let (lo, hi) = vanity::tracking::roi::bounds(&f.faces[0].landmarks);
    let (mut pixels, mut hand) = (Vec::new(), Vec::new());
    let xs = lo.x.max(0.0) as u32..(hi.x as u32).min(f.picture.width());
    let width = xs.len();
    for y in lo.y.max(0.0) as u32..(hi.y as u32).min(f.picture.height()) {
        for x in xs.clone() {
            pixels.push(ciede2000(lab(f.picture.get_pixel(x, y).0), lab(made_up.get_pixel(x, y).0)) > PAINTED);
            hand.push(f.hand.get_pixel(x, y).0[0] > 0);
        }
    }
    Painted { pixels, hand, width }
}

/// Painted hand pixels inside the lips' outline `lips`, and all hand pixels there.
fn lip_hand_painted(landmarks: &[Vec3], lips: &[Vec2], p: &Painted) -> (usize, usize) {
    let (lo, _) = vanity::tracking::roi::bounds(landmarks);
    let (x0, y0) = (lo.x.max(0.0) as u32, lo.y.max(0.0) as u32);
    let (painted, total) = (0..p.pixels.len())
        .filter(|&i| p.hand[i])
        .filter(|&i| {
            let (x, y) = ((i % p.width) as u32 + x0, (i / p.width) as u32 + y0);
            vanity::face::regions::inside(lips, Vec2::new(x as f32 + 0.5, y as f32 + 0.5))
        })
        .fold((0, 0), |(a, b), i| (a + usize::from(p.pixels[i]), b + 1));
    (painted, total)
}

/// Of the hand's pixels the look paints when no hand is known (`bare`), the share `with` paints.
fn hand_painted(bare: &Painted, with: &Painted) -> f32 {
    let exposed: Vec<usize> = (0..bare.pixels.len()).filter(|&i| bare.pixels[i] && bare.hand[i]).collect();
    exposed.iter().filter(|&&i| with.pixels[i]).count() as f32 / exposed.len().max(1) as f32
}

#[test]
fn makeup_leaves_a_hand_in_front_of_the_face_bare() {
    for name in PICTURES {
        let f = hand_fixture(name);
        assert_eq!(f.hands.len(), 1, "{name}: the hand is found");
        let without = paint(&f, &[]);
        let with = paint(&f, &f.hands);
        let ((hand_before, face_before), (_, face_after)) = (without.counts(), with.counts());
        let still = hand_painted(&without, &with);
        println!(
            "{name}: {hand_before} hand pixels made up without the hand known, {:.1} % of them with it; \
             made-up pixels off the hand {face_before} -> {face_after} ({:.1} %)",
            still * 100.0,
            face_after as f32 / face_before as f32 * 100.0
        );
        // The finger across the lips, thin upper lip included: the pixels of the hand inside the
        // lips' outline (lipstick's reach).
        let lips = vanity::face::regions::contour(&f.faces[0].landmarks, &vanity::face::regions::LIPS_OUTER);
        let on_lips = |p: &Painted| lip_hand_painted(f.faces[0].landmarks.as_slice(), &lips, p);
        let (lips_before, lips_after) = (on_lips(&without), on_lips(&with));
        // The "shh" pictures hold a finger across the lips; the cheek ones none.
        if name.starts_with("shh") {
            assert!(lips_before.1 > 1000, "{name}: the finger lies across the lips ({} px)", lips_before.1);
            println!(
                "{name}: finger over the lips ({} px): made up {:.1} % -> {:.1} %",
                lips_before.1,
                lips_before.0 as f32 / lips_before.1 as f32 * 100.0,
                lips_after.0 as f32 / lips_after.1 as f32 * 100.0
            );
            assert!(lips_after.0 * 5 < lips_before.0, "{name}: {lips_after:?} vs {lips_before:?}");
        }
        assert!(hand_before > 1000, "{name}: the look reaches the hand when it is not known ({hand_before})");
        // 1.8-5.7 % with the palm's thickness; 5.2-11.0 % through its joints alone.
        assert!(still < 0.08, "{name}: with the hand found, most of it stays bare ({still})");
        assert!(
            face_after as f32 > 0.95 * face_before as f32,
            "{name}: the visible face keeps its makeup ({face_after} of {face_before})"
        );
    }
}

#[test]
fn a_hand_outline_in_the_wrong_place_is_caught() {
    // The same hand moved by a third of its size: the measure above must see paint on the hand.
    let f = hand_fixture("cheek");
    let joints: Vec<Vec2> = f.hands[0].joints.iter().map(|p| p.truncate()).collect();
    let shift = Vec3::new(hand_size(&joints) / 3.0, 0.0, 0.0);
    let moved = Hand { joints: f.hands[0].joints.iter().map(|p| *p + shift).collect(), presence: 1.0 };
    let without = paint(&f, &[]);
    let (placed, misplaced) =
        (hand_painted(&without, &paint(&f, &f.hands)), hand_painted(&without, &paint(&f, &[moved])));
    println!("cheek: hand still made up {:.1} % in place, {:.1} % moved", placed * 100.0, misplaced * 100.0);
    assert!(misplaced > 0.2 && misplaced > 3.0 * placed, "{misplaced} vs {placed}");
}

#[test]
fn a_hand_is_followed_across_video_frames() {
    // The "shh" picture sliding right 3 px a frame for 12 frames (30 fps): the hand is found on the
    // first frame and followed from its own joints after (the palm detector runs again only every
    // sixth frame, so frames 1-5 are found by following alone).
    let f = hand_fixture("shh");
    let reference: MediaPipeHands = load(&fixture("hands/shh_mediapipe.json"));
    let tip = Vec2::from_array(reference.hands[0][8]);
    let config = TrackerConfig { model: ModelKind::V2, max_hands: MAX_HANDS, ..Default::default() };
    let mut tracker = Tracker::new(&ModelPaths::new(common::root().join("models")), config).unwrap();
    let (w, h) = f.picture.dimensions();
    for k in 0..12u32 {
        let shift = 3 * k;
        let frame = RgbImage::from_fn(w, h, |x, y| *f.picture.get_pixel(x.saturating_sub(shift), y));
        tracker.track(&frame, f64::from(k) / 30.0).unwrap();
        let hands = tracker.hands();
        assert_eq!(hands.len(), 1, "frame {k}: the hand is followed");
        let found = hands[0].joints[8].truncate();
        let expected = tip + Vec2::new(shift as f32, 0.0);
        assert!(found.distance(expected) < 6.0, "frame {k}: fingertip at {found}, expected {expected}");
    }
}
