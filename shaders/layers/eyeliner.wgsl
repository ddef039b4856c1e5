// Eyeliner along the upper lash line, tapering at the inner corner, with an optional wing past
// the outer corner. layer.color0 = colour, layer.params = (opacity, thickness 0-1, wing 0-1, -).

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let m = region(1, in.uv);
    // Signed distance from the line in units of the stored range (0.12 IOD; negative on the eye's
    // side of it), position along it (0 inner corner, 0.5 outer corner, 1 tip of the longest
    // wing).
    let sd = (m.b - 0.5) * 2.0;
    let d = abs(sd);
    let s = m.a;
    let wing = layer.params.z;
    let width = mix(0.1, 0.4, layer.params.y);
    var taper = smoothstep(0.0, 0.2, s);
    if s > 0.5 {
        let reach = 0.5 * wing;
        taper = select(0.0, 1.0 - (s - 0.5) / max(reach, 1e-4), s - 0.5 < reach);
    }
    let half_width = width * taper;
    // The camera's blur at the eyes in these units (0 when not measured), from pixels by the
    // lid's scale on screen (render/eye_edges.rs: the atlas draws the foot of the lid about four
    // times smaller than the band above it): the inner edge takes the foot's scale, the outer
    // edge the band's (right for a thick liner; a thin one's outer edge lies in the foot and is
    // blurred too much). A liner is blurred by the camera as the lash line under it is.
    let e = info.eye_edges;
    let inner_blur = select(0.0, e.x / max(e.y, 1e-4), e.x > 0.0);
    let outer_blur = select(0.0, e.x / max(e.z, 1e-4), e.x > 0.0);
    // The outer edge fades from 0.6 of the half width to a little past it, blurred (in
    // quadrature, as blurs add) round the same middle; it ends within three quarters of the
    // stored range, which the layer draws (render/layers/eyeliner.rs).
    let middle = 0.8 * half_width + 0.02;
    let own = 0.4 * half_width + 0.04;
    let fade = min(sqrt(own * own + outer_blur * outer_blur), max(2.0 * (0.75 - middle), own));
    let outer = 1.0 - smoothstep(middle - 0.5 * fade, middle + 0.5 * fade, d);
    // The inner edge: along the lash line the liner ends on the line (where the signed distance
    // crosses 0: the eye's side of it, the opening and below, stays bare), fading over the
    // camera's blur, or where none is measured over the eye opening's own feather (face/atlas.rs:
    // EYE_FEATHER 0.008 IOD, in LINER_RANGE 0.12 IOD units). Past the outer corner the wing
    // leaves the opening bare as before (mask 2 g: 1 inside, 0 from its contour out).
    let opening = region(2, in.uv).g;
    let lash_line = 1.0 - smoothstep(0.42, 0.5, s);
    let inner_fade = clamp(inner_blur, 0.008 / 0.12, 0.9);
    let inner = mix(1.0 - opening, smoothstep(-0.5 * inner_fade, 0.5 * inner_fade, sd), lash_line);
    // Nothing past the line's ends (taper 0): there the side of the line, and with it the
    // stored distance's sign, turns over, which the atlas's filtering would read as the line.
    let present = smoothstep(0.0, 0.1, taper);
    let alpha = outer * inner * present * layer.params.x * info.strength * (1.0 - covered(in.screen_uv));
    if alpha < 0.002 {
        discard;
    }
    let base = camera_at(in.screen_uv);
    let ratio = clamp(luma(base) / max(info.skin_luma, 1e-4), 0.6, 1.2);
    return vec4<f32>(recolor(lit(info, layer.color0.rgb), ratio), alpha);
}
