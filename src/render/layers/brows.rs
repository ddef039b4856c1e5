//! Brows: a tint inside the brow region (`shaders/layers/brows.wgsl`).

use super::{AtlasTexel, LayerParams, LayerSpec, OVER};
use crate::looks::Look;

/// The brow layer.
pub const SPEC: LayerSpec = LayerSpec {
    name: "brows",
    source: include_str!("../../../shaders/layers/brows.wgsl"),
    blend: OVER,
    params,
    paints,
    over_eye_openings: false,
};

fn params(look: &Look) -> Option<LayerParams> {
    let b = look.brows.as_ref()?;
    Some(LayerParams::single(b.color, b.opacity, [0.0; 3]))
}

/// Brows paint over the brows (`masks[0]` b).
fn paints(t: &AtlasTexel) -> bool {
    t[0][2] > 0
}
