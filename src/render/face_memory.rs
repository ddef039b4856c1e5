//! Per-face values carried from one video frame to the next (a smoothed light, a smoothed lip
//! edge), matched by where each face is: the tracker's faces carry no identity, and in a group the
//! order of faces can change between frames.

use glam::{Vec2, Vec3};

use crate::face::mesh::VERTEX_COUNT;
use crate::tracking::tracker::inter_ocular;

/// Faces of consecutive frames are the same face when their centres are this close (in
/// inter-ocular distances).
const SAME_FACE: f32 = 0.5;

/// Last frame's value for each face, with where that face was.
#[derive(Debug, Clone)]
pub struct FaceMemory<T> {
    /// Centre (mean of the mesh vertices), inter-ocular distance and value, per face.
    last: Vec<(Vec2, f32, T)>,
}

impl<T> Default for FaceMemory<T> {
    fn default() -> Self {
        Self { last: Vec::new() }
    }
}

impl<T: Clone> FaceMemory<T> {
    /// Nothing remembered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets every face: the next frame is not a continuation (a still, a new source).
    pub fn forget(&mut self) {
        self.last.clear();
    }

    /// This frame's value for each face: `next(face index, last frame's value for the same face)`;
    /// the results are remembered for the next frame.
    pub fn update(&mut self, faces: &[&[Vec3]], mut next: impl FnMut(usize, Option<&T>) -> T) -> Vec<T> {
        let mut now = Vec::with_capacity(faces.len());
        for (index, landmarks) in faces.iter().enumerate() {
            let mesh = &landmarks[..landmarks.len().min(VERTEX_COUNT)];
            let centre = mesh.iter().map(|p| p.truncate()).sum::<Vec2>() / mesh.len().max(1) as f32;
            let iod = inter_ocular(landmarks).max(1.0);
            let previous = self
                .last
                .iter()
                .filter(|(c, d, _)| c.distance(centre) < SAME_FACE * d.max(iod))
                .min_by(|a, b| a.0.distance(centre).total_cmp(&b.0.distance(centre)))
                .map(|(_, _, value)| value);
            now.push((centre, iod, next(index, previous)));
        }
        self.last = now;
        self.last.iter().map(|(_, _, value)| value.clone()).collect()
    }
}
