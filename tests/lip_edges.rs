//! Lipstick follows the lip in the picture, not the mesh's lip line: coverage of a hand-drawn
//! true lip and spill outside it, with the contours fitted to the picture and with the mesh's own,
//! on two real photos (JPEG) whose lip edges are faint: lips close to the skin's colour, a broad
//! smile with teeth, and an open mouth in speech where the mesh's upper lip line sits high.

mod common;

use common::paint::{Switched, kiosk_faces, lipstick, renderer};
use common::pixels::{edge_distance, lab, lip_pixels, relit_rgb};
use common::{RefImage, fixture, inside, load};
use glam::{Vec2, Vec3};
use image::RgbImage;
use serde::Deserialize;
use vanity::face::regions::{LIPS_INNER, LIPS_OUTER, contour};
use vanity::looks::Finish;
use vanity::looks::color::ciede2000;
use vanity::render::FaceDraw;
use vanity::render::lip_edges::LipEdges;

/// A hand-drawn lip outline, image pixels.
#[derive(Debug, Deserialize)]
struct LipMask {
    outer: Vec<[f32; 2]>,
    inner: Vec<[f32; 2]>,
}

/// A photo, the tracker's landmarks for its face, and its hand-drawn lips.
struct LipFixture {
    name: &'static str,
    image: RgbImage,
    landmarks: Vec<Vec3>,
    outer: Vec<Vec2>,
    inner: Vec<Vec2>,
}

fn lip_fixture(name: &'static str) -> LipFixture {
    let (photo, landmarks) = lip_photo(name);
    let image = vanity::capture::still::load_rgb(&fixture(&photo)).unwrap();
    let r: RefImage = load(&fixture(&landmarks));
    let mask: LipMask = load(&fixture(&format!("lips/{name}_mask.json")));
    let poly = |pts: &[[f32; 2]]| pts.iter().map(|p| Vec2::from_array(*p)).collect();
    LipFixture { name, image, landmarks: r.faces[0].points(), outer: poly(&mask.outer), inner: poly(&mask.inner) }
}

/// The traced photos: two of one man (a smile with teeth, speech) and one of a woman (a smile).
const LIP_FIXTURES: [&str; 3] = ["portrait", "speech", "phone"];

/// What the fitted lip line must gain over the mesh's on one traced photo: the most error
/// (missed lip plus spill) and the most spill it may keep, shares of the mesh's, over the lip
/// region and rendered.
struct Gain {
    region_error: f32,
    region_spill: f32,
    rendered_error: f32,
    rendered_spill: f32,
}

/// [`Gain`] on each traced photo. The two of him gain most (region error 0.80-0.81 of the mesh's,
/// spill 0.48-0.70; rendered 0.86-0.89 and 0.43-0.69). On her smile the mesh's upper lip line
/// inside the mouth runs 3-4 px up into the lip, which the inner fit leaves (it only retreats
/// from the mesh's line, see `render::lip_edges`), so the fit gains at the outer line alone:
/// region error 0.94, spill 0.86; rendered 0.93 and 0.82.
fn gain(name: &str) -> Gain {
    match name {
        "phone" => Gain { region_error: 0.97, region_spill: 0.9, rendered_error: 0.97, rendered_spill: 0.9 },
        _ => Gain { region_error: 0.9, region_spill: 0.8, rendered_error: 0.95, rendered_spill: 0.8 },
    }
}

/// Where a lip fixture's photo and landmarks are, under `tests/fixtures`: the photos in `lips/`,
/// and the phone photo the kiosk tests also use (its traced lips in `lips/` with the others).
fn lip_photo(name: &str) -> (String, String) {
    match name {
        "phone" => ("phone.jpg".into(), "phone_v2.json".into()),
        _ => (format!("lips/{name}.jpg"), format!("lips/{name}_v2.json")),
    }
}

/// Coverage and spill of one rendering against the hand-drawn lips.
#[derive(Debug, Clone, Copy)]
struct LipFit {
    /// Share of the true lip's pixels painted.
    coverage: f32,
    /// Painted pixels outside the true lip (skin, teeth, mouth), per true lip pixel.
    spill: f32,
    /// Of those, the ones inside the mouth opening (teeth, tongue), per true lip pixel.
    into_mouth: f32,
}

/// A pixel counts as painted (a finger over the lips) from this CIEDE2000 to the bare photo:
/// about a quarter of the lipstick's full strength on these lips.
const PAINTED: f32 = 8.0;

