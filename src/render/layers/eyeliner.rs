//! Eyeliner: along the upper lash line with thickness and wing (`shaders/layers/eyeliner.wgsl`).

use super::{AtlasTexel, LayerParams, LayerSpec, OVER};
use crate::looks::Look;

/// The eyeliner layer.
pub const SPEC: LayerSpec = LayerSpec {
    name: "eyeliner",
    source: include_str!("../../../shaders/layers/eyeliner.wgsl"),
    blend: OVER,
    params,
    paints,
};

fn params(look: &Look) -> Option<LayerParams> {
    let e = look.eyeliner.as_ref()?;
    Some(LayerParams::single(e.color, e.opacity, [e.thickness, e.wing, 0.0]))
}

/// Eyeliner paints near the lash line and wing (`masks[1]` b, the distance in its stored range):
/// the widest liner (thickness 1) fades out 0.44 of the range from the line
/// (`shaders/layers/eyeliner.wgsl`: half width 0.4, plus 0.04), so half the range is enough.
fn paints(t: &AtlasTexel) -> bool {
    t[1][2] < 128
}
