// Clear gloss topper: a clear coat has no colour of its own; it adds light. A slight lift over the
// whole lip (the coat's surface reflection) and sharp, wet highlights where the face's dominant
// light mirrors into the camera and where the lip itself catches the light, added over whatever
// is below (lipstick or the bare lip), in the colour of the room's light.
// layer.params = (opacity, -, -, -).

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let lip = lip_coverage(in.uv, in.lip_feather) * (1.0 - covered(in.screen_uv));
    if lip * info.strength < 0.002 {
        discard;
    }
    let base = camera_at(in.screen_uv);
    let ratio = luma(base) / max(info.lip_luma, 1e-4);
    // The highlight: sharper and brighter than a gloss lipstick's, a wet coat's mirror-like spots.
    let own = smoothstep(1.25, 1.9, ratio);
    let mirror = specular(info, in.normal, 120.0);
    let coat = 0.03 + own * own * own * 0.45 + mirror * 0.6;
    return vec4<f32>(info.light.rgb * coat, lip * layer.params.x * info.strength);
}
