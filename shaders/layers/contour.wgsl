// Contour: a matte powder a few shades deeper than the skin, placed for the face's shape: under
// the cheekbones (steeper on a round face, flatter on a long one), at the temples (more on heart
// and long faces), along the jaw (more on square and round faces), down the sides of the nose,
// and at hairline and chin on a long face. Soft-edged, never on eyes, brows or lips.
// layer.color0 = shade, layer.params = (opacity, -, -, -).

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let shape = shape_weights(info.shape.x);
    let q = face_side(in.uv);
    let hollow_end = vec2<f32>(0.25, 0.6 + 0.04 * shape.round - 0.03 * shape.long);
    let hollow = soft(segment_distance(q, vec2<f32>(0.02, 0.5), hollow_end), 0.03) * (1.0 - 0.6 * smoothstep(0.12, 0.27, q.x));
    let temples = soft(length(q - vec2<f32>(0.07, 0.22)), 0.05) * (0.35 + 0.45 * shape.heart + 0.35 * shape.long);
    let jaw = soft(segment_distance(q, vec2<f32>(0.09, 0.69), vec2<f32>(0.25, 0.87)), 0.03) * (0.3 + 0.5 * shape.square + 0.35 * shape.round);
    let nose = soft(abs(q.x - 0.45), 0.012) * smoothstep(0.38, 0.42, q.y) * (1.0 - smoothstep(0.5, 0.54, q.y)) * 0.5;
    let ends = shape.long * 0.6 * max(soft(max(q.y - 0.1, 0.0), 0.03) * smoothstep(0.0, 0.1, 0.13 - q.y + 0.05), soft(max(0.95 - q.y, 0.0), 0.025));
    let placed = max(max(hollow, temples), max(max(jaw, nose), ends));
    let alpha = placed * region(0, in.uv).g * layer.params.x * info.strength * 0.85 * (1.0 - covered(in.screen_uv));
    if alpha < 0.002 {
        discard;
    }
    let base = camera_at(in.screen_uv);
    let on_skin = alpha * skin_likeness(info, base);
    let ratio = clamp(luma(base) / max(info.skin_luma, 1e-4), 0.4, 1.4);
    return vec4<f32>(recolor(lit(info, layer.color0.rgb), ratio), on_skin);
}