/// Lipstick #B0153A, opaque matte, with the lip contours fitted (`fit`) or the mesh's own. A
/// pixel counts as painted where more than half the lipstick covers it. How much covers it is
/// read in linear light: a matte lipstick is its colour scaled by the bare pixel's luminance
/// against the lip's (the lip keeps its light and shade), the colour taken from the true lip's
/// body (more than 3 px inside its outline), so the result is the bare pixel moved that share of
/// the way to the paint. The half-way point is where a feather of any width puts the lip line,
/// so a softer edge (as soft as the picture's own, see
/// `the_lipstick_edge_is_as_soft_as_the_lip_edge_in_the_picture`) moves neither coverage nor
/// spill; only where the line lies does. (On a thin lip the fade inside the mouth and the two
/// feathers can overlap, so the half-way point there reads a little less coverage.)
fn measure(f: &LipFixture, fit: bool) -> LipFit {
    measure_where(f, fit, |_| true)
}

/// [`measure`] over the pixels near the mouth's corners only (within a sixth of the mouth's
/// width of the hand-drawn lips' leftmost and rightmost points): where the lips thin to nothing
/// and the mesh's line is least sure.
fn measure_corners(f: &LipFixture, fit: bool) -> LipFit {
    let left = f.outer.iter().copied().min_by(|a, b| a.x.total_cmp(&b.x)).unwrap();
    let right = f.outer.iter().copied().max_by(|a, b| a.x.total_cmp(&b.x)).unwrap();
    let reach = left.distance(right) / 6.0;
    measure_where(f, fit, move |p| p.distance(left) < reach || p.distance(right) < reach)
}

/// [`measure`] over the pixels where `counts` holds.
fn measure_where(f: &LipFixture, fit: bool, counts: impl Fn(Vec2) -> bool) -> LipFit {
    let look = lipstick("#B0153A", Finish::Matte, 1.0);
    let made_up = {
        let mut r = Switched::lips_from_picture(fit);
        r.set_look(&look);
        r.render(&f.image, &[FaceDraw { landmarks: &f.landmarks, strength: 1.0 }]).expect("renders")
    };
    if let Some(dir) = std::env::var_os("VANITY_DEBUG_DIR") {
        made_up
            .save(std::path::Path::new(&dir).join(format!("{}_{}.png", f.name, if fit { "fit" } else { "mesh" })))
            .unwrap();
    }
    let (min, max) = f.outer.iter().fold((Vec2::MAX, Vec2::MIN), |(a, b), p| (a.min(*p), b.max(*p)));
    let margin = (max - min).x * 0.3;
    let mut pixels = Vec::new();
    for y in (min.y - margin).max(0.0) as u32..((max.y + margin) as u32).min(f.image.height()) {
        for x in (min.x - margin).max(0.0) as u32..((max.x + margin) as u32).min(f.image.width()) {
            let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            let in_mouth = inside(&f.inner, p);
            let is_lip = inside(&f.outer, p) && !in_mouth;
            let body = is_lip && edge_distance(&f.outer, p) > 3.0 && edge_distance(&f.inner, p) > 3.0;
            let (bare, out) = (linear(f.image.get_pixel(x, y).0), linear(made_up.get_pixel(x, y).0));
            pixels.push((bare, out, is_lip, in_mouth, body, counts(p)));
        }
    }
    let luma = |c: Vec3| c.dot(Vec3::new(0.2126, 0.7152, 0.0722)).max(1e-4);
    let body: Vec<(Vec3, Vec3)> = pixels.iter().filter(|p| p.4).map(|p| (p.0, p.1)).collect();
    let lip_luma = body.iter().map(|(bare, _)| luma(*bare)).sum::<f32>() / body.len() as f32;
    // The shader's matte: the pixel's luminance against the lip's, highlights above 1.5 flattened.
    let shading = |bare: Vec3| {
        let ratio = luma(bare) / lip_luma;
        if ratio > 1.5 { 1.5 + (ratio - 1.5) * 0.3 } else { ratio }
    };
    let per_shade: Vec<Vec3> = body.iter().map(|(bare, out)| *out / shading(*bare)).collect();
    let paint = Vec3::from_array(std::array::from_fn(|axis| median_of(per_shade.iter().map(|c| c[axis]).collect())));
    let (mut lip, mut hit, mut spill, mut mouth) = (0usize, 0usize, 0usize, 0usize);
    for (bare, out, is_lip, in_mouth, _, _) in pixels.into_iter().filter(|p| p.5) {
        let towards = paint * shading(bare) - bare;
        let painted = (out - bare).dot(towards) > 0.5 * towards.length_squared();
        lip += usize::from(is_lip);
        hit += usize::from(is_lip && painted);
        spill += usize::from(!is_lip && painted);
        mouth += usize::from(in_mouth && painted);
    }
    let per_lip = |n: usize| n as f32 / lip.max(1) as f32;
    LipFit { coverage: per_lip(hit), spill: per_lip(spill), into_mouth: per_lip(mouth) }
}

