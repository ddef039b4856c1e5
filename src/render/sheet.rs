//! The contact sheet: every look, finish and layer on one face, for people to look at.

use glam::Vec3;
use image::{RgbImage, imageops};

use super::{FaceDraw, RenderError, Renderer};
use crate::face::regions::LIPS_OUTER;
use crate::looks::look::{Blush, Brows, Contour, Eyeliner, Eyeshadow, Foundation, Gloss, Highlight, Lipstick};
use crate::looks::{Finish, Look, Srgb};
use crate::tracking::roi::bounds;
use crate::tracking::tracker::inter_ocular;

/// Side of one tile in pixels.
pub const TILE: u32 = 256;
/// Width of one tile of the finishes sheet, pixels.
pub const FINISH_TILE: u32 = 480;
/// Inter-ocular distance the finishes sheet shows a face at (kiosk distance), pixels.
pub const KIOSK_IOD: f32 = 200.0;

fn hex(s: &str) -> Srgb {
    s.parse().expect("literal colour")
}

/// The tiles of the sheet, in order, with a caption each.
pub fn entries(bundled: &[Look]) -> Vec<(String, Look)> {
    let mut out = vec![("original".to_string(), Look { name: "original".into(), ..Look::default() })];
    out.extend(bundled.iter().map(|l| (format!("look: {}", l.name), l.clone())));
    out.extend(finish_entries());
    let only = |name: &str, f: &dyn Fn(&mut Look)| {
        let mut l = Look { name: name.into(), ..Look::default() };
        f(&mut l);
        (format!("layer: {name}"), l)
    };
    out.push(only("foundation", &|l| {
        l.foundation = Some(Foundation { color: hex("#EBC8AE"), opacity: 0.6, smoothing: 1.0 })
    }));
    out.push(only("contour", &|l| l.contour = Some(Contour { color: hex("#8E6652"), opacity: 0.8 })));
    out.push(only("highlight", &|l| l.highlight = Some(Highlight { color: hex("#EED4B4"), opacity: 0.8 })));
    out.push(only("blush", &|l| l.blush = Some(Blush { color: hex("#E07A7A"), opacity: 0.8 })));
    out.push(only("eyeshadow", &|l| {
        l.eyeshadow =
            Some(Eyeshadow { colors: vec![hex("#4A3328"), hex("#8C6239"), hex("#D4AF7A")], opacity: 0.9, shimmer: 0.0 })
    }));
    out.push(only("shimmer eyeshadow", &|l| {
        l.eyeshadow = Some(Eyeshadow { colors: vec![hex("#6B4E8A"), hex("#B89AD0")], opacity: 0.9, shimmer: 0.8 })
    }));
    out.push(only("eyeliner", &|l| {
        l.eyeliner = Some(Eyeliner { color: hex("#111111"), thickness: 0.7, wing: 0.8, opacity: 1.0 })
    }));
    out.push(only("brows", &|l| l.brows = Some(Brows { color: hex("#3A2A22"), opacity: 0.8 })));
    out.push(only("lip liner", &|l| {
        l.lipstick = Some(Lipstick {
            color: hex("#C98A7A"),
            finish: Finish::Satin,
            opacity: 0.8,
            liner: Some(hex("#7A2030")),
            inner: None,
        })
    }));
    out.push(only("ombré lips", &|l| {
        l.lipstick = Some(Lipstick {
            color: hex("#6E1428"),
            finish: Finish::Satin,
            opacity: 1.0,
            liner: None,
            inner: Some(hex("#E86A7E")),
        });
    }));
    out.push(only("gloss over matte", &|l| {
        l.lipstick =
            Some(Lipstick { color: hex("#B0153A"), finish: Finish::Matte, opacity: 1.0, liner: None, inner: None });
        l.gloss = Some(Gloss { opacity: 1.0 });
    }));
    out
}

/// The part of `frame` around `face` (its landmark box with `margin` of its size on each side)
/// scaled so that the inter-ocular distance is `iod` pixels, as a kiosk camera would see that
/// face, and the landmarks moved to match.
pub fn at_kiosk_distance(frame: &RgbImage, face: &[Vec3], iod: f32, margin: f32) -> (RgbImage, Vec<Vec3>) {
    let (lo, hi) = bounds(face);
    let margin = (hi - lo) * margin;
    let (x0, y0) = ((lo.x - margin.x).max(0.0).floor(), (lo.y - margin.y).max(0.0).floor());
    let x1 = (hi.x + margin.x).min(frame.width() as f32).ceil();
    let y1 = (hi.y + margin.y).min(frame.height() as f32).ceil();
    let part = imageops::crop_imm(frame, x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32).to_image();
    let scale = iod / inter_ocular(face).max(1.0);
    let (w, h) = ((part.width() as f32 * scale).round() as u32, (part.height() as f32 * scale).round() as u32);
    let near = imageops::resize(&part, w.max(1), h.max(1), imageops::FilterType::CatmullRom);
    let moved = face.iter().map(|p| (*p - Vec3::new(x0, y0, 0.0)) * scale).collect();
    (near, moved)
}

