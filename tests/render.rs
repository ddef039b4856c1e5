//! Makeup layers rendered on real faces (MediaPipe's landmarks from the fixtures), checked by
//! colour statistics inside and outside their regions. Runs on any GPU, or on Mesa's software
//! Vulkan (lavapipe) where there is none.

mod common;

use std::sync::{Mutex, OnceLock};

use common::*;
use glam::{Vec2, Vec3};
use image::RgbImage;
use vanity::face::regions::{FACE_OVAL, LIPS_INNER, LIPS_OUTER, RIGHT_EYE};
use vanity::looks::color::{ciede2000, linear_to_lab, srgb_to_linear};
use vanity::looks::{Finish, Look, Srgb};
use vanity::render::{FaceDraw, GpuContext, Renderer};
use vanity::tracking::tracker::inter_ocular;

/// One renderer for all tests: pipelines are built once, as in the app.
fn renderer() -> &'static Mutex<Renderer> {
    static R: OnceLock<Mutex<Renderer>> = OnceLock::new();
    R.get_or_init(|| Mutex::new(Renderer::new(GpuContext::headless().expect("a GPU adapter (lavapipe on CI)"))))
}

fn render(frame: &RgbImage, faces: &[Vec<Vec3>], look: &Look) -> RgbImage {
    let mut r = renderer().lock().unwrap_or_else(|e| e.into_inner());
    r.set_look(look);
    let draws: Vec<FaceDraw> = faces.iter().map(|l| FaceDraw { landmarks: l, strength: 1.0 }).collect();
    r.render(frame, &draws).expect("renders")
}

fn look(text: &str) -> Look {
    Look::parse(text, std::path::Path::new("test.toml")).expect("valid look")
}

/// The astronaut and MediaPipe's v2 landmarks for her.
fn astronaut() -> (RgbImage, Vec<Vec3>) {
    let img = vanity::capture::still::load_rgb(&sample("astronaut.png")).unwrap();
    let r: RefImage = load(&fixture("astronaut_v2.json"));
    (img, r.faces[0].points())
}

/// The astronaut ×2 (her lips are only about 35×12 pixels in the original).
fn astronaut_x2() -> (RgbImage, Vec<Vec3>) {
    let (img, lm) = astronaut();
    let big = image::imageops::resize(&img, img.width() * 2, img.height() * 2, image::imageops::FilterType::Triangle);
    (big, lm.iter().map(|p| *p * 2.0).collect())
}

/// Carphone frame 60 (mouth wide open) upscaled ×4, with MediaPipe's landmarks scaled to match.
fn open_mouth() -> (RgbImage, Vec<Vec3>) {
    let mut src = vanity::capture::open(&sample("carphone.mp4")).unwrap();
    let mut frame = None;
    for _ in 0..=60 {
        frame = src.next_frame().unwrap();
    }
    let small = frame.unwrap().image;
    let big =
        image::imageops::resize(&small, small.width() * 4, small.height() * 4, image::imageops::FilterType::Triangle);
    let r: RefVideo = load(&fixture("carphone_static_v2.json"));
    let f = r.frames.iter().find(|f| f.index == 60).unwrap();
    (big, f.faces[0].points().iter().map(|p| *p * 4.0).collect())
}

fn edge_distance(poly: &[Vec2], p: Vec2) -> f32 {
    (0..poly.len())
        .map(|i| {
            let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
            let t = ((p - a).dot(b - a) / (b - a).length_squared()).clamp(0.0, 1.0);
            (a + (b - a) * t).distance(p)
        })
        .fold(f32::MAX, f32::min)
}

fn contour(lm: &[Vec3], idx: &[u16]) -> Vec<Vec2> {
    idx.iter().map(|&i| lm[i as usize].truncate()).collect()
}

/// Pixels where `keep` holds.
fn pixels(img: &RgbImage, keep: impl Fn(Vec2) -> bool) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for y in 0..img.height() {
        for x in 0..img.width() {
            if keep(Vec2::new(x as f32 + 0.5, y as f32 + 0.5)) {
                out.push((x, y));
            }
        }
    }
    out
}

fn lab(p: [u8; 3]) -> [f32; 3] {
    linear_to_lab(p.map(|c| srgb_to_linear(c as f32 / 255.0)))
}

