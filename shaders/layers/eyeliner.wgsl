// Eyeliner along the upper lash line, tapering at the inner corner, with an optional wing past
// the outer corner. layer.color0 = colour, layer.params = (opacity, thickness 0-1, wing 0-1, -).

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let m = region(1, in.uv);
    // Distance from the line in units of the stored range (0.12 IOD), position along it
    // (0 inner corner, 0.5 outer corner, 1 tip of the longest wing).
    let d = m.b;
    let s = m.a;
    let wing = layer.params.z;
    let width = mix(0.1, 0.4, layer.params.y);
    var taper = smoothstep(0.0, 0.2, s);
    if s > 0.5 {
        let reach = 0.5 * wing;
        taper = select(0.0, 1.0 - (s - 0.5) / max(reach, 1e-4), s - 0.5 < reach);
    }
    let half_width = width * taper;
    let coverage = 1.0 - smoothstep(half_width * 0.6, half_width + 0.04, d);
    let alpha = coverage * layer.params.x * info.strength * (1.0 - region(2, in.uv).g) * (1.0 - covered(in.screen_uv));
    if alpha < 0.002 {
        discard;
    }
    let base = camera_at(in.screen_uv);
    let ratio = clamp(luma(base) / max(info.skin_luma, 1e-4), 0.6, 1.2);
    return vec4<f32>(recolor(lit(info, layer.color0.rgb), ratio), alpha);
}
