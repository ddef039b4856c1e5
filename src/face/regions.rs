//! Named landmark contours of MediaPipe's face mesh, and the mesh triangles makeup may cover.
//!
//! Indices follow MediaPipe's `face_mesh_connections`. "Right" and "left" are the person's own.

use glam::{Vec2, Vec3};

use super::mesh::CanonicalMesh;

/// Outer lip contour, a closed loop from the right mouth corner along the upper lip.
pub const LIPS_OUTER: [u16; 20] =
    [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146];
/// Inner lip contour (the mouth opening), a closed loop.
pub const LIPS_INNER: [u16; 20] =
    [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95];
/// Right eye opening, a closed loop from the outer corner along the upper lid.
pub const RIGHT_EYE: [u16; 16] = [33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7];
/// Left eye opening, a closed loop from the outer corner along the upper lid.
pub const LEFT_EYE: [u16; 16] = [263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249];
/// Upper lash line of the right eye, outer corner to inner corner.
pub const RIGHT_LASH_LINE: [u16; 9] = [33, 246, 161, 160, 159, 158, 157, 173, 133];
/// Upper lash line of the left eye, outer corner to inner corner.
pub const LEFT_LASH_LINE: [u16; 9] = [263, 466, 388, 387, 386, 385, 384, 398, 362];
/// Right brow outline: lower edge outer→inner, then upper edge inner→outer.
pub const RIGHT_BROW: [u16; 10] = [46, 53, 52, 65, 55, 107, 66, 105, 63, 70];
/// Left brow outline: lower edge outer→inner, then upper edge inner→outer.
pub const LEFT_BROW: [u16; 10] = [276, 283, 282, 295, 285, 336, 296, 334, 293, 300];
/// Lower edge of the right brow, outer→inner.
pub const RIGHT_BROW_LOWER: [u16; 5] = [46, 53, 52, 65, 55];
/// Lower edge of the left brow, outer→inner.
pub const LEFT_BROW_LOWER: [u16; 5] = [276, 283, 282, 295, 285];
/// Face outline, a closed loop from the forehead's top centre.
pub const FACE_OVAL: [u16; 36] = [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150,
    136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
];
/// Cheek apples (right, left): where blush is centred.
pub const CHEEK_APPLES: [u16; 2] = [50, 280];
/// Points on the cheeks and forehead whose colour stands for the skin.
pub const SKIN_SAMPLES: [u16; 8] = [50, 280, 101, 330, 151, 9, 118, 347];
/// Nose tip.
pub const NOSE_TIP: u16 = 1;

/// Whether a triangle of the canonical mesh fills an opening (mouth, eyes): drawing it would
/// paint teeth, tongue or eyeballs, so makeup never draws it. Such a triangle has all three
/// corners on the opening's contour and its centre inside the contour (in UV space; the
/// canonical mouth is closed, so for it the corners alone decide).
pub fn is_opening(mesh: &CanonicalMesh, t: &[u16; 3]) -> bool {
    let on = |contour: &[u16]| t.iter().all(|v| contour.contains(v));
    let uv = |i: u16| mesh.uvs[i as usize];
    let centre = {
        let (a, b, c) = (uv(t[0]), uv(t[1]), uv(t[2]));
        [(a[0] + b[0] + c[0]) / 3.0, (a[1] + b[1] + c[1]) / 3.0]
    };
    let inside = |contour: &[u16]| {
        let mut inside = false;
        for k in 0..contour.len() {
            let (a, b) = (uv(contour[k]), uv(contour[(k + 1) % contour.len()]));
            if (a[1] > centre[1]) != (b[1] > centre[1])
                && centre[0] < a[0] + (centre[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0])
            {
                inside = !inside;
            }
        }
        inside
    };
    on(&LIPS_INNER) || [&RIGHT_EYE[..], &LEFT_EYE[..]].iter().any(|eye| on(eye) && inside(eye))
}

/// The mesh's triangles without the mouth and eye openings.
pub fn skin_triangles(mesh: &CanonicalMesh) -> Vec<[u16; 3]> {
    mesh.triangles.iter().filter(|t| !is_opening(mesh, t)).copied().collect()
}

/// The triangles of `mesh` that fill the eye openings: drawn only by the eyeliner, whose inner
/// edge fades across the lash line.
pub fn eye_opening_triangles(mesh: &CanonicalMesh) -> Vec<[u16; 3]> {
    let on_mouth = |t: &[u16; 3]| t.iter().all(|v| LIPS_INNER.contains(v));
    mesh.triangles.iter().filter(|t| is_opening(mesh, t) && !on_mouth(t)).copied().collect()
}

/// A named contour's points (e.g. [`LIPS_OUTER`]) in the image plane of `landmarks`, on the stack:
/// the renderer reads several contours per face and frame.
pub fn contour<const N: usize>(landmarks: &[Vec3], idx: &[u16; N]) -> [Vec2; N] {
    idx.map(|i| landmarks[i as usize].truncate())
}

/// Whether `q` lies inside the closed polygon `poly` (even-odd rule): which pixels a contour holds.
pub fn inside(poly: &[Vec2], q: Vec2) -> bool {
    let mut inside = false;
    for k in 0..poly.len() {
        let (a, b) = (poly[k], poly[(k + 1) % poly.len()]);
        if (a.y > q.y) != (b.y > q.y) && q.x < a.x + (q.y - a.y) / (b.y - a.y) * (b.x - a.x) {
            inside = !inside;
        }
    }
    inside
}

/// Distance from `q` to the closed polygon `poly`'s edges: how far a point lies from a contour,
/// on either side of it.
pub fn edge_distance(poly: &[Vec2], q: Vec2) -> f32 {
    (0..poly.len())
        .map(|k| {
            let (a, b) = (poly[k], poly[(k + 1) % poly.len()]);
            let t = ((q - a).dot(b - a) / (b - a).length_squared().max(1e-9)).clamp(0.0, 1.0);
            q.distance(a + (b - a) * t)
        })
        .fold(f32::MAX, f32::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openings_are_the_known_triangles() {
        let mesh = CanonicalMesh::load();
        let count = |c: &[u16]| {
            mesh.triangles.iter().filter(|t| is_opening(&mesh, t) && t.iter().all(|v| c.contains(v))).count()
        };
        assert_eq!(count(&LIPS_INNER), 18, "mouth opening");
        // A 20-corner mouth contour and 16-corner eye contours are filled by n - 2 triangles.
        assert_eq!(count(&RIGHT_EYE), 14, "right eye opening");
        assert_eq!(count(&LEFT_EYE), 14, "left eye opening");
        assert_eq!(skin_triangles(&mesh).len(), 898 - 18 - 28);
        assert_eq!(eye_opening_triangles(&mesh).len(), 28);
    }
}
