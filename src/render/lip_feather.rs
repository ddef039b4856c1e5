//! The lipstick's feather at each mesh vertex, in the units the region atlas stores the distance
//! to the outer lip line in (its lip feathers, [`crate::face::atlas::LIP_FEATHER`] of the atlas's
//! inter-ocular distance).
//!
//! The lip edge's width is measured in screen pixels ([`super::lip_edges`]); the shader compares
//! it with a distance read from the atlas. Converting on the CPU, per vertex, from how the mesh
//! maps the atlas onto the screen around that vertex, lets the shader fade the stored
//! distance directly, and the conversion varies smoothly across triangles (a per-fragment
//! conversion from screen derivatives is constant within a triangle and jumps at its edges).

use glam::{Mat2, Vec2, Vec3};

use crate::face::atlas::{LIP_FEATHER, lip_feather_uv};
use crate::face::regions::LIPS_OUTER;
use crate::tracking::tracker::inter_ocular;

// The widest feather handed to the shader is the widest measured one: the fade's ends stay
// inside the stored distance's range, so a wide feather is not cut off.
use super::lip_edges::{MAX_FEATHER, normals};

/// Narrowest feather handed to the shader, atlas lip feathers: below this a stored 8-bit
/// distance cannot tell the edge's inside from its outside.
const MIN_FEATHER: f32 = 0.05;

/// What converts lip feathers from screen pixels to atlas units, built once from the mesh.
pub struct LipFeatherMap {
    /// Each vertex's place in the atlas.
    uvs: Vec<Vec2>,
    /// The mesh's triangles.
    triangles: Vec<[u16; 3]>,
    /// For each vertex, the outer lip vertex nearest it in the atlas (an index into
    /// [`LIPS_OUTER`]): whose measured edge sets the vertex's feather.
    nearest_lip_vertex: Vec<u8>,
    /// The outer lip line's outward normal at each of its vertices, in the atlas: the direction
    /// a feather is measured in.
    lip_normals: [Vec2; 20],
    /// One atlas lip feather in UV units.
    feather_uv: f32,
    /// Per vertex this frame: the sum of its triangles' atlas-to-screen maps, weighted by their
    /// atlas area (scratch, kept between frames).
    maps: Vec<Mat2>,
    /// Per vertex this frame: the atlas area summed into `maps` (scratch).
    areas: Vec<f32>,
    /// Per vertex this frame: the feather handed to the shader (scratch).
    feathers: Vec<f32>,
}

impl LipFeatherMap {
    /// Reads what the conversion needs from the mesh's `uvs` and `triangles`.
    pub fn new(uvs: &[[f32; 2]], triangles: &[[u16; 3]]) -> Self {
        let uvs: Vec<Vec2> = uvs.iter().map(|&uv| Vec2::from_array(uv)).collect();
        let lip: [Vec2; 20] = LIPS_OUTER.map(|i| uvs[i as usize]);
        let nearest_lip_vertex = uvs
            .iter()
            .map(|&p| {
                let nearest =
                    (0..lip.len()).min_by(|&a, &b| lip[a].distance_squared(p).total_cmp(&lip[b].distance_squared(p)));
                nearest.unwrap_or(0) as u8
            })
            .collect();
        let n = uvs.len();
        Self {
            lip_normals: normals(&lip, true),
            feather_uv: lip_feather_uv(&uvs),
            uvs,
            triangles: triangles.to_vec(),
            nearest_lip_vertex,
            maps: vec![Mat2::ZERO; n],
            areas: vec![0.0; n],
            feathers: vec![0.0; n],
        }
    }

    /// The feather at each vertex of a face drawn at `landmarks` (pixels), in atlas lip
    /// feathers, from the lip edge's width at each outer lip vertex (`feathers_px`, pixels).
    pub fn per_vertex(&mut self, landmarks: &[Vec3], feathers_px: &[f32; 20]) -> &[f32] {
        self.sum_atlas_to_screen_maps(landmarks);
        let fallback = self.face_wide_scale(landmarks);
        for v in 0..self.feathers.len() {
            let lip = self.nearest_lip_vertex[v] as usize;
            // Pixels per atlas UV unit across the lip line here: the atlas distance's gradient
            // on the screen is the map's inverse transpose applied to the lip line's normal
            // (under a shear the line's normal on the screen is not the image of its normal).
            let map = self.maps[v] / self.areas[v];
            let local = 1.0 / (map.inverse().transpose() * self.lip_normals[lip]).length();
            let scale = if local.is_finite() && local > 0.0 { local } else { fallback };
            let feather = feathers_px[lip] / (scale * self.feather_uv);
            self.feathers[v] = if feather.is_finite() { feather.clamp(MIN_FEATHER, MAX_FEATHER) } else { MIN_FEATHER };
        }
        &self.feathers
    }