/// One opaque #B0153A lipstick in each finish.
pub fn finish_entries() -> Vec<(String, Look)> {
    Finish::ALL
        .iter()
        .map(|&finish| {
            let lipstick = Lipstick { color: hex("#B0153A"), finish, opacity: 1.0, liner: None, inner: None };
            (
                format!("lipstick: {}", finish.name()),
                Look { name: finish.name().into(), lipstick: Some(lipstick), ..Look::default() },
            )
        })
        .collect()
}

/// The six finishes side by side on the first face's mouth, at kiosk distance (the face scaled
/// so its inter-ocular distance is [`KIOSK_IOD`], as a kiosk camera sees it), three per row: for
/// a reviewer to see at a glance how the finishes differ.
pub fn finishes(renderer: &mut Renderer, frame: &RgbImage, face: &[Vec3]) -> Result<RgbImage, RenderError> {
    let (near, moved) = at_kiosk_distance(frame, face, KIOSK_IOD, 0.25);
    // The mouth, 1.3 inter-ocular distances wide, 3:2.
    let mouth: Vec<Vec3> = LIPS_OUTER.iter().map(|&i| moved[i as usize]).collect();
    let (mlo, mhi) = bounds(&mouth);
    let centre = (mlo + mhi) * 0.5;
    let (cw, ch) = (KIOSK_IOD * 1.3, KIOSK_IOD * 1.3 * 2.0 / 3.0);
    let cx = (centre.x - cw / 2.0).clamp(0.0, (near.width() as f32 - cw).max(0.0)) as u32;
    let cy = (centre.y - ch / 2.0).clamp(0.0, (near.height() as f32 - ch).max(0.0)) as u32;
    let tile_h = FINISH_TILE * 2 / 3;
    let entries = finish_entries();
    let mut sheet = RgbImage::from_pixel(3 * FINISH_TILE, 2 * tile_h, image::Rgb([32, 32, 32]));
    let draw = [FaceDraw { landmarks: &moved, strength: 1.0 }];
    for (i, (_, look)) in entries.iter().enumerate() {
        renderer.set_look(look);
        let out = renderer.render(&near, &draw)?;
        let crop = imageops::crop_imm(&out, cx, cy, cw as u32, ch as u32).to_image();
        let tile = imageops::resize(&crop, FINISH_TILE, tile_h, imageops::FilterType::CatmullRom);
        imageops::replace(&mut sheet, &tile, ((i as u32 % 3) * FINISH_TILE) as i64, ((i as u32 / 3) * tile_h) as i64);
    }
    Ok(sheet)
}

/// Renders every entry on `frame` and lays the tiles out, `columns` per row, cropped around the
/// first face.
pub fn render(
    renderer: &mut Renderer,
    frame: &RgbImage,
    faces: &[Vec<Vec3>],
    entries: &[(String, Look)],
    columns: u32,
) -> Result<RgbImage, RenderError> {
    let (lo, hi) = bounds(&faces[0]);
    let centre = (lo + hi) * 0.5;
    let side = ((hi - lo).max_element() * 1.5).min(frame.width().min(frame.height()) as f32);
    let x0 = (centre.x - side / 2.0).clamp(0.0, frame.width() as f32 - side) as u32;
    let y0 = (centre.y - side / 2.0).clamp(0.0, frame.height() as f32 - side) as u32;
    let rows = (entries.len() as u32).div_ceil(columns);
    let mut sheet = RgbImage::from_pixel(columns * TILE, rows * TILE, image::Rgb([32, 32, 32]));
    let draws: Vec<FaceDraw> = faces.iter().map(|l| FaceDraw { landmarks: l, strength: 1.0 }).collect();
    for (i, (_, look)) in entries.iter().enumerate() {
        renderer.set_look(look);
        let out = renderer.render(frame, &draws)?;
        let crop = imageops::crop_imm(&out, x0, y0, side as u32, side as u32).to_image();
        let tile = imageops::resize(&crop, TILE, TILE, imageops::FilterType::CatmullRom);
        imageops::replace(
            &mut sheet,
            &tile,
            ((i as u32 % columns) * TILE) as i64,
            ((i as u32 / columns) * TILE) as i64,
        );
    }
    Ok(sheet)
}
