//! Makeup that looks real, measured on real faces at kiosk distance: finishes a person can tell
//! apart, products drawn as pigments under the room's light, and highlights on the side the light
//! comes from.

mod common;

use common::paint::*;
use common::pixels::*;
use glam::Vec3;
use image::RgbImage;
use vanity::face::atlas::LIP_FEATHER;
use vanity::face::regions::{FACE_OVAL, LIPS_OUTER, contour, inside};
use vanity::looks::color::{ciede2000, srgb_to_linear};
use vanity::looks::{Finish, Look};
use vanity::render::lip_edges::{BAND, MAX_FEATHER};
use vanity::render::skin_model::{ChromaModel, FaceSkin, SampleSites, SkinSamples};
use vanity::tracking::tracker::inter_ocular;

/// The smallest colour difference a shopper sees at a glance (CIEDE2000; ~2.3 is "just
/// noticeable" side by side).
const VISIBLE: f32 = 3.0;

/// The 90th percentile of per-pixel CIEDE2000 between two renders over `at`.
fn p90_delta_e(a: &RgbImage, b: &RgbImage, at: &[(u32, u32)]) -> f32 {
    let mut d: Vec<f32> =
        at.iter().map(|&(x, y)| ciede2000(lab(a.get_pixel(x, y).0), lab(b.get_pixel(x, y).0))).collect();
    d.sort_by(f32::total_cmp);
    d[d.len() * 9 / 10]
}

#[test]
fn every_pair_of_finishes_differs_visibly_at_kiosk_distance() {
    let mut worst = f32::MAX;
    // A kiosk sees shoppers from about 150 to 250 px between the eyes.
    let faces = [150.0, KIOSK_IOD, 250.0].into_iter().flat_map(kiosk_faces_at);
    for (name, img, lm) in faces {
        let lips = lip_pixels(&img, &lm);
        assert!(lips.len() > 150, "{name}: {} lip pixels", lips.len());
        let renders: Vec<RgbImage> = Finish::ALL
            .iter()
            .map(|f| render(&img, std::slice::from_ref(&lm), &lipstick("#B0153A", *f, 1.0)))
            .collect();
        eprintln!("{name} (IOD {:.0} px, {} lip px): p90 ΔE00 between finishes", inter_ocular(&lm), lips.len());
        for i in 0..renders.len() {
            for j in i + 1..renders.len() {
                let d = p90_delta_e(&renders[i], &renders[j], &lips);
                eprintln!("  {:>8} vs {:<8} {d:5.2}", Finish::ALL[i].name(), Finish::ALL[j].name());
                worst = worst.min(d);
                assert!(
                    d >= VISIBLE,
                    "{name}: {:?} and {:?} differ by p90 ΔE00 {d:.2}",
                    Finish::ALL[i],
                    Finish::ALL[j]
                );
            }
        }
        let matte = &renders[0];
        let (before, after) = (lightness_cv(&img, &lips), lightness_cv(matte, &lips));
        let want = "#B0153A".parse::<vanity::looks::Srgb>().unwrap().to_lab();
        let mut got = mean_lab(matte, &lips);
        got[0] = want[0];
        let chromatic = ciede2000(got, want);
        eprintln!("  matte: chromatic ΔE00 {chromatic:.2} to the shade, lightness CV {after:.3} (bare {before:.3})");
        assert!(chromatic <= 6.0, "{name}: opaque matte is chromatic ΔE00 {chromatic:.2} from the shade");
        assert!(after >= 0.6 * before, "{name}: matte lightness CV {after:.3} vs bare {before:.3}");
    }
    eprintln!("closest pair: p90 ΔE00 {worst:.2}");
}

#[test]
fn lipstick_is_a_pigment_that_follows_the_room_light() {
    for (name, img, lm) in kiosk_faces() {
        let lips = lip_pixels(&img, &lm);
        let dim = relit(&img, |_, _| 0.5);
        let bare = mean_luminance(&dim, &lips) / mean_luminance(&img, &lips);
        for finish in Finish::ALL {
            let look = lipstick("#B0153A", finish, 1.0);
            let (lit, dimmed) =
                (render(&img, std::slice::from_ref(&lm), &look), render(&dim, std::slice::from_ref(&lm), &look));
            let ratio = mean_luminance(&dimmed, &lips) / mean_luminance(&lit, &lips);
            eprintln!("{name} {:>8}: lip luminance after -1 stop ×{ratio:.3} (bare lips ×{bare:.3})", finish.name());
            assert!((ratio - 0.5).abs() <= 0.06, "{name} {finish:?}: lip luminance ×{ratio:.3} after one stop down");
        }
    }
}

/// Mean linear RGB of `img` over `at`.
fn mean_linear(img: &RgbImage, at: &[(u32, u32)]) -> glam::Vec3 {
    at.iter().map(|&(x, y)| linear_at(img, x, y)).sum::<glam::Vec3>() / at.len() as f32
}

#[test]
fn lipstick_and_its_highlights_take_the_colour_of_the_room_light() {
    // A warm room light: red ×1.0, green ×0.8, blue ×0.6 of a neutral one, in linear light (no
    // channel brighter than before, so nothing newly clips).
    const WARM: [f32; 3] = [1.0, 0.8, 0.6];
    // How far a red-to-blue ratio may miss the light's (a fraction of it): the light is read from
    // the eye whites, which the warm light tints as it tints the lips.
    const TOLERANCE: f32 = 0.15;
    let gain_rb = WARM[0] / WARM[2];
    let rb = |c: glam::Vec3| c.x / c.z;
    for (name, img, lm) in kiosk_faces() {
        let lips = lip_pixels(&img, &lm);
        let warm = relit_rgb(&img, WARM);
        let draw = |scene: &RgbImage, shade: &str, finish: Finish| {
            render(scene, std::slice::from_ref(&lm), &lipstick(shade, finish, 1.0))
        };
        // The pigment: a red lipstick, matte.
        let pigment = rb(mean_linear(&draw(&warm, "#B0153A", Finish::Matte), &lips))
            / rb(mean_linear(&draw(&img, "#B0153A", Finish::Matte), &lips));
        // The highlight: what a gloss adds over a matte of the same shade. The gloss also deepens
        // the colour beneath, so a grey shade keeps that part of the difference the light's
        // colour too.
        let added = |scene: &RgbImage| {
            highlight_colour(&draw(scene, "#808080", Finish::Gloss), &draw(scene, "#808080", Finish::Matte), &lips)
        };
        let highlight = rb(added(&warm)) / rb(added(&img));
        eprintln!(
            "{name}: under the warm light (red/blue ×{gain_rb:.2}) the lipstick's red/blue goes ×{pigment:.2}, \
             a gloss highlight's ×{highlight:.2}"
        );
        assert!((pigment / gain_rb - 1.0).abs() <= TOLERANCE, "{name}: the pigment's colour ×{pigment:.2}");
        assert!((highlight / gain_rb - 1.0).abs() <= TOLERANCE, "{name}: the highlight's colour ×{highlight:.2}");
    }
}

/// `img` lit from one side: full light up to half `span` before the column `centre` on the lit
/// side, falling linearly across `span` to `1 - fall` of it on the other.
fn lit_from_side(img: &RgbImage, centre: f32, span: f32, from_left: bool, fall: f32) -> RgbImage {
    relit(img, |x, _| {
        let t = ((x as f32 - centre) / span + 0.5).clamp(0.0, 1.0);
        1.0 - fall * if from_left { t } else { 1.0 - t }
    })
}

/// The mean column (pixel centres) of the tenth of `at` with the most `lift`: where the
/// brightest of what a layer adds lies across the picture.
fn brightest_tenth_column(lift: &[f32], at: &[(u32, u32)]) -> f32 {
    let mut ranked: Vec<(f32, u32)> = lift.iter().copied().zip(at.iter().map(|p| p.0)).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let top = &ranked[..ranked.len() / 10];
    top.iter().map(|t| t.1 as f32 + 0.5).sum::<f32>() / top.len() as f32
}

/// Where a finish's highlight lands across the lips: the centroid of the tenth of the lip pixels
/// that `finish` brightens most over a matte of the same shade, from the lips' left end (0) to
/// their right end (1) in the image.
fn highlight_position(finish: &RgbImage, matte: &RgbImage, lm: &[Vec3]) -> f32 {
    let lips = lip_pixels(finish, lm);
    let cx = brightest_tenth_column(&added_light(finish, matte, &lips, 0, 0), &lips);
    let outer = contour(lm, &LIPS_OUTER);
    let (lo, hi) = outer.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.x), hi.max(p.x)));
    (cx - lo) / (hi - lo)
}

