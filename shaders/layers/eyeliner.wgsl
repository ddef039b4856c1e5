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
    // The camera's blur at the eyes (pixels; 0 when not measured) and the lid's scale on screen
    // (render/eye_edges.rs: the atlas draws the foot of the lid about four times smaller than
    // the band above it, so a distance from the line is turned into pixels piecewise, by
    // `lid_px`). A liner is blurred by the camera as the lash line under it is. Unmeasured, the
    // fades below are in the stored units as they are.
    let measured = info.eye_edges.x > 0.0;
    let blur = info.eye_edges.x;
    let lid = select(vec4<f32>(0.0, 1.0, 1.0, 1.0), info.eye_edges, measured);
    // A liner is a band blurred by the camera: its coverage is the band's box convolved with the
    // blur, the rise at its near edge less the rise at its far edge (`blurred_rise` in
    // common/face_mesh.wgsl: a Gaussian's cumulative, kept within the room the layer draws), so
    // a liner thinner than the blur comes out fainter as well as wider, as the camera draws it.
    // Distances are pixels on screen (`x`, signed: negative on the eye's side).
    let x = sign(sd) * lid_px(d, lid);
    // The far edge fades from 0.6 of the half width to a little past it, blurred (in
    // quadrature, as blurs add) round the same middle; it ends within three quarters of the
    // stored range, which the layer draws (render/layers/eyeliner.rs).
    let middle = 0.8 * half_width + 0.02;
    let own = 0.4 * half_width + 0.04;
    let middle_px = lid_px(middle, lid);
    let own_px = lid_px(middle + 0.5 * own, lid) - lid_px(middle - 0.5 * own, lid);
    let room_px = 2.0 * (lid_px(0.75, lid) - middle_px);
    let fade = blurred_fade(own_px, blur, room_px);
    // Along the lash line the band runs from the line (where the signed distance crosses 0:
    // the eye's side of it, the opening and below, stays bare) out to the far edge. Its near
    // edge fades across the line over the camera's blur, or where none is measured over the
    // eye opening's own feather (face/atlas.rs: EYE_FEATHER 0.008 IOD, in LINER_RANGE 0.12 IOD
    // units), at most 0.9 units. The layer draws the eye opening too
    // (render/layers/eyeliner.rs), so the eye's half of the fade is drawn.
    let near_fade = clamp(blur, lid_px(0.008 / 0.12, lid), lid_px(0.9, lid));
    let near_edge = blurred_rise(x, near_fade, lid_px(1.0, lid));
    let on_line = max(near_edge - blurred_rise(x - middle_px, fade, 0.5 * room_px), 0.0);
    // Past the outer corner the wing is a band either side of its line, at the wing's own
    // scale on screen (the lid's where not measured), and leaves the opening bare as before
    // (mask 2 g: 1 inside, 0 from its contour out).
    let wing_scale = select(1.0, info.liner_wing.x, measured && info.liner_wing.x > 0.0);
    let wing_room = 2.0 * (0.75 - middle) * wing_scale;
    let wing_fade = blurred_fade(own * wing_scale, blur, wing_room);
    let wing_x = d * wing_scale;
    let wing_middle = middle * wing_scale;
    let opening = region(2, in.uv).g;
    let wing_rise = blurred_rise(wing_x + wing_middle, wing_fade, 0.5 * wing_room)
        - blurred_rise(wing_x - wing_middle, wing_fade, 0.5 * wing_room);
    let on_wing = wing_rise * (1.0 - opening);
    let lash_line = 1.0 - smoothstep(0.42, 0.5, s);
    let coverage = mix(on_wing, on_line, lash_line);
    // Nothing past the line's ends (taper 0): there the side of the line, and with it the
    // stored distance's sign, turns over, which the atlas's filtering would read as the line.
    let present = smoothstep(0.0, 0.1, taper);
    let alpha = coverage * present * layer.params.x * info.strength * (1.0 - covered(in.screen_uv));
    if alpha < 0.002 {
        discard;
    }
    let base = camera_at(in.screen_uv);
    let ratio = clamp(luma(base) / max(info.skin_luma, 1e-4), 0.6, 1.2);
    return vec4<f32>(recolor(lit(info, layer.color0.rgb), ratio), alpha);
}

// Pixels on screen from the lash line to a distance `d` (liner units) from it, on a lid whose
// foot (up to `lid.w` units from the line) spans `lid.y` pixels a unit and whose band above
// spans `lid.z`.
fn lid_px(d: f32, lid: vec4<f32>) -> f32 {
    return lid.y * min(d, lid.w) + lid.z * max(d - lid.w, 0.0);
}

// The fade (pixels) of an edge whose own fade is `own`, blurred by `blur` (in quadrature, as
// blurs add), kept within `room` (twice the way left to where the layer stops drawing) unless
// its own fade needs more.
fn blurred_fade(own: f32, blur: f32, room: f32) -> f32 {
    return min(sqrt(own * own + blur * blur), max(room, own));
}
