//! Makeup layers rendered on real faces (MediaPipe's landmarks from the fixtures), checked by
//! colour statistics inside and outside their regions. Runs on any GPU, or on Mesa's software
//! Vulkan (lavapipe) where there is none.

mod common;

use common::paint::*;
use common::pixels::*;
use common::*;
use glam::{Vec2, Vec3};
use image::RgbImage;
use vanity::face::regions::{LIPS_INNER, LIPS_OUTER, RIGHT_EYE};
use vanity::looks::color::ciede2000;
use vanity::looks::{Finish, Look, Srgb};
use vanity::render::FaceDraw;
use vanity::tracking::tracker::inter_ocular;

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
    let lips = lip_pixels(&img, &lm);
    let outer = contour(&lm, &LIPS_OUTER);
    let margin = 0.05 * inter_ocular(&lm);
    let off_lips = pixels(&img, |p| !inside(&outer, p) && edge_distance(&outer, p) > margin);
    // Over every finish of a lipstick, and over bare lips.
    let bare = Look { name: "bare".into(), ..Look::default() };
    let unders = Finish::ALL.map(|f| (f.name(), lipstick("#B0153A", f, 1.0)));
    for (what, under_look) in unders.into_iter().chain([("bare lips", bare)]) {
        let glossy = Look { gloss: Some(vanity::looks::look::Gloss { opacity: 1.0 }), ..under_look.clone() };
        let (under, over) = (render(&img, faces, &under_look), render(&img, faces, &glossy));
        // On the lips: visibly different (90th percentile CIEDE2000 over the lip pixels, as the
        // finishes are compared) and only ever lighter, a clear coat adds light.
        let mut de: Vec<f32> =
            lips.iter().map(|&(x, y)| ciede2000(lab(under.get_pixel(x, y).0), lab(over.get_pixel(x, y).0))).collect();
        de.sort_by(f32::total_cmp);
        let p90 = de[de.len() * 9 / 10];
        eprintln!("gloss over {what}: 90th percentile ΔE00 {p90:.2} over {} lip pixels", lips.len());
        assert!(p90 >= 3.0, "gloss over {what}: 90th percentile ΔE00 {p90:.2}");
        let darker =
            lips.iter().filter(|&&(x, y)| lab(over.get_pixel(x, y).0)[0] < lab(under.get_pixel(x, y).0)[0] - 0.5);
        assert_eq!(darker.count(), 0, "a clear coat never darkens ({what})");
        // Off the lips (beyond the feathered edge), nothing changes.
        assert!(max_diff(&under, &over, &off_lips) <= 1, "the gloss spilled off the lips ({what})");
    }
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

/// The ombré layer goes over the lipstick as a second coat, and the lipstick leaves it its share
/// of each pixel: with the inner colour the same as the shade, the two coats draw what the
/// lipstick alone draws, in every finish (sheer's half coverage included: two sheer coats laid
/// over each other would cover more) and with a liner.
#[test]
fn ombre_in_the_lipstick_s_own_colour_draws_the_plain_lipstick() {
    let (img, lm) = open_mouth();
    let faces = std::slice::from_ref(&lm);
    // The lips and a margin past them, where the liner and the lips' feather reach.
    let (outer, margin) = (contour(&lm, &LIPS_OUTER), 0.05 * inter_ocular(&lm));
    let lips = pixels(&img, |p| inside(&outer, p) || edge_distance(&outer, p) < margin);
    for finish in Finish::ALL {
        for liner in [None, Some("#5A1020")] {
            let mut plain = lipstick("#B0153A", finish, 0.8);
            plain.lipstick.as_mut().unwrap().liner = liner.map(|c| c.parse().unwrap());
            let mut two_coats = plain.clone();
            two_coats.lipstick.as_mut().unwrap().inner = Some("#B0153A".parse().unwrap());
            let diff = max_diff(&render(&img, faces, &plain), &render(&img, faces, &two_coats), &lips);
            eprintln!("{finish:?}, liner {liner:?}: two coats of one colour differ from one by {diff} levels at most");
            assert!(
                diff <= 2,
                "{finish:?} (liner {liner:?}): ombré in the shade's own colour differs by {diff} levels"
            );
        }
    }
}

