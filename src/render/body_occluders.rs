//! Body skin in front of a face: a chin resting on a bare shoulder. The shoulder is the face's
//! own colour, so neither colour nor texture tells it from the jaw it covers; what does is where
//! it is joined. Every pixel around the face is given to whichever is clearly nearer along paths
//! that are cheap across smooth skin and dear across an edge: the face, from points well inside
//! it (cheeks, forehead, nose, below the lower lip), or the body, from the shoulder joints the
//! pose model places (`tracking::bodies`), moved out of any face's outline. The shoulder in front
//! of the jaw is reached from its own joint without crossing the crease where it meets the face,
//! and the face keeps everything its own skin reaches first. A shoulder the pose model puts in
//! the wrong place (beside the ear of a close-up, say) reaches nothing inside the face: the jaw's
//! edge stands between them.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use glam::{Vec2, Vec3};
use image::RgbImage;

use super::occluders::{PixelRect, pixel_box};
use crate::advisor::sampling::linear_luma;
use crate::face::regions::{FACE_OVAL, edge_distance, inside};
use crate::looks::color::srgb8_to_linear;
use crate::tracking::bodies::eye_distance;

/// Landmarks the face's own skin is reached from: the cheeks and forehead (the skin samples),
/// the nose's bridge and tip, the lower cheeks beside the nose's wings, and the chin between the
/// lower lip and the chin's tip (an open mouth would otherwise leave the chin and the cheeks
/// below its corners to the neck). None lies under the shoulder of the fixture's resting chin,
/// which covers the mouth's corner and the jaw on its side.
const FACE_SEEDS: [usize; 19] = [50, 280, 101, 330, 151, 9, 118, 347, 4, 5, 195, 197, 206, 426, 207, 427, 18, 200, 175];
/// How far around the face's landmarks the search looks, in eye distances (between the eyes'
/// centres): the shoulders it starts from lie within [`NEAR_OUTLINE`] of the face's outline.
/// (With cells of 2 px, 1.5 left the fixture's shoulder 12.8 % painted instead of 13.6 %, for
/// half as many cells again.)
const MARGIN: f32 = 1.0;
/// The search runs only for a shoulder joint this close to the face's outline, in eye
/// distances (after moving it out of the outline, see [`out_of_faces`]): a chin resting on a
/// shoulder puts the joint within one (0 on the fixture, whose mesh draws the jaw on over it).
/// An upright body's joints lie further off, unless the pose model misplaces them (beside the
/// ear of a close-up: then the search runs and finds the jaw's edge in the way).
const NEAR_OUTLINE: f32 = 1.0;
/// Grid cells per eye distance: the search runs on a grid (each cell the mean of its pixels),
/// cells of 3 px at kiosk distance (an eye distance of ~100 px), whatever the face's size. The
/// fixture's shoulder is left 15.3 % painted with cells of 3 px, 13.6 % with cells of 2 px for
/// 1.5 times the time (~6.5 against ~9 ms here).
const CELLS_PER_EYE_DISTANCE: f32 = 32.0;
/// What crossing an edge costs: a path's step is its length times 1 + this × the eye distance ×
/// the log-luminance gradient per pixel. On the fixtures 20 and 60 draw the same shoulder.
const EDGE_WEIGHT: f32 = 20.0;
/// A cell is the body's only where the body's path to it is this much shorter than the face's:
/// where a finger or an open mouth cuts a patch of the face off from the face's own points, the
/// body may reach it by a long way round (up the neck, say), and is then only a little nearer.
/// On the fixtures (cells of 2 px, a margin of 1.5 eye distances), 1 (the nearer wins) took 4.5 %
/// of a face with a finger across its chin; 0.7 keeps at least 98.9 % of every clear face's
/// foundation and leaves the shoulder 12.8 % painted (7.9 % at 1, 15.7 % at 0.6).
const CLEARLY_NEARER: f32 = 0.7;
/// Luminance added before the logarithm, so that noise in the dark does not read as edges.
const DARK_FLOOR: f32 = 1e-3;