fn mean_lab(img: &RgbImage, at: &[(u32, u32)]) -> [f32; 3] {
    // Mean in linear light, then to Lab: the colour a viewer sees from a distance.
    let mut sum = [0.0f32; 3];
    for &(x, y) in at {
        let p = img.get_pixel(x, y).0;
        for c in 0..3 {
            sum[c] += srgb_to_linear(p[c] as f32 / 255.0);
        }
    }
    linear_to_lab(sum.map(|s| s / at.len() as f32))
}

fn lightness_cv(img: &RgbImage, at: &[(u32, u32)]) -> f32 {
    let l: Vec<f32> = at.iter().map(|&(x, y)| lab(img.get_pixel(x, y).0)[0]).collect();
    let mean = l.iter().sum::<f32>() / l.len() as f32;
    let var = l.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / l.len() as f32;
    var.sqrt() / mean
}

/// Fine texture: mean absolute difference of L* from the 3×3 neighbourhood mean.
fn texture(img: &RgbImage, at: &[(u32, u32)]) -> f32 {
    let l = |x: u32, y: u32| lab(img.get_pixel(x, y).0)[0];
    let sum: f32 = at
        .iter()
        .map(|&(x, y)| {
            let mut n = 0.0;
            for dy in -1i32..=1 {
                for dx in -1i32..=1 {
                    n += l((x as i32 + dx) as u32, (y as i32 + dy) as u32);
                }
            }
            (l(x, y) - n / 9.0).abs()
        })
        .sum();
    sum / at.len() as f32
}

fn max_diff(a: &RgbImage, b: &RgbImage, at: &[(u32, u32)]) -> u8 {
    at.iter()
        .map(|&(x, y)| {
            let (p, q) = (a.get_pixel(x, y).0, b.get_pixel(x, y).0);
            (0..3).map(|c| p[c].abs_diff(q[c])).max().unwrap()
        })
        .max()
        .unwrap_or(0)
}

/// Lip pixels away from both contours (the feathered edges).
fn lip_pixels(img: &RgbImage, lm: &[Vec3]) -> Vec<(u32, u32)> {
    let (outer, inner) = (contour(lm, &LIPS_OUTER), contour(lm, &LIPS_INNER));
    let margin = 0.03 * inter_ocular(lm);
    pixels(img, |p| {
        inside(&outer, p)
            && !inside(&inner, p)
            && edge_distance(&outer, p) > margin
            && edge_distance(&inner, p) > margin
    })
}

/// Pixels well outside the face oval.
fn outside_face(img: &RgbImage, lms: &[Vec<Vec3>]) -> Vec<(u32, u32)> {
    let ovals: Vec<(Vec<Vec2>, f32)> =
        lms.iter().map(|lm| (contour(lm, &FACE_OVAL), 0.15 * inter_ocular(lm))).collect();
    pixels(img, |p| ovals.iter().all(|(o, m)| !inside(o, p) && edge_distance(o, p) > *m))
}

fn lipstick(color: &str, finish: Finish, opacity: f32) -> Look {
    look(&format!(
        "name = \"t\"\n[lipstick]\ncolor = \"{color}\"\nfinish = \"{}\"\nopacity = {opacity}\n",
        finish.name()
    ))
}

#[test]
fn opaque_matte_lipstick_takes_the_shade_and_keeps_the_lip_texture() {
    for (img, lm) in [astronaut_x2(), open_mouth()] {
        for shade in ["#B0153A", "#C98A7A", "#6E2B4A"] {
            let out = render(&img, std::slice::from_ref(&lm), &lipstick(shade, Finish::Matte, 1.0));
            let lips = lip_pixels(&img, &lm);
            assert!(lips.len() > 40, "lip pixels: {}", lips.len());
            let target: Srgb = shade.parse().unwrap();
            let (mut got, want) = (mean_lab(&out, &lips), target.to_lab());
            // Chromatic distance: lightness is the lip's own business.
            got[0] = want[0];
            let de = ciede2000(got, want);
            assert!(de <= 6.0, "{shade}: chromatic ΔE00 {de:.2}");
            let (before, after) = (lightness_cv(&img, &lips), lightness_cv(&out, &lips));
            eprintln!(
                "{shade}: {} lip px, chromatic ΔE00 {de:.2}, lightness CV {after:.3} (original {before:.3})",
                lips.len()
            );
            assert!(after >= 0.6 * before, "{shade}: lightness CV {after:.3} vs original {before:.3}");
            assert!(
                max_diff(&img, &out, &outside_face(&img, std::slice::from_ref(&lm))) <= 1,
                "pixels away from the face changed"
            );
        }
    }
}

