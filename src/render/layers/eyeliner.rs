//! Eyeliner: along the upper lash line with thickness and wing (`shaders/layers/eyeliner.wgsl`).

use super::{LayerParams, LayerSpec, OVER};
use crate::looks::Look;

/// The eyeliner layer.
pub const SPEC: LayerSpec =
    LayerSpec { name: "eyeliner", source: include_str!("../../../shaders/layers/eyeliner.wgsl"), blend: OVER, params };

fn params(look: &Look) -> Option<LayerParams> {
    let e = look.eyeliner.as_ref()?;
    Some(LayerParams::single(e.color, e.opacity, [e.thickness, e.wing, 0.0]))
}