/// Where a finish's lip highlight lands with the face lit from its left and from its right.
#[derive(Debug, Clone, Copy)]
struct SideLit {
    from_left: f32,
    from_right: f32,
}

impl SideLit {
    /// How far the highlight moves between the two lights, in lip widths.
    fn travel(self) -> f32 {
        self.from_right - self.from_left
    }
}

/// Where `finish`'s highlight lands on `img` relit from each side (full light on one side, a
/// twentieth on the other), lit by the renderer's estimated direction or by `pinned`.
fn side_lit(img: &RgbImage, lm: &[Vec3], finish: Finish, pinned: Option<Vec3>) -> SideLit {
    let outer = contour(lm, &LIPS_OUTER);
    let centre = outer.iter().map(|p| p.x).sum::<f32>() / outer.len() as f32;
    let span = 0.8 * inter_ocular(lm);
    let mut renderer = Switched::light_pinned(pinned);
    let faces = [lm.to_vec()];
    let mut position = |from_left: bool| {
        let scene = lit_from_side(img, centre, span, from_left, 0.95);
        let shiny = renderer.draw(&scene, &faces, &lipstick("#B0153A", finish, 1.0));
        let matte = renderer.draw(&scene, &faces, &lipstick("#B0153A", Finish::Matte, 1.0));
        highlight_position(&shiny, &matte, lm)
    };
    SideLit { from_left: position(true), from_right: position(false) }
}