#[test]
fn teeth_of_an_open_mouth_are_never_painted() {
    let (img, lm) = open_mouth();
    let inner = contour(&lm, &LIPS_INNER);
    let margin = 0.04 * inter_ocular(&lm);
    let mouth = pixels(&img, |p| inside(&inner, p) && edge_distance(&inner, p) > margin);
    assert!(mouth.len() > 100, "open mouth pixels: {}", mouth.len());
    let everything = look(
        "name = \"all\"\n[foundation]\ncolor = \"#D9A982\"\nopacity = 0.8\nsmoothing = 1.0\n[blush]\ncolor = \"#E07A7A\"\n\
         [lipstick]\ncolor = \"#B0153A\"\nfinish = \"gloss\"\nliner = \"#801020\"\n",
    );
    let out = render(&img, std::slice::from_ref(&lm), &everything);
    assert!(max_diff(&img, &out, &mouth) <= 1, "teeth or tongue changed");
}

#[test]
fn blush_reddens_the_cheeks_but_not_the_nose() {
    let (img, lm) = astronaut();
    let out =
        render(&img, std::slice::from_ref(&lm), &look("name = \"b\"\n[blush]\ncolor = \"#E07A7A\"\nopacity = 0.6\n"));
    let iod = inter_ocular(&lm);
    let disk = |i: usize, r: f32| pixels(&img, |p| p.distance(lm[i].truncate()) < r * iod);
    let redness = |im: &RgbImage, at: &[(u32, u32)]| mean_lab(im, at)[1];
    for cheek in [50, 280] {
        let at = disk(cheek, 0.1);
        let (a0, a1) = (redness(&img, &at), redness(&out, &at));
        assert!(a1 - a0 > 4.0, "cheek {cheek}: a* {a0:.1} -> {a1:.1}");
    }
    let nose = disk(1, 0.06);
    let (a0, a1) = (redness(&img, &nose), redness(&out, &nose));
    assert!((a1 - a0).abs() < 1.0, "nose: a* {a0:.1} -> {a1:.1}");
    assert!(max_diff(&img, &out, &outside_face(&img, std::slice::from_ref(&lm))) <= 1);
}

#[test]
fn eyeshadow_changes_the_lid_not_the_eye() {
    let (img, lm) = astronaut();
    let out = render(
        &img,
        std::slice::from_ref(&lm),
        &look("name = \"e\"\n[eyeshadow]\ncolors = [\"#5B3A6E\", \"#C8A2C8\"]\nopacity = 0.7\n"),
    );
    let iod = inter_ocular(&lm);
    // The lid just above the middle of the right upper lash line.
    let lid_centre = lm[159].truncate() + (lm[52].truncate() - lm[159].truncate()) * 0.3;
    let lid = pixels(&img, |p| p.distance(lid_centre) < 0.05 * iod);
    let de = ciede2000(mean_lab(&img, &lid), mean_lab(&out, &lid));
    assert!(de > 5.0, "lid colour change ΔE00 {de:.1}");
    let eye = contour(&lm, &RIGHT_EYE);
    let opening = pixels(&img, |p| inside(&eye, p) && edge_distance(&eye, p) > 0.015 * iod);
    assert!(opening.len() > 30, "eye opening pixels: {}", opening.len());
    assert!(max_diff(&img, &out, &opening) <= 1, "eye opening changed");
}

#[test]
fn eyeliner_darkens_the_lash_line_and_the_wing_reaches_past_the_corner() {
    let (img, lm) = astronaut();
    let iod = inter_ocular(&lm);
    let liner =
        |wing: f32| look(&format!("name = \"l\"\n[eyeliner]\ncolor = \"#111111\"\nthickness = 0.6\nwing = {wing}\n"));
    let lash = pixels(&img, |p| p.distance(lm[160].truncate()) < 0.02 * iod);
    // Past the right eye's outer corner (33), away from the eye, up towards the brow tail.
    let corner = lm[33].truncate();
    let outward = (corner - lm[133].truncate()).normalize();
    let tip = corner + (outward * 0.75 + (lm[46].truncate() - corner).normalize() * 0.66).normalize() * 0.12 * iod;
    let wing_zone = pixels(&img, |p| p.distance(tip) < 0.02 * iod);
    let luma = |im: &RgbImage, at: &[(u32, u32)]| mean_lab(im, at)[0];
    let with_wing = render(&img, std::slice::from_ref(&lm), &liner(1.0));
    let without = render(&img, std::slice::from_ref(&lm), &liner(0.0));
    assert!(luma(&img, &lash) - luma(&with_wing, &lash) > 10.0, "lash line not darkened");
    assert!(luma(&img, &wing_zone) - luma(&with_wing, &wing_zone) > 10.0, "no wing with wing = 1");
    assert!((luma(&img, &wing_zone) - luma(&without, &wing_zone)).abs() < 3.0, "a wing with wing = 0");
}

