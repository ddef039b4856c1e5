//! Clear gloss topper: a wet clear coat added over whatever the lips wear
//! (`shaders/layers/gloss.wgsl`).

use super::{ADD, AtlasTexel, LayerParams, LayerSpec};
use crate::looks::Look;

/// The gloss topper layer.
pub const SPEC: LayerSpec = LayerSpec {
    name: "gloss",
    source: include_str!("../../../shaders/layers/gloss.wgsl"),
    blend: ADD,
    params,
    paints,
    over_eye_openings: false,
};

fn params(look: &Look) -> Option<LayerParams> {
    let g = look.gloss.as_ref()?;
    Some(LayerParams { colors: [[0.0; 4]; 3], params: [g.opacity, 0.0, 0.0, 0.0], extra: [0.0; 4] })
}

/// Gloss paints within the stored range of the outer lip line (`masks[2]` b below 1).
fn paints(t: &AtlasTexel) -> bool {
    t[2][2] < 255
}
