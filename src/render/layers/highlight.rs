//! Highlight: light added on the face's high planes, placed for its shape
//! (`shaders/layers/highlight.wgsl`).

use super::{ADD, LayerParams, LayerSpec, on_face};
use crate::looks::Look;

/// The highlight layer.
pub const SPEC: LayerSpec = LayerSpec {
    name: "highlight",
    source: include_str!("../../../shaders/layers/highlight.wgsl"),
    blend: ADD,
    params,
    paints: on_face,
    over_eye_openings: false,
};

fn params(look: &Look) -> Option<LayerParams> {
    let h = look.highlight.as_ref()?;
    Some(LayerParams::single(h.color, h.opacity, [0.0; 3]))
}