/// How much of the true lip a lip region (between `outer` and `inner`) holds, and how much of
/// it lies outside the true lip, per true lip area: on a quarter-pixel grid, no rendering.
fn region_fit(f: &LipFixture, outer: &[Vec2], inner: &[Vec2]) -> LipFit {
    let (min, max) = f.outer.iter().chain(outer).fold((Vec2::MAX, Vec2::MIN), |(a, b), p| (a.min(*p), b.max(*p)));
    let (mut lip, mut hit, mut spill, mut mouth) = (0usize, 0usize, 0usize, 0usize);
    let mut y = min.y - 2.0;
    while y < max.y + 2.0 {
        let mut x = min.x - 2.0;
        while x < max.x + 2.0 {
            let p = Vec2::new(x, y);
            let in_mouth = inside(&f.inner, p);
            let is_lip = inside(&f.outer, p) && !in_mouth;
            let region = inside(outer, p) && !inside(inner, p);
            lip += usize::from(is_lip);
            hit += usize::from(is_lip && region);
            spill += usize::from(!is_lip && region);
            mouth += usize::from(in_mouth && region);
            x += 0.25;
        }
        y += 0.25;
    }
    let per_lip = |n: usize| n as f32 / lip.max(1) as f32;
    LipFit { coverage: per_lip(hit), spill: per_lip(spill), into_mouth: per_lip(mouth) }
}

/// Missed true lip plus spill: what a lip line gets wrong, per true lip area.
fn error(m: &LipFit) -> f32 {
    (1.0 - m.coverage) + m.spill
}

/// The lip region between the outer and inner contours of `lm`, against the hand-drawn lips.
fn lip_region_fit(f: &LipFixture, lm: &[Vec3]) -> LipFit {
    region_fit(f, &contour(lm, &LIPS_OUTER), &contour(lm, &LIPS_INNER))
}

#[test]
fn fitted_lip_contours_match_the_hand_drawn_lips_better_than_the_mesh() {
    for name in LIP_FIXTURES {
        let f = lip_fixture(name);
        let edges = LipEdges::fit(&f.image, &f.landmarks);
        let mesh = lip_region_fit(&f, &f.landmarks);
        let fit = lip_region_fit(&f, &edges.apply(&f.landmarks));
        println!(
            "{name} (lip region): coverage {:.1} % -> {:.1} %, spill {:.1} % -> {:.1} % (into the mouth {:.1} % -> {:.1} %)",
            100.0 * mesh.coverage,
            100.0 * fit.coverage,
            100.0 * mesh.spill,
            100.0 * fit.spill,
            100.0 * mesh.into_mouth,
            100.0 * fit.into_mouth
        );
        let gain = gain(name);
        assert!(error(&fit) < gain.region_error * error(&mesh), "{name}: {fit:?} vs the mesh's {mesh:?}");
        assert!(fit.spill < gain.region_spill * mesh.spill, "{name}: {fit:?} vs the mesh's {mesh:?}");
        assert!(fit.into_mouth <= mesh.into_mouth + 0.005, "{name}: more paint on teeth: {fit:?} vs {mesh:?}");
        // The same offsets the wrong way round (a broken normal) must do worse than the mesh:
        // the comparison can fail.
        let wrong = LipEdges { outer: edges.outer.map(|d| -d), inner: edges.inner.map(|d| -d), ..edges };
        let broken = lip_region_fit(&f, &wrong.apply(&f.landmarks));
        assert!(error(&broken) > error(&mesh), "{name}: reversed offsets not caught: {broken:?}");
    }
}

