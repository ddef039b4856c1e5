//! What is in front of the face, so that makeup leaves it bare: the hands the tracker found (their
//! silhouettes, [`HandSilhouette`], for every layer), and on the lips a finger found from the
//! picture alone.
//!
//! A finger across the mouth is skin, not lip, and lipstick must leave it bare. Inside each
//! face's lip region (between its fitted outer and inner contours) pixels whose hue is nearer the
//! face's skin than its lips are candidates; a finger is a wide, solid patch of them, while the
//! lip's own blurred rim and stray pixels are thin or small, so only what survives an opening
//! (erosion then dilation) and is large is marked. Hue, not
//! lightness: a finger's shaded side is as dark as a lip, but keeps the skin's hue; lip
//! highlights fade towards white and are never candidates (too little chroma to have a hue).
//! Hues are read with the face's light divided out (`lip_edges::WhiteBalance`): a warm or green room
//! light squeezes lip and skin hues together, and part of a lip would pass for a finger.

use glam::{Vec2, Vec3};
use image::RgbImage;

use super::body_occluders::{BodySkinSearch, Outline};
use super::hand_silhouette::{BONE_POINTS, HandSilhouette};
use super::lip_edges::{BAND, WhiteBalance, lab_of_pixel, lip_colour, median, normals, side_colour};
use crate::face::regions::{LIPS_INNER, LIPS_OUTER, contour};
use crate::tracking::tracker::inter_ocular;

/// Radius of the opening, fraction of the inter-ocular distance: wider than the lip's blurred
/// rim (1–2 px at kiosk distance), narrower than a finger and the upper lip's height.
const OPENING: f32 = 0.014;
/// Smallest occluder left after the opening, share of the lip region's area.
const MIN_AREA: f32 = 0.02;
/// Below this chroma (CIELAB) a pixel has no reliable hue: teeth, the mouth's dark, highlights.
const MIN_CHROMA: f32 = 8.0;
/// The face's skin and lip hues must differ by this much (degrees) to tell them apart.
const MIN_HUE_GAP: f32 = 4.0;

/// A rectangle of frame pixels, `x1`/`y1` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelRect {
    /// Left column.
    pub x0: u32,
    /// Top row.
    pub y0: u32,
    /// One past the right column.
    pub x1: u32,
    /// One past the bottom row.
    pub y1: u32,
}

impl PixelRect {
    /// The smallest rectangle holding both.
    pub fn union(self, other: Self) -> Self {
        Self {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }

    /// The rectangle both cover, if any.
    pub fn intersection(self, other: Self) -> Option<Self> {
        let r = Self {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        };
        (r.x1 > r.x0 && r.y1 > r.y0).then_some(r)
    }

    fn width(&self) -> u32 {
        self.x1 - self.x0
    }

    fn height(&self) -> u32 {
        self.y1 - self.y0
    }
}

/// The frame's occluder mask (255 where something covers a face, soft at a hand's edge), kept
/// between frames so that only what changed is cleared and uploaded.
#[derive(Debug, Default)]
pub struct OccluderMask {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
    /// Where last frame's marks are (cleared at the next [`OccluderMask::begin`]).
    marked: Option<PixelRect>,
    /// What changed since `begin`: last frame's marks and this frame's.
    changed: Option<PixelRect>,
    /// The lip occluder search's buffers.
    lip_work: LipWork,
    /// The body skin search's buffers.
    body_search: BodySkinSearch,
}

impl OccluderMask {
    /// Starts a frame of `width`×`height`: last frame's marks are cleared (a new size starts
    /// from an empty mask).
    pub fn begin(&mut self, width: u32, height: u32) {
        if (width, height) != (self.width, self.height) {
            *self = Self {
                width,
                height,
                pixels: vec![0; (width * height) as usize],
                marked: None,
                changed: None,
                lip_work: std::mem::take(&mut self.lip_work),
                body_search: std::mem::take(&mut self.body_search),
            };
            return;
        }
        self.changed = self.marked.take();
        if let Some(r) = self.changed {
            for y in r.y0..r.y1 {
                let row = (y * width) as usize;
                self.pixels[row + r.x0 as usize..row + r.x1 as usize].fill(0);
            }
        }
    }