#[test]
fn brows_and_foundation_stay_in_their_regions() {
    let (img, lm) = astronaut();
    let iod = inter_ocular(&lm);
    let out = render(
        &img,
        std::slice::from_ref(&lm),
        &look(
            "name = \"f\"\n[foundation]\ncolor = \"#EBC8AE\"\nopacity = 0.6\nsmoothing = 1.0\n[brows]\ncolor = \"#3A2A22\"\nopacity = 0.8\n",
        ),
    );
    // Brows darker, cheeks changed but smoother, lips and eyes untouched.
    let brow = pixels(&img, |p| p.distance((lm[105].truncate() + lm[52].truncate()) * 0.5) < 0.03 * iod);
    assert!(mean_lab(&img, &brow)[0] - mean_lab(&out, &brow)[0] > 3.0, "brows not tinted");
    let cheek = pixels(&img, |p| p.distance(lm[50].truncate()) < 0.12 * iod);
    let (t0, t1) = (texture(&img, &cheek), texture(&out, &cheek));
    assert!(t1 < 0.8 * t0, "skin not smoothed: fine texture {t0:.2} -> {t1:.2}");
    let lips = lip_pixels(&img, &lm);
    assert!(max_diff(&img, &out, &lips) <= 1, "foundation on the lips");
    let eye = contour(&lm, &RIGHT_EYE);
    let opening = pixels(&img, |p| inside(&eye, p) && edge_distance(&eye, p) > 0.015 * iod);
    assert!(max_diff(&img, &out, &opening) <= 1, "foundation in the eye");
    assert!(max_diff(&img, &out, &outside_face(&img, std::slice::from_ref(&lm))) <= 1);
}

#[test]
fn a_look_with_no_sections_leaves_the_frame_as_it_is() {
    let (img, lm) = astronaut();
    let out = render(&img, std::slice::from_ref(&lm), &look("name = \"none\"\n"));
    assert_eq!(out, img);
}

#[test]
fn every_face_gets_the_look() {
    // Two faces side by side: the astronaut twice.
    let (img, lm) = astronaut();
    let mut wide = RgbImage::new(img.width() * 2, img.height());
    image::imageops::replace(&mut wide, &img, 0, 0);
    image::imageops::replace(&mut wide, &img, img.width() as i64, 0);
    let shifted: Vec<Vec3> = lm.iter().map(|p| *p + Vec3::new(img.width() as f32, 0.0, 0.0)).collect();
    let faces = vec![lm.clone(), shifted.clone()];
    let out = render(&wide, &faces, &lipstick("#B0153A", Finish::Matte, 1.0));
    for face in &faces {
        let lips = lip_pixels(&wide, face);
        let de = ciede2000(mean_lab(&wide, &lips), mean_lab(&out, &lips));
        assert!(de > 10.0, "a face without lipstick (ΔE00 {de:.1})");
    }
    assert!(max_diff(&wide, &out, &outside_face(&wide, &faces)) <= 1);
}

