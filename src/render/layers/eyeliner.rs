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
    over_eye_openings: true,
};

fn params(look: &Look) -> Option<LayerParams> {
    let e = look.eyeliner.as_ref()?;
    Some(LayerParams::single(e.color, e.opacity, [e.thickness, e.wing, 0.0]))
}

/// Eyeliner paints near the lash line and wing (`masks[1]` b, the signed distance in its stored
/// range, 0.5 on the line, a the place along it): however soft the picture,
/// `shaders/layers/eyeliner.wgsl` ends the liner's outer edges within 0.75 of the range from the
/// line, and along the lash line its inner edge within 0.45 on the eye's side (drawn over the
/// eye opening: the camera's blur spreads a real liner there too).
fn paints(t: &AtlasTexel) -> bool {
    let sd = (f32::from(t[1][2]) / 255.0 - 0.5) * 2.0;
    let on_wing = t[1][3] > 105; // past 0.42 along the line, where the lash line's inner edge hands over to the wing's
    sd < 0.75 && sd > if on_wing { -0.75 } else { -0.45 }
}