    /// Marks whatever covers the lips of the face with (lip-fitted) `landmarks` in `frame`, whose
    /// light (what a reflectance of 1 looks like on the face, linear RGB) is `light`.
    pub fn mark_lips(&mut self, frame: &RgbImage, landmarks: &[Vec3], light: [f32; 3]) {
        let balance = WhiteBalance::undoing(light);
        let Some(r) = lip_occluders(frame, landmarks, balance, &mut self.lip_work) else { return };
        let mut any = false;
        for (i, hidden) in self.lip_work.mask.iter().enumerate() {
            if *hidden {
                let (x, y) = (r.x0 + i as u32 % r.width(), r.y0 + i as u32 / r.width());
                self.pixels[(y * self.width + x) as usize] = 255;
                any = true;
            }
        }
        if any {
            self.note_marked(r);
        }
    }

    /// Marks what `hand` covers inside `area` (a face's box: beyond the faces nothing is drawn).
    /// Near the outline, where the joints' placement leaves it a few pixels off, the picture
    /// decides when the hand's own colour (see [`hand_colour`]) differs from `face_skin` (CIELAB;
    /// None: unknown): a pixel is hand when nearer the hand's colour. When the two cannot be told
    /// apart (a person's own hand is their face's colour) or either is unknown, the outline is
    /// grown by [`UNSURE_EDGE_MARGIN`]: paint on the hand shows more than a thin bare rim of face
    /// beside it.
    pub fn mark_hand(
        &mut self,
        frame: &RgbImage,
        hand: &HandSilhouette,
        area: PixelRect,
        (hand_colour, face_skin): (Option<Vec3>, Option<Vec3>),
    ) {
        let (lo, hi) = hand.bounds();
        // Both colours, when they can be told apart; if not, how far the outline is grown.
        let colours = hand_colour.zip(face_skin).filter(|(own, face)| skin_distance(*own, *face) >= MIN_HAND_CONTRAST);
        let band = EDGE_BAND * hand.finger_radius();
        let grown = if colours.is_some() { 0.0 } else { UNSURE_EDGE_MARGIN * hand.finger_radius() };
        let reach = band + grown;
        let Some(r) = pixel_box(lo - reach, hi + reach, self.width, self.height).and_then(|b| b.intersection(area))
        else {
            return;
        };
        let mut any = false;
        for y in r.y0..r.y1 {
            for x in r.x0..r.x1 {
                let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
                let d = hand.distance(p);
                let cover = match colours {
                    Some((own, face)) if d.abs() < band => {
                        let c = lab_of_pixel(frame, x, y);
                        if skin_distance(c, own) < skin_distance(c, face) { 1.0 } else { 0.0 }
                    }
                    _ => HandSilhouette::coverage_at(d, grown),
                };
                if cover > 0.0 {
                    let px = &mut self.pixels[(y * self.width + x) as usize];
                    *px = (*px).max((cover * 255.0).round() as u8);
                    any = true;
                }
            }
        }
        if any {
            self.note_marked(r);
        }
    }

    /// Marks body skin in front of the face with `landmarks` (outline `oval`): a shoulder its
    /// chin rests on, reached from `shoulders` outside every face's outline in `outlines` (see
    /// [`BodySkinSearch`]). Whether it found any.
    pub fn mark_body_skin(
        &mut self,
        frame: &RgbImage,
        (landmarks, oval): (&[Vec3], &Outline),
        outlines: &[Outline],
        shoulders: &[Vec2],
    ) -> bool {
        let Some(r) = self.body_search.search(frame, landmarks, oval, outlines, shoulders, &self.pixels) else {
            return false;
        };
        let mut any = false;
        for (i, cover) in self.body_search.cover.iter().enumerate().filter(|(_, c)| **c > 0) {
            let (x, y) = (r.x0 + i as u32 % r.width(), r.y0 + i as u32 / r.width());
            let px = &mut self.pixels[(y * self.width + x) as usize];
            *px = (*px).max(*cover);
            any = true;
        }
        if any {
            self.note_marked(r);
        }
        any
    }

