//! The makeup renderer: the camera frame with makeup layers drawn through each face's mesh.
//!
//! Long-lived parts (device, pipelines, region masks, mesh indices) are built once in
//! [`Renderer::new`]; per frame only the camera texture, vertex positions and a few uniforms are
//! uploaded (as in rerun's `re_renderer`).

pub mod bindings;
pub mod body_occluders;
pub mod context;
pub mod eye_edges;
pub mod face_memory;
pub mod frame_prep;
pub mod hand_silhouette;
pub mod layers;
pub mod lighting;
pub mod lip_edges;
pub mod lip_feather;
pub mod occluders;
pub mod readback;
pub mod renderer;
pub mod shaders;
pub mod sheet;
pub mod skin_model;
pub mod stats;

pub use context::GpuContext;
pub use renderer::{CameraFrame, FaceDraw, MAX_FACES, RenderViews, Renderer, StoredViews, fill_rgba, rgba_of};

/// What to do when no backend has an adapter, in the platform's words.
#[cfg(windows)]
const NO_GPU_HINT: &str = "Vanity needs a graphics driver with Direct3D 12 or Vulkan: install your GPU maker's \
                           current driver (Windows Update, or the maker's site)";
/// What to do when no backend has an adapter, in the platform's words.
#[cfg(not(windows))]
const NO_GPU_HINT: &str = "without a GPU install Mesa's software Vulkan (Debian: mesa-vulkan-drivers libvulkan1)";

/// Why rendering could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// No GPU adapter on any backend (with the platform's advice: Mesa's lavapipe on Linux).
    #[error("no GPU adapter found ({0}); {hint}", hint = NO_GPU_HINT)]
    NoAdapter(String),
    /// The adapter refused to create a device.
    #[error("the GPU refused to create a device: {0}")]
    NoDevice(String),
    /// Reading the result back failed (device lost).
    #[error("reading the rendered frame back failed: {0}")]
    Readback(String),
    /// One face's region is larger than the GPU can hold in one texture.
    #[error(
        "a face of {width}x{height} pixels is larger than this GPU can draw ({limit} pixels a side); scale the photo down"
    )]
    FaceTooLarge { width: u32, height: u32, limit: u32 },
}