/// Each layer draws only the mesh triangles over the atlas texels it can paint
/// (`LayerSpec::paints`): every look, finish and layer of the contact sheet, on a large face, an
/// open mouth and a group's small faces, comes out byte for byte as when every layer draws the
/// whole face. A layer whose `paints` left out texels its shader paints would differ here.
#[test]
fn drawing_each_layer_over_its_own_triangles_changes_no_pixel() {
    /// Switches the shared renderer back to its own triangles when dropped, even by a failure.
    struct OwnTriangles<'a>(std::sync::MutexGuard<'a, vanity::render::Renderer>);
    impl Drop for OwnTriangles<'_> {
        fn drop(&mut self) {
            self.0.set_draw_whole_mesh(false);
        }
    }
    let mut looks = vanity::render::sheet::entries(&vanity::looks::look::bundled().unwrap());
    // Ombré with a liner: the ombré draws over the lipstick's triangles, liner band included.
    let mut two_tone_lined = lipstick("#6E1428", Finish::Sheer, 1.0);
    let lips = two_tone_lined.lipstick.as_mut().unwrap();
    (lips.inner, lips.liner) = (Some("#E86A7E".parse().unwrap()), Some("#3A0A14".parse().unwrap()));
    looks.push(("ombré with liner".to_string(), two_tone_lined));
    let (big, big_lm) = astronaut_x2();
    let (open, open_lm) = open_mouth();
    let (crowd, crowd_lm) = group();
    let scenes = [("astronaut x2", big, vec![big_lm]), ("open mouth", open, vec![open_lm]), ("group", crowd, crowd_lm)];
    let mut r = OwnTriangles(renderer().lock().unwrap_or_else(|e| e.into_inner()));
    let mut differing = Vec::new();
    for (scene, frame, faces) in &scenes {
        let draws: Vec<FaceDraw> = faces.iter().map(|l| FaceDraw { landmarks: l, strength: 1.0 }).collect();
        for (name, look) in &looks {
            r.0.set_look(look);
            r.0.set_draw_whole_mesh(false);
            let own = r.0.render(frame, &draws).expect("renders");
            r.0.set_draw_whole_mesh(true);
            let whole = r.0.render(frame, &draws).expect("renders");
            let changed = own.pixels().zip(whole.pixels()).filter(|(a, b)| a != b).count();
            if changed > 0 {
                differing.push(format!("{scene}, {name}: {changed} px"));
            }
        }
    }
    eprintln!("{} looks on {} scenes compared", looks.len(), scenes.len());
    assert!(differing.is_empty(), "{differing:?}");
}

/// The mirror window's picture pass (`PictureCallback`) drawn into a `format` target the size of
/// the frame, with the renderer's current textures.
fn mirror_picture(r: &vanity::render::Renderer, format: wgpu::TextureFormat, split: Option<f32>) -> RgbImage {
    use egui_wgpu::CallbackTrait;
    use vanity::app::mirror_picture::{PictureCallback, PicturePipeline};
    let (device, queue) = (&r.context().device, &r.context().queue);
    let views = r.views().expect("a frame was rendered");
    let (w, h) = views.size;
    let mut picture = PicturePipeline::new(device, format);
    picture.bind(device, &views);
    let mut resources = egui_wgpu::CallbackResources::default();
    resources.insert(picture);
    let screen = egui_wgpu::ScreenDescriptor { size_in_pixels: [w, h], pixels_per_point: 1.0 };
    let callback = PictureCallback { split, flip: false };
    let mut encoder = device.create_command_encoder(&Default::default());
    let extra = callback.prepare(device, queue, &screen, &mut encoder, &mut resources);
    let target = common::paint::window_target(device, w, h, format);
    let view = target.create_view(&Default::default());
    {
        let mut pass = encoder
            .begin_render_pass(&wgpu::RenderPassDescriptor {
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view: &view,
                    depth_slice: None,
                    resolve_target: None,
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                        store: wgpu::StoreOp::Store,
                    },
                })],
                ..Default::default()
            })
            .forget_lifetime();
        let whole = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w as f32, h as f32));
        let info = egui::PaintCallbackInfo {
            viewport: whole,
            clip_rect: whole,
            pixels_per_point: 1.0,
            screen_size_px: [w, h],
        };
        callback.paint(info, &mut pass, &resources);
    }
    let readback = vanity::render::readback::Readback::record(device, &mut encoder, &target);
    queue.submit(extra.into_iter().chain([encoder.finish()]));
    readback.into_image(device).unwrap()
}

/// Mean absolute level difference of `a` and `b` over `pixels`.
fn mean_level_difference(a: &RgbImage, b: &RgbImage, pixels: &[(u32, u32)]) -> f64 {
    let sum: u64 = pixels
        .iter()
        .flat_map(|&(x, y)| (0..3).map(move |c| u64::from(a.get_pixel(x, y)[c].abs_diff(b.get_pixel(x, y)[c]))))
        .sum();
    sum as f64 / (pixels.len() * 3) as f64
}