#[test]
fn lipstick_follows_the_lip_in_the_picture_better_than_the_mesh_line() {
    let results: Vec<(&str, LipFit, LipFit, LipFit, LipFit)> = LIP_FIXTURES
        .into_iter()
        .map(|name| {
            let f = lip_fixture(name);
            (name, measure(&f, false), measure(&f, true), measure_corners(&f, false), measure_corners(&f, true))
        })
        .collect();
    for (name, mesh, fitted, mesh_corners, fitted_corners) in &results {
        println!(
            "{name}: coverage {:.1} % -> {:.1} %, spill {:.1} % -> {:.1} % (into the mouth {:.1} % -> {:.1} %); \
             at the corners: coverage {:.1} % -> {:.1} %, spill {:.1} % -> {:.1} %",
            100.0 * mesh.coverage,
            100.0 * fitted.coverage,
            100.0 * mesh.spill,
            100.0 * fitted.spill,
            100.0 * mesh.into_mouth,
            100.0 * fitted.into_mouth,
            100.0 * mesh_corners.coverage,
            100.0 * fitted_corners.coverage,
            100.0 * mesh_corners.spill,
            100.0 * fitted_corners.spill,
        );
    }
    // Rendered, the fitted line must be better overall and spill much less; the 10 % margin on
    // the line's own placement is `fitted_lip_contours_match_the_hand_drawn_lips_better_than_the_mesh`'s.
    // (The lipstick's feather follows the picture's lip edge, 2-4 times the mesh line's here,
    // and a wider feather loses a little of a thin lip's coverage at half strength.)
    for (name, mesh, fitted, mesh_corners, fitted_corners) in &results {
        let gain = gain(name);
        assert!(error(fitted) < gain.rendered_error * error(mesh), "{name}: {fitted:?} vs the mesh's {mesh:?}");
        // Where the lips thin out at the corners the fit gains least, but must not lose.
        assert!(
            error(fitted_corners) <= error(mesh_corners),
            "{name}, corners: {fitted_corners:?} vs the mesh's {mesh_corners:?}"
        );
        assert!(fitted.spill < gain.rendered_spill * mesh.spill, "{name}: {fitted:?} vs the mesh's {mesh:?}");
        assert!(fitted.into_mouth <= mesh.into_mouth + 0.005, "{name}: more paint on teeth: {fitted:?}");
    }
}

#[test]
fn a_picture_without_a_lip_edge_keeps_the_mesh_line() {
    // A flat grey picture has no edge anywhere: every vertex stays where the mesh put it.
    let f = lip_fixture("portrait");
    let flat = RgbImage::from_pixel(f.image.width(), f.image.height(), image::Rgb([128, 128, 128]));
    let edges = LipEdges::fit(&flat, &f.landmarks);
    assert_eq!(edges, LipEdges::default());
    assert_eq!(edges.apply(&f.landmarks), f.landmarks);
}

#[test]
fn the_fitted_lip_edge_holds_still_in_video() {
    // The carphone clip ×4 (inter-ocular distance about 150 px) with MediaPipe's tracking
    // landmarks: the offsets the renderer uses (each frame's fit followed over time) change far
    // less from frame to frame than each frame's own fit does.
    let reference: common::RefVideo = load(&fixture("carphone_track_v1.json"));
    let mut source = vanity::capture::open(&common::sample("carphone.mp4")).unwrap();
    let (mut raw, mut steady): (Vec<LipEdges>, Vec<LipEdges>) = (Vec::new(), Vec::new());
    for rf in reference.frames.iter().take(60) {
        let small = source.next_frame().unwrap().expect("a frame per reference frame").image;
        let frame = image::imageops::resize(
            &small,
            small.width() * 4,
            small.height() * 4,
            image::imageops::FilterType::Triangle,
        );
        let lm: Vec<Vec3> = rf.faces[0].points().iter().map(|p| *p * 4.0).collect();
        let fit = LipEdges::fit(&frame, &lm);
        steady.push(steady.last().map_or(fit, |before| before.follow(&fit)));
        raw.push(fit);
    }
    let jitter = |edges: &[LipEdges]| {
        let steps: Vec<f32> = edges
            .windows(2)
            .flat_map(|w| {
                w[0].outer.iter().zip(&w[1].outer).chain(w[0].inner.iter().zip(&w[1].inner)).map(|(a, b)| (a - b).abs())
            })
            .collect();
        steps.iter().sum::<f32>() / steps.len() as f32
    };
    let moved = raw.iter().flat_map(|e| e.outer).filter(|d| d.abs() > 0.25).count();
    println!(
        "carphone ×4: mean frame-to-frame change of the lip edge offsets {:.3} px fitted per frame, {:.3} px as drawn; {moved} outer offsets over 0.25 px",
        jitter(&raw),
        jitter(&steady)
    );
    // The lipstick's feather (the lip edge's width) holds still too.
    let width_steps: Vec<f32> = steady
        .windows(2)
        .flat_map(|w| w[0].outer_width.iter().zip(&w[1].outer_width).map(|(a, b)| (a - b).abs()))
        .collect();
    let width_jitter = width_steps.iter().sum::<f32>() / width_steps.len() as f32;
    let typical_width = median_of(steady.iter().flat_map(|e| e.outer_width).collect());
    println!(
        "carphone ×4: lip edge width {typical_width:.2} px, mean frame-to-frame change {width_jitter:.3} px as drawn"
    );
    assert!(typical_width > 1.0 && width_jitter < 0.1 * typical_width, "{width_jitter} of {typical_width}");
    assert!(moved > 100, "the fit does move the edge on this clip: {moved}");
    assert!(jitter(&steady) < 0.5 * jitter(&raw) && jitter(&steady) < 0.3, "{} vs {}", jitter(&steady), jitter(&raw));
}

