//! Face topology shared by tracking and rendering.

pub mod mesh;

pub use mesh::CanonicalMesh;
