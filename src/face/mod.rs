//! Face topology shared by tracking and rendering: the canonical mesh, named contours, and the
//! region masks makeup layers read in face-UV space.

pub mod atlas;
pub mod mesh;
pub mod regions;

pub use mesh::CanonicalMesh;