    /// Records that pixels inside `r` were marked this frame.
    fn note_marked(&mut self, r: PixelRect) {
        self.marked = Some(self.marked.map_or(r, |m| m.union(r)));
        self.changed = Some(self.changed.map_or(r, |c| c.union(r)));
    }

    /// The part of the mask that changed this frame (to upload), if any.
    pub fn changed(&self) -> Option<PixelRect> {
        self.changed
    }

    /// The mask, one byte per frame pixel, row-major.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }
}

/// How far either side of a hand's outline the picture decides (share of a finger's half-width).
const EDGE_BAND: f32 = 0.4;
/// The hand's colour and the face's must differ by this much (CIELAB, lightness half-weighted)
/// for the picture to decide a hand's edge; closer (or either colour unknown), the outline grown
/// by [`UNSURE_EDGE_MARGIN`] does. A hand recoloured to its face's skin reads 1.3-2.6 from the
/// face's skin colour (`tests/fixtures/hands/*_skin.jpg`), one recoloured to the darker skin of a
/// smile's fold 6.3-6.6 (`*_fold_skin.jpg`), and there the nearer colour is a coin toss: 15.5 and
/// 30.1 % of the hand made up with the limit at 6.
const MIN_HAND_CONTRAST: f32 = 10.0;
/// How far the outline is grown where colour cannot place the hand's edge (share of a finger's
/// half-width): the joints' outline misses up to about half a finger's width along the hand's
/// side. On the fixtures 0.2 left a face-coloured hand as bare as the picture left a lighter one
/// (11.0 against 10.3 % of it made up, measured with the palm outlined through its joints alone;
/// with its thickness, 4.2-4.8 against 5.3 %) and keeps 96-97 % of the face's makeup; 0.3 kept
/// 95-96 %.
const UNSURE_EDGE_MARGIN: f32 = 0.2;

/// Fewest samples a colour (a hand's, a face's skin) is read from.
pub(crate) const MIN_COLOUR_SAMPLES: usize = 8;

/// CIELAB distance with lightness half-weighted: shading changes lightness more than colour.
fn skin_distance(a: Vec3, b: Vec3) -> f32 {
    Vec3::new((a.x - b.x) * 0.5, a.y - b.y, a.z - b.z).length()
}

/// The hand's own colour: the median along its fingers' bones, or None when fewer than
/// [`MIN_COLOUR_SAMPLES`] of them are in the frame.
pub fn hand_colour(frame: &RgbImage, hand: &HandSilhouette) -> Option<Vec3> {
    let (w, h) = frame.dimensions();
    let mut colours = [Vec3::ZERO; BONE_POINTS];
    let mut count = 0;
    for p in hand.bone_points().filter(|p| p.x >= 0.0 && p.y >= 0.0 && p.x < w as f32 && p.y < h as f32) {
        colours[count] = lab_of_pixel(frame, p.x as u32, p.y as u32);
        count += 1;
    }
    (count >= MIN_COLOUR_SAMPLES).then(|| median(&mut colours[..count]))
}

/// The buffers the lip occluder search works in (one flag per pixel of a rectangle around the
/// lips), kept between frames so that a frame allocates nothing.
#[derive(Debug, Default)]
struct LipWork {
    /// Inside the outer lip contour but not the inner one.
    region: Vec<bool>,
    /// Inside the inner contour (the mouth's opening).
    opening: Vec<bool>,
    /// Pixels of the region with the skin's hue.
    candidate: Vec<bool>,
    /// The morphology's result: after [`lip_occluders`], the covered pixels.
    mask: Vec<bool>,
    /// The morphology's other buffer.
    spare: Vec<bool>,
    /// The large components of the eroded candidates.
    kept: Vec<bool>,
    /// What the component search has to hand.
    components: ComponentWork,
    /// A row's contour crossings.
    crossings: Vec<f32>,
}

/// Finds what covers the lips of one face (see the module's documentation), its colours read
/// under `balance` (the face's light divided out): the rectangle around the lips, with
/// `work.mask` holding which of its pixels are covered.
fn lip_occluders(frame: &RgbImage, landmarks: &[Vec3], balance: WhiteBalance, work: &mut LipWork) -> Option<PixelRect> {
    let iod = inter_ocular(landmarks);
    if !(iod.is_finite() && iod > 8.0) {
        return None;
    }
    let outer = contour(landmarks, &LIPS_OUTER);
    let inner = contour(landmarks, &LIPS_INNER);
    let lip = lip_colour(frame, &outer, &inner, balance);
    let skin = side_colour(frame, &outer, &normals(&outer, true), BAND * iod, balance);
    let skin_hue = hue(skin);
    let lip_turn = turn(hue(lip), skin_hue);
    if chroma(lip) < MIN_CHROMA || chroma(skin) < MIN_CHROMA || lip_turn.abs() < MIN_HUE_GAP {
        return None;
    }
    let rect = bounds(&outer, frame.width(), frame.height())?;
    let (w, h) = (rect.width() as usize, rect.height() as usize);
    fill(&outer, rect, &mut work.region, &mut work.crossings);
    fill(&inner, rect, &mut work.opening, &mut work.crossings);
    for (region, open) in work.region.iter_mut().zip(&work.opening) {
        *region &= !*open;
    }
    reset(&mut work.candidate, w * h);
    for (i, (region, cand)) in work.region.iter().zip(work.candidate.iter_mut()).enumerate() {
        let (x, y) = (rect.x0 + (i % w) as u32, rect.y0 + (i / w) as u32);
        if *region {
            let c = balance.lab_of_pixel(frame, x, y);
            // 1 at the lip's hue, 0 at the skin's.
            let lipness = turn(hue(c), skin_hue) / lip_turn;
            *cand = chroma(c) >= MIN_CHROMA && lipness < 0.5;
        }
    }
    let radius = ((OPENING * iod).round() as usize).max(1);
    copy_into(&mut work.mask, &work.candidate);
    morph(&mut work.mask, &mut work.spare, (w, h), radius, Morph::Erode);
    let region_area = work.region.iter().filter(|r| **r).count();
    let min_area = ((MIN_AREA * region_area as f32).ceil() as usize).max(1);
    large_components(&work.mask, (w, h), min_area, &mut work.kept, &mut work.components);
    if !work.kept.iter().any(|k| *k) {
        return None;
    }
    // Back to the occluder's own outline (the opening's dilation, within the candidates), and one
    // pixel more so that no lit rim of lipstick is left along it.
    copy_into(&mut work.mask, &work.kept);
    morph(&mut work.mask, &mut work.spare, (w, h), radius, Morph::Dilate);
    for (m, c) in work.mask.iter_mut().zip(&work.candidate) {
        *m &= *c;
    }
    morph(&mut work.mask, &mut work.spare, (w, h), 1, Morph::Dilate);
    for (m, r) in work.mask.iter_mut().zip(&work.region) {
        *m &= *r;
    }
    Some(rect)
}

/// `buffer` as `len` unset flags, its allocation reused.
fn reset(buffer: &mut Vec<bool>, len: usize) {
    buffer.clear();
    buffer.resize(len, false);
}

/// `buffer` holding a copy of `from`, its allocation reused.
fn copy_into(buffer: &mut Vec<bool>, from: &[bool]) {
    buffer.clear();
    buffer.extend_from_slice(from);
}

/// Hue angle (degrees) of a CIELAB colour.
fn hue(c: Vec3) -> f32 {
    c.z.atan2(c.y).to_degrees()
}

/// The signed angle (degrees) from hue `from` to hue `to`, the short way round.
fn turn(to: f32, from: f32) -> f32 {
    (to - from + 540.0).rem_euclid(360.0) - 180.0
}

/// Chroma of a CIELAB colour.
fn chroma(c: Vec3) -> f32 {
    c.y.hypot(c.z)
}

/// Pixel bounds of a contour, a pixel of margin, clipped to the frame; `None` when off it.
fn bounds(points: &[Vec2], width: u32, height: u32) -> Option<PixelRect> {
    let (min, max) = points.iter().fold((Vec2::MAX, Vec2::MIN), |(a, b), p| (a.min(*p), b.max(*p)));
    pixel_box(min, max, width, height)
}

/// The pixels of the box `min`–`max` with a pixel of margin, clipped to the frame; `None` when
/// off it.
pub fn pixel_box(min: Vec2, max: Vec2, width: u32, height: u32) -> Option<PixelRect> {
    let x0 = (min.x.floor() - 1.0).clamp(0.0, width as f32) as u32;
    let y0 = (min.y.floor() - 1.0).clamp(0.0, height as f32) as u32;
    let x1 = (max.x.ceil() + 1.0).clamp(0.0, width as f32) as u32;
    let y1 = (max.y.ceil() + 1.0).clamp(0.0, height as f32) as u32;
    (x1 > x0 && y1 > y0).then_some(PixelRect { x0, y0, x1, y1 })
}

/// Which pixels of `rect` have their centre inside the closed polygon `poly` (even-odd rule), row
/// by row from the edges' crossings, written into `out`: the same pixels as a per-pixel
/// point-in-polygon test, without testing every edge at every pixel. `crossings` is scratch.
fn fill(poly: &[Vec2], rect: PixelRect, out: &mut Vec<bool>, crossings: &mut Vec<f32>) {
    let (w, h) = (rect.width() as usize, rect.height() as usize);
    reset(out, w * h);
    for row in 0..h {
        let y = (rect.y0 as usize + row) as f32 + 0.5;
        crossings.clear();
        for k in 0..poly.len() {
            let (a, b) = (poly[k], poly[(k + 1) % poly.len()]);
            if (a.y > y) != (b.y > y) {
                crossings.push(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x));
            }
        }
        crossings.sort_by(f32::total_cmp);
        for span in crossings.chunks_exact(2) {
            // Pixel centres x + 0.5 with span[0] <= centre < span[1].
            let first = (span[0] - 0.5 - rect.x0 as f32).ceil().max(0.0) as usize;
            let end = ((span[1] - 0.5 - rect.x0 as f32).ceil().max(0.0) as usize).min(w);
            if first < end {
                out[row * w + first..row * w + end].fill(true);
            }
        }
    }
}

