//! WGSL sources, compiled into the binary. WGSL has no includes, so each layer's module is the
//! shared files of `shaders/common/` followed by the layer's own file.

/// Shared WGSL, in the order they are prepended.
pub const COMMON: [(&str, &str); 6] = [
    ("common/srgb.wgsl", include_str!("../../shaders/common/srgb.wgsl")),
    ("common/blend.wgsl", include_str!("../../shaders/common/blend.wgsl")),
    ("common/noise.wgsl", include_str!("../../shaders/common/noise.wgsl")),
    ("common/face_mesh.wgsl", include_str!("../../shaders/common/face_mesh.wgsl")),
    ("common/sculpt.wgsl", include_str!("../../shaders/common/sculpt.wgsl")),
    ("common/lip_finish.wgsl", include_str!("../../shaders/common/lip_finish.wgsl")),
];

/// A layer's complete module: the common files, then the layer's own source.
pub fn compose(layer_source: &str) -> String {
    let mut out = String::new();
    for (name, src) in COMMON {
        out.push_str(&format!("// ---- {name}\n{src}\n"));
    }
    out.push_str(layer_source);
    out
}

/// The mirror window's picture ([`crate::app::mirror_picture`]): not a makeup layer, so it gets
/// only the sRGB helpers.
pub const MIRROR_PICTURE: &str = include_str!("../../shaders/mirror_picture.wgsl");

/// The complete module of [`MIRROR_PICTURE`]: `common/srgb.wgsl`, then the picture's source.
pub fn mirror_picture_module() -> String {
    let (name, srgb) = COMMON[0];
    format!("// ---- {name}\n{srgb}\n{MIRROR_PICTURE}")
}