/// Golden images of every finish, cropped to the mouth: mean difference at most 1.5 levels.
/// Set VANITY_UPDATE_GOLDEN=1 to rewrite them after an intended change.
#[test]
fn finishes_match_their_golden_images() {
    let (img, lm) = astronaut();
    let (lo, hi) =
        vanity::tracking::roi::bounds(&contour(&lm, &LIPS_OUTER).iter().map(|p| p.extend(0.0)).collect::<Vec<_>>());
    let pad = 12.0;
    let (x0, y0) = ((lo.x - pad) as u32, (lo.y - pad) as u32);
    let (w, h) = ((hi.x - lo.x + 2.0 * pad) as u32, (hi.y - lo.y + 2.0 * pad) as u32);
    let dir = root().join("tests/golden");
    let update = std::env::var_os("VANITY_UPDATE_GOLDEN").is_some();
    for finish in Finish::ALL {
        let out = render(&img, std::slice::from_ref(&lm), &lipstick("#B0153A", finish, 1.0));
        let crop = image::imageops::crop_imm(&out, x0, y0, w, h).to_image();
        let path = dir.join(format!("lipstick_{}.png", finish.name()));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            crop.save(&path).unwrap();
            continue;
        }
        let golden = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_rgb8();
        assert_eq!(golden.dimensions(), crop.dimensions(), "{}", path.display());
        let total: u64 = golden.as_raw().iter().zip(crop.as_raw()).map(|(a, b)| a.abs_diff(*b) as u64).sum();
        let mean = total as f64 / golden.as_raw().len() as f64;
        assert!(mean <= 1.5, "{}: mean difference {mean:.2} levels", path.display());
    }
    // The finishes differ from one another.
    let crops: Vec<RgbImage> = Finish::ALL
        .iter()
        .map(|f| {
            let out = render(&img, std::slice::from_ref(&lm), &lipstick("#B0153A", *f, 1.0));
            image::imageops::crop_imm(&out, x0, y0, w, h).to_image()
        })
        .collect();
    for i in 0..crops.len() {
        for j in i + 1..crops.len() {
            assert_ne!(crops[i], crops[j], "{:?} and {:?} look the same", Finish::ALL[i], Finish::ALL[j]);
        }
    }
}

#[test]
fn a_panorama_wider_than_the_gpu_allows_gets_its_makeup_around_the_face() {
    let (face, lm) = astronaut();
    let mut r = renderer().lock().unwrap_or_else(|e| e.into_inner());
    let limit = r.context().device.limits().max_texture_dimension_2d;
    // Wider than any texture the device takes, with the astronaut near its right end.
    let (w, h) = (limit + 600, 640);
    let (x0, y0) = (limit - 200, 64);
    let mut pano = RgbImage::from_pixel(w, h, image::Rgb([90, 100, 110]));
    image::imageops::replace(&mut pano, &face, i64::from(x0), i64::from(y0));
    let shifted: Vec<Vec3> = lm.iter().map(|p| *p + Vec3::new(x0 as f32, y0 as f32, 0.0)).collect();
    r.set_look(&lipstick("#B0153A", Finish::Matte, 1.0));
    let out = r.render_photo(&pano, &[FaceDraw { landmarks: &shifted, strength: 1.0 }]).expect("no panic, no error");
    let alone = r.render(&face, &[FaceDraw { landmarks: &lm, strength: 1.0 }]).unwrap();
    drop(r);
    assert_eq!(out.dimensions(), (w, h));
    // The lips are made up exactly as in the photo of the astronaut alone …
    let lips = lip_pixels(&face, &lm);
    let in_pano: Vec<(u32, u32)> = lips.iter().map(|&(x, y)| (x + x0, y + y0)).collect();
    assert!(mean_lab(&out, &in_pano)[1] > mean_lab(&pano, &in_pano)[1] + 10.0, "lips not made up");
    let worst = lips.iter().map(|&(x, y)| {
        let (a, b) = (alone.get_pixel(x, y).0, out.get_pixel(x + x0, y + y0).0);
        (0..3).map(|c| a[c].abs_diff(b[c])).max().unwrap()
    });
    assert!(worst.max().unwrap() <= 1, "lips differ from the astronaut rendered alone");
    // … and everything away from the face is the photo's own pixels.
    for x in (0..x0.saturating_sub(200)).step_by(97) {
        assert_eq!(out.get_pixel(x, 10), pano.get_pixel(x, 10));
    }
}

#[test]
fn every_face_of_a_crowd_is_made_up_beyond_one_pass() {
    // Ten astronauts in a 5×2 grid: more faces than one pass draws (MAX_FACES).
    let (one, lm) = astronaut();
    let (w, h) = one.dimensions();
    let mut crowd = RgbImage::new(w * 5, h * 2);
    let mut faces = Vec::new();
    for k in 0..10u32 {
        let (x, y) = ((k % 5) * w, (k / 5) * h);
        image::imageops::replace(&mut crowd, &one, i64::from(x), i64::from(y));
        faces.push(lm.iter().map(|p| *p + Vec3::new(x as f32, y as f32, 0.0)).collect::<Vec<_>>());
    }
    assert!(faces.len() > vanity::render::MAX_FACES);
    let out = render(&crowd, &faces, &lipstick("#b0182a", Finish::Matte, 1.0));
    for (k, face) in faces.iter().enumerate() {
        let lips = lip_pixels(&crowd, face);
        let change = ciede2000(mean_lab(&crowd, &lips), mean_lab(&out, &lips));
        assert!(change > 10.0, "face {k}: lips changed by only ΔE {change:.1}");
    }
    assert!(max_diff(&crowd, &out, &outside_face(&crowd, &faces)) <= 1, "nothing outside the faces changes");
}

