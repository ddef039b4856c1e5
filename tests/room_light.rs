//! Faces whose light cannot be measured on them (dark glasses: no eye white) are drawn in the
//! light the picture's other faces were measured in, not the catalogue's: in a group, beyond the
//! faces one pass draws, and in a photo too large for the device, drawn a region at a time.

mod common;

use common::paint::*;
use common::pixels::*;
use glam::Vec3;
use image::RgbImage;
use vanity::face::regions::{LEFT_EYE, RIGHT_EYE, contour, inside};
use vanity::looks::Finish;
use vanity::looks::color::ciede2000;
use vanity::render::FaceDraw;
use vanity::tracking::tracker::inter_ocular;

/// A group at a kiosk: `faces` (pictures with their face's landmarks) side by side in one
/// picture, top-aligned on grey, and the landmarks moved with them.
fn side_by_side(faces: Vec<(&'static str, RgbImage, Vec<Vec3>)>) -> (RgbImage, Vec<Vec<Vec3>>) {
    let width = faces.iter().map(|f| f.1.width()).sum();
    let height = faces.iter().map(|f| f.1.height()).max().unwrap_or(1);
    let mut group = RgbImage::from_pixel(width, height, image::Rgb([128, 128, 128]));
    let mut landmarks = Vec::new();
    let mut left = 0;
    for (_, img, lm) in faces {
        image::imageops::replace(&mut group, &img, i64::from(left), 0);
        landmarks.push(lm.iter().map(|p| *p + Vec3::new(left as f32, 0.0, 0.0)).collect());
        left += img.width();
    }
    (group, landmarks)
}

/// `img` with dark glasses over the eyes of `lm`: each eye opening and a band a seventh of the
/// inter-ocular distance round it near black, so that no eye white is left to measure the light by.
fn in_dark_glasses(img: &RgbImage, lm: &[Vec3]) -> RgbImage {
    let band = inter_ocular(lm) / 7.0;
    let eyes = [contour(lm, &RIGHT_EYE), contour(lm, &LEFT_EYE)];
    let lenses = pixels(img, |p| eyes.iter().any(|eye| inside(eye, p) || edge_distance(eye, p) < band));
    let mut out = img.clone();
    for (x, y) in lenses {
        out.put_pixel(x, y, image::Rgb([18, 18, 22]));
    }
    out
}

#[test]
fn a_face_in_dark_glasses_is_in_the_light_the_faces_beside_it_are_in() {
    let (img, faces) = side_by_side(kiosk_faces());
    // The astronaut in dark glasses: no eye white to measure the light on her face by.
    let scene = in_dark_glasses(&img, &faces[0]);
    let dim = relit(&scene, |_, _| 0.5);
    let look = lipstick("#B0153A", Finish::Matte, 1.0);
    let ratio = |faces: &[Vec<Vec3>], lm: &[Vec3]| {
        let lips = lip_pixels(&scene, lm);
        mean_luminance(&render(&dim, faces, &look), &lips) / mean_luminance(&render(&scene, faces, &look), &lips)
    };
    let ratios: Vec<f32> = faces.iter().map(|lm| ratio(&faces, lm)).collect();
    eprintln!("group faces, lip luminance after -1 stop: {ratios:.3?}");
    for (i, r) in ratios.iter().enumerate() {
        assert!((r - 0.5).abs() <= 0.06, "group face {i}: lip luminance ×{r:.3} after one stop down");
    }
    // Alone, with nothing to go by, she is drawn in the catalogue's light, the same in both
    // pictures: her lipstick glows in the dim one. (The test above fails without the sharing.)
    let alone = ratio(&faces[..1], &faces[0]);
    eprintln!("face 0 alone in dark glasses: ×{alone:.3}");
    assert!((alone - 0.5).abs() > 0.06, "alone in dark glasses, her light was still measured: ×{alone:.3}");
    // How far the room's light is from her own (her eyes seen), as her lipstick shows it, in the
    // picture as it is and one stop darker. (These faces come from three photographs, each
    // exposed its own way: a real room's faces are closer in light than these.)
    let lips = lip_pixels(&img, &faces[0]);
    for (what, picture, glasses) in
        [("as taken", img.clone(), scene.clone()), ("one stop darker", relit(&img, |_, _| 0.5), dim.clone())]
    {
        let own = render(&picture, &faces, &look);
        let apart = |other: &RgbImage| ciede2000(mean_lab(&own, &lips), mean_lab(other, &lips));
        let (room, catalogue) = (render(&glasses, &faces, &look), render(&glasses, &faces[..1], &look));
        eprintln!(
            "{what}: her lipstick in the room's light {:.2}, in the catalogue's {:.2} (mean ΔE00 from it in her own)",
            apart(&room),
            apart(&catalogue)
        );
    }
}

#[test]
fn a_face_in_dark_glasses_beyond_the_faces_one_pass_draws_is_lit_as_the_others_are() {
    // Nine faces (the kiosk faces three times over) in one picture: the renderer draws eight a
    // pass, the ninth, in dark glasses, in a pass of its own.
    let nine: Vec<_> = (0..3).flat_map(|_| kiosk_faces()).collect();
    assert!(nine.len() > vanity::render::MAX_FACES);
    let (img, faces) = side_by_side(nine);
    let last = faces.last().expect("faces");
    let scene = in_dark_glasses(&img, last);
    let look = lipstick("#B0153A", Finish::Matte, 1.0);
    let lips = lip_pixels(&scene, last);
    let ratio_with = |faces: &[Vec<Vec3>]| {
        mean_luminance(&render(&relit(&scene, |_, _| 0.5), faces, &look), &lips)
            / mean_luminance(&render(&scene, faces, &look), &lips)
    };
    let (ratio, alone) = (ratio_with(&faces), ratio_with(&faces[faces.len() - 1..]));
    eprintln!("the ninth face, in dark glasses: lip luminance after -1 stop ×{ratio:.3} (×{alone:.3} alone)");
    assert!((ratio - 0.5).abs() <= 0.06, "lip luminance ×{ratio:.3} after one stop down");
    assert!((alone - 0.5).abs() > 0.06, "alone in dark glasses, its light was still measured: ×{alone:.3}");
}

#[test]
fn a_face_in_dark_glasses_in_a_photo_too_large_for_the_device_is_lit_as_its_faces_are() {
    // The astronaut at the left end of a panorama wider than the device takes, the phone photo's
    // face in dark glasses at the right: each drawn in a region of its own.
    let faces = kiosk_faces();
    let (lit_face, glasses_face) = (&faces[0], &faces[1]);
    let mut r = renderer().lock().unwrap_or_else(|e| e.into_inner());
    let limit = r.context().device.limits().max_texture_dimension_2d;
    let height = lit_face.1.height().max(glasses_face.1.height());
    let mut pano = RgbImage::from_pixel(limit + 600, height, image::Rgb([128, 128, 128]));
    let x1 = limit + 600 - glasses_face.1.width();
    image::imageops::replace(&mut pano, &lit_face.1, 0, 0);
    image::imageops::replace(&mut pano, &in_dark_glasses(&glasses_face.1, &glasses_face.2), i64::from(x1), 0);
    let moved: Vec<Vec3> = glasses_face.2.iter().map(|p| *p + Vec3::new(x1 as f32, 0.0, 0.0)).collect();
    let draws = [FaceDraw { landmarks: &lit_face.2, strength: 1.0 }, FaceDraw { landmarks: &moved, strength: 1.0 }];
    r.set_look(&lipstick("#B0153A", Finish::Matte, 1.0));
    let lit = r.render_photo(&pano, &draws).expect("renders");
    let dimmed = r.render_photo(&relit(&pano, |_, _| 0.5), &draws).expect("renders");
    // The control: the face in dark glasses without the astronaut, nothing to go by.
    let alone = r.render_photo(&pano, &draws[1..]).expect("renders");
    let alone_dimmed = r.render_photo(&relit(&pano, |_, _| 0.5), &draws[1..]).expect("renders");
    drop(r);
    let lips = lip_pixels(&pano, &moved);
    let ratio = mean_luminance(&dimmed, &lips) / mean_luminance(&lit, &lips);
    let alone = mean_luminance(&alone_dimmed, &lips) / mean_luminance(&alone, &lips);
    eprintln!(
        "panorama {} px wide: the face in dark glasses' lip luminance after -1 stop ×{ratio:.3} (×{alone:.3} alone)",
        pano.width()
    );
    assert!((ratio - 0.5).abs() <= 0.06, "lip luminance ×{ratio:.3} after one stop down");
    assert!((alone - 0.5).abs() > 0.06, "alone in dark glasses, its light was still measured: ×{alone:.3}");
}
