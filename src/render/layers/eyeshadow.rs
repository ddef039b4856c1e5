//! Eyeshadow: 1–3 shades from the lash line up to the brow bone (`shaders/layers/eyeshadow.wgsl`).

use super::{AtlasTexel, LayerParams, LayerSpec, OVER, linear};
use crate::looks::Look;

/// The eyeshadow layer.
pub const SPEC: LayerSpec = LayerSpec {
    name: "eyeshadow",
    source: include_str!("../../../shaders/layers/eyeshadow.wgsl"),
    blend: OVER,
    params,
    paints,
    over_eye_openings: false,
};

fn params(look: &Look) -> Option<LayerParams> {
    let e = look.eyeshadow.as_ref()?;
    let first = *e.colors.first()?;
    let at = |i: usize| linear(*e.colors.get(i).unwrap_or(&first));
    Some(LayerParams {
        colors: [at(0), at(1), at(2)],
        params: [e.opacity, e.colors.len().min(3) as f32, e.shimmer, 0.0],
        extra: [0.0; 4],
    })
}

/// Eyeshadow paints over the lids (`masks[1]` g).
fn paints(t: &AtlasTexel) -> bool {
    t[1][1] > 0
}