/// Where a body's skin search starts from a shoulder joint at `p`: the joint itself outside
/// every face's outline, or, when a face's outline holds it (the face mesh draws the jaw on
/// under a shoulder the chin rests on, and the joint lies under the chin), the first point out
/// of every outline straight away from that face's centre, the way the shoulder runs; None if
/// that is further than [`MARGIN`] eye distances.
fn out_of_faces(p: Vec2, outlines: &[Outline], eyes: f32) -> Option<Vec2> {
    let holding = |q: Vec2| outlines.iter().find(|o| inside(&o[..], q));
    let Some(face) = holding(p) else { return Some(p) };
    let centre = face.iter().copied().sum::<Vec2>() / face.len() as f32;
    let away = (p - centre).normalize_or_zero();
    let step = SEED_STEP * eyes;
    (1..=(MARGIN / SEED_STEP) as usize).map(|k| p + away * step * k as f32).find(|q| holding(*q).is_none())
}

/// How far a shoulder joint inside a face's outline moves at a time on its way out (see
/// [`out_of_faces`]), in eye distances.
const SEED_STEP: f32 = 0.05;

/// A face's outline ([`FACE_OVAL`]), frame pixels.
pub type Outline = [Vec2; FACE_OVAL.len()];

/// The search's buffers, kept between frames so that a frame allocates nothing.
#[derive(Debug, Default)]
pub struct BodySkinSearch {
    /// Log-luminance per cell.
    log_luma: Vec<f32>,
    /// Pixels per cell read.
    counts: Vec<u32>,
    /// Pixels per cell already covered.
    blocked: Vec<u32>,
    /// The cells the face's skin is reached from, then the body's.
    face_seeds: Vec<usize>,
    body_seeds: Vec<usize>,
    /// Step cost factor per cell (1 + the edge term).
    cost: Vec<f32>,
    /// Per cell: the length of the winning path to it (the body's scaled, see [`Self::race`]).
    lengths: Vec<f32>,
    /// Per cell: whether the body's path wins it.
    body_cells: Vec<bool>,
    /// Cells to go on from: (path length's bits, cell, the body's).
    heap: BinaryHeap<Reverse<(u32, u32, bool)>>,
    /// The result: per pixel of the searched rectangle, 255 where the body covers the face.
    pub cover: Vec<u8>,
}

/// The grid the search runs on: a rectangle of the frame cut into square cells.
#[derive(Debug, Clone, Copy)]
struct Grid {
    rect: PixelRect,
    /// Cell side, pixels.
    cell: u32,
    width: usize,
    height: usize,
}

impl Grid {
    fn cell_of(&self, p: Vec2) -> Option<usize> {
        let (x, y) = (p.x - self.rect.x0 as f32, p.y - self.rect.y0 as f32);
        if x < 0.0 || y < 0.0 {
            return None;
        }
        let (cx, cy) = ((x as u32 / self.cell) as usize, (y as u32 / self.cell) as usize);
        (cx < self.width && cy < self.height).then_some(cy * self.width + cx)
    }

    /// The cell's centre in frame pixels.
    fn centre(&self, i: usize) -> Vec2 {
        let (cx, cy) = ((i % self.width) as f32, (i / self.width) as f32);
        Vec2::new(self.rect.x0 as f32, self.rect.y0 as f32) + (Vec2::new(cx, cy) + 0.5) * self.cell as f32
    }
}

