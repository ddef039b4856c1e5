//! Brows: a tint inside the brow region (`shaders/layers/brows.wgsl`).

use super::{LayerParams, LayerSpec, OVER, linear};
use crate::looks::Look;

/// The brow layer.
pub const SPEC: LayerSpec =
    LayerSpec { name: "brows", source: include_str!("../../../shaders/layers/brows.wgsl"), blend: OVER, params };

fn params(look: &Look) -> Option<LayerParams> {
    let b = look.brows.as_ref()?;
    Some(LayerParams {
        colors: [linear(b.color), [0.0; 4], [0.0; 4]],
        params: [b.opacity, 0.0, 0.0, 0.0],
        extra: [0.0; 4],
    })
}