#[test]
fn the_mirror_picture_shows_the_made_up_frame_and_the_bare_one_left_of_the_line() {
    // The window's picture is drawn by pipeline variants (before/after line on or off, sRGB
    // encoding in the shader or by the window); each must show what the renderer made, and the
    // line must show the bare frame on its left. The line runs through the middle of the lips so
    // that a variant showing the wrong texture on either side fails.
    let (img, lm) = astronaut_x2();
    let mut r = Switched::lips_from_picture(true);
    r.set_look(&lipstick("#B0153A", Finish::Matte, 1.0));
    let made_up = r.render(&img, &[FaceDraw { landmarks: &lm, strength: 1.0 }]).unwrap();
    let lips = lip_pixels(&img, &lm);
    let middle = lips.iter().map(|&(x, _)| f64::from(x)).sum::<f64>() / lips.len() as f64;
    let (left, right): (Vec<_>, Vec<_>) = lips.iter().partition(|&&(x, _)| f64::from(x) + 0.5 < middle - 1.0);
    let right: Vec<_> = right.into_iter().filter(|&(x, _)| f64::from(x) + 0.5 > middle + 1.0).collect();
    assert!(left.len() > 40 && right.len() > 40, "lip pixels either side: {} and {}", left.len(), right.len());
    assert!(
        mean_level_difference(&img, &made_up, &lips) > 10.0,
        "the lipstick must show for this test to mean anything"
    );
    let everything: Vec<(u32, u32)> = img.enumerate_pixels().map(|(x, y, _)| (x, y)).collect();
    for format in [wgpu::TextureFormat::Rgba8Unorm, wgpu::TextureFormat::Rgba8UnormSrgb] {
        let shown = mirror_picture(&r, format, None);
        let off = mean_level_difference(&shown, &made_up, &everything);
        assert!(off < 0.6, "{format:?}: the picture differs from the made-up frame by {off:.2} levels");
        let split = mirror_picture(&r, format, Some((middle / f64::from(img.width())) as f32));
        let bare_left = mean_level_difference(&split, &img, &left);
        let made_up_right = mean_level_difference(&split, &made_up, &right);
        eprintln!(
            "{format:?}: whole {off:.2}, left of the line vs bare {bare_left:.2}, right vs made up {made_up_right:.2}"
        );
        assert!(bare_left < 0.6, "{format:?}: left of the line differs from the bare frame by {bare_left:.2} levels");
        assert!(
            made_up_right < 0.6,
            "{format:?}: right of the line differs from the made-up frame by {made_up_right:.2}"
        );
    }
}

/// The bundled "Sculpted" look shows off the layers a counter asks for last: contour and
/// highlight, ombré lips and a clear gloss; each of them changes the picture.
#[test]
fn the_sculpted_look_wears_contour_highlight_ombre_and_gloss() {
    let (look, _) = Look::find("sculpted").expect("bundled");
    let (img, lm) = astronaut_x2();
    let faces = std::slice::from_ref(&lm);
    let worn = render(&img, faces, &look);
    {
        let mut r = renderer().lock().unwrap_or_else(|e| e.into_inner());
        r.set_look(&look);
        let on = r.enabled_layers();
        for layer in ["contour", "highlight", "ombre", "gloss"] {
            assert!(on.contains(&layer), "{layer} off in {on:?}");
        }
    }
    let without = |strip: fn(&mut Look)| {
        let mut less = look.clone();
        strip(&mut less);
        render(&img, faces, &less)
    };
    let face = pixels(&img, |p| inside(&vanity::face::regions::contour(&lm, &vanity::face::regions::FACE_OVAL), p));
    for (layer, strip) in [
        ("contour", (|l: &mut Look| l.contour = None) as fn(&mut Look)),
        ("highlight", |l: &mut Look| l.highlight = None),
        ("ombré", |l: &mut Look| l.lipstick.as_mut().unwrap().inner = None),
        ("gloss", |l: &mut Look| l.gloss = None),
    ] {
        let less = without(strip);
        let changed = face.iter().filter(|&&(x, y)| {
            worn.get_pixel(x, y).0.iter().zip(less.get_pixel(x, y).0).any(|(a, b)| a.abs_diff(b) > 2)
        });
        let n = changed.count();
        eprintln!("sculpted without its {layer}: {n} face pixels change");
        assert!(n > 50, "the {layer} of the sculpted look changes {n} pixels");
    }
}
