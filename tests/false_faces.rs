//! Things that are not faces stay bare: pictures on which the detector and a landmark model's
//! presence score alone report a face (tests/fixtures/not_faces/README.md) give no face, in still
//! detection and in tracking, with both models; real faces still pass (the astronaut's own face
//! in neck_ring.jpg here, every fixture face in landmark_accuracy.rs).

mod common;

use common::*;
use vanity::capture::still::load_rgb;
use vanity::runtime::SessionConfig;
use vanity::tracking::detector::{FaceDetector, tiles};
use vanity::tracking::landmarker::{Landmarker, MIN_PRESENCE};
use vanity::tracking::{ModelKind, ModelPaths, Tracker, TrackerConfig};

const NOT_FACES: [&str; 6] =
    ["headlight.jpg", "neck_ring.jpg", "cells.png", "clock.png", "coins.png", "colour_wheel.png"];

/// The one real face among them: the astronaut's own, above her neck ring (pixels of neck_ring.jpg).
const ASTRONAUT_FACE_CENTRE: (f32, f32) = (283.0, 117.0);

/// Faces found that are not the astronaut's own face.
fn false_ones(name: &str, faces: &[vanity::tracking::Face]) -> usize {
    let real = |f: &vanity::tracking::Face| {
        let [x, y, w, h] = f.bounding_box();
        let (cx, cy) = ASTRONAUT_FACE_CENTRE;
        name == "neck_ring.jpg" && (x..x + w).contains(&cx) && (y..y + h).contains(&cy)
    };
    faces.iter().filter(|f| !real(f)).count()
}

fn not_face(name: &str) -> image::RgbImage {
    load_rgb(&fixture("not_faces").join(name)).expect("fixture loads")
}

fn paths() -> ModelPaths {
    ModelPaths::new(root().join("models"))
}

/// Candidates the detector (whole frame and tiles) and the model's presence rule alone accept.
fn ungated_candidates(model: ModelKind, image: &image::RgbImage) -> usize {
    let mut detector = FaceDetector::new(&paths().detector(), SessionConfig::default()).expect("detector");
    let mut landmarker = Landmarker::new(&paths().landmarks(model), model, SessionConfig::default()).expect("model");
    let found = detector.detect_tiled(image, &tiles(image.width(), image.height())).expect("detector runs");
    found.iter().filter(|d| landmarker.run(image, &d.roi()).expect("model runs").presence >= MIN_PRESENCE).count()
}

#[test]
fn the_pictures_still_fool_the_ungated_stages() {
    // Without this, a change to the detector could make the tests below pass for nothing.
    for (model, pictures) in [(ModelKind::V1, &["headlight.jpg"][..]), (ModelKind::V2, &NOT_FACES[1..])] {
        for name in pictures {
            let n = ungated_candidates(model, &not_face(name));
            assert!(n >= 1, "{name} ({}): no longer taken for a face before the gate", model.name());
        }
    }
}

#[test]
fn no_face_is_found_in_a_still() {
    for model in [ModelKind::V1, ModelKind::V2] {
        let mut tracker =
            Tracker::new(&paths(), TrackerConfig { model, max_faces: 6, ..TrackerConfig::default() }).expect("models");
        for name in NOT_FACES {
            let faces = tracker.detect_image(&not_face(name)).expect("tracking runs");
            let wrong = false_ones(name, &faces);
            assert_eq!(wrong, 0, "{name} ({}): {wrong} false face(s) found", model.name());
            if name == "neck_ring.jpg" {
                assert_eq!(faces.len(), 1, "the astronaut's own face is still found");
            }
        }
    }
}

#[test]
fn no_face_is_tracked_in_a_still_shown_as_video() {
    // Tracking looks in one tile per search: 40 frames visit every tile of these sizes.
    for model in [ModelKind::V1, ModelKind::V2] {
        for name in NOT_FACES {
            let image = not_face(name);
            let config = TrackerConfig { model, detect_interval: 1, ..TrackerConfig::default() };
            let mut tracker = Tracker::new(&paths(), config).expect("models");
            for i in 0..40 {
                let faces = tracker.track(&image, i as f64 / 30.0).expect("tracking runs");
                let wrong = false_ones(name, &faces);
                assert_eq!(wrong, 0, "{name} ({}): a false face tracked at frame {i}", model.name());
            }
        }
    }
}
