//! Brows: a tint inside the brow region (`shaders/layers/brows.wgsl`).

use super::{LayerParams, LayerSpec, OVER};
use crate::looks::Look;

/// The brow layer.
pub const SPEC: LayerSpec =
    LayerSpec { name: "brows", source: include_str!("../../../shaders/layers/brows.wgsl"), blend: OVER, params };

fn params(look: &Look) -> Option<LayerParams> {
    let b = look.brows.as_ref()?;
    Some(LayerParams::single(b.color, b.opacity, [0.0; 3]))
}