#[test]
fn a_clear_gloss_shines_on_the_lips_and_nowhere_else() {
    let (img, lm) = astronaut_x2();
    let faces = std::slice::from_ref(&lm);
    let matte = lipstick("#B0153A", Finish::Matte, 1.0);
    let glossy = Look { gloss: Some(vanity::looks::look::Gloss { opacity: 1.0 }), ..matte.clone() };
    let (under, over) = (render(&img, faces, &matte), render(&img, faces, &glossy));
    // On the lips: visibly different (90th percentile CIEDE2000 over the lip pixels, as the
    // finishes are compared) and only ever lighter, a clear coat adds light.
    let lips = lip_pixels(&img, &lm);
    let mut de: Vec<f32> =
        lips.iter().map(|&(x, y)| ciede2000(lab(under.get_pixel(x, y).0), lab(over.get_pixel(x, y).0))).collect();
    de.sort_by(f32::total_cmp);
    let p90 = de[de.len() * 9 / 10];
    eprintln!("gloss over matte: 90th percentile ΔE00 {p90:.2} over {} lip pixels", lips.len());
    assert!(p90 >= 3.0, "gloss over matte: 90th percentile ΔE00 {p90:.2}");
    let darker = lips.iter().filter(|&&(x, y)| lab(over.get_pixel(x, y).0)[0] < lab(under.get_pixel(x, y).0)[0] - 0.5);
    assert_eq!(darker.count(), 0, "a clear coat never darkens");
    // Off the lips (beyond the feathered edge), nothing changes.
    let outer = contour(&lm, &LIPS_OUTER);
    let margin = 0.05 * inter_ocular(&lm);
    let off_lips = pixels(&img, |p| !inside(&outer, p) && edge_distance(&outer, p) > margin);
    assert!(max_diff(&under, &over, &off_lips) <= 1, "the gloss spilled off the lips");
}

#[test]
fn ombre_lips_keep_the_shade_at_the_line_and_turn_to_the_inner_colour_inside() {
    let (img, lm) = open_mouth();
    let faces = std::slice::from_ref(&lm);
    let outer_only = lipstick("#6E1428", Finish::Satin, 1.0);
    let mut ombre = outer_only.clone();
    ombre.lipstick.as_mut().unwrap().inner = Some("#E86A7E".parse().unwrap());
    let (single, two_tone) = (render(&img, faces, &outer_only), render(&img, faces, &ombre));
    let (outer, inner) = (contour(&lm, &LIPS_OUTER), contour(&lm, &LIPS_INNER));
    let iod = inter_ocular(&lm);
    let on_lip = |p: Vec2| inside(&outer, p) && !inside(&inner, p);
    // Just inside the outer line: the shade, as without ombré.
    let at_line = pixels(&img, |p| on_lip(p) && (0.01 * iod..0.025 * iod).contains(&edge_distance(&outer, p)));
    // By the mouth, far from the outer line: the inner colour, much lighter.
    let by_mouth =
        pixels(&img, |p| on_lip(p) && edge_distance(&outer, p) > 0.07 * iod && edge_distance(&inner, p) > 0.01 * iod);
    assert!(at_line.len() > 50 && by_mouth.len() > 50, "zones: {} and {} pixels", at_line.len(), by_mouth.len());
    let de_line = ciede2000(mean_lab(&single, &at_line), mean_lab(&two_tone, &at_line));
    let lighter = mean_lab(&two_tone, &by_mouth)[0] - mean_lab(&single, &by_mouth)[0];
    eprintln!("ombré: ΔE00 {de_line:.2} at the line, {lighter:.1} L* lighter by the mouth");
    assert!(de_line < 4.0, "the shade changed at the lip line: ΔE00 {de_line:.2}");
    assert!(lighter > 10.0, "the inside is not the lighter inner colour: ΔL* {lighter:.1}");
}
