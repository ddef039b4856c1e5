//! Lipstick: texture-preserving recolour in six finishes and an optional liner
//! (`shaders/layers/lipstick.wgsl`; the finishes in `shaders/common/lip_finish.wgsl`, shared with
//! the ombré layer).

use super::{AtlasTexel, LayerParams, LayerSpec, OVER, linear};
use crate::looks::{Finish, Look};

/// The lipstick layer.
pub const SPEC: LayerSpec = LayerSpec {
    name: "lipstick",
    source: include_str!("../../../shaders/layers/lipstick.wgsl"),
    blend: OVER,
    params,
    paints,
    over_eye_openings: false,
};

/// Finish number as `shaders/common/lip_finish.wgsl` reads it.
pub fn finish_id(f: Finish) -> f32 {
    match f {
        Finish::Matte => 0.0,
        Finish::Satin => 1.0,
        Finish::Gloss => 2.0,
        Finish::Metallic => 3.0,
        Finish::Shimmer => 4.0,
        Finish::Sheer => 5.0,
    }
}

fn params(look: &Look) -> Option<LayerParams> {
    let l = look.lipstick.as_ref()?;
    let liner = l.liner.map(linear).unwrap_or([0.0; 4]);
    // The ombré layer's inner colour goes over this coat, which leaves it its share.
    let ombre_on = if l.inner.is_some() { 1.0 } else { 0.0 };
    Some(LayerParams {
        colors: [linear(l.color), liner, [0.0; 4]],
        params: [l.opacity, finish_id(l.finish), ombre_on, 0.0],
        extra: [0.0; 4],
    })
}

/// Lipstick paints within the stored range of the outer lip line (`masks[2]` b below 1: the
/// lips and their widest feather) and, as liner, up to 0.75 of the lip line's stored distance
/// (`masks[2]` r; `liner_band` in `shaders/common/lip_finish.wgsl` fades the liner out there).
/// The ombré layer paints where the lipstick does (its coverage is the lipstick's).
pub fn paints(t: &AtlasTexel) -> bool {
    t[2][2] < 255 || t[2][0] < 192
}