    /// Sums each triangle's atlas-to-screen map (exact within a triangle) into its vertices,
    /// weighted by the triangle's atlas area.
    fn sum_atlas_to_screen_maps(&mut self, landmarks: &[Vec3]) {
        self.maps.fill(Mat2::ZERO);
        self.areas.fill(0.0);
        for &[a, b, c] in &self.triangles {
            let [a, b, c] = [a as usize, b as usize, c as usize];
            let atlas = Mat2::from_cols(self.uvs[b] - self.uvs[a], self.uvs[c] - self.uvs[a]);
            let area = atlas.determinant().abs();
            if area < 1e-12 {
                continue;
            }
            let p = |i: usize| landmarks[i].truncate();
            let screen = Mat2::from_cols(p(b) - p(a), p(c) - p(a));
            let map = screen * atlas.inverse();
            if !map.is_finite() {
                continue;
            }
            for v in [a, b, c] {
                self.maps[v] += map * area;
                self.areas[v] += area;
            }
        }
    }

    /// Pixels per atlas UV unit for the face as a whole (its inter-ocular distance on screen
    /// over the atlas's): for a vertex whose own triangles tell nothing.
    fn face_wide_scale(&self, landmarks: &[Vec3]) -> f32 {
        inter_ocular(landmarks) * LIP_FEATHER / self.feather_uv
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::mesh::CanonicalMesh;

    /// The canonical mesh laid out on the screen as in the atlas, scaled by `scale` pixels per UV
    /// unit along x and y.
    fn laid_out(mesh: &CanonicalMesh, scale: Vec2) -> Vec<Vec3> {
        mesh.uvs.iter().map(|&uv| (Vec2::from_array(uv) * scale).extend(0.0)).collect()
    }

    #[test]
    fn a_face_twice_as_big_needs_half_the_atlas_feather_for_the_same_pixels() {
        let mesh = CanonicalMesh::load();
        let mut map = LipFeatherMap::new(&mesh.uvs, &mesh.triangles);
        let px = [3.0; 20];
        let small = map.per_vertex(&laid_out(&mesh, Vec2::splat(400.0)), &px).to_vec();
        let big = map.per_vertex(&laid_out(&mesh, Vec2::splat(800.0)), &px).to_vec();
        for v in LIPS_OUTER {
            let (s, b) = (small[v as usize], big[v as usize]);
            assert!((s / b - 2.0).abs() < 1e-3, "vertex {v}: {s} vs {b}");
        }
        // Laid out as in the atlas, a pixel feather is pixels over the atlas's lip feather.
        let at_400 = 3.0 / (400.0 * lip_feather_uv(&map.uvs));
        assert!((small[LIPS_OUTER[5] as usize] - at_400).abs() < 1e-3 * at_400);
    }

    #[test]
    fn a_face_squeezed_sideways_keeps_its_feather_on_the_top_lip_and_narrows_it_at_the_corners() {
        let mesh = CanonicalMesh::load();
        let mut map = LipFeatherMap::new(&mesh.uvs, &mesh.triangles);
        let px = [3.0; 20];
        let frontal = map.per_vertex(&laid_out(&mesh, Vec2::splat(600.0)), &px).to_vec();
        let turned = map.per_vertex(&laid_out(&mesh, Vec2::new(300.0, 600.0)), &px).to_vec();
        // The outer lip vertex whose normal points most nearly up, and the one most nearly sideways.
        let by_normal = |f: fn(Vec2) -> f32| {
            (0..LIPS_OUTER.len()).max_by(|&a, &b| f(map.lip_normals[a]).total_cmp(&f(map.lip_normals[b]))).unwrap()
        };
        let top = LIPS_OUTER[by_normal(|n| n.y.abs())] as usize;
        let corner = LIPS_OUTER[by_normal(|n| n.x.abs())] as usize;
        assert!((turned[top] / frontal[top] - 1.0).abs() < 0.1, "{} vs {}", turned[top], frontal[top]);
        assert!(turned[corner] / frontal[corner] > 1.8, "{} vs {}", turned[corner], frontal[corner]);
    }

    #[test]
    fn the_feather_stays_within_what_the_atlas_stores() {
        let mesh = CanonicalMesh::load();
        let mut map = LipFeatherMap::new(&mesh.uvs, &mesh.triangles);
        let tiny = map.per_vertex(&laid_out(&mesh, Vec2::splat(20.0)), &[4.0; 20]).to_vec();
        assert!(tiny.iter().all(|&f| f <= MAX_FEATHER));
        let collapsed = map.per_vertex(&vec![Vec3::ZERO; mesh.uvs.len()], &[4.0; 20]).to_vec();
        assert!(collapsed.iter().all(|f| f.is_finite() && (MIN_FEATHER..=MAX_FEATHER).contains(f)));
        let huge = map.per_vertex(&laid_out(&mesh, Vec2::splat(1e6)), &[1.0; 20]).to_vec();
        assert!(huge.iter().all(|&f| f >= MIN_FEATHER));
    }
}
