// Foundation: edge-preserving smoothing of the skin plus a coverage tint, inside the face but not
// on eyes, brows or lips. layer.color0 = shade, layer.params = (opacity, smoothing 0-1, -, -).

const TAPS: i32 = 12;

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let mask = region(0, in.uv).g * info.strength * (1.0 - covered(in.screen_uv));
    let smoothing = layer.params.y;
    if mask < 0.002 || (layer.params.x < 0.002 && smoothing < 0.002) {
        discard;
    }
    let base = camera_at(in.screen_uv);
    let base_luma = luma(base);
    // Bilateral filter: a ring of taps weighted by how close their brightness is to ours, so
    // pores and blemishes blur but the edges of nose, jaw and lips do not.
    let radius = info.iod_px * 0.06 * smoothing / frame.size;
    var sum = base;
    var weight = 1.0;
    for (var i = 0; i < TAPS; i = i + 1) {
        let a = f32(i) * 6.2831853 / f32(TAPS);
        let ring = select(1.0, 0.5, (i & 1) == 1);
        let c = camera_at(in.screen_uv + vec2<f32>(cos(a), sin(a)) * radius * ring);
        let dl = (luma(c) - base_luma) / max(base_luma * 0.12, 1e-3);
        let w = exp(-0.5 * dl * dl);
        sum = sum + c * w;
        weight = weight + w;
    }
    let smoothed = sum / weight;
    let tint = recolor(lit(info, layer.color0.rgb), clamp(luma(smoothed) / max(info.skin_luma, 1e-4), 0.5, 1.5));
    let made_up = mix(smoothed, tint, layer.params.x * 0.7);
    // Only on skin: not on hair or a sleeve in front of the face.
    return vec4<f32>(min(made_up, vec3<f32>(1.0)), mask * skin_likeness(info, base));
}
