//! Eyeliner as sharp as the picture: the same faces sharp and out of focus (a Gaussian blur), the
//! liner's edge measured in the result against the picture's own lash line at the same places.
//! A liner drawn with a fixed feather stays crisp on a blurred face and looks painted on.

mod common;

use common::paint::*;
use glam::Vec3;
use image::RgbImage;
use vanity::looks::color::srgb8_to_linear;
use vanity::render::eye_edges::EyeEdges;

/// Sharp faces with v2 landmarks (irises), as photographed: the phone photo and the two White
/// House photographs (`tests/fixtures/lips`).
fn faces() -> Vec<(&'static str, RgbImage, Vec<Vec3>)> {
    let (phone, phone_lm) = phone();
    let mut faces = vec![("phone", phone, phone_lm)];
    for name in ["portrait", "speech"] {
        let img = vanity::capture::still::load_rgb(&common::fixture(&format!("lips/{name}.jpg"))).unwrap();
        let r: common::RefImage = common::load(&common::fixture(&format!("lips/{name}_v2.json")));
        faces.push((name, img, r.faces[0].points()));
    }
    faces
}

/// How far the liner drawn on the blurred picture is from the liner drawn on the sharp one and
/// then blurred the same way (what a camera out of focus would have shown): the mean difference
/// in linear luminance over the pixels the liner touches (the blurred sharp result differs from
/// the blurred photo there by more than 2 levels).
fn unlike_the_camera(sharp: &RgbImage, lm: &[Vec3], sigma: f32) -> f32 {
    let liner = look("name = \"t\"\n[eyeliner]\ncolor = \"#111111\"\nthickness = 0.8\nwing = 0.8\n");
    let soft = image::imageops::blur(sharp, sigma);
    let camera = image::imageops::blur(&render(sharp, &[lm.to_vec()], &liner), sigma);
    let drawn = render(&soft, &[lm.to_vec()], &liner);
    let luma = |p: &image::Rgb<u8>| Vec3::from_array(p.0.map(srgb8_to_linear)).dot(Vec3::new(0.2126, 0.7152, 0.0722));
    let (mut sum, mut n) = (0.0, 0usize);
    for (x, y, c) in camera.enumerate_pixels() {
        let (bare, out) = (soft.get_pixel(x, y), drawn.get_pixel(x, y));
        let touched = |a: &image::Rgb<u8>, b: &image::Rgb<u8>| a.0.iter().zip(b.0).any(|(p, q)| p.abs_diff(q) > 2);
        if touched(c, bare) || touched(out, bare) {
            sum += (luma(c) - luma(out)).abs();
            n += 1;
        }
    }
    assert!(n > 100, "the liner touches {n} px");
    sum / n as f32
}

#[test]
fn the_eyeliner_is_as_soft_as_the_picture_at_the_eyes() {
    for (name, sharp, lm) in faces() {
        for sigma in [2.0f32, 3.0] {
            // The picture's own softness at the eyes (the iris against the white) follows the blur.
            let soft = image::imageops::blur(&sharp, sigma);
            let (limbus_sharp, limbus_soft) =
                (EyeEdges::measure(&sharp, &lm).width, EyeEdges::measure(&soft, &lm).width);
            assert!(limbus_soft - limbus_sharp > 1.0, "{name}, sigma {sigma}: the blur does not show at the limbus");
            let ours = unlike_the_camera(&sharp, &lm, sigma);
            // Without irises (a v1 mesh) the liner keeps the fixed feather: a drawn-on edge.
            let fixed = unlike_the_camera(&sharp, &lm[..468], sigma);
            eprintln!(
                "{name}, sigma {sigma}: limbus 20-80 % width {limbus_sharp:.2} -> {limbus_soft:.2} px; liner drawn on \
                 the blurred photo against the sharp one's blurred: mean |difference| in linear luminance \
                 {ours:.4} ({:.0} % of the fixed feather's {fixed:.4})",
                100.0 * ours / fixed
            );
            assert!(ours < 0.9 * fixed, "{name}, sigma {sigma}: {ours:.4} against the fixed feather's {fixed:.4}");
        }
    }
}

#[test]
fn the_liner_s_softness_holds_still_in_video() {
    // The carphone clip tracked as the mirror tracks it (v2, with irises), ×4: each frame's
    // measure of the blur at the eyes moves from frame to frame; as drawn (followed) much less.
    let mut tracker = common::default_tracker(vanity::tracking::ModelKind::V2);
    let mut source = vanity::capture::open(&common::sample("carphone.mp4")).unwrap();
    let (mut last_read, mut last_drawn): (Option<EyeEdges>, Option<EyeEdges>) = (None, None);
    let (mut read_steps, mut drawn_steps, mut measured) = (Vec::new(), Vec::new(), 0);
    let frames = 60;
    for k in 0..frames {
        let small = source.next_frame().unwrap().expect("a frame").image;
        let faces = tracker.track(&small, k as f64 / 30.0).unwrap();
        let Some(face) = faces.first() else { continue };
        let frame = image::imageops::resize(
            &small,
            small.width() * 4,
            small.height() * 4,
            image::imageops::FilterType::Triangle,
        );
        let lm: Vec<Vec3> = face.landmarks.iter().map(|p| *p * 4.0).collect();
        let read = EyeEdges::measure(&frame, &lm);
        if read.width == 0.0 {
            continue;
        }
        measured += 1;
        let drawn = last_drawn.map_or(read, |d| d.follow(&read));
        if let (Some(r), Some(d)) = (last_read, last_drawn) {
            read_steps.push((read.feather_px() - r.feather_px()).abs());
            drawn_steps.push((drawn.feather_px() - d.feather_px()).abs());
        }
        (last_read, last_drawn) = (Some(read), Some(drawn));
    }
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len().max(1) as f32;
    let feather = last_drawn.map_or(0.0, |d| d.feather_px());
    eprintln!(
        "carphone ×4: blur measured in {measured} of {frames} frames, feather {feather:.2} px; mean frame-to-frame change \
         {:.3} px read afresh, {:.3} px as drawn",
        mean(&read_steps),
        mean(&drawn_steps)
    );
    assert!(measured * 5 >= frames * 4, "the blur is measured in {measured} of {frames} frames");
    assert!(mean(&drawn_steps) < 0.5 * mean(&read_steps), "{drawn_steps:?} against {read_steps:?}");
    assert!(mean(&drawn_steps) < 0.1 * feather, "the liner's softness crawls: {drawn_steps:?}");
}
