//! Regions of interest: the rotated squares a landmark model looks at, built the way MediaPipe
//! builds them so that our crops (and so our landmarks) match its own.

use glam::{Vec2, Vec3};

/// MediaPipe scales the face box by 1.5 so the whole head, forehead to chin, fits in the crop.
const ROI_SCALE: f32 = 1.5;

/// Landmarks whose direction sets the crop's rotation in tracking mode: outer corners of the eyes.
pub const EYE_CORNER_LEFT: usize = 33;
/// The other outer eye corner (see [`EYE_CORNER_LEFT`]).
pub const EYE_CORNER_RIGHT: usize = 263;

/// A rotated rectangle in image pixels (OpenCV convention: pixel centres at integer coordinates).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Roi {
    /// Centre in pixels.
    pub center: Vec2,
    /// Width and height in pixels (equal for face crops: MediaPipe squares them).
    pub size: Vec2,
    /// Rotation in radians, clockwise on screen (y points down).
    pub rotation: f32,
}

impl Roi {
    /// The crop for a face given an axis-aligned box (pixels) and two points whose direction
    /// should become horizontal: MediaPipe's DetectionsToRects + RectTransformation(1.5, square_long).
    pub fn face_crop(box_min: Vec2, box_max: Vec2, from: Vec2, to: Vec2) -> Self {
        let d = to - from;
        // libm, not the platform's atan2: the same crop on every platform (see Cargo.toml).
        let rotation = normalize_radians(-libm::atan2f(-d.y, d.x));
        let side = (box_max - box_min).max_element() * ROI_SCALE;
        Self { center: (box_min + box_max) * 0.5, size: Vec2::splat(side), rotation }
    }

    /// The next frame's crop from this frame's landmarks (tracking mode).
    pub fn from_landmarks(landmarks: &[Vec3]) -> Self {
        let (lo, hi) = bounds(landmarks);
        Self::face_crop(lo, hi, landmarks[EYE_CORNER_LEFT].truncate(), landmarks[EYE_CORNER_RIGHT].truncate())
    }

    /// Maps a point given in crop-normalised coordinates (0..1 across the crop) to image pixels.
    pub fn to_image(&self, uv: Vec2) -> Vec2 {
        let local = (uv - Vec2::splat(0.5)) * self.size;
        self.center + Vec2::from_angle(self.rotation).rotate(local)
    }

    /// Area of the axis-aligned box of this rectangle ignoring rotation, as MediaPipe's association does.
    fn aabb(&self) -> (Vec2, Vec2) {
        (self.center - self.size * 0.5, self.center + self.size * 0.5)
    }

    /// Intersection over union of the unrotated boxes: how MediaPipe decides two crops are one face.
    pub fn iou(&self, other: &Roi) -> f32 {
        let (a0, a1) = self.aabb();
        let (b0, b1) = other.aabb();
        box_iou(a0, a1, b0, b1)
    }
}

/// Axis-aligned bounds of a set of landmarks (x and y only).
pub fn bounds(landmarks: &[Vec3]) -> (Vec2, Vec2) {
    landmarks.iter().fold((Vec2::splat(f32::MAX), Vec2::splat(f32::MIN)), |(lo, hi), p| {
        (lo.min(p.truncate()), hi.max(p.truncate()))
    })
}

/// Intersection over union of two axis-aligned boxes given by their corners.
pub fn box_iou(a0: Vec2, a1: Vec2, b0: Vec2, b1: Vec2) -> f32 {
    let lo = a0.max(b0);
    let hi = a1.min(b1);
    let inter = (hi - lo).max(Vec2::ZERO);
    let inter = inter.x * inter.y;
    let area = |p: Vec2, q: Vec2| (q - p).x.max(0.0) * (q - p).y.max(0.0);
    let union = area(a0, a1) + area(b0, b1) - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// Wraps an angle into [-π, π), as MediaPipe does before using it.
fn normalize_radians(angle: f32) -> f32 {
    use std::f32::consts::{PI, TAU};
    angle - TAU * ((angle + PI) / TAU).floor()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_eyes_give_no_rotation_and_square_crop() {
        let roi =
            Roi::face_crop(Vec2::new(10.0, 20.0), Vec2::new(50.0, 100.0), Vec2::new(20.0, 40.0), Vec2::new(40.0, 40.0));
        assert!(roi.rotation.abs() < 1e-6);
        assert_eq!(roi.size, Vec2::splat(120.0));
        assert_eq!(roi.center, Vec2::new(30.0, 60.0));
    }

    #[test]
    fn tilted_eyes_rotate_the_crop_so_they_become_level() {
        // Right eye lower on screen than the left one: head tilted clockwise.
        let roi = Roi::face_crop(Vec2::ZERO, Vec2::splat(100.0), Vec2::new(30.0, 40.0), Vec2::new(70.0, 80.0));
        assert!((roi.rotation - std::f32::consts::FRAC_PI_4).abs() < 1e-5, "{}", roi.rotation);
        // The crop's horizontal axis runs along the eye line.
        let a = roi.to_image(Vec2::new(0.25, 0.5));
        let b = roi.to_image(Vec2::new(0.75, 0.5));
        let d = (b - a).normalize();
        assert!((d - Vec2::new(1.0, 1.0).normalize()).length() < 1e-5);
    }

    #[test]
    fn iou_of_identical_and_disjoint_boxes() {
        let a = Roi { center: Vec2::splat(10.0), size: Vec2::splat(4.0), rotation: 0.3 };
        assert!((a.iou(&a) - 1.0).abs() < 1e-6);
        let b = Roi { center: Vec2::splat(100.0), ..a };
        assert_eq!(a.iou(&b), 0.0);
    }
}