#[test]
fn a_face_lit_from_one_side_gets_its_lip_highlight_on_that_side() {
    // How much further the highlight must travel with the estimated light direction than with
    // a light pinned in front of the face (lip widths): the estimate, not only the lip's own
    // brighter side, places it.
    const MIN_EXTRA_TRAVEL: f32 = 0.08;
    // The same for shimmer's scattered glints (0.07-0.13 on the three faces).
    const MIN_EXTRA_TRAVEL_OF_GLINTS: f32 = 0.05;
    let mut failures = Vec::new();
    for (name, img, lm) in kiosk_faces() {
        for finish in [Finish::Gloss, Finish::Metallic, Finish::Shimmer] {
            let estimated = side_lit(&img, &lm, finish, None);
            let frontal = side_lit(&img, &lm, finish, Some(Vec3::Z));
            eprintln!(
                "{name} {finish:?}: highlight at {:.2} of the lip width lit from the left, {:.2} from the right \
                 (light pinned in front: {:.2}, {:.2})",
                estimated.from_left, estimated.from_right, frontal.from_left, frontal.from_right
            );
            // Gloss and metallic lay one broad highlight where the light mirrors into the camera;
            // shimmer's flakes are tilted every way and glint all over the lips, more of them
            // (and the brightest) towards the light.
            let one_highlight = finish != Finish::Shimmer;
            let on_lit_side = if one_highlight {
                estimated.from_left < 0.45 && estimated.from_right > 0.55
            } else {
                estimated.from_left < frontal.from_left && estimated.from_right > frontal.from_right
            };
            if !on_lit_side {
                failures
                    .push(format!("{name} {finish:?}: highlight not towards the light: {estimated:?} vs {frontal:?}"));
            }
            let extra_travel = if one_highlight { MIN_EXTRA_TRAVEL } else { MIN_EXTRA_TRAVEL_OF_GLINTS };
            if estimated.travel() < frontal.travel() + extra_travel {
                failures.push(format!(
                    "{name} {finish:?}: the light direction does not move the highlight: {estimated:?} vs {frontal:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

/// Where the eyeshadow's shimmer glints across the eyes with the face lit from its left and from
/// its right (full light on one side, a twentieth on the other): the centroid of the tenth of the
/// lid pixels the shimmer brightens most, from one eye's outer corner (0) to the other's (1).
fn lid_glints_side_lit(img: &RgbImage, lm: &[Vec3], pinned: Option<Vec3>) -> SideLit {
    let (left, right) = (lm[33].x.min(lm[263].x), lm[33].x.max(lm[263].x));
    let centre = 0.5 * (left + right);
    let span = 1.6 * inter_ocular(lm);
    let mut renderer = Switched::light_pinned(pinned);
    let faces = [lm.to_vec()];
    let mut position = |from_left: bool| {
        let scene = lit_from_side(img, centre, span, from_left, 0.95);
        let plain = renderer.draw(&scene, &faces, &shadow(0.0));
        let lids = lid_pixels(&scene, &plain);
        let lift = added_light(&renderer.draw(&scene, &faces, &shadow(0.8)), &plain, &lids, 0, 0);
        (brightest_tenth_column(&lift, &lids) - left) / (right - left)
    };
    SideLit { from_left: position(true), from_right: position(false) }
}

#[test]
fn a_face_lit_from_one_side_gets_its_eyeshadow_glints_on_that_side() {
    // How much further the glints must travel with the estimated light direction than with a
    // light pinned in front of the face (the eyes' span).
    const MIN_EXTRA_TRAVEL: f32 = 0.08;
    let mut failures = Vec::new();
    for (name, img, lm) in kiosk_faces() {
        let estimated = lid_glints_side_lit(&img, &lm, None);
        let frontal = lid_glints_side_lit(&img, &lm, Some(Vec3::Z));
        eprintln!(
            "{name}: eyeshadow glints at {:.2} of the eyes' span lit from the left, {:.2} from the right \
             (light pinned in front: {:.2}, {:.2})",
            estimated.from_left, estimated.from_right, frontal.from_left, frontal.from_right
        );
        // The light pinned in front leaves the glints where the flakes lie (travel -0.03-0.02 on
        // the three faces); the estimated light moves them 0.13-0.50 of the span.
        if estimated.travel() < frontal.travel() + MIN_EXTRA_TRAVEL {
            failures
                .push(format!("{name}: the light direction does not move the glints: {estimated:?} vs {frontal:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

/// The part of a render a golden image holds: the mouth with a margin, and within it the pixels
/// lipstick may touch (inside the outer lip contour or within its reach past it: the fitted lip
/// line, the feather, liner), the rest of the crop a ring lipstick must leave alone.
struct GoldenFrame {
    x0: u32,
    y0: u32,
    width: u32,
    height: u32,
    /// Pixels of the crop that lipstick may touch.
    region: Vec<(u32, u32)>,
    /// The rest of the crop.
    outside: Vec<(u32, u32)>,
}

impl GoldenFrame {
    fn around_lips(img: &RgbImage, lm: &[Vec3]) -> Self {
        // How far past the mesh's lip line lipstick may reach, fraction of the inter-ocular
        // distance: the line fitted to the picture moves out by up to `BAND`, and the feather
        // (as soft as the picture's lip edge) reaches half its widest past that.
        const LIPSTICK_REACH: f32 = BAND + 0.5 * MAX_FEATHER * LIP_FEATHER;
        // Width of the skin ring around it, fraction of the inter-ocular distance.
        const OUTSIDE_RING: f32 = 0.08;
        let outer = contour(lm, &LIPS_OUTER);
        let iod = inter_ocular(lm);
        let (lo, hi) = outer.iter().fold((glam::Vec2::MAX, glam::Vec2::MIN), |(lo, hi), p| (lo.min(*p), hi.max(*p)));
        // A ring of skin around what lipstick may touch, as wide again as the fitted line and
        // feather reach, where it must not show.
        let pad = (LIPSTICK_REACH + OUTSIDE_RING) * iod;
        let x0 = (lo.x - pad).max(0.0) as u32;
        let y0 = (lo.y - pad).max(0.0) as u32;
        let width = ((hi.x + pad) as u32).min(img.width()) - x0;
        let height = ((hi.y + pad) as u32).min(img.height()) - y0;
        let (mut region, mut outside) = (Vec::new(), Vec::new());
        for y in 0..height {
            for x in 0..width {
                let p = glam::Vec2::new((x0 + x) as f32 + 0.5, (y0 + y) as f32 + 0.5);
                let near = common::inside(&outer, p) || edge_distance(&outer, p) <= LIPSTICK_REACH * iod;
                if near { region.push((x, y)) } else { outside.push((x, y)) }
            }
        }
        Self { x0, y0, width, height, region, outside }
    }

    fn crop(&self, img: &RgbImage) -> RgbImage {
        image::imageops::crop_imm(img, self.x0, self.y0, self.width, self.height).to_image()
    }
}

/// How a render differs from its golden image over the pixels lipstick may touch.
#[derive(Debug)]
struct GoldenDifference {
    /// Mean per-pixel CIEDE2000 over the painted pixels (where either image differs from the bare
    /// frame).
    mean: f32,
    /// Share of pixels more than 2 ΔE00 off.
    share_off: f32,
}

impl GoldenDifference {
    /// Mean ΔE00 allowed over the painted pixels: far below the closest pair of finishes (p90 ≥
    /// 3) and below a 3-level change of any one channel of the shade, even at the sheer finish's
    /// 45 % coverage (≥ 0.09); the same renderer reproduces its goldens exactly (0).
    const MEAN: f32 = 0.06;
    /// Share of visibly different pixels allowed (a 2 % IOD shift of the lip mask moves a band of
    /// several pixels along the whole contour).
    const SHARE_OFF: f32 = 0.01;

    fn of(render: &RgbImage, golden: &RgbImage, bare: &RgbImage, region: &[(u32, u32)]) -> Self {
        let differs = |a: &RgbImage, x: u32, y: u32| {
            a.get_pixel(x, y).0.iter().zip(bare.get_pixel(x, y).0).any(|(p, q)| p.abs_diff(q) > 1)
        };
        let d: Vec<(f32, bool)> = region
            .iter()
            .map(|&(x, y)| {
                let de = ciede2000(lab(render.get_pixel(x, y).0), lab(golden.get_pixel(x, y).0));
                (de, differs(render, x, y) || differs(golden, x, y))
            })
            .collect();
        let painted: Vec<f32> = d.iter().filter(|(_, p)| *p).map(|(de, _)| *de).collect();
        let mean = painted.iter().sum::<f32>() / painted.len().max(1) as f32;
        let share_off = d.iter().filter(|(de, _)| *de > 2.0).count() as f32 / d.len() as f32;
        Self { mean, share_off }
    }

    fn passes(&self) -> bool {
        self.mean <= Self::MEAN && self.share_off <= Self::SHARE_OFF
    }
}

/// The kiosk-distance astronaut, her golden frame, and a render of `look` cropped to it.
fn golden_render(lm_shift: glam::Vec2, look: &vanity::looks::Look) -> (RgbImage, RgbImage, GoldenFrame) {
    let (a, al) = astronaut();
    let (img, lm) = at_kiosk_distance(&a, &al, KIOSK_IOD);
    let frame = GoldenFrame::around_lips(&img, &lm);
    let moved: Vec<Vec3> = lm.iter().map(|p| *p + lm_shift.extend(0.0)).collect();
    let out = render(&img, std::slice::from_ref(&moved), look);
    (frame.crop(&out), frame.crop(&img), frame)
}

fn golden_path(finish: Finish) -> std::path::PathBuf {
    common::root().join("tests/golden").join(format!("lipstick_{}.png", finish.name()))
}

/// Golden images of every finish on the mouth at kiosk distance, compared only where lipstick
/// may touch (and the rest of the crop must be the untouched frame). Set VANITY_UPDATE_GOLDEN=1
/// to rewrite them after an intended change.
#[test]
fn finishes_match_their_golden_images_where_lipstick_may_touch() {
    let update = std::env::var_os("VANITY_UPDATE_GOLDEN").is_some();
    for finish in Finish::ALL {
        let (crop, bare, frame) = golden_render(glam::Vec2::ZERO, &lipstick("#B0153A", finish, 1.0));
        let path = golden_path(finish);
        if update {
            crop.save(&path).unwrap();
            continue;
        }
        let golden = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_rgb8();
        assert_eq!(golden.dimensions(), crop.dimensions(), "{}", path.display());
        let diff = GoldenDifference::of(&crop, &golden, &bare, &frame.region);
        eprintln!("{finish:?}: {diff:?} over {} px, {} px of skin around", frame.region.len(), frame.outside.len());
        assert!(frame.outside.len() > frame.region.len() / 2, "too little skin around the lips to check");
        assert!(diff.passes(), "{}: {diff:?}", path.display());
        assert!(max_diff(&crop, &bare, &frame.outside) <= 1, "{finish:?} painted outside the lips");
    }
}

/// The golden check fails for each mistake it exists to catch: another finish, the lip mask
/// shifted by 2 % of the inter-ocular distance (the whole face's landmarks, as a tracker's error
/// moves them, and the lips' alone, so that nothing but the mask moves), the shade changed by 3
/// levels.
#[test]
fn the_golden_check_catches_a_swapped_finish_a_shifted_mask_and_a_3_level_colour_change() {
    let golden = |f: Finish| image::open(golden_path(f)).unwrap().to_rgb8();
    for shown in Finish::ALL {
        for expected in Finish::ALL.iter().filter(|f| **f != shown) {
            let (crop, bare, frame) = golden_render(glam::Vec2::ZERO, &lipstick("#B0153A", shown, 1.0));
            let diff = GoldenDifference::of(&crop, &golden(*expected), &bare, &frame.region);
            assert!(!diff.passes(), "{shown:?} passed as {expected:?}: {diff:?}");
        }
    }
    for finish in Finish::ALL {
        let (a, al) = astronaut();
        let shift = 0.02 * inter_ocular(&at_kiosk_distance(&a, &al, KIOSK_IOD).1);
        for offset in [glam::Vec2::new(shift, 0.0), glam::Vec2::new(0.0, shift)] {
            let (crop, bare, frame) = golden_render(offset, &lipstick("#B0153A", finish, 1.0));
            let diff = GoldenDifference::of(&crop, &golden(finish), &bare, &frame.region);
            eprintln!("{finish:?} shifted by {offset}: {diff:?}");
            assert!(!diff.passes(), "{finish:?} with the mask shifted by {offset} passed: {diff:?}");
        }
        // The mask alone: the lips' landmarks moved and nothing else (the eyes the light is read
        // from stay), the mesh's lip line drawn in a pinned light, against the same unmoved.
        let (img, lm) = at_kiosk_distance(&a, &al, KIOSK_IOD);
        let frame = GoldenFrame::around_lips(&img, &lm);
        let look = lipstick("#B0153A", finish, 1.0);
        let mut renderer = Switched::mesh_lips_in_pinned_light(Vec3::Z);
        let reference = frame.crop(&renderer.draw(&img, std::slice::from_ref(&lm), &look));
        let again = frame.crop(&renderer.draw(&img, std::slice::from_ref(&lm), &look));
        assert!(GoldenDifference::of(&again, &reference, &frame.crop(&img), &frame.region).passes());
        for offset in [
            glam::Vec2::new(shift, 0.0),
            glam::Vec2::new(-shift, 0.0),
            glam::Vec2::new(0.0, shift),
            glam::Vec2::new(0.0, -shift),
        ] {
            let moved = frame.crop(&renderer.draw(&img, &[lips_moved(&lm, offset)], &look));
            let diff = GoldenDifference::of(&moved, &reference, &frame.crop(&img), &frame.region);
            eprintln!("{finish:?}, the lip mask alone shifted by {offset}: {diff:?}");
            assert!(!diff.passes(), "{finish:?} with the lip mask alone shifted by {offset} passed: {diff:?}");
        }
        drop(renderer);
        for shade in ["#B3153A", "#B0183A", "#B0153D"] {
            let (crop, bare, frame) = golden_render(glam::Vec2::ZERO, &lipstick(shade, finish, 1.0));
            let diff = GoldenDifference::of(&crop, &golden(finish), &bare, &frame.region);
            eprintln!("{finish:?} in {shade}: {diff:?}");
            assert!(!diff.passes(), "{finish:?} in {shade} passed as #B0153A: {diff:?}");
        }
    }
}

/// The landmarks on and round the lips (within a tenth of the inter-ocular distance of the outer
/// lip line) moved by `offset`, the rest of the face where it was: a lip mask shifted without
/// moving the eyes the light is read from.
fn lips_moved(lm: &[Vec3], offset: glam::Vec2) -> Vec<Vec3> {
    let outer = contour(lm, &LIPS_OUTER);
    let reach = 0.1 * inter_ocular(lm);
    let near_lips = |p: glam::Vec2| common::inside(&outer, p) || edge_distance(&outer, p) <= reach;
    lm.iter().map(|p| if near_lips(p.truncate()) { *p + offset.extend(0.0) } else { *p }).collect()
}

/// Where on the face a canonical UV point is, in frame pixels: the landmark whose UV is nearest.
fn at_uv(lm: &[Vec3], uv: [f32; 2]) -> glam::Vec2 {
    let mesh = vanity::face::mesh::CanonicalMesh::load();
    let nearest = (0..mesh.uvs.len())
        .min_by(|a, b| {
            let d = |i: usize| (mesh.uvs[i][0] - uv[0]).powi(2) + (mesh.uvs[i][1] - uv[1]).powi(2);
            d(*a).total_cmp(&d(*b))
        })
        .unwrap();
    lm[nearest].truncate()
}

/// Change of mean L* from `before` to `after` in a window of 4 % IOD around `p`.
fn lightness_change(before: &RgbImage, after: &RgbImage, p: glam::Vec2, iod: f32) -> f32 {
    let r = (0.04 * iod).max(1.0) as i32;
    let window: Vec<(u32, u32)> =
        (-r..=r).flat_map(|dy| (-r..=r).map(move |dx| ((p.x as i32 + dx) as u32, (p.y as i32 + dy) as u32))).collect();
    mean_lab(after, &window)[0] - mean_lab(before, &window)[0]
}

fn sculpt(contour: Option<&str>, highlight: Option<&str>) -> vanity::looks::Look {
    let mut text = String::from("name = \"t\"\n");
    if let Some(c) = contour {
        text += &format!("[contour]\ncolor = \"{c}\"\nopacity = 1.0\n");
    }
    if let Some(h) = highlight {
        text += &format!("[highlight]\ncolor = \"{h}\"\nopacity = 1.0\n");
    }
    look(&text)
}

#[test]
fn contour_deepens_the_cheek_hollows_and_highlight_lifts_the_high_planes() {
    let (a, al) = astronaut();
    let (img, lm) = at_kiosk_distance(&a, &al, KIOSK_IOD);
    let iod = inter_ocular(&lm);
    let contoured = render(&img, std::slice::from_ref(&lm), &sculpt(Some("#8E6652"), None));
    let lit = render(&img, std::slice::from_ref(&lm), &sculpt(None, Some("#EED4B4")));
    let change = |out: &RgbImage, uv: [f32; 2]| lightness_change(&img, out, at_uv(&lm, uv), iod);
    let (hollow, cheekbone, nose_tip, bridge) = ([0.13, 0.53], [0.2, 0.463], [0.5, 0.547], [0.5, 0.44]);
    for side in [false, true] {
        let mirror = |uv: [f32; 2]| if side { [1.0 - uv[0], uv[1]] } else { uv };
        let (h, c) = (change(&contoured, mirror(hollow)), change(&contoured, mirror(cheekbone)));
        eprintln!("contour: cheek hollow ΔL* {h:.1}, cheekbone {c:.1}");
        assert!(h <= -3.0, "contour leaves the cheek hollow at ΔL* {h:.1}");
        let (hl, cl) = (change(&lit, mirror(hollow)), change(&lit, mirror(cheekbone)));
        eprintln!("highlight: cheekbone ΔL* {cl:.1}, cheek hollow {hl:.1}");
        assert!(cl >= 3.0 && hl < cl * 0.5, "highlight: cheekbone ΔL* {cl:.1}, hollow {hl:.1}");
    }
    let tip = change(&contoured, nose_tip);
    assert!(tip.abs() < 1.0, "contour on the nose tip: ΔL* {tip:.1}");
    let b = change(&lit, bridge);
    assert!(b >= 2.0, "highlight on the nose bridge: ΔL* {b:.1}");
    let lips = lip_pixels(&img, &lm);
    for out in [&contoured, &lit] {
        assert!(max_diff(&img, out, &lips) <= 1, "sculpting touched the lips");
        assert!(max_diff(&img, out, &outside_face(&img, std::slice::from_ref(&lm))) <= 1, "sculpting off the face");
    }
}

#[test]
fn a_wider_face_gets_more_contour_along_the_jaw() {
    use vanity::advisor::measure::FaceShape;
    let (a, al) = astronaut();
    let (img, lm) = at_kiosk_distance(&a, &al, KIOSK_IOD);
    // The same face 35 % wider: a rounder, squarer shape.
    let wide = image::imageops::resize(
        &img,
        (img.width() as f32 * 1.35) as u32,
        img.height(),
        image::imageops::FilterType::CatmullRom,
    );
    let wide_lm: Vec<Vec3> = lm.iter().map(|p| Vec3::new(p.x * 1.35, p.y, p.z * 1.35)).collect();
    let (narrow_shape, wide_shape) = (FaceShape::of(&lm), FaceShape::of(&wide_lm));
    eprintln!("shapes: {narrow_shape:?} → {wide_shape:?}");
    assert!(matches!(wide_shape, FaceShape::Round | FaceShape::Square), "widened face reads {wide_shape:?}");
    assert!(!matches!(narrow_shape, FaceShape::Round | FaceShape::Square), "the original reads {narrow_shape:?}");
    let jaw = [0.14, 0.75];
    let shade = sculpt(Some("#8E6652"), None);
    let narrow_jaw =
        lightness_change(&img, &render(&img, std::slice::from_ref(&lm), &shade), at_uv(&lm, jaw), KIOSK_IOD);
    let wide_jaw = lightness_change(
        &wide,
        &render(&wide, std::slice::from_ref(&wide_lm), &shade),
        at_uv(&wide_lm, jaw),
        KIOSK_IOD,
    );
    eprintln!("jaw ΔL*: {narrow_shape:?} {narrow_jaw:.1}, {wide_shape:?} {wide_jaw:.1}");
    assert!(wide_jaw <= narrow_jaw - 1.5, "jaw contour {wide_jaw:.1} on the wide face vs {narrow_jaw:.1}");
}

/// `img` and its landmarks moved right and down by whole pixels (the picture's edge repeated).
fn shifted(img: &RgbImage, lm: &[Vec3], dx: u32, dy: u32) -> (RgbImage, Vec<Vec3>) {
    let mut out = img.clone();
    for (x, y, p) in out.enumerate_pixels_mut() {
        *p = *img.get_pixel(x.saturating_sub(dx), y.saturating_sub(dy));
    }
    (out, lm.iter().map(|p| *p + Vec3::new(dx as f32, dy as f32, 0.0)).collect())
}

/// Per-pixel luminance a render adds over another, over `at` offset by (`dx`, `dy`).
fn added_light(a: &RgbImage, b: &RgbImage, at: &[(u32, u32)], dx: u32, dy: u32) -> Vec<f32> {
    at.iter().map(|&(x, y)| luminance_at(a, x + dx, y + dy) - luminance_at(b, x + dx, y + dy)).collect()
}

/// A purple eyeshadow with `shimmer` (0-1).
fn shadow(shimmer: f32) -> Look {
    look(&format!("name = \"t\"\n[eyeshadow]\ncolors = [\"#6B4E8A\"]\nshimmer = {shimmer}\n"))
}

/// The lid: where a matte eyeshadow (`with_shadow`, over `img`) paints.
fn lid_pixels(img: &RgbImage, with_shadow: &RgbImage) -> Vec<(u32, u32)> {
    pixels(img, |p| {
        let (x, y) = (p.x as u32, p.y as u32);
        img.get_pixel(x, y).0.iter().zip(with_shadow.get_pixel(x, y).0).any(|(a, b)| a.abs_diff(b) > 3)
    })
}

#[test]
fn shimmer_flakes_glint_on_lids_and_lips_and_stay_on_the_face_when_it_moves() {
    let (a, al) = astronaut();
    let (img, lm) = at_kiosk_distance(&a, &al, KIOSK_IOD);
    let matte = render(&img, std::slice::from_ref(&lm), &shadow(0.0));
    let shimmer = render(&img, std::slice::from_ref(&lm), &shadow(0.8));
    let lid = lid_pixels(&img, &matte);
    assert!(lid.len() > 500, "{} lid pixels", lid.len());
    let d = p90_delta_e(&matte, &shimmer, &lid);
    eprintln!("eyeshadow shimmer vs matte over {} lid px: p90 ΔE00 {d:.2}", lid.len());
    assert!(d >= VISIBLE, "shimmer eyeshadow looks matte: p90 ΔE00 {d:.2}");

    // Move the face by (7, 5) px: the flakes move with it, so the light they add is the same
    // pixels later (and differs from where they were).
    let lips = lip_pixels(&img, &lm);
    for (what, region, lk_off, lk_on) in [
        ("lid", &lid, shadow(0.0), shadow(0.8)),
        ("lips", &lips, lipstick("#B0153A", Finish::Satin, 1.0), lipstick("#B0153A", Finish::Shimmer, 1.0)),
    ] {
        let (moved, moved_lm) = shifted(&img, &lm, 7, 5);
        let here = added_light(
            &render(&img, std::slice::from_ref(&lm), &lk_on),
            &render(&img, std::slice::from_ref(&lm), &lk_off),
            region,
            0,
            0,
        );
        let there = added_light(
            &render(&moved, std::slice::from_ref(&moved_lm), &lk_on),
            &render(&moved, std::slice::from_ref(&moved_lm), &lk_off),
            region,
            7,
            5,
        );
        let stuck = added_light(
            &render(&moved, std::slice::from_ref(&moved_lm), &lk_on),
            &render(&moved, std::slice::from_ref(&moved_lm), &lk_off),
            region,
            0,
            0,
        );
        let mad = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(p, q)| (p - q).abs()).sum::<f32>() / a.len() as f32;
        let (follows, fixed) = (mad(&here, &there), mad(&here, &stuck));
        eprintln!(
            "{what}: flakes after the move differ by {follows:.4} where they moved to, {fixed:.4} where they were"
        );
        assert!(follows * 3.0 < fixed, "{what}: flakes swim over the face ({follows:.4} vs {fixed:.4})");
    }
}

/// Pixels inside the ellipse at `centre` with half axes `radii`.
fn in_ellipse(p: glam::Vec2, centre: glam::Vec2, radii: glam::Vec2) -> bool {
    ((p - centre) / radii).length_squared() <= 1.0
}

/// The kiosk astronaut (or her phone photo) with something in front of her face, and where it is: her own hair hanging
/// over the forehead down to the brows (copied from above her hairline), a lock of it across her
/// right brow and lid (copied from 0.75 inter-ocular distances above: the crown's lit hair) or a
/// side lock there (copied from the hair beside her left cheek: darker, in the shade), or a dark
/// sleeve across the jaw and lower cheek (her black collar, tiled).
fn occluded(img: &RgbImage, lm: &[Vec3], what: &str) -> (RgbImage, Vec<(u32, u32)>) {
    let iod = inter_ocular(lm);
    let (centre, radii, source) = match what {
        "hair" => (at_uv(lm, [0.5, 0.21]), glam::Vec2::new(0.55, 0.16) * iod, glam::Vec2::new(0.0, -0.6 * iod)),
        "lock" => (at_uv(lm, [0.35, 0.3]), glam::Vec2::new(0.35, 0.16) * iod, glam::Vec2::new(0.0, -0.75 * iod)),
        "side lock" => (at_uv(lm, [0.35, 0.3]), glam::Vec2::new(0.3, 0.16) * iod, glam::Vec2::new(1.36, -0.15) * iod),
        _ => (at_uv(lm, [0.2, 0.74]), glam::Vec2::new(0.3, 0.22) * iod, glam::Vec2::ZERO),
    };
    let collar = at_uv(lm, [0.5, 0.954]) + glam::Vec2::new(0.0, 0.45 * iod);
    let mut out = img.clone();
    let mut at = Vec::new();
    for (x, y, p) in out.enumerate_pixels_mut() {
        let q = glam::Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
        if !in_ellipse(q, centre, radii) {
            continue;
        }
        let from = match what {
            "hair" | "lock" | "side lock" => q + source,
            _ => collar + glam::Vec2::new((x % 16) as f32, (y % 16) as f32),
        };
        *p = *img.get_pixel(from.x as u32, from.y as u32);
        at.push((x, y));
    }
    (out, at)
}

/// Fewest occluder pixels a layer must reach on the clear face for its spill to be a figure.
const MIN_REACH: usize = 200;

/// What one layer paints with something in front of the face, against what it paints on the
/// clear face with the same landmarks.
struct Occlusion {
    /// Occluder pixels the layer paints on the clear face.
    reach: usize,
    /// Share of those it still paints with the occluder in front.
    spill: f32,
    /// Pixels off the occluder the layer paints on the clear face.
    visible: usize,
    /// Share of those it still paints with the occluder in front.
    coverage: f32,
}

/// How `look` paints `scene` (`clear` with an occluder over the pixels `occluder`), the face
/// at `lm` in both.
fn occlusion(clear: &RgbImage, scene: &RgbImage, lm: &[Vec3], occluder: &[(u32, u32)], look: &Look) -> Occlusion {
    occlusion_by(&mut renderer().lock().unwrap_or_else(|e| e.into_inner()), clear, scene, lm, occluder, look)
}

/// [`occlusion`] drawn by `renderer` as it is set.
fn occlusion_by(
    renderer: &mut vanity::render::Renderer,
    clear: &RgbImage,
    scene: &RgbImage,
    lm: &[Vec3],
    occluder: &[(u32, u32)],
    look: &Look,
) -> Occlusion {
    let occluder: std::collections::HashSet<(u32, u32)> = occluder.iter().copied().collect();
    let faces = [lm.to_vec()];
    let on_clear = painted(clear, &render_with(renderer, clear, &faces, look));
    let on_scene = painted(scene, &render_with(renderer, scene, &faces, look));
    let (reach, visible): (Vec<_>, Vec<_>) = on_clear.iter().partition(|p| occluder.contains(p));
    let share = |of: &[&(u32, u32)]| of.iter().filter(|p| on_scene.contains(p)).count() as f32 / of.len().max(1) as f32;
    Occlusion { reach: reach.len(), spill: share(&reach), visible: visible.len(), coverage: share(&visible) }
}

/// Each face-wide layer leaves the occluder over `scene` bare (at most 10 % of what it would
/// reach painted) and keeps at least 90 % of the visible skin.
fn assert_face_wide_layers_leave_bare(
    what: &str,
    clear: &RgbImage,
    scene: &RgbImage,
    lm: &[Vec3],
    occluder: &[(u32, u32)],
) {
    assert_layers_leave_bare(&FACE_WIDE_LAYERS, what, clear, scene, lm, occluder);
}

/// Each of `layers` (name, look) leaves the occluder over `scene` bare (at most 10 % of what it
/// would reach painted) and keeps at least 90 % of what it paints beside it. Returns the layers
/// that reach the occluder (the others are not measured).
fn assert_layers_leave_bare(
    layers: &[(&'static str, &'static str)],
    what: &str,
    clear: &RgbImage,
    scene: &RgbImage,
    lm: &[Vec3],
    occluder: &[(u32, u32)],
) -> Vec<&'static str> {
    let mut measured = Vec::new();
    for &(layer, text) in layers {
        let o = occlusion(clear, scene, lm, occluder, &look(&format!("name = \"t\"\n{text}")));
        if o.reach < MIN_REACH {
            continue; // this layer does not reach where the occluder is
        }
        measured.push(layer);
        eprintln!(
            "{what}, {layer}: spill {:.1} % of {} occluder px it would reach, coverage {:.1} % of {} visible px",
            o.spill * 100.0,
            o.reach,
            o.coverage * 100.0,
            o.visible
        );
        assert!(o.spill <= 0.1, "{layer} paints the {what}: {:.1} %", o.spill * 100.0);
        assert!(o.coverage >= 0.9, "{layer} lost the skin beside the {what}: {:.1} %", o.coverage * 100.0);
    }
    assert!(!measured.is_empty(), "no layer reaches the {what}");
    measured
}

#[test]
fn face_wide_layers_paint_the_skin_not_hair_or_a_sleeve_in_front_of_it() {
    let (a, al) = astronaut();
    let (img, lm) = at_kiosk_distance(&a, &al, KIOSK_IOD);
    for what in ["hair", "sleeve"] {
        let (scene, occluder) = occluded(&img, &lm, what);
        assert_face_wide_layers_leave_bare(&format!("{what} over the face"), &img, &scene, &lm, &occluder);
    }
}

/// The layers that tell hair from the face: the face-wide ones, the eyeshadow (fifth) and the
/// brow tint.
fn layers_that_read_hair() -> Vec<(&'static str, &'static str)> {
    let mut layers = FACE_WIDE_LAYERS.to_vec();
    layers.push(("eyeshadow", "[eyeshadow]\ncolors = [\"#6B4E8A\"]\nshimmer = 0.8\nopacity = 1.0\n"));
    layers.push(("brows", "[brows]\ncolor = \"#3B2A20\"\nopacity = 1.0\n"));
    layers
}

#[test]
fn a_lock_of_hair_across_the_brow_and_lid_is_not_made_up() {
    // The lid is pinker and darker than the cheeks the skin model learns from, and the brows are
    // hair: the eyeshadow and the brow tint tell the lock by the hair read above her forehead
    // (her brows are fairer and pinker than her hair). The side lock is hair from elsewhere, in
    // the shade. The same astronaut in the scan and in the phone's JPEG: two cameras' colours.
    let eyeshadow = look(&format!("name = \"t\"\n{}", layers_that_read_hair()[4].1));
    for (name, (photo, photo_lm)) in [("astronaut", astronaut()), ("phone", phone())] {
        for iod in [150.0, 200.0, 250.0] {
            let (img, lm) = at_kiosk_distance(&photo, &photo_lm, iod);
            for lock in ["lock", "side lock"] {
                let (scene, at) = occluded(&img, &lm, lock);
                let what = format!("{name}: {lock} of hair across the brow and lid at IOD {iod}");
                let measured = assert_layers_leave_bare(&layers_that_read_hair(), &what, &img, &scene, &lm, &at);
                assert!(
                    measured.contains(&"eyeshadow") && measured.contains(&"brows"),
                    "{what}: measured {measured:?}"
                );
                // The control: without the hair, the eyeshadow paints the lock as it does the lid.
                let blind = occlusion_by(&mut Switched::hair_read(false), &img, &scene, &lm, &at, &eyeshadow);
                eprintln!("{what}, eyeshadow without the hair read: spill {:.1} %", blind.spill * 100.0);
                let spill = blind.spill * 100.0;
                assert!(blind.spill >= 0.5, "{what}: the lock passes for the lid without the hair ({spill:.1} %)");
            }
        }
    }
}

/// A second person at kiosk distance: the two White House photographs of `tests/fixtures/lips`
/// (darker skin, short dark greying hair above a high forehead), with Vanity's v2 landmarks.
fn white_house_faces() -> Vec<(&'static str, RgbImage, Vec<Vec3>)> {
    ["portrait", "speech"]
        .into_iter()
        .map(|name| {
            let photo = vanity::capture::still::load_rgb(&common::fixture(&format!("lips/{name}.jpg"))).unwrap();
            let r: common::RefImage = common::load(&common::fixture(&format!("lips/{name}_v2.json")));
            let (img, lm) = at_kiosk_distance(&photo, &r.faces[0].points(), KIOSK_IOD);
            (name, img, lm)
        })
        .collect()
}

#[test]
fn reading_the_hair_costs_a_clear_face_little_of_its_makeup() {
    // The kiosk faces and a second person: where the hair is read above his forehead, his
    // forehead's skin lies as well as his hair; a model of both spread over the folds of his
    // deep-set lids and took a third of their eyeshadow.
    for (name, img, lm) in kiosk_faces().into_iter().chain(white_house_faces()) {
        let faces = [lm];
        for (layer, text) in layers_that_read_hair() {
            let look = look(&format!("name = \"t\"\n{text}"));
            let without = painted(&img, &Switched::hair_read(false).draw(&img, &faces, &look));
            let with = painted(&img, &render(&img, &faces, &look));
            let kept = with.intersection(&without).count() as f32 / without.len().max(1) as f32;
            eprintln!("{name}, {layer}: keeps {:.1} % of its {} px with the hair read", kept * 100.0, without.len());
            assert!(kept >= 0.9, "{name}: {layer} lost {:.1} % of the clear face to the hair", (1.0 - kept) * 100.0);
        }
    }
}

/// The kiosk astronaut `img` (scaled `scale` times from the original `original`, face at `lm`)
/// with her chin resting on her shoulder: her own suit's upper arm, at the same scale, laid over
/// her jaw and lower cheek from the frame's lower left edge, the middle of its round top `rise`
/// inter-ocular distances above her chin. Returns the picture and the shoulder's pixels.
fn on_a_shoulder(
    img: &RgbImage,
    original: &RgbImage,
    lm: &[Vec3],
    scale: f32,
    rise: f32,
) -> (RgbImage, Vec<(u32, u32)>) {
    // Mesh vertices: the chin's lowest point and the jaw's corner on her right (the image's left).
    const CHIN: usize = 152;
    const RIGHT_JAW_CORNER: usize = 172;
    let iod = inter_ocular(lm);
    let (chin, jaw) = (lm[CHIN].truncate(), lm[RIGHT_JAW_CORNER].truncate());
    let centre = glam::Vec2::new(jaw.x - 0.45 * iod, chin.y + (0.85 - rise) * iod);
    let radii = glam::Vec2::new(1.2, 0.85) * iod;
    let top = centre - glam::Vec2::new(0.0, radii.y);
    // The suit's upper arm in the original picture (512×512 pixels): below the top of her right
    // shoulder, left of the mission patch.
    let arm = glam::Vec2::new(70.0, 290.0);
    let last = glam::Vec2::new(original.width() as f32 - 1.0, original.height() as f32 - 1.0);
    let mut out = img.clone();
    let mut at = Vec::new();
    for (x, y, p) in out.enumerate_pixels_mut() {
        let q = glam::Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
        if in_ellipse(q, centre, radii) {
            let from = (arm + (q - top) / scale).clamp(glam::Vec2::ZERO, last);
            *p = *original.get_pixel(from.x as u32, from.y as u32);
            at.push((x, y));
        }
    }
    (out, at)
}

#[test]
fn a_chin_resting_on_a_shoulder_leaves_the_shoulder_bare() {
    let (a, al) = astronaut();
    let (img, clear_lm) = at_kiosk_distance(&a, &al, KIOSK_IOD);
    let scale = inter_ocular(&clear_lm) / inter_ocular(&al);
    // The shoulder's top under the corner of her mouth, then up her cheek.
    for (pose, rise) in [("under the chin", 0.75), ("up the cheek", 1.1)] {
        let (scene, shoulder) = on_a_shoulder(&img, &a, &clear_lm, scale, rise);
        // The face as the mirror tracks it with the shoulder in front.
        let (faces, _) = common::faces_and_hands_in(&scene);
        assert_eq!(faces.len(), 1, "{pose}: the face on the shoulder is found once");
        let lm = &faces[0].landmarks;
        let oval = contour(lm, &vanity::face::regions::FACE_OVAL);
        let in_oval = |&(x, y): &(u32, u32)| common::inside(&oval, glam::Vec2::new(x as f32 + 0.5, y as f32 + 0.5));
        let face = pixels(&scene, |p| common::inside(&oval, p)).len();
        let on_face = shoulder.iter().filter(|p| in_oval(p)).count();
        eprintln!("shoulder {pose}: {:.1} % of the face oval ({on_face} px)", 100.0 * on_face as f32 / face as f32);
        assert!(on_face * 12 > face, "{pose}: the shoulder covers too little of the face to show anything");
        assert_face_wide_layers_leave_bare(&format!("shoulder {pose}"), &img, &scene, lm, &shoulder);
    }
}

/// Linear RGB of a pixel.
fn linear_at(img: &RgbImage, x: u32, y: u32) -> glam::Vec3 {
    glam::Vec3::from(img.get_pixel(x, y).0.map(|c| srgb_to_linear(c as f32 / 255.0)))
}

/// What `finish` adds to `matte` at the tenth of `lips` it brightens most (linear RGB, summed):
/// the colour of its highlights.
fn highlight_colour(finish: &RgbImage, matte: &RgbImage, lips: &[(u32, u32)]) -> glam::Vec3 {
    let mut added: Vec<glam::Vec3> =
        lips.iter().map(|&(x, y)| linear_at(finish, x, y) - linear_at(matte, x, y)).collect();
    let luma = |c: &glam::Vec3| c.dot(glam::Vec3::new(0.2126, 0.7152, 0.0722));
    added.sort_by(|a, b| luma(b).total_cmp(&luma(a)));
    added[..added.len() / 10].iter().copied().sum()
}

/// Share of `lips` that `finish` brightens over `matte` by at least half its strongest lift (the
/// 99th percentile): small for a sharp highlight, large for a broad sheen.
fn highlight_spread(finish: &RgbImage, matte: &RgbImage, lips: &[(u32, u32)]) -> f32 {
    let mut lift = added_light(finish, matte, lips, 0, 0);
    lift.sort_by(|a, b| b.total_cmp(a));
    let strong = lift[lift.len() / 100];
    lift.iter().filter(|l| **l >= 0.5 * strong).count() as f32 / lift.len() as f32
}

/// The lips' luminance contrast in a render: its 95th percentile over its 5th over `lips`.
fn contrast(img: &RgbImage, lips: &[(u32, u32)]) -> f32 {
    let mut l: Vec<f32> = lips.iter().map(|&(x, y)| luminance_at(img, x, y)).collect();
    l.sort_by(f32::total_cmp);
    l[l.len() * 95 / 100] / l[l.len() * 5 / 100].max(1e-4)
}

/// Mean CIEDE2000 between two pictures over `at`.
fn mean_delta_e(a: &RgbImage, b: &RgbImage, at: &[(u32, u32)]) -> f32 {
    at.iter().map(|&(x, y)| ciede2000(lab(a.get_pixel(x, y).0), lab(b.get_pixel(x, y).0))).sum::<f32>()
        / at.len() as f32
}

#[test]
fn metallic_highlights_take_the_shade_s_colour_and_contrast_gloss_ones_are_sharper_than_satin_and_sheer_shows_the_lip()
{
    let mut failures = Vec::new();
    for (name, img, lm) in kiosk_faces() {
        let lips = lip_pixels(&img, &lm);
        let drawn = |f: Finish| render(&img, std::slice::from_ref(&lm), &lipstick("#B0153A", f, 1.0));
        let [matte, satin, gloss, metallic, sheer] =
            [Finish::Matte, Finish::Satin, Finish::Gloss, Finish::Metallic, Finish::Sheer].map(drawn);
        // Red's share of a highlight's light: the shade #B0153A is nearly all red, the light white.
        let red_share = |c: glam::Vec3| c.x / (c.x + c.y + c.z);
        let metallic_red = red_share(highlight_colour(&metallic, &matte, &lips));
        let gloss_red = red_share(highlight_colour(&gloss, &matte, &lips));
        let (gloss_spread, satin_spread) =
            (highlight_spread(&gloss, &matte, &lips), highlight_spread(&satin, &matte, &lips));
        let (sheer_off, matte_off) = (mean_delta_e(&sheer, &img, &lips), mean_delta_e(&matte, &img, &lips));
        let [metallic_contrast, satin_contrast, matte_contrast] =
            [&metallic, &satin, &matte].map(|f| contrast(f, &lips));
        eprintln!(
            "{name}: lips' luminance p95/p5: metallic {metallic_contrast:.2}, satin {satin_contrast:.2}, \
             matte {matte_contrast:.2}"
        );
        eprintln!(
            "{name}: red share of the highlights' light: metallic {metallic_red:.2}, gloss {gloss_red:.2}; \
             lip share in the highlight: gloss {gloss_spread:.2}, satin {satin_spread:.2}; \
             mean ΔE00 from the bare lips: sheer {sheer_off:.1}, matte {matte_off:.1}"
        );
        if metallic_red < 0.5 || metallic_red < gloss_red + 0.2 {
            failures
                .push(format!("{name}: metallic highlights not tinted ({metallic_red:.2} vs gloss {gloss_red:.2})"));
        }
        if gloss_spread > 0.85 * satin_spread {
            failures.push(format!("{name}: gloss as broad as satin ({gloss_spread:.2} vs {satin_spread:.2})"));
        }
        // Metallic: bright highlights over a darker body (1.37-1.98 times satin's contrast).
        if metallic_contrast < 1.25 * satin_contrast {
            failures.push(format!(
                "{name}: metallic not high-contrast ({metallic_contrast:.2} vs satin {satin_contrast:.2})"
            ));
        }
        if sheer_off > 0.5 * matte_off {
            failures.push(format!("{name}: sheer hides the lip ({sheer_off:.1} vs matte {matte_off:.1})"));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

/// Sizes (pixels, 4-connected) of the shimmer's flakes on `img`'s lips: groups of the twentieth
/// of the lip pixels that a shimmer lipstick brightens most over a satin one, smallest first.
fn flake_sizes(img: &RgbImage, lm: &[Vec3]) -> Vec<usize> {
    let lips = lip_pixels(img, lm);
    let faces = [lm.to_vec()];
    let satin = render(img, &faces, &lipstick("#B0153A", Finish::Satin, 1.0));
    let shimmer = render(img, &faces, &lipstick("#B0153A", Finish::Shimmer, 1.0));
    let lifts = added_light(&shimmer, &satin, &lips, 0, 0);
    let mut sorted = lifts.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let bright_from = sorted[sorted.len() / 20];
    let mut bright: std::collections::HashSet<(u32, u32)> =
        lips.iter().zip(&lifts).filter(|(_, l)| **l >= bright_from).map(|(p, _)| *p).collect();
    let mut sizes = Vec::new();
    while let Some(&start) = bright.iter().next() {
        bright.remove(&start);
        let (mut stack, mut size) = (vec![start], 0);
        while let Some((x, y)) = stack.pop() {
            size += 1;
            for next in [(x + 1, y), (x.wrapping_sub(1), y), (x, y + 1), (x, y.wrapping_sub(1))] {
                if bright.remove(&next) {
                    stack.push(next);
                }
            }
        }
        sizes.push(size);
    }
    sizes.sort_unstable();
    sizes
}

#[test]
fn shimmer_flakes_are_sized_to_the_face_not_to_the_screen() {
    let (a, al) = astronaut();
    let (p, pl) = phone();
    for (name, img, lm) in [("astronaut", &a, &al), ("phone", &p, &pl)] {
        let median_at = |iod: f32| {
            let (scaled, scaled_lm) = at_kiosk_distance(img, lm, iod);
            let sizes = flake_sizes(&scaled, &scaled_lm);
            assert!(sizes.len() >= 5, "{name} at IOD {iod}: {} flakes", sizes.len());
            sizes[sizes.len() / 2]
        };
        let (kiosk, near) = (median_at(KIOSK_IOD), median_at(2.0 * KIOSK_IOD));
        eprintln!("{name}: median flake {kiosk} px at IOD {KIOSK_IOD}, {near} px at twice that");
        // A flake of the lip's surface covers four times the pixels on a face twice as near.
        assert!(kiosk >= 2, "{name}: flakes of {kiosk} px at kiosk distance are screen pixels");
        assert!(near as f32 >= 2.5 * kiosk as f32, "{name}: flakes {kiosk} -> {near} px do not grow with the face");
    }
}

#[test]
fn shimmer_flakes_glint_in_turn_as_the_light_meets_the_face_from_another_angle() {
    let (a, al) = astronaut();
    let (img, lm) = at_kiosk_distance(&a, &al, KIOSK_IOD);
    let faces = [lm.clone()];
    let lid = lid_pixels(&img, &render(&img, &faces, &shadow(0.0)));
    let lips = lip_pixels(&img, &lm);
    // The light a little above and to one side, then the other: as under a fixed light when the
    // head turns a few degrees, each flake's tilt meets the light at another angle.
    let (one, other) = (Vec3::new(-0.25, -0.3, 1.0), Vec3::new(0.25, -0.3, 1.0));
    for (what, region, off, on) in [
        ("lid", &lid, shadow(0.0), shadow(0.8)),
        ("lips", &lips, lipstick("#B0153A", Finish::Satin, 1.0), lipstick("#B0153A", Finish::Shimmer, 1.0)),
        // The control: satin's broad sheen over matte, which slides but does not flash.
        ("satin's sheen", &lips, lipstick("#B0153A", Finish::Matte, 1.0), lipstick("#B0153A", Finish::Satin, 1.0)),
    ] {
        let added = |light: Vec3| {
            let mut renderer = Switched::light_pinned(Some(light));
            added_light(&renderer.draw(&img, &faces, &on), &renderer.draw(&img, &faces, &off), region, 0, 0)
        };
        let (first, turned) = (added(one), added(other));
        // A flake lights up or goes dark when its added light changes by a tenth of the
        // brightest glints' (the 99th percentile).
        let mut sorted = first.clone();
        sorted.sort_by(f32::total_cmp);
        let flash = 0.1 * sorted[sorted.len() * 99 / 100];
        // The change at each pixel against the mean change around it (a square of 9×9 px): a
        // sheen sliding across the lips changes neighbours alike, a flake flashes alone.
        let change: std::collections::HashMap<(u32, u32), f32> =
            region.iter().zip(first.iter().zip(&turned)).map(|(p, (a, b))| (*p, b - a)).collect();
        let change = &change;
        let local = |&(x, y): &(u32, u32)| {
            let around: Vec<f32> = (x.saturating_sub(4)..=x + 4)
                .flat_map(|u| (y.saturating_sub(4)..=y + 4).filter_map(move |v| change.get(&(u, v)).copied()))
                .collect();
            change[&(x, y)] - around.iter().sum::<f32>() / around.len() as f32
        };
        let own: Vec<f32> = region.iter().map(local).collect();
        let share = |count: usize| count as f32 / own.len() as f32;
        let up = share(own.iter().filter(|d| **d > flash).count());
        let down = share(own.iter().filter(|d| **d < -flash).count());
        eprintln!(
            "{what}: after the turn {:.1} % of the pixels light up and {:.1} % go dark against their neighbours",
            up * 100.0,
            down * 100.0
        );
        if what == "satin's sheen" {
            assert!(up <= 0.002 && down <= 0.002, "a sliding sheen counted as flakes ({up:.3}, {down:.3})");
        } else {
            assert!(
                up >= 0.01 && down >= 0.01,
                "{what}: the flakes do not glint in turn ({:.1} % up, {:.1} % down)",
                up * 100.0,
                down * 100.0
            );
        }
    }
}

/// How much the camera colour `c` (linear RGB) counts as the skin of `model`, as
/// `skin_likeness` in `shaders/common/face_mesh.wgsl` weighs its hue: fully within the model's
/// tolerance, not at all beyond twice it (`smoothstep(1.0, 2.0, chroma_off(..))` there, which
/// `the_shader_s_skin_hue_is_the_one_measured_here` checks).
fn hue_likeness(model: &ChromaModel, c: [f32; 3]) -> f32 {
    let sum = (c[0] + c[1] + c[2]).max(1e-4);
    let tolerance = glam::Vec2::from(model.tolerance).max(glam::Vec2::splat(1e-4));
    let off = (glam::Vec2::new(c[0] / sum, c[1] / sum) - glam::Vec2::from(model.chroma)) / tolerance;
    let t = (off.length() - 1.0).clamp(0.0, 1.0);
    1.0 - t * t * (3.0 - 2.0 * t)
}

#[test]
fn the_shader_s_skin_hue_is_the_one_measured_here() {
    let shader = std::fs::read_to_string(common::root().join("shaders/common/face_mesh.wgsl")).unwrap();
    assert!(shader.contains("let hue = 1.0 - smoothstep(1.0, 2.0, chroma_off(info.skin, c));"));
}

/// Share of the pixels inside `oval` in `frame` whose likeness to the skin changes by more than
/// a tenth between the models `before` and `after`: what a new model alone repaints.
fn repainted_by_the_model(frame: &RgbImage, oval: &[glam::Vec2], before: &ChromaModel, after: &ChromaModel) -> f32 {
    let face = pixels(frame, |p| inside(oval, p));
    let moved = face
        .iter()
        .filter(|&&(x, y)| {
            let c = frame.get_pixel(x, y).0.map(vanity::looks::color::srgb8_to_linear);
            (hue_likeness(after, c) - hue_likeness(before, c)).abs() > 0.1
        })
        .count();
    moved as f32 / face.len().max(1) as f32
}

/// One video frame's skin as read from its pixels and as drawn (followed from the last frame's).
#[derive(Clone, Copy)]
struct SkinInFrame {
    read: FaceSkin,
    drawn: FaceSkin,
}

/// Where the skin is read and the buffers it is read into, kept over a video's frames.
struct SkinReader {
    sites: SampleSites,
    samples: SkinSamples,
}

/// Reads the skin of the face with `lm` in `frame` as the renderer does in video
/// (`render::frame_prep`, whose own test shows it does): each frame's reading followed from
/// `last`'s.
fn read_in_video(frame: &RgbImage, lm: &[Vec3], last: Option<SkinInFrame>, reader: &mut SkinReader) -> SkinInFrame {
    let before = last.map(|l| l.drawn.hair_read_on);
    let read = FaceSkin::read(frame, lm, &reader.sites, &[], &mut reader.samples, before);
    SkinInFrame { read, drawn: last.map_or(read, |l| read.steadied(&l.drawn)) }
}

#[test]
fn the_skin_model_holds_still_in_video() {
    // The carphone clip ×4 with MediaPipe's tracking landmarks: each frame's skin model, read
    // afresh, moves the edge of what counts as skin; as drawn (followed from frame to frame) it
    // moves far less. Measured on each frame's own pixels, so only the model's change counts.
    let reference: common::RefVideo = common::load(&common::fixture("carphone_track_v1.json"));
    let mut source = vanity::capture::open(&common::sample("carphone.mp4")).unwrap();
    let mut reader =
        SkinReader { sites: SampleSites::of(&vanity::face::CanonicalMesh::load()), samples: SkinSamples::default() };
    let (mut read, mut drawn): (Vec<f32>, Vec<f32>) = (Vec::new(), Vec::new());
    let mut last: Option<SkinInFrame> = None;
    let mut last_frame = None;
    for rf in reference.frames.iter().take(60) {
        let small = source.next_frame().unwrap().expect("a frame per reference frame").image;
        let (w, h) = (small.width() * 4, small.height() * 4);
        let frame = image::imageops::resize(&small, w, h, image::imageops::FilterType::Triangle);
        let lm: Vec<Vec3> = rf.faces[0].points().iter().map(|p| *p * 4.0).collect();
        let now = read_in_video(&frame, &lm, last, &mut reader);
        if let Some(before) = last {
            let oval = contour(&lm, &FACE_OVAL);
            read.push(repainted_by_the_model(&frame, &oval, &before.read.model, &now.read.model));
            drawn.push(repainted_by_the_model(&frame, &oval, &before.drawn.model, &now.drawn.model));
        }
        last = Some(now);
        last_frame = Some((frame, lm));
    }
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    let (read, drawn) = (mean(&read), mean(&drawn));
    eprintln!(
        "carphone ×4: face pixels whose skin likeness a new frame's model moves by over 0.1: {:.1} % read afresh, {:.1} % as drawn",
        100.0 * read,
        100.0 * drawn
    );
    assert!(read > 0.03, "the clip's models do move: {read}");
    assert!(drawn < 0.5 * read, "{drawn} as drawn against {read} read afresh");
    // The cost: a warmer light comes on (red ×1.15, blue ×0.85); the drawn model reaches the
    // new reading within a tenth of its tolerance in a few frames.
    let (frame, lm) = last_frame.expect("frames");
    let warm = relit_rgb(&frame, [1.15, 1.0, 0.85]);
    let settled = (1..=30).find(|_| {
        let now = read_in_video(&warm, &lm, last, &mut reader);
        last = Some(now);
        now.read.model.tolerance[0] > 0.0
            && (now.drawn.model.chroma[0] - now.read.model.chroma[0]).abs() < 0.1 * now.read.model.tolerance[0]
    });
    eprintln!("carphone ×4 under a warmer light: the drawn skin model settles in {settled:?} frames");
    assert!(settled.is_some_and(|n| (2..=8).contains(&n)), "settled in {settled:?} frames");
}

/// The light direction a [`vanity::render::lighting::LightProbe`] estimates for `lm` in each of
/// `frames`, in order, as the frames of one video.
fn directions_in_video(frames: &[RgbImage], lm: &[Vec3]) -> Vec<Vec3> {
    use vanity::render::lighting::{LightProbe, vertex_normals};
    let mesh = vanity::face::mesh::CanonicalMesh::load();
    let mut probe = LightProbe::new(&mesh);
    let mut normals = Vec::new();
    vertex_normals(lm, &mesh.triangles, &mut normals);
    frames.iter().map(|frame| probe.estimate(frame, [(lm, &normals[..])])[0].direction).collect()
}

#[test]
fn the_light_direction_follows_the_room_smoothly_in_video() {
    let (a, al) = astronaut();
    let (img, lm) = at_kiosk_distance(&a, &al, KIOSK_IOD);
    let centre = lm.iter().map(|p| p.x).sum::<f32>() / lm.len() as f32;
    let span = 1.6 * inter_ocular(&lm);
    let side_lit = |from_left: bool| lit_from_side(&img, centre, span, from_left, 0.9);
    // Twelve frames lit from the image's left, then the lamp moves to the right.
    let (left, right) = (side_lit(true), side_lit(false));
    let frames: Vec<RgbImage> = (0..24).map(|i| if i < 12 { left.clone() } else { right.clone() }).collect();
    let d = directions_in_video(&frames, &lm);
    let x: Vec<f32> = d.iter().map(|v| v.x).collect();
    eprintln!(
        "light direction's x over the frames: {:?}",
        x.iter().map(|v| (v * 100.0).round() / 100.0).collect::<Vec<_>>()
    );
    // Each side's own estimate, the frame alone (a still).
    let own = |frame: &RgbImage| directions_in_video(std::slice::from_ref(frame), &lm)[0].x;
    let (own_left, own_right) = (own(&left), own(&right));
    eprintln!("each side's own estimate: {own_left:.2}, {own_right:.2}");
    // Settled on each side (x: right in the image): the light comes from where it is, and
    // twelve frames after the switch the estimate is most of the way there.
    assert!(own_left < -0.1 && own_right > 0.1, "{own_left} {own_right}");
    assert!((x[11] - own_left).abs() < 0.02, "{x:?}");
    assert!(x[23] - x[11] > 0.85 * (own_right - own_left), "{x:?}");
    // Steady while the light holds still, and the switch taken in steps, not at once.
    assert!((x[11] - x[10]).abs() < 0.01, "{x:?}");
    let first_step = x[12] - x[11];
    assert!(first_step > 0.0 && first_step < 0.5 * (x[23] - x[11]), "the direction jumped: {x:?}");
    assert!(x.windows(2).skip(12).all(|w| w[1] >= w[0] - 1e-3), "the direction wavered on its way: {x:?}");
}