/// A morphological step by the 4-neighbourhood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Morph {
    /// Set where a pixel and its four neighbours all are (off the edge counts as unset).
    Erode,
    /// Set where any of them is.
    Dilate,
}

/// `mask` (`size` = width × height) eroded or dilated `radius` times by the 4-neighbourhood (a
/// diamond of that radius), in place; `spare` is the other buffer of each step.
fn morph(mask: &mut Vec<bool>, spare: &mut Vec<bool>, (w, h): (usize, usize), radius: usize, how: Morph) {
    for _ in 0..radius {
        spare.clear();
        spare.extend((0..w * h).map(|i| {
            let (x, y) = (i % w, i / w);
            let near = [
                Some(i),
                (x > 0).then(|| i - 1),
                (x + 1 < w).then(|| i + 1),
                (y > 0).then(|| i - w),
                (y + 1 < h).then(|| i + w),
            ];
            match how {
                Morph::Erode => near.iter().all(|n| n.is_some_and(|j| mask[j])),
                Morph::Dilate => near.iter().flatten().any(|&j| mask[j]),
            }
        }));
        std::mem::swap(mask, spare);
    }
}

/// What the component search works in, kept between frames.
#[derive(Debug, Default)]
struct ComponentWork {
    seen: Vec<bool>,
    stack: Vec<usize>,
    component: Vec<usize>,
}

