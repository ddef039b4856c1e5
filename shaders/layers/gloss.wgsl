// Clear gloss topper: a clear coat has no colour of its own; it adds light. A slight lift over the
// whole lip (the coat's surface reflection) and sharp, wet highlights where the lip itself catches
// the light, added over whatever is below (lipstick or the bare lip).
// layer.params = (opacity, -, -, -).

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let lip = region(0, in.uv).r;
    if lip * info.strength < 0.002 {
        discard;
    }
    let base = camera_at(in.screen_uv);
    let ratio = luma(base) / max(info.lip_luma, 1e-4);
    // The highlight: sharper and brighter than a gloss lipstick's, a wet coat's mirror-like spots.
    let spec = smoothstep(1.25, 1.9, ratio);
    let coat = 0.03 + spec * spec * spec * 0.45;
    return vec4<f32>(vec3<f32>(coat), lip * layer.params.x * info.strength);
}
