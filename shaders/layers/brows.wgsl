// Brows: tint inside the brow region, keeping each hair's light and shade.
// layer.color0 = colour, layer.params.x = opacity.

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let base = camera_at(in.screen_uv);
    // Not on a lock of hair hanging across the brow, told by its colour only where the brows
    // themselves do not look like the hair (brows of the hair's colour are tinted hair and all).
    let brows_are_hair = select(hair_likeness(info, info.brows.rgb), 1.0, info.brows.w <= 0.0);
    let lock = hair_likeness(info, base) * (1.0 - brows_are_hair);
    let shown = (1.0 - covered(in.screen_uv)) * (1.0 - lock);
    let alpha = region(0, in.uv).b * layer.params.x * info.strength * shown;
    if alpha < 0.002 {
        discard;
    }
    let ratio = clamp(luma(base) / max(info.skin_luma, 1e-4), 0.2, 1.3);
    return vec4<f32>(min(recolor(lit(info, layer.color0.rgb), ratio), vec3<f32>(1.0)), alpha);
}