/// The 4-connected components of `mask` (`size` = width × height) with at least `min_area`
/// pixels, written into `out`.
fn large_components(
    mask: &[bool],
    (w, h): (usize, usize),
    min_area: usize,
    out: &mut Vec<bool>,
    work: &mut ComponentWork,
) {
    let ComponentWork { seen, stack, component } = work;
    reset(seen, w * h);
    reset(out, w * h);
    stack.clear();
    for start in 0..w * h {
        if !mask[start] || seen[start] {
            continue;
        }
        component.clear();
        stack.push(start);
        seen[start] = true;
        while let Some(i) = stack.pop() {
            component.push(i);
            let (x, y) = (i % w, i / w);
            for j in
                [(x > 0).then(|| i - 1), (x + 1 < w).then(|| i + 1), (y > 0).then(|| i - w), (y + 1 < h).then(|| i + w)]
                    .into_iter()
                    .flatten()
            {
                if mask[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        if component.len() >= min_area {
            for &i in component.iter() {
                out[i] = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::regions::inside;

    #[test]
    fn row_fill_matches_the_point_in_polygon_test() {
        // A concave star with edges at every angle, partly off the rectangle.
        let star: Vec<Vec2> = (0..14)
            .map(|k| {
                let a = k as f32 * std::f32::consts::TAU / 14.0;
                let r = if k % 2 == 0 { 30.0 } else { 12.5 };
                Vec2::new(31.3 + r * a.cos(), 27.7 + r * a.sin())
            })
            .collect();
        let rect = PixelRect { x0: 5, y0: 0, x1: 60, y1: 50 };
        let (mut fill_out, mut crossings) = (Vec::new(), Vec::new());
        fill(&star, rect, &mut fill_out, &mut crossings);
        let fill = fill_out;
        let (w, mut count) = (rect.width() as usize, 0);
        for (i, f) in fill.iter().enumerate() {
            let p = Vec2::new((rect.x0 as usize + i % w) as f32 + 0.5, (rect.y0 as usize + i / w) as f32 + 0.5);
            assert_eq!(*f, inside(&star, p), "pixel {p}");
            count += usize::from(*f);
        }
        assert!(count > 500, "{count}");
    }

    /// A hand pointing up whose joints lie on x = 50-52, its outline narrower than the finger
    /// drawn: a 100×100 frame of `skin`, the finger painted in `hand_rgb` from x = 38 to 61.
    fn finger_picture(skin: [u8; 3], hand_rgb: [u8; 3]) -> (RgbImage, HandSilhouette) {
        let frame = RgbImage::from_fn(100, 100, |x, y| {
            image::Rgb(if (38..62).contains(&x) && y >= 20 { hand_rgb } else { skin })
        });
        // Joints: wrist at the bottom, all fingers stacked on the index finger's line.
        let mut joints = vec![Vec3::new(50.0, 99.0, 0.0)];
        for finger in 0..5 {
            let x = 50.0 + finger as f32 * 0.5;
            joints.extend((0..4).map(|k| Vec3::new(x, 70.0 - 15.0 * k as f32, 12.0 * finger as f32)));
        }
        let hand = crate::tracking::hands::Hand { joints, presence: 1.0 };
        (frame, HandSilhouette::of(&hand).expect("a hand"))
    }

    fn marked_columns(frame: &RgbImage, hand: &HandSilhouette, skin: Vec3) -> Vec<u32> {
        let mut mask = OccluderMask::default();
        mask.begin(frame.width(), frame.height());
        let colours = (hand_colour(frame, hand), Some(skin));
        mask.mark_hand(frame, hand, PixelRect { x0: 0, y0: 0, x1: 100, y1: 100 }, colours);
        (0..100).filter(|&x| mask.pixels()[(50 * 100 + x) as usize] > 127).collect()
    }

    #[test]
    fn a_hand_edge_follows_the_picture_where_the_hand_and_face_colours_differ() {
        let (skin, hand_rgb) = ([150, 100, 80], [230, 190, 170]);
        let face = lab_of_pixel(&RgbImage::from_pixel(1, 1, image::Rgb(skin)), 0, 0);
        let (frame, hand) = finger_picture(skin, hand_rgb);
        let r = hand.finger_radius();
        assert!(r > 6.0 && r < 12.0, "{r}");
        let cols = marked_columns(&frame, &hand, face);
        assert_eq!((cols[0], *cols.last().unwrap()), (38, 61), "the painted finger's edges");
        // Same colour on both sides: the outline decides, grown by the margin left for its own
        // uncertainty.
        let (frame, hand) = finger_picture(skin, skin);
        let columns = |margin: f32| -> Vec<u32> {
            let at = |x: u32| HandSilhouette::coverage_at(hand.distance(Vec2::new(x as f32 + 0.5, 50.5)), margin);
            (0..100).filter(|&x| at(x) > 0.5).collect()
        };
        let (outline, grown) = (columns(0.0), columns(UNSURE_EDGE_MARGIN * r));
        assert_eq!(marked_columns(&frame, &hand, face), grown);
        assert!(outline[0] > 38 && *outline.last().unwrap() < 64, "{outline:?}");
        assert!(grown[0] < outline[0] && grown.last() > outline.last(), "{grown:?}");
    }

    #[test]
    fn a_hand_nearly_the_face_s_colour_is_placed_by_its_outline_not_by_the_nearer_colour() {
        // A hand a little lighter and redder than the face (as a person's own hand under the same
        // light): apart by more than the old limit (6), too close for the picture to place its
        // edge.
        let (skin, hand_rgb) = ([150, 100, 80], [168, 104, 80]);
        let lab = |rgb: [u8; 3]| lab_of_pixel(&RgbImage::from_pixel(1, 1, image::Rgb(rgb)), 0, 0);
        let gap = skin_distance(lab(skin), lab(hand_rgb));
        assert!(gap > 6.0 && gap < 9.0, "{gap}");
        // The finger drawn narrower than its outline (x = 42-57): an edge placed by the nearer
        // colour would follow it.
        let (_, hand) = finger_picture(skin, hand_rgb);
        let frame = RgbImage::from_fn(100, 100, |x, y| {
            image::Rgb(if (42..58).contains(&x) && y >= 20 { hand_rgb } else { skin })
        });
        let grown: Vec<u32> = (0..100)
            .filter(|&x| {
                let d = hand.distance(Vec2::new(x as f32 + 0.5, 50.5));
                HandSilhouette::coverage_at(d, UNSURE_EDGE_MARGIN * hand.finger_radius()) > 0.5
            })
            .collect();
        assert_eq!(marked_columns(&frame, &hand, lab(skin)), grown);
        // With the hand's colour unknown, the same grown outline.
        let mut mask = OccluderMask::default();
        mask.begin(100, 100);
        mask.mark_hand(&frame, &hand, PixelRect { x0: 0, y0: 0, x1: 100, y1: 100 }, (None, Some(lab(skin))));
        let unknown: Vec<u32> = (0..100).filter(|&x| mask.pixels()[(50 * 100 + x) as usize] > 127).collect();
        assert_eq!(unknown, grown);
    }

    #[test]
    fn the_opening_keeps_a_finger_and_drops_a_rim() {
        // A 20×20 mask: a one-pixel rim along the top (a lip's blurred edge) and a 6×12 patch.
        let (w, h) = (20, 20);
        let mut mask = vec![false; w * h];
        mask[..w].fill(true);
        for y in 5..17 {
            mask[y * w + 7..y * w + 13].fill(true);
        }
        let (mut eroded, mut spare, mut kept) = (mask.clone(), Vec::new(), Vec::new());
        morph(&mut eroded, &mut spare, (w, h), 2, Morph::Erode);
        large_components(&eroded, (w, h), 4, &mut kept, &mut ComponentWork::default());
        assert!(!kept[..w].iter().any(|k| *k), "the rim is gone");
        assert!(kept[10 * w + 10], "the patch's core stays");
        let mut back = kept.clone();
        morph(&mut back, &mut spare, (w, h), 2, Morph::Dilate);
        for (b, m) in back.iter_mut().zip(&mask) {
            *b &= *m;
        }
        // Back to its edges (a diamond opening rounds only the corners off).
        let patch = [(5, 10), (16, 10), (10, 7), (10, 12)];
        assert!(patch.iter().all(|&(y, x)| back[y * w + x]), "the patch comes back to its edges");
        assert_eq!(back.iter().filter(|b| **b).count(), 6 * 12 - 4 * 3, "all of it but three pixels at each corner");
    }
}
