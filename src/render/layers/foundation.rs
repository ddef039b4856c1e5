//! Foundation: edge-preserving smoothing plus a coverage tint (`shaders/layers/foundation.wgsl`).

use super::{LayerParams, LayerSpec, OVER, linear, on_face};
use crate::looks::Look;

/// The foundation layer.
pub const SPEC: LayerSpec = LayerSpec {
    name: "foundation",
    source: include_str!("../../../shaders/layers/foundation.wgsl"),
    blend: OVER,
    params,
    paints: on_face,
    over_eye_openings: false,
};

fn params(look: &Look) -> Option<LayerParams> {
    let f = look.foundation.as_ref()?;
    Some(LayerParams {
        colors: [linear(f.color), [0.0; 4], [0.0; 4]],
        params: [f.opacity, f.smoothing, 0.0, 0.0],
        extra: [0.0; 4],
    })
}
