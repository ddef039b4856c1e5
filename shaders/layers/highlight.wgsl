// Highlight: a luminous powder that adds light where the face's high planes catch it: the tops
// of the cheekbones (stronger on a long face, whose width it shows), the bridge of the nose, the
// centre of the forehead and the chin (stronger on round and square faces, which they lengthen;
// forehead less on a heart face), and the cupid's bow. Brighter where the face's dominant light
// meets those planes. Added to the skin, never on eyes, brows or lips.
// layer.color0 = tint, layer.params = (opacity, -, -, -).

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let shape = shape_weights(info.shape.x);
    let q = face_side(in.uv);
    let cheekbones = soft(segment_distance(q, vec2<f32>(0.12, 0.455), vec2<f32>(0.27, 0.475)), 0.028) * (0.9 + 0.3 * shape.long);
    let bridge = soft(0.5 - q.x, 0.012) * smoothstep(0.33, 0.37, q.y) * (1.0 - smoothstep(0.5, 0.53, q.y));
    let forehead = soft(length((q - vec2<f32>(0.5, 0.2)) * vec2<f32>(1.0, 0.8)), 0.045) * (0.5 + 0.3 * (shape.round + shape.square) - 0.35 * shape.heart - 0.3 * shape.long);
    let chin = soft(length(q - vec2<f32>(0.5, 0.895)), 0.028) * (0.5 + 0.3 * (shape.round + shape.square + shape.heart) - 0.3 * shape.long);
    let bow = soft(length((q - vec2<f32>(0.5, 0.64)) * vec2<f32>(0.6, 1.0)), 0.012) * 0.6;
    let placed = max(max(cheekbones, bridge), max(max(forehead, chin), bow));
    let alpha = placed * region(0, in.uv).g * layer.params.x * info.strength * (1.0 - covered(in.screen_uv));
    if alpha < 0.002 {
        discard;
    }
    let on_skin = alpha * skin_likeness(info, camera_at(in.screen_uv));
    // A sheen: part diffuse glow, part where the light mirrors off the plane into the camera.
    let sheen = 0.35 + 0.65 * specular(info, in.normal, 6.0);
    return vec4<f32>(lit(info, layer.color0.rgb) * sheen * 0.3, on_skin);
}
