//! Contour: a deeper matte powder placed for the face's shape (`shaders/layers/contour.wgsl`).

use super::{LayerParams, LayerSpec, OVER, linear};
use crate::looks::Look;

/// The contour layer.
pub const SPEC: LayerSpec =
    LayerSpec { name: "contour", source: include_str!("../../../shaders/layers/contour.wgsl"), blend: OVER, params };

fn params(look: &Look) -> Option<LayerParams> {
    let c = look.contour.as_ref()?;
    Some(LayerParams {
        colors: [linear(c.color), [0.0; 4], [0.0; 4]],
        params: [c.opacity, 0.0, 0.0, 0.0],
        extra: [0.0; 4],
    })
}