/// The portrait with one of its own fingers laid across its lips (the "shh" gesture), and the
/// finger's pixels: the finger is cut from the hand on the photo's crossed arms (skin inside a
/// capsule along it), turned to point up, and pasted over the left half of the mouth.
fn finger_on_lips() -> (RgbImage, Vec<bool>) {
    let photo = vanity::capture::still::load_rgb(&fixture("lips/portrait.jpg")).unwrap();
    let (base, tip, half_width) = (Vec2::new(598.0, 838.0), Vec2::new(692.0, 771.0), 13.5);
    let is_finger = |p: Vec2| {
        let axis = tip - base;
        let t = ((p - base).dot(axis) / axis.length_squared()).clamp(0.0, 1.0);
        let [r, _, b] = photo.get_pixel(p.x as u32, p.y as u32).0.map(|c| f32::from(c) / 255.0);
        (base + axis * t).distance(p) < half_width && r > 0.30 && r > b + 0.08
    };
    // Turn the finger to point straight up and centre it on (478, 345).
    let along = (tip - base).normalize();
    let (centre_from, centre_to) = ((base + tip) * 0.5, Vec2::new(478.0, 345.0));
    let mut out = photo.clone();
    let mut finger = vec![false; (photo.width() * photo.height()) as usize];
    for y in 250..450u32 {
        for x in 380..580u32 {
            // Screen offset from the new centre, back into the hand's frame: "up" is `along`.
            let d = Vec2::new(x as f32 + 0.5, y as f32 + 0.5) - centre_to;
            let src = centre_from + along * (-d.y) + Vec2::new(-along.y, along.x) * (-d.x);
            if src.x < 0.0 || src.y < 0.0 || !is_finger(src) {
                continue;
            }
            out.put_pixel(x, y, *photo.get_pixel(src.x as u32, src.y as u32));
            finger[(y * photo.width() + x) as usize] = true;
        }
    }
    (out, finger)
}

/// Room lights of another colour than the reference (linear RGB gains): warm (a tungsten-like
/// lamp), green (a fluorescent tube) and cool (daylight through a window).
const COLOURED_LIGHTS: [[f32; 3]; 3] = [[1.0, 0.8, 0.6], [0.8, 1.0, 0.8], [0.6, 0.8, 1.0]];

