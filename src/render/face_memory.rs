//! Per-face values carried from one video frame to the next (a smoothed light, a smoothed lip
//! edge, followed skin and hair models), matched by where each face is: the tracker's faces carry
//! no identity, and in a group the order of faces can change between frames.

use glam::{Vec2, Vec3};

use crate::face::mesh::VERTEX_COUNT;
use crate::tracking::tracker::inter_ocular;

/// Faces of consecutive frames are the same face when their centres are this close (in
/// inter-ocular distances).
const SAME_FACE: f32 = 0.5;

/// Last frame's value for each face, with where that face was.
#[derive(Debug, Clone)]
pub struct FaceMemory<T> {
    /// Where each face of the last frame was.
    places: Vec<FacePlace>,
    /// Each face's value in the last frame, in the order of `places`.
    values: Vec<T>,
    /// This frame's places while they are worked out (kept for its allocation).
    next_places: Vec<FacePlace>,
    /// This frame's values while they are worked out (kept for its allocation).
    next_values: Vec<T>,
}

/// Where a face was: its centre (mean of the mesh vertices) and its inter-ocular distance.
#[derive(Debug, Clone, Copy)]
struct FacePlace {
    centre: Vec2,
    iod: f32,
}

impl FacePlace {
    fn of(landmarks: &[Vec3]) -> Self {
        let mesh = &landmarks[..landmarks.len().min(VERTEX_COUNT)];
        let centre = mesh.iter().map(|p| p.truncate()).sum::<Vec2>() / mesh.len().max(1) as f32;
        Self { centre, iod: inter_ocular(landmarks).max(1.0) }
    }
}

impl<T> Default for FaceMemory<T> {
    fn default() -> Self {
        Self { places: Vec::new(), values: Vec::new(), next_places: Vec::new(), next_values: Vec::new() }
    }
}

impl<T> FaceMemory<T> {
    /// Nothing remembered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets every face: the next frame is not a continuation (a still, a new source).
    pub fn forget(&mut self) {
        self.places.clear();
        self.values.clear();
    }

    /// This frame's value for each of `faces` (`landmarks_of` says where a face is):
    /// `next(face, last frame's value for the same face)`, in the order of `faces`; the results
    /// are remembered for the next frame. Allocates nothing once it has seen as many faces.
    pub fn update<F>(
        &mut self,
        faces: impl IntoIterator<Item = F>,
        landmarks_of: impl Fn(&F) -> &[Vec3],
        mut next: impl FnMut(F, Option<&T>) -> T,
    ) -> &[T] {
        self.next_places.clear();
        self.next_values.clear();
        for face in faces {
            let place = FacePlace::of(landmarks_of(&face));
            let previous = self
                .places
                .iter()
                .zip(&self.values)
                .filter(|(p, _)| p.centre.distance(place.centre) < SAME_FACE * p.iod.max(place.iod))
                .min_by(|a, b| a.0.centre.distance(place.centre).total_cmp(&b.0.centre.distance(place.centre)))
                .map(|(_, value)| value);
            let value = next(face, previous);
            self.next_places.push(place);
            self.next_values.push(value);
        }
        std::mem::swap(&mut self.places, &mut self.next_places);
        std::mem::swap(&mut self.values, &mut self.next_values);
        &self.values
    }

    /// This frame's values as [`FaceMemory::update`] left them, to be changed where the faces
    /// together know more than each alone (the light of a face whose eyes cannot be read is the
    /// light the others are in); what is changed is remembered for the next frame.
    pub fn values_mut(&mut self) -> &mut [T] {
        &mut self.values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A face's landmarks: the mesh's vertices spread round `centre`, the eyes' corners 60 px apart.
    fn face_at(centre: Vec2) -> Vec<Vec3> {
        (0..VERTEX_COUNT)
            .map(|i| {
                let angle = i as f32 * 0.1;
                (centre + Vec2::new(angle.cos(), angle.sin()) * 40.0).extend(0.0)
            })
            .collect()
    }

    #[test]
    fn a_value_changed_after_the_update_is_what_the_same_face_finds_next_frame() {
        let (left, right) = (face_at(Vec2::new(100.0, 100.0)), face_at(Vec2::new(400.0, 100.0)));
        let mut memory = FaceMemory::<u32>::new();
        memory.update([&left, &right], |f| f, |_, before| before.map_or(1, |b| b + 1));
        memory.values_mut()[1] = 10;
        // The same two faces, in the other order and moved a little: each finds its own.
        let (left, right) = (face_at(Vec2::new(102.0, 100.0)), face_at(Vec2::new(398.0, 101.0)));
        let next = memory.update([&right, &left], |f| f, |_, before| before.map_or(1, |b| b + 1));
        assert_eq!(next, [11, 2]);
        memory.forget();
        assert_eq!(memory.update([&left], |f| f, |_, before| before.map_or(1, |b| b + 1)), [1]);
    }
}
