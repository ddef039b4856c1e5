//! Ombré (two-tone lips): the lipstick's inner colour laid over it towards the mouth, in the
//! lipstick's finish (`shaders/layers/ombre.wgsl`). On when the look's lipstick has an `inner`
//! colour; the lipstick below then leaves the inner colour's share of each pixel to this layer,
//! so the two cover the lips as one coat of the blended colour would.

use super::lipstick::{finish_id, paints};
use super::{LayerParams, LayerSpec, OVER, linear};
use crate::looks::Look;

/// The ombré layer.
pub const SPEC: LayerSpec = LayerSpec {
    name: "ombre",
    source: include_str!("../../../shaders/layers/ombre.wgsl"),
    blend: OVER,
    params,
    paints,
    over_eye_openings: false,
};

fn params(look: &Look) -> Option<LayerParams> {
    let l = look.lipstick.as_ref()?;
    let inner = l.inner?;
    let liner_on = if l.liner.is_some() { 1.0 } else { 0.0 };
    Some(LayerParams {
        colors: [linear(inner), [0.0; 4], [0.0; 4]],
        params: [l.opacity, finish_id(l.finish), liner_on, 0.0],
        extra: [0.0; 4],
    })
}