#[test]
fn a_finger_across_the_lips_stays_bare() {
    let (frame, finger) = finger_on_lips();
    let mask = lip_fixture("portrait");
    let mut tracker = vanity::tracking::Tracker::new(
        &vanity::tracking::ModelPaths::new(common::root().join("models")),
        vanity::tracking::TrackerConfig {
            model: vanity::tracking::ModelKind::V2,
            smoothing: None,
            ..Default::default()
        },
    )
    .unwrap();
    let faces = tracker.detect_image(&frame).unwrap();
    assert_eq!(faces.len(), 1, "the face is still found with a finger on it");
    let look = lipstick("#B0153A", Finish::Matte, 1.0);
    // The picture as taken, and under a warm and a green light. His eyes are narrowed by the
    // smile (18 eye-white pixels): no light is measured on this face, so the colours are read
    // as the camera recorded them. Under the cool light, read so, the finger's shaded skin keeps
    // too little chroma to have a hue and is painted (85.8 %, as the mesh alone paints it).
    for light in [[1.0; 3], COLOURED_LIGHTS[0], COLOURED_LIGHTS[1]] {
        let frame = relit_rgb(&frame, light);
        let paint = |from_picture: bool| {
            let mut r = Switched::lips_from_picture(from_picture);
            r.set_look(&look);
            r.render(&frame, &[FaceDraw { landmarks: &faces[0].landmarks, strength: 1.0 }]).expect("renders")
        };
        let (mesh, read) = (paint(false), paint(true));
        if let Some(dir) = std::env::var_os("VANITY_DEBUG_DIR") {
            frame.save(std::path::Path::new(&dir).join("finger.png")).unwrap();
            read.save(std::path::Path::new(&dir).join("finger_read.png")).unwrap();
        }
        // Over the true lips (hand-drawn): the finger's pixels, and the lip the finger leaves
        // visible.
        let (mut on_finger, mut visible) = ([0usize; 2], [0usize; 2]);
        let (mut finger_px, mut lip_px) = (0usize, 0usize);
        for (x, y, p) in frame.enumerate_pixels() {
            let q = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            if !inside(&mask.outer, q) || inside(&mask.inner, q) {
                continue;
            }
            let painted = |img: &RgbImage| ciede2000(lab(p.0), lab(img.get_pixel(x, y).0)) > PAINTED;
            let counts = if finger[(y * frame.width() + x) as usize] {
                finger_px += 1;
                &mut on_finger
            } else {
                lip_px += 1;
                &mut visible
            };
            counts[0] += usize::from(painted(&mesh));
            counts[1] += usize::from(painted(&read));
        }
        let share = |n: usize, of: usize| n as f32 / of.max(1) as f32;
        println!(
            "finger on the lips, light {light:?}: {finger_px} finger pixels over the lips, painted {:.1} % -> {:.1} %; \
             visible lip ({lip_px} px) painted {:.1} % -> {:.1} %",
            100.0 * share(on_finger[0], finger_px),
            100.0 * share(on_finger[1], finger_px),
            100.0 * share(visible[0], lip_px),
            100.0 * share(visible[1], lip_px)
        );
        assert!(finger_px > 300, "the finger covers the lips: {finger_px}");
        // Over the lower lip the finger keeps the skin's hue and is left bare; where it crosses
        // the thin upper lip its creases have the lip's hue and are still painted: at least 40 %
        // less paint on the finger than the mesh alone gives, the visible lip as covered as
        // before.
        let (mesh_share, read_share) = (share(on_finger[0], finger_px), share(on_finger[1], finger_px));
        assert!(read_share < 0.6 * mesh_share, "light {light:?}: {on_finger:?} of {finger_px}");
        assert!(
            share(visible[1], lip_px) > share(visible[0], lip_px) - 0.03,
            "light {light:?}: {visible:?} of {lip_px}"
        );
    }
}

#[test]
fn lips_without_anything_in_front_are_not_marked_covered() {
    let covered_lips = |image: &RgbImage, landmarks: &[Vec3], at: Option<&[(u32, u32)]>| {
        let mut r = renderer().lock().unwrap_or_else(|e| e.into_inner());
        r.set_look(&lipstick("#B0153A", Finish::Matte, 1.0));
        r.render(image, &[FaceDraw { landmarks, strength: 1.0 }]).expect("renders");
        let covered = r.occluders();
        match at {
            Some(pixels) => pixels.iter().filter(|&&(x, y)| covered[(y * image.width() + x) as usize] > 0).count(),
            None => covered.iter().filter(|v| **v > 0).count(),
        }
    };
    for name in LIP_FIXTURES {
        let f = lip_fixture(name);
        let covered = covered_lips(&f.image, &f.landmarks, None);
        assert_eq!(covered, 0, "{name}: {covered} lip pixels taken for a finger");
    }
    // Under a coloured room light lip and skin hues come closer (on the open mouth under the warm
    // light, 38° apart -> 24°): read as the camera recorded them, 12 % of its lips went bare.
    for (name, image, landmarks) in kiosk_faces() {
        let lips = lip_pixels(&image, &landmarks);
        for light in COLOURED_LIGHTS {
            let covered = covered_lips(&relit_rgb(&image, light), &landmarks, Some(&lips));
            println!("{name} under {light:?}: {covered} of {} lip pixels taken for a finger", lips.len());
            assert_eq!(covered, 0, "{name} under {light:?}: {covered} of {} lip pixels taken for a finger", lips.len());
        }
    }
}

/// Half the length of each profile across the lip line, pixels: room for a blurred edge and a
/// plain stretch of lip and of skin on either side (the upper lip here is 14–20 px thick).
const PROFILE_REACH: f32 = 7.0;

