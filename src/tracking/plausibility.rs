//! Is a new candidate really a face? Checks made before a detection becomes a face.
//!
//! The detector's extra tiles find small faces MediaPipe misses, and also things that are not
//! faces: a motorcycle's headlight, a space suit's neck ring, cells under a microscope. The v2
//! landmark model's presence score says 0.9–1.0 on several of those (it was trained on crops
//! that hold faces), so it cannot be the only judge. Two checks are added for a *new* face:
//!
//! - **The v1 face flag**: the face-mesh v1 model's presence output is a calibrated classifier.
//!   On the false candidates found in scikit-image's pictures and in resized astronauts it gave
//!   at most 0.72 (the headlight), mostly below 0.03; on every real face of the fixtures at
//!   least 0.996. A new face needs [`MIN_NEW_FACE_FLAG`].
//! - **Mesh plausibility**: the landmarks must be the canonical face mesh moved, turned and
//!   scaled (a similarity in 3-D), up to expression: the fit's RMS residual at most
//!   [`MAX_MESH_RESIDUAL`] of the eye distance (real faces, turned up to 35°: 0.05–0.11), and not
//!   its mirror image.
//!
//! A face already tracked keeps MediaPipe's own rule (presence ≥ 0.5), so it is not dropped when
//! it turns away for a moment.

use glam::{Mat3, Vec3};

use crate::face::mesh::{CanonicalMesh, VERTEX_COUNT};

/// v1 face flag a new face needs (real faces of the fixtures: ≥ 0.996; false ones: ≤ 0.72).
pub const MIN_NEW_FACE_FLAG: f32 = 0.9;

/// Largest RMS residual of the canonical-mesh fit, as a fraction of the eye distance.
pub const MAX_MESH_RESIDUAL: f32 = 0.2;

/// Why a candidate is not taken as a face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NotAFace {
    /// The v1 face flag is below [`MIN_NEW_FACE_FLAG`].
    FaceFlag(f32),
    /// The landmarks are not a face mesh (residual as a fraction of the eye distance).
    Mesh(f32),
}

/// The canonical mesh in image axes (y down, z away from the camera), centred, for the fit.
#[derive(Debug, Clone)]
pub struct MeshCheck {
    canonical: Vec<Vec3>,
    spread: f32,
}

impl Default for MeshCheck {
    fn default() -> Self {
        Self::new()
    }
}

impl MeshCheck {
    /// Prepares the canonical mesh once.
    pub fn new() -> Self {
        let mesh = CanonicalMesh::load();
        let points: Vec<Vec3> = mesh.positions.iter().map(|p| Vec3::new(p[0], -p[1], -p[2])).collect();
        let centre = points.iter().copied().sum::<Vec3>() / points.len() as f32;
        let canonical: Vec<Vec3> = points.iter().map(|p| *p - centre).collect();
        let spread = canonical.iter().map(|p| p.length_squared()).sum();
        Self { canonical, spread }
    }

    /// RMS distance between `landmarks` (image pixels, MediaPipe's order; v2's iris points are
    /// ignored) and the best similarity transform of the canonical mesh, divided by the eye
    /// distance; infinite for a mirror image or a collapsed mesh.
    pub fn residual(&self, landmarks: &[Vec3]) -> f32 {
        if landmarks.len() < VERTEX_COUNT {
            return f32::INFINITY;
        }
        let points = &landmarks[..VERTEX_COUNT];
        let centre = points.iter().copied().sum::<Vec3>() / VERTEX_COUNT as f32;
        let cross = self.canonical.iter().zip(points).fold(Mat3::ZERO, |acc, (q, p)| acc + outer(*p - centre, *q));
        let Some(rotation) = orthogonal_factor(cross) else { return f32::INFINITY };
        if rotation.determinant() < 0.0 {
            return f32::INFINITY;
        }
        let scale =
            self.canonical.iter().zip(points).map(|(q, p)| (rotation * *q).dot(*p - centre)).sum::<f32>() / self.spread;
        let squared: f32 = self
            .canonical
            .iter()
            .zip(points)
            .map(|(q, p)| (rotation * *q * scale - (*p - centre)).length_squared())
            .sum();
        let eyes = super::tracker::inter_ocular(points);
        if eyes <= f32::EPSILON {
            return f32::INFINITY;
        }
        (squared / VERTEX_COUNT as f32).sqrt() / eyes
    }

