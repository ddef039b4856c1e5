//! The renderer holds its memory steady: every look, lipstick finish and layer rendered for N
//! frames, then 2N more, must not grow peak resident memory by more than a few MB. This runs in
//! its own test binary (its own process), so nothing else moves the numbers.
//!
//! The leak this guards against: on Mesa's lavapipe, a fragment shader that branches (if/else or
//! switch) leaked ~1.3 MB on every draw (docs/lavapipe-leak.md).

mod common;

use common::*;
use image::RgbImage;
use vanity::bench::memory_growth;
use vanity::looks::Look;
use vanity::render::{FaceDraw, GpuContext, Renderer};

/// Growth allowed between N and 3N frames (allocator noise, lazily built driver state).
const ALLOWED_GROWTH_MB: f64 = 8.0;
/// Frames per look in the first pass.
const FRAMES: usize = 10;

fn setup() -> (Renderer, RgbImage, Vec<glam::Vec3>, Vec<Look>) {
    let renderer = Renderer::new(GpuContext::headless().expect("a GPU adapter (lavapipe on CI)"));
    let frame = image::open(sample("astronaut.png")).unwrap().to_rgb8();
    let r: RefImage = load(&fixture("astronaut_v2.json"));
    let landmarks = r.faces[0].points();
    let looks = vanity::render::sheet::entries(&vanity::looks::look::bundled().unwrap())
        .into_iter()
        .map(|(_, look)| look)
        .collect();
    (renderer, frame, landmarks, looks)
}

#[test]
fn every_layer_and_finish_renders_without_growing_memory_and_a_leak_would_be_caught() {
    let (mut renderer, frame, landmarks, looks) = setup();
    let draws = [FaceDraw { landmarks: &landmarks, strength: 1.0 }];
    let mut render = |look: &Look| {
        renderer.set_look(look);
        renderer.render(&frame, &draws).map(|_| ())
    };
    let steady = memory_growth(&looks, FRAMES, &mut render).unwrap().expect("Linux reports peak memory");
    eprintln!(
        "{} looks x {} frames: peak {:.1} MB at N, {:.1} MB at 3N",
        steady.looks, steady.frames_per_look, steady.peak_mb_at_n, steady.peak_mb_at_3n
    );
    assert!(steady.growth_mb() < ALLOWED_GROWTH_MB, "renderer grew {:.1} MB from N to 3N frames", steady.growth_mb());

    // The same check with a deliberate leak of 64 KiB per frame (a tenth of a lavapipe draw's)
    // beside the real rendering: it must fail.
    let mut leaked: Vec<Vec<u8>> = Vec::new();
    let leaky = memory_growth(&looks, FRAMES, |look: &Look| {
        leaked.push(vec![1u8; 64 * 1024]);
        render(look)
    })
    .unwrap()
    .unwrap();
    assert!(
        leaky.growth_mb() >= ALLOWED_GROWTH_MB,
        "a 64 KiB-per-frame leak went unnoticed: {:.1} MB growth",
        leaky.growth_mb()
    );
    assert!(leaked.iter().all(|v| v[0] == 1));
}