/// The width (pixels) over which `img` turns from the lip to the skin across the outer lip line
/// at `p` (normal `n`, pointing out of the lip): the distance between the 80 % and 20 % points
/// of the colour's step (CIELAB, projected on the axis between the profile's two ends), where a
/// step of at least `min_step` is there.
fn step_width(img: &RgbImage, p: Vec2, n: Vec2, min_step: f32) -> Option<f32> {
    let ts: Vec<f32> = (0..=56).map(|k| -PROFILE_REACH + k as f32 * 0.25).collect();
    let colours: Vec<Vec3> = ts.iter().map(|t| Vec3::from_array(lab_at(img, p + n * *t))).collect();
    let mean = |keep: &dyn Fn(f32) -> bool| {
        let picked: Vec<Vec3> = ts.iter().zip(&colours).filter(|(t, _)| keep(**t)).map(|(_, c)| *c).collect();
        picked.iter().copied().sum::<Vec3>() / picked.len() as f32
    };
    let (lip, skin) = (mean(&|t| t <= -0.7 * PROFILE_REACH), mean(&|t| t >= 0.7 * PROFILE_REACH));
    let axis = lip - skin;
    if axis.length() < min_step {
        return None;
    }
    let level: Vec<f32> = colours.iter().map(|c| (*c - skin).dot(axis) / axis.length_squared()).collect();
    // The crossing of `at` nearest the profile's middle, falling from lip to skin.
    let crossing = |at: f32| {
        (1..level.len())
            .filter(|&k| level[k - 1] >= at && level[k] < at)
            .map(|k| ts[k - 1] + 0.25 * (level[k - 1] - at) / (level[k - 1] - level[k]))
            .min_by(|a, b| a.abs().total_cmp(&b.abs()))
    };
    let width = crossing(0.2)? - crossing(0.8)?;
    (width > 0.0 && width < PROFILE_REACH).then_some(width)
}

/// CIELAB at a point, bilinear between pixels in linear light.
fn lab_at(img: &RgbImage, p: Vec2) -> [f32; 3] {
    use vanity::looks::color::{linear_to_lab, srgb8_to_linear};
    let (x, y) = (p.x - 0.5, p.y - 0.5);
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let px = |dx: f32, dy: f32| {
        let (xi, yi) =
            ((x0 + dx).clamp(0.0, img.width() as f32 - 1.0), (y0 + dy).clamp(0.0, img.height() as f32 - 1.0));
        Vec3::from_array(img.get_pixel(xi as u32, yi as u32).0.map(srgb8_to_linear))
    };
    let c = px(0.0, 0.0).lerp(px(1.0, 0.0), fx).lerp(px(0.0, 1.0).lerp(px(1.0, 1.0), fx), fy);
    linear_to_lab(c.to_array())
}

/// Points along the hand-drawn outer lip line (every 3 px), each with its outward normal,
/// away from the mouth's corners (where the line turns too fast for a straight profile).
fn lip_line_profiles(outer: &[Vec2]) -> Vec<(Vec2, Vec2)> {
    let centre = outer.iter().copied().sum::<Vec2>() / outer.len() as f32;
    let half_width = outer.iter().map(|p| (p.x - centre.x).abs()).fold(0.0, f32::max);
    let mut out = Vec::new();
    for (i, a) in outer.iter().enumerate() {
        let b = outer[(i + 1) % outer.len()];
        let steps = (a.distance(b) / 3.0).ceil().max(1.0) as usize;
        let along = (b - *a).normalize_or_zero();
        let mut n = Vec2::new(along.y, -along.x);
        for k in 0..steps {
            let p = a.lerp(b, k as f32 / steps as f32);
            if n.dot(p - centre) < 0.0 {
                n = -n;
            }
            if (p.x - centre.x).abs() < 0.75 * half_width {
                out.push((p, n));
            }
        }
    }
    out
}

/// A pixel in linear light.
fn linear(p: [u8; 3]) -> Vec3 {
    Vec3::from_array(p.map(vanity::looks::color::srgb8_to_linear))
}

/// The median of `values` (at least one).
fn median_of(mut values: Vec<f32>) -> f32 {
    values.sort_by(f32::total_cmp);
    values[values.len() / 2]
}

