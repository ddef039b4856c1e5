//! Contour: a deeper matte powder placed for the face's shape (`shaders/layers/contour.wgsl`).

use super::{LayerParams, LayerSpec, OVER, on_face};
use crate::looks::Look;

/// The contour layer.
pub const SPEC: LayerSpec = LayerSpec {
    name: "contour",
    source: include_str!("../../../shaders/layers/contour.wgsl"),
    blend: OVER,
    params,
    paints: on_face,
    over_eye_openings: false,
};

fn params(look: &Look) -> Option<LayerParams> {
    let c = look.contour.as_ref()?;
    Some(LayerParams::single(c.color, c.opacity, [0.0; 3]))
}