impl BodySkinSearch {
    /// Finds body skin covering the face with `landmarks` (whose outline is `oval`), reached
    /// from `shoulders` (frame pixels; each moved out of every face's outline in `outlines`, see
    /// [`out_of_faces`]), never through what already covers a face (`covered`, one byte per
    /// frame pixel: a hand is skin, but the body does not reach the face through it). Returns
    /// the rectangle searched, with [`Self::cover`] holding its pixels' cover; None when no
    /// shoulder is near the face.
    pub fn search(
        &mut self,
        frame: &RgbImage,
        landmarks: &[Vec3],
        oval: &Outline,
        outlines: &[Outline],
        shoulders: &[Vec2],
        covered: &[u8],
    ) -> Option<PixelRect> {
        let eyes = eye_distance(landmarks);
        if !(eyes.is_finite() && eyes > 4.0) {
            return None;
        }
        let (lo, hi) = crate::tracking::roi::bounds(landmarks);
        let margin = Vec2::splat(MARGIN * eyes);
        let rect = pixel_box(lo - margin, hi + margin, frame.width(), frame.height())?;
        let near = |p: &Vec2| edge_distance(oval, *p) <= NEAR_OUTLINE * eyes;
        let seeds = shoulders.iter().filter_map(|p| out_of_faces(*p, outlines, eyes)).filter(near);
        // No shoulder near this face: nothing to search for.
        seeds.clone().next()?;
        let cell = ((eyes / CELLS_PER_EYE_DISTANCE).round() as u32).max(1);
        let grid = Grid {
            rect,
            cell,
            width: (rect.x1 - rect.x0).div_ceil(cell) as usize,
            height: (rect.y1 - rect.y0).div_ceil(cell) as usize,
        };
        self.read_costs(frame, covered, &grid, eyes);
        self.face_seeds.clear();
        self.face_seeds.extend(FACE_SEEDS.iter().filter_map(|&i| grid.cell_of(landmarks[i].truncate())));
        self.body_seeds.clear();
        self.body_seeds.extend(seeds.filter_map(|p| grid.cell_of(p)));
        self.race(&grid);
        for (i, body) in self.body_cells.iter_mut().enumerate().filter(|(_, b)| **b) {
            *body = inside(oval, grid.centre(i));
        }
        let (w, h) = ((rect.x1 - rect.x0) as usize, (rect.y1 - rect.y0) as usize);
        self.cover.clear();
        self.cover.resize(w * h, 0);
        for (y, row) in self.cover.chunks_exact_mut(w).enumerate() {
            let cells = &self.body_cells[(y / cell as usize) * grid.width..][..grid.width];
            for (x, px) in row.iter_mut().enumerate() {
                if cells[x / cell as usize] {
                    *px = 255;
                }
            }
        }
        Some(rect)
    }

    /// Each cell's log-luminance (the mean of its pixels' linear luminance) and step cost
    /// (infinite where more than half its pixels are `covered`).
    fn read_costs(&mut self, frame: &RgbImage, covered: &[u8], grid: &Grid, eyes: f32) {
        let n = grid.width * grid.height;
        self.log_luma.clear();
        self.log_luma.resize(n, 0.0);
        self.counts.clear();
        self.counts.resize(n, 0);
        self.blocked.clear();
        self.blocked.resize(n, 0);
        let (stride, x0, x1) = (frame.width() as usize, grid.rect.x0 as usize, grid.rect.x1 as usize);
        for y in grid.rect.y0 as usize..grid.rect.y1 as usize {
            let row = ((y - grid.rect.y0 as usize) / grid.cell as usize) * grid.width;
            let pixels = frame.as_raw()[(y * stride + x0) * 3..(y * stride + x1) * 3].chunks_exact(3);
            let covers = &covered[y * stride + x0..y * stride + x1];
            for (k, (p, c)) in pixels.zip(covers).enumerate() {
                let i = row + k / grid.cell as usize;
                self.log_luma[i] += linear_luma(&[p[0], p[1], p[2]].map(srgb8_to_linear));
                self.counts[i] += 1;
                self.blocked[i] += u32::from(*c >= 128);
            }
        }
        for (v, c) in self.log_luma.iter_mut().zip(&self.counts) {
            *v = (*v / (*c).max(1) as f32 + DARK_FLOOR).ln();
        }
        let at = |cx: usize, cy: usize| self.log_luma[cy.min(grid.height - 1) * grid.width + cx.min(grid.width - 1)];
        let weight = EDGE_WEIGHT * eyes / grid.cell as f32;
        self.cost.clear();
        self.cost.extend((0..n).map(|i| {
            if 2 * self.blocked[i] > self.counts[i] {
                return f32::INFINITY;
            }
            let (cx, cy) = (i % grid.width, i / grid.width);
            let gx = at(cx + 1, cy) - at(cx.saturating_sub(1), cy);
            let gy = at(cx, cy + 1) - at(cx, cy.saturating_sub(1));
            // Central differences span two cells (one at the grid's border).
            1.0 + weight * 0.5 * (gx * gx + gy * gy).sqrt()
        }));
    }

