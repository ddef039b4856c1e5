//! MediaPipe's canonical face mesh: 468 vertices with UVs and 898 triangles.
//!
//! Landmarks give the vertex positions of this mesh in each frame; its UVs give every makeup layer
//! a face-fixed coordinate system that follows pose and expression.

use serde::Deserialize;

/// The mesh data extracted by `scripts/prepare_models.py` (see `assets/face_mesh.json`).
const MESH_JSON: &str = include_str!("../../assets/face_mesh.json");

/// Vertices of the canonical mesh (face mesh v1 landmarks; v2 adds 10 iris points after them).
pub const VERTEX_COUNT: usize = 468;

/// The canonical face mesh.
#[derive(Debug, Clone, Deserialize)]
pub struct CanonicalMesh {
    /// Rest-pose positions in centimetres (metric face space).
    pub positions: Vec<[f32; 3]>,
    /// Texture coordinates (0–1), one per vertex.
    pub uvs: Vec<[f32; 2]>,
    /// Triangles as vertex indices.
    pub triangles: Vec<[u16; 3]>,
}

impl CanonicalMesh {
    /// The bundled mesh.
    pub fn load() -> Self {
        // The asset is part of the binary and checked by tests, so failing here is a build defect.
        serde_json::from_str(MESH_JSON).expect("assets/face_mesh.json is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mesh_has_mediapipe_topology() {
        let m = CanonicalMesh::load();
        assert_eq!(m.positions.len(), VERTEX_COUNT);
        assert_eq!(m.uvs.len(), VERTEX_COUNT);
        assert_eq!(m.triangles.len(), 898);
        assert!(m.triangles.iter().flatten().all(|&i| (i as usize) < VERTEX_COUNT));
        assert!(m.uvs.iter().flatten().all(|&t| (0.0..=1.0).contains(&t)));
        // Every vertex is used by some triangle.
        let mut used = [false; VERTEX_COUNT];
        m.triangles.iter().flatten().for_each(|&i| used[i as usize] = true);
        assert!(used.iter().all(|&u| u));
    }
}
