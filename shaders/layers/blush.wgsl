// Blush: a soft gradient on the cheek apples, multiplied into the skin like powder (so the skin's
// texture shows through). Drawn with a multiply blend. layer.color0 = shade, layer.params.x = opacity.

@fragment
fn fs_main(in: MeshOut) -> @location(0) vec4<f32> {
    let info = face_of(in.face);
    let reach = region(0, in.uv).a * layer.params.x * info.strength;
    if reach < 0.002 {
        discard;
    }
    // Only on skin: not on hair or a hand in front of the cheek.
    let amount = reach * skin_likeness(info, camera_at(in.screen_uv)) * (1.0 - covered(in.screen_uv));
    // Normalise the shade so blush changes hue without darkening the cheek much.
    let tint = layer.color0.rgb / max(max3(layer.color0.rgb), 1e-4);
    return vec4<f32>(mix(vec3<f32>(1.0), tint, amount * 0.75), 1.0);
}
