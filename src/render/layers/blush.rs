//! Blush: a powder-like multiply on the cheek apples (`shaders/layers/blush.wgsl`).

use super::{AtlasTexel, LayerParams, LayerSpec, MULTIPLY};
use crate::looks::Look;

/// The blush layer.
pub const SPEC: LayerSpec = LayerSpec {
    name: "blush",
    source: include_str!("../../../shaders/layers/blush.wgsl"),
    blend: MULTIPLY,
    params,
    paints,
    over_eye_openings: false,
};

fn params(look: &Look) -> Option<LayerParams> {
    let b = look.blush.as_ref()?;
    Some(LayerParams::single(b.color, b.opacity, [0.0; 3]))
}

/// Blush paints where its spread (`masks[0]` a) reaches.
fn paints(t: &AtlasTexel) -> bool {
    t[0][3] > 0
}