    /// Which cells the body reaches clearly sooner than the face ([`CLEARLY_NEARER`]), into
    /// [`Self::body_cells`]: shortest paths (in cells, each step weighted by the mean cost of its
    /// two cells, 8-connected) from both sides' seeds at once, the body's lengths divided by
    /// [`CLEARLY_NEARER`], each cell going to whichever arrives first. The same cells as two
    /// separate searches compared cell by cell (a body path through a cell the face wins could
    /// not win beyond it: its steps, scaled up, cost more than the face's), in one search.
    fn race(&mut self, grid: &Grid) {
        let n = grid.width * grid.height;
        self.lengths.clear();
        self.lengths.resize(n, f32::INFINITY);
        self.body_cells.clear();
        self.body_cells.resize(n, false);
        self.heap.clear();
        let seeds = self.face_seeds.iter().map(|&s| (s, false)).chain(self.body_seeds.iter().map(|&s| (s, true)));
        for (s, body) in seeds {
            if self.cost[s].is_finite() && self.lengths[s] > 0.0 {
                self.lengths[s] = 0.0;
                self.body_cells[s] = body;
                self.heap.push(Reverse((0, s as u32, body)));
            }
        }
        const STEPS: [(i32, i32, f32); 8] = [
            (1, 0, 1.0),
            (-1, 0, 1.0),
            (0, 1, 1.0),
            (0, -1, 1.0),
            (1, 1, std::f32::consts::SQRT_2),
            (1, -1, std::f32::consts::SQRT_2),
            (-1, 1, std::f32::consts::SQRT_2),
            (-1, -1, std::f32::consts::SQRT_2),
        ];
        while let Some(Reverse((d, i, body))) = self.heap.pop() {
            let i = i as usize;
            let here = f32::from_bits(d);
            if here > self.lengths[i] || self.body_cells[i] != body {
                continue;
            }
            let scale = if body { 1.0 / CLEARLY_NEARER } else { 1.0 };
            let (cx, cy) = ((i % grid.width) as i32, (i / grid.width) as i32);
            for (dx, dy, length) in STEPS {
                let (nx, ny) = (cx + dx, cy + dy);
                if nx < 0 || ny < 0 || nx >= grid.width as i32 || ny >= grid.height as i32 {
                    continue;
                }
                let j = ny as usize * grid.width + nx as usize;
                if !self.cost[j].is_finite() {
                    continue;
                }
                let next = here + scale * length * 0.5 * (self.cost[i] + self.cost[j]);
                if next < self.lengths[j] {
                    self.lengths[j] = next;
                    self.body_cells[j] = body;
                    // Non-negative floats order as their bits do.
                    self.heap.push(Reverse((next.to_bits(), j as u32, body)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A face-coloured picture with a darker line at x = `crease` (the crease where a shoulder
    /// meets the jaw), 400×400.
    fn picture_with_crease(crease: Option<u32>) -> RgbImage {
        RgbImage::from_fn(400, 400, |x, _| {
            if crease.is_some_and(|c| x.abs_diff(c) <= 1) {
                image::Rgb([90, 60, 50])
            } else {
                image::Rgb([200, 150, 120])
            }
        })
    }

    /// Landmarks of a face whose eyes are 40 px apart around (150, 200), every other landmark at
    /// its centre, its sides at x 100 and 260, and its outline: a square from (100, 140) to (260, 260).
    fn face() -> (Vec<Vec3>, Outline) {
        let mut lm = vec![Vec3::new(150.0, 200.0, 0.0); 478];
        for (i, x) in [(33, 120.0), (133, 140.0), (362, 160.0), (263, 180.0)] {
            lm[i] = Vec3::new(x, 180.0, 0.0);
        }
        lm[10] = Vec3::new(150.0, 140.0, 0.0);
        lm[152] = Vec3::new(150.0, 260.0, 0.0);
        lm[234] = Vec3::new(100.0, 200.0, 0.0);
        lm[454] = Vec3::new(260.0, 200.0, 0.0);
        // The square's sides, 9 points each.
        let corners =
            [Vec2::new(100.0, 140.0), Vec2::new(260.0, 140.0), Vec2::new(260.0, 260.0), Vec2::new(100.0, 260.0)];
        let oval = std::array::from_fn(|i| corners[i / 9].lerp(corners[(i / 9 + 1) % 4], (i % 9) as f32 / 9.0));
        (lm, oval)
    }

    fn covered_columns(crease: Option<u32>) -> (u32, u32) {
        let (lm, oval) = face();
        let frame = picture_with_crease(crease);
        let shoulder = [Vec2::new(270.0, 220.0)];
        let mut search = BodySkinSearch::default();
        let rect = search
            .search(&frame, &lm, &oval, std::slice::from_ref(&oval), &shoulder, &[0; 400 * 400])
            .expect("a shoulder near the face");
        let w = (rect.x1 - rect.x0) as usize;
        let row = (220 - rect.y0) as usize;
        let cols: Vec<u32> = (0..w).filter(|&x| search.cover[row * w + x] > 0).map(|x| rect.x0 + x as u32).collect();
        (cols.first().copied().unwrap_or(0), cols.len() as u32)
    }

    #[test]
    fn the_body_keeps_what_lies_beyond_the_crease_and_the_face_the_rest() {
        // With a crease at x = 220, the body (seeded at x = 270) takes the outline's part beyond
        // it, up to the outline's edge at 260.
        let (first, count) = covered_columns(Some(220));
        assert!((219..=224).contains(&first), "{first}");
        assert!((36..=42).contains(&count), "{count}");
        // No crease: nothing stops either side; the face's seeds (all at its centre here, 120
        // px from the shoulder) keep what lies less than 0.7 times as far from the shoulder as
        // from them: from x = 221.
        let (first, _) = covered_columns(None);
        assert!((217..=225).contains(&first), "{first}");
    }

    #[test]
    fn a_shoulder_inside_the_outline_starts_outside_it_and_one_far_away_reaches_nothing() {
        let (lm, oval) = face();
        let frame = picture_with_crease(None);
        let mut search = BodySkinSearch::default();
        let covered_at = |search: &BodySkinSearch, rect: PixelRect, x: u32, y: u32| {
            search.cover[((y - rect.y0) * (rect.x1 - rect.x0) + x - rect.x0) as usize] > 0
        };
        // A joint under the chin, inside the outline (the mesh draws the jaw on under it): the
        // search starts where the outline ends on the way from the face's centre through it.
        let inside_joint = Vec2::new(240.0, 220.0);
        let start = out_of_faces(inside_joint, std::slice::from_ref(&oval), 40.0).expect("a way out");
        assert!((260.0..263.0).contains(&start.x) && start.y > 220.0, "{start}");
        let rect = search
            .search(&frame, &lm, &oval, std::slice::from_ref(&oval), &[inside_joint], &[0; 400 * 400])
            .expect("a shoulder near the face");
        assert!(covered_at(&search, rect, 255, 225));
        assert!(!covered_at(&search, rect, 160, 200));
        // Far from the face: no search at all.
        let far = [Vec2::new(390.0, 20.0)];
        assert!(search.search(&frame, &lm, &oval, std::slice::from_ref(&oval), &far, &[0; 400 * 400]).is_none());
    }
}