    /// Whether a new candidate with this v1 face flag and these landmarks is taken as a face.
    pub fn check_new_face(&self, face_flag: f32, landmarks: &[Vec3]) -> Result<(), NotAFace> {
        if face_flag < MIN_NEW_FACE_FLAG {
            return Err(NotAFace::FaceFlag(face_flag));
        }
        let residual = self.residual(landmarks);
        if residual > MAX_MESH_RESIDUAL {
            return Err(NotAFace::Mesh(residual));
        }
        Ok(())
    }
}

/// `a bᵀ`.
fn outer(a: Vec3, b: Vec3) -> Mat3 {
    Mat3::from_cols(a * b.x, a * b.y, a * b.z)
}

/// The orthogonal factor of the polar decomposition (Newton's iteration), None when `m` is
/// (nearly) singular: the rotation that best turns the canonical mesh onto the points.
fn orthogonal_factor(m: Mat3) -> Option<Mat3> {
    let scale = m.to_cols_array().iter().map(|v| v.abs()).fold(0.0f32, f32::max);
    if scale <= 0.0 || !scale.is_finite() {
        return None;
    }
    let mut r = m * (1.0 / scale);
    for _ in 0..40 {
        let det = r.determinant();
        if det.abs() < 1e-9 {
            return None;
        }
        let next = (r + r.inverse().transpose()) * 0.5;
        let change = (next - r).to_cols_array().iter().map(|v| v.abs()).fold(0.0f32, f32::max);
        r = next;
        if change < 1e-6 {
            break;
        }
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Quat;

    /// The canonical mesh as a camera would see it: turned, scaled to pixels and moved.
    fn posed(turn: Quat, scale: f32) -> Vec<Vec3> {
        let mesh = CanonicalMesh::load();
        mesh.positions
            .iter()
            .map(|p| turn * Vec3::new(p[0], -p[1], -p[2]) * scale + Vec3::new(300.0, 200.0, 0.0))
            .collect()
    }

    #[test]
    fn a_posed_canonical_mesh_fits_exactly() {
        let check = MeshCheck::new();
        for turn in [Quat::IDENTITY, Quat::from_rotation_y(0.6), Quat::from_euler(glam::EulerRot::XYZ, 0.3, -0.5, 0.8)]
        {
            let r = check.residual(&posed(turn, 9.0));
            assert!(r < 1e-3, "residual {r}");
            assert!(check.check_new_face(0.99, &posed(turn, 9.0)).is_ok());
        }
    }

    #[test]
    fn mirror_images_collapsed_meshes_and_clouds_are_refused() {
        let check = MeshCheck::new();
        let mirrored: Vec<Vec3> = posed(Quat::IDENTITY, 9.0).iter().map(|p| Vec3::new(-p.x, p.y, p.z)).collect();
        assert_eq!(check.residual(&mirrored), f32::INFINITY);
        assert_eq!(check.residual(&vec![Vec3::new(5.0, 5.0, 0.0); VERTEX_COUNT]), f32::INFINITY);
        // A deterministic scatter with the size of a face.
        let cloud: Vec<Vec3> = (0..VERTEX_COUNT)
            .map(|i| {
                let t = i as f32;
                Vec3::new((t * 12.9898).sin() * 80.0, (t * 78.233).sin() * 80.0, (t * 37.719).sin() * 30.0)
            })
            .collect();
        assert!(matches!(check.check_new_face(1.0, &cloud), Err(NotAFace::Mesh(_))));
        assert_eq!(check.residual(&cloud[..10]), f32::INFINITY, "too few points");
    }

    #[test]
    fn a_low_face_flag_is_refused_first() {
        let check = MeshCheck::new();
        assert_eq!(check.check_new_face(0.72, &posed(Quat::IDENTITY, 9.0)), Err(NotAFace::FaceFlag(0.72)));
    }
}