#[test]
fn the_lipstick_edge_is_as_soft_as_the_lip_edge_in_the_picture() {
    // The same photo sharp and out of focus (a Gaussian blur): the painted lip's edge softens
    // with the picture's own instead of staying a fixed, drawn-on line. Widths are the median
    // over profiles across the hand-drawn lip line where both the photo and the result show a
    // step.
    let look = lipstick("#B0153A", Finish::Matte, 1.0);
    let edge_widths = |f: &LipFixture, photo: &RgbImage, from_picture: bool| {
        let painted = {
            let mut r = Switched::lips_from_picture(from_picture);
            r.set_look(&look);
            r.render(photo, &[FaceDraw { landmarks: &f.landmarks, strength: 1.0 }]).expect("renders")
        };
        let pairs: Vec<(f32, f32)> = lip_line_profiles(&f.outer)
            .iter()
            .filter_map(|(p, n)| Some((step_width(photo, *p, *n, 5.0)?, step_width(&painted, *p, *n, 5.0)?)))
            .collect();
        assert!(pairs.len() > 40, "{}: {} profiles with a step", f.name, pairs.len());
        EdgeWidths {
            picture: median_of(pairs.iter().map(|w| w.0).collect()),
            lipstick: median_of(pairs.iter().map(|w| w.1).collect()),
        }
    };
    // His lips only: hers are 5-10 px thick in the phone photo, and a feather is never wider
    // than three quarters of the lip's thickness (as the mesh draws it, 3-4 px thinner than hers
    // at the upper lip), so there the lipstick's edge reads 0.66 of the picture's width.
    for name in ["portrait", "speech"] {
        let f = lip_fixture(name);
        let blurred = image::imageops::blur(&f.image, 2.0);
        let sharp = edge_widths(&f, &f.image, true);
        let soft = edge_widths(&f, &blurred, true);
        // The mesh's line with the fixed feather: what a drawn-on edge measures.
        let drawn = edge_widths(&f, &f.image, false);
        let drawn_soft = edge_widths(&f, &blurred, false);
        println!(
            "{name}: lip edge width (20-80 %), picture -> lipstick: sharp {:.2} -> {:.2} px, blurred (sigma 2 px) {:.2} -> {:.2} px; fixed feather: {:.2} / {:.2} px",
            sharp.picture, sharp.lipstick, soft.picture, soft.lipstick, drawn.lipstick, drawn_soft.lipstick
        );
        for w in [sharp, soft] {
            assert!((0.75..1.25).contains(&w.ratio()), "{name}: {w:?}");
        }
        assert!(
            soft.lipstick - sharp.lipstick > 0.5 * (soft.picture - sharp.picture),
            "{name}: the lipstick's edge does not soften with the picture: {sharp:?} -> {soft:?}"
        );
        // The statistic catches a drawn-on edge: the fixed feather is far crisper than the lip.
        for w in [drawn, drawn_soft] {
            assert!(w.ratio() < 0.6, "{name}: a fixed feather not caught: {w:?}");
        }
    }
}

/// How soft the lip line is in a photo and in the lipstick drawn on it (20-80 % widths, pixels).
#[derive(Debug, Clone, Copy)]
struct EdgeWidths {
    picture: f32,
    lipstick: f32,
}

impl EdgeWidths {
    /// The lipstick's edge width against the picture's: 1 is as soft as the lip itself.
    fn ratio(&self) -> f32 {
        self.lipstick / self.picture
    }
}

#[test]
fn the_lipstick_is_blurred_as_the_camera_blurs_the_lip() {
    // The same photos out of focus (a Gaussian blur): the lipstick drawn on the blurred photo,
    // against the lipstick drawn on the sharp photo and then blurred the same way (what a camera
    // out of focus would have shown), over the pixels near the hand-drawn lip line. The mesh's
    // line with its fixed feather is the control: it is drawn the same on both, so it differs
    // from the camera's by the blur alone.
    let look = lipstick("#B0153A", Finish::Matte, 1.0);
    let luminance = |p: &image::Rgb<u8>| linear(p.0).dot(Vec3::new(0.2126, 0.7152, 0.0722));
    for name in LIP_FIXTURES {
        let f = lip_fixture(name);
        for sigma in [2.0f32, 3.0] {
            let unlike = |from_picture: bool| {
                let mut r = Switched::lips_from_picture(from_picture);
                r.set_look(&look);
                let mut draw = |photo: &RgbImage| {
                    r.render(photo, &[FaceDraw { landmarks: &f.landmarks, strength: 1.0 }]).expect("renders")
                };
                let drawn = draw(&image::imageops::blur(&f.image, sigma));
                let camera = image::imageops::blur(&draw(&f.image), sigma);
                let (mut sum, mut n) = (0.0, 0usize);
                for (x, y, p) in drawn.enumerate_pixels() {
                    let at = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
                    if edge_distance(&f.outer, at) < 3.0 * sigma + 2.0 && !inside(&f.inner, at) {
                        sum += (luminance(p) - luminance(camera.get_pixel(x, y))).abs();
                        n += 1;
                    }
                }
                assert!(n > 500, "{name}: {n} px near the lip line");
                sum / n as f32
            };
            let (ours, fixed) = (unlike(true), unlike(false));
            println!(
                "{name}, sigma {sigma}: lipstick drawn on the blurred photo against the sharp one's blurred: mean \
                 |difference| in linear luminance near the lip line {ours:.4} ({:.0} % of the mesh line's with its \
                 fixed feather, {fixed:.4})",
                100.0 * ours / fixed
            );
            assert!(ours < 0.9 * fixed, "{name}, sigma {sigma}: {ours:.4} against the fixed feather's {fixed:.4}");
        }
    }
}
