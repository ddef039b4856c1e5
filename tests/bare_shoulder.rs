//! A chin resting on a bare shoulder of the face's own colour, in a real phone photo (a group of
//! four, JPEG with EXIF): what each face-wide layer paints on the shoulder. The shoulder is traced
//! by hand (`tests/fixtures/shoulder`); the faces are tracked in the photo as the mirror tracks
//! them. The foundation still paints most of the shoulder inside the face's outline (the open
//! part of issue 10: nothing in the picture that Vanity reads tells this shoulder from the face);
//! the layers that reach the jaw and cheeks leave it bare.

mod common;

use std::collections::HashSet;

use common::paint::*;
use common::pixels::*;
use glam::{Vec2, Vec3};
use image::RgbImage;
use serde::Deserialize;
use vanity::face::regions::{FACE_OVAL, SKIN_SAMPLES, contour, inside};

/// The hand-traced shoulder, image pixels.
#[derive(Debug, Deserialize)]
struct ShoulderMask {
    shoulder: Vec<[f32; 2]>,
}

/// The group photo, every face tracked in it, the face whose chin rests on the shoulder (its
/// index), and the shoulder's outline.
struct OnAShoulder {
    photo: RgbImage,
    faces: Vec<Vec<Vec3>>,
    resting: usize,
    shoulder: Vec<Vec2>,
}

fn on_a_shoulder() -> OnAShoulder {
    let photo = vanity::capture::still::load_rgb(&common::fixture("shoulder/chin_on_shoulder.jpg")).unwrap();
    let mask: ShoulderMask = common::load(&common::fixture("shoulder/chin_on_shoulder_mask.json"));
    let shoulder: Vec<Vec2> = mask.shoulder.iter().map(|p| Vec2::from_array(*p)).collect();
    let (tracked, _) = common::faces_and_hands_in(&photo);
    let faces: Vec<Vec<Vec3>> = tracked.into_iter().map(|f| f.landmarks).collect();
    // The face whose outline holds the most of the shoulder's outline.
    let overlap = |lm: &Vec<Vec3>| {
        let oval = contour(lm, &FACE_OVAL);
        shoulder.iter().filter(|p| inside(&oval, **p)).count()
    };
    let resting = (0..faces.len()).max_by_key(|&i| overlap(&faces[i])).expect("faces in the photo");
    OnAShoulder { photo, faces, resting, shoulder }
}

/// The photo's size in the face's median skin colour: every pixel is skin there, so a layer
/// paints all it would reach on a face with nothing in front of it.
fn plain_skin(photo: &RgbImage, lm: &[Vec3]) -> RgbImage {
    let mut samples: Vec<[u8; 3]> =
        SKIN_SAMPLES.iter().map(|&i| photo.get_pixel(lm[i as usize].x as u32, lm[i as usize].y as u32).0).collect();
    let median = |c: usize, s: &mut Vec<[u8; 3]>| {
        s.sort_by_key(|p| p[c]);
        s[s.len() / 2][c]
    };
    let colour = [median(0, &mut samples), median(1, &mut samples), median(2, &mut samples)];
    RgbImage::from_pixel(photo.width(), photo.height(), image::Rgb(colour))
}

/// Pixels closer to the traced outline than this are left out: the tracing is good to about a
/// pixel.
const TRACE_MARGIN: f32 = 2.0;

/// Fewest shoulder pixels a layer must reach on a bare face for its spill to be a figure.
const MIN_REACH: usize = 200;

#[test]
fn a_chin_on_a_bare_shoulder_of_the_face_s_colour() {
    let s = on_a_shoulder();
    assert_eq!(s.faces.len(), 4, "the four faces of the group photo");
    let lm = &s.faces[s.resting];
    let oval = contour(lm, &FACE_OVAL);
    let on_shoulder = |p: Vec2| inside(&s.shoulder, p) && edge_distance(&s.shoulder, p) > TRACE_MARGIN;
    let shoulder_in_face: HashSet<(u32, u32)> =
        pixels(&s.photo, |p| inside(&oval, p) && on_shoulder(p)).into_iter().collect();
    let face_share = shoulder_in_face.len() as f32 / pixels(&s.photo, |p| inside(&oval, p)).len() as f32;
    eprintln!("the shoulder covers {} px, {:.1} % of the face's outline", shoulder_in_face.len(), 100.0 * face_share);
    assert!(face_share > 0.05, "the shoulder covers too little of the face to show anything");
    let plain = plain_skin(&s.photo, lm);
    let mut spill_of = Vec::new();
    for (layer, text) in FACE_WIDE_LAYERS {
        let look = look(&format!("name = \"t\"\n{text}"));
        let reach: Vec<(u32, u32)> = painted(&plain, &render(&plain, &s.faces, &look))
            .into_iter()
            .filter(|p| shoulder_in_face.contains(p))
            .collect();
        let done = painted(&s.photo, &render(&s.photo, &s.faces, &look));
        let spill = reach.iter().filter(|p| done.contains(p)).count() as f32 / reach.len().max(1) as f32;
        eprintln!(
            "{layer}: paints {:.1} % of the {} shoulder px it would reach on a bare face",
            100.0 * spill,
            reach.len()
        );
        spill_of.push((layer, reach.len(), spill));
    }
    // Each layer that reaches the shoulder (the blush does, over the lower cheek) leaves it bare,
    // but the foundation: the case still open.
    let measured: Vec<_> =
        spill_of.iter().filter(|(layer, reach, _)| *layer != "foundation" && *reach >= MIN_REACH).collect();
    assert!(!measured.is_empty(), "no layer but the foundation reaches the shoulder: {spill_of:?}");
    for (layer, _, spill) in measured {
        assert!(*spill <= 0.1, "{layer} paints the bare shoulder: {:.1} %", spill * 100.0);
    }
}
